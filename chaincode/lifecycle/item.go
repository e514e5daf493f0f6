package lifecycle

import (
	"github.com/tracechain/tracechain/chaincode/model"
)

// GetItem returns an item's record with the state derived through its
// container chain and any recall that applies.
func (l *Ledger) GetItem(code string) (*model.ItemStatus, error) {
	if _, err := l.reg.Caller(); err != nil {
		return nil, err
	}
	r, err := parseCode(code, "code")
	if err != nil {
		return nil, err
	}
	it, err := l.mustItem(r.code, "code")
	if err != nil {
		return nil, err
	}
	v, err := l.chain(it)
	if err != nil {
		return nil, err
	}
	if v, err = l.withRecall(v); err != nil {
		return nil, err
	}
	holder, err := l.reg.Party(v.holder())
	if err != nil {
		return nil, err
	}
	st := &model.ItemStatus{
		Item: *it, Holder: holder, Disposition: v.disposition(), Destination: v.destination(),
		Containers: v.containers(), TopContainer: v.topContainer(), LastEventAt: v.lastChange(),
	}
	if v.recall != nil {
		st.Recalled, st.RecallID = true, v.recall.ID
	}
	return st, nil
}

// GetContents pages through the direct children of a container.
func (l *Ledger) GetContents(container string, pageSize int32, bookmark string) (*model.ContentsPage, error) {
	if _, err := l.reg.Caller(); err != nil {
		return nil, err
	}
	r, err := parseCode(container, "container")
	if err != nil {
		return nil, err
	}
	c, err := l.mustItem(r.code, "container")
	if err != nil {
		return nil, err
	}
	if c.Class != model.ClassContainer {
		return nil, model.SubjectErrorf(model.CodeBadState, c.Code, "%s is a %s, not a container", c.Code, c.Class)
	}
	page, err := l.store.ScanPage(containsKey, []string{c.Code}, model.PageSize(pageSize), bookmark)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalidArgument, "reading contents: %v", err)
	}
	out := &model.ContentsPage{Container: c.Code, Bookmark: page.Bookmark}
	for _, kv := range page.Entries {
		_, attrs, err := l.store.SplitKey(kv.Key)
		if err != nil || len(attrs) != 2 {
			return nil, model.Errorf(model.CodeInternal, "malformed contains key")
		}
		out.Children = append(out.Children, attrs[1])
	}
	return out, nil
}
