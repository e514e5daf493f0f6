package lifecycle

import (
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
)

// view is an item with its container chain: the state that applies to it.
type view struct {
	item   *model.Item
	chain  []*model.Item // ancestors, innermost first
	recall *model.Recall // recall that applies, if any (filled by withRecall)
}

// top is the outermost record, whose holder and disposition apply to all.
func (v view) top() *model.Item {
	if len(v.chain) == 0 {
		return v.item
	}
	return v.chain[len(v.chain)-1]
}

func (v view) holder() string                 { return v.top().Holder }
func (v view) disposition() model.Disposition { return v.top().Disposition }
func (v view) destination() string            { return v.top().Destination }

// topContainer returns the outermost container, "" when not packed.
func (v view) topContainer() string {
	if len(v.chain) == 0 {
		return ""
	}
	return v.top().Code
}

// containers lists the chain's codes, innermost first.
func (v view) containers() []string {
	var out []string
	for _, c := range v.chain {
		out = append(out, c.Code)
	}
	return out
}

// lastChange is the latest change to the item or any container above it.
func (v view) lastChange() time.Time {
	t := v.item.LastChange()
	for _, c := range v.chain {
		if c.LastChange().After(t) {
			t = c.LastChange()
		}
	}
	return t
}

// chain walks up the parent pointers of it: one read per level.
func (l *Ledger) chain(it *model.Item) (view, error) {
	v := view{item: it}
	seen := map[string]bool{it.Code: true}
	for cur := it; cur.Parent != ""; {
		if len(v.chain) >= maxChainDepth || seen[cur.Parent] {
			return v, model.SubjectErrorf(model.CodeBadState, it.Code, "container chain of %s is broken at %s", it.Code, cur.Parent)
		}
		p, err := l.item(cur.Parent)
		if err != nil {
			return v, err
		}
		if p == nil {
			return v, model.SubjectErrorf(model.CodeBadState, it.Code, "container %s of %s is missing", cur.Parent, cur.Code)
		}
		seen[p.Code] = true
		v.chain = append(v.chain, p)
		cur = p
	}
	return v, nil
}

// withRecall finds the recall that applies to the item: a unit-list recall
// naming it, else a batch recall of its GTIN and batch (one read).
func (l *Ledger) withRecall(v view) (view, error) {
	it := v.item
	if it.RecallID != "" {
		r, err := l.recallByID(it.RecallID)
		if err != nil {
			return v, err
		}
		if r == nil { // the record is written with the mark; keep the mark's meaning anyway
			r = &model.Recall{ID: it.RecallID, IssuedAt: it.RecalledAt}
		}
		v.recall = r
		return v, nil
	}
	if it.GTIN == "" || it.Batch == "" {
		return v, nil
	}
	r, err := l.batchRecall(it.GTIN, it.Batch)
	if err != nil {
		return v, err
	}
	v.recall = r
	return v, nil
}

// movable checks that a top-level item can be acted on by its holder: not
// packed, held by msp and active (ALREADY_SOLD once sold). what names the
// item in messages.
func movable(it *model.Item, msp, what string) error {
	if it.Parent != "" {
		return model.SubjectErrorf(model.CodeBadState, it.Code, "%s is packed in %s: move the container or unpack it first", what, it.Parent)
	}
	if it.Holder != msp {
		return model.SubjectErrorf(model.CodeNotHolder, it.Code, "%s is held by %s", what, it.Holder)
	}
	if it.Disposition == model.DispositionRetailSold {
		return model.SubjectErrorf(model.CodeAlreadySold, it.Code, "%s was sold to an end customer", what)
	}
	if it.Disposition != model.DispositionActive {
		return model.SubjectErrorf(model.CodeBadState, it.Code, "%s is %s", what, it.Disposition)
	}
	if it.Class == model.ClassLotPart && it.Quantity == 0 {
		return model.SubjectErrorf(model.CodeBadState, it.Code, "%s is empty: its whole quantity was split off", what)
	}
	return nil
}
