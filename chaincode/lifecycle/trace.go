package lifecycle

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// Trace returns the history of an item, oldest first, a page at a time. For
// a unit, lot part or container it interleaves the events of the containers
// it sat in, for the intervals it sat in them (recursively up the chain);
// those events carry the direct container in Via. For a lot it merges the
// histories of all parts split off it. The bookmark is opaque.
func (l *Ledger) Trace(input string, pageSize int32, bookmark string) (*model.TracePage, error) {
	if _, err := l.reg.Caller(); err != nil {
		return nil, err
	}
	r, err := parseCode(input, "code")
	if err != nil {
		return nil, err
	}
	it, err := l.mustItem(r.code, "code")
	if err != nil {
		return nil, err
	}
	after, err := decodeTraceBookmark(bookmark)
	if err != nil {
		return nil, err
	}
	t := &tracer{l: l}
	if err := t.add(it, span{}, "", 0); err != nil {
		return nil, err
	}
	if it.Class == model.ClassLot {
		if err := t.addParts(it); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(t.events, func(i, j int) bool { return sortKey(t.events[i]) < sortKey(t.events[j]) })

	out := &model.TracePage{Code: it.Code}
	size := int(model.PageSize(pageSize))
	for _, e := range t.events {
		if after != "" && sortKey(e) <= after {
			continue
		}
		if len(out.Events) == size {
			out.Bookmark = base64.RawURLEncoding.EncodeToString([]byte(sortKey(out.Events[size-1])))
			break
		}
		out.Events = append(out.Events, e)
	}
	return out, nil
}

// span is a closed time interval; a zero bound is open.
type span struct{ from, to time.Time }

func (s span) contains(t time.Time) bool {
	return (s.from.IsZero() || !t.Before(s.from)) && (s.to.IsZero() || !t.After(s.to))
}

// intersect returns s ∩ [from, to] and whether it is non-empty.
func (s span) intersect(from, to time.Time) (span, bool) {
	out := s
	if out.from.IsZero() || from.After(out.from) {
		out.from = from
	}
	if !to.IsZero() && (out.to.IsZero() || to.Before(out.to)) {
		out.to = to
	}
	return out, out.to.IsZero() || !out.to.Before(out.from)
}

// tracer collects events of an item and of the containers it sat in.
type tracer struct {
	l      *Ledger
	events []model.TraceEvent
	parts  bool // adding the parts of a traced lot, whose batch recall the lot already shows
}

// add collects the events of it within s. via is empty for the traced item
// and names the direct container for inherited container events; inherited
// events leave out the container's creation, recalls and the aggregation
// events of its other children.
func (t *tracer) add(it *model.Item, s span, via string, depth int) error {
	if depth > maxChainDepth {
		return model.SubjectErrorf(model.CodeBadState, it.Code, "container nesting deeper than %d", maxChainDepth)
	}
	inherited := via != ""
	if !inherited && s.contains(it.CommissionedAt) {
		t.events = append(t.events, creationEvent(it))
	}
	if err := t.addStored(it.Code, s, via); err != nil {
		return err
	}
	if !inherited {
		if err := t.addRecalls(it); err != nil {
			return err
		}
	}
	for _, p := range it.Packings {
		if s.contains(p.PackedAt) {
			t.events = append(t.events, model.TraceEvent{
				Subject: it.Code, Type: model.EventPacked, BizStep: model.BizStepPacking, Disposition: model.DispositionActive,
				Time: p.PackedAt, TxID: p.PackedTx, Actor: p.PackedBy, Parent: p.Container, Via: via,
			})
		}
		if p.UnpackedTx != "" && s.contains(p.UnpackedAt) {
			t.events = append(t.events, model.TraceEvent{
				Subject: it.Code, Type: model.EventUnpacked, BizStep: model.BizStepUnpacking, Disposition: model.DispositionActive,
				Time: p.UnpackedAt, TxID: p.UnpackedTx, Actor: p.UnpackedBy, Parent: p.Container, Via: via,
			})
		}
		inside, ok := s.intersect(p.PackedAt, p.UnpackedAt)
		if !ok {
			continue
		}
		c, err := t.l.item(p.Container)
		if err != nil {
			return err
		}
		if c == nil {
			continue
		}
		cvia := via
		if cvia == "" {
			cvia = c.Code
		}
		if err := t.add(c, inside, cvia, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// creationEvent derives the commissioning (or, for a lot part, the split)
// event from the record.
func creationEvent(it *model.Item) model.TraceEvent {
	e := model.TraceEvent{
		Subject: it.Code, Type: model.EventCommissioned, BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive,
		Time: it.CommissionedAt, TxID: it.CommissionTx, Actor: it.Manufacturer,
	}
	switch it.Class {
	case model.ClassLot:
		e.Type, e.Quantity = model.EventLotCommissioned, it.InitialQuantity
	case model.ClassLotPart:
		e.Type, e.BizStep, e.From, e.Actor, e.Quantity = model.EventLotSplit, model.BizStepPicking, it.SplitFrom, "", it.InitialQuantity
	case model.ClassContainer:
		e.Actor = ""
	}
	return e
}

// addStored adds the stored events of subject within s.
func (t *tracer) addStored(subject string, s span, via string) error {
	return t.l.store.Scan(eventKey, []string{subject}, func(kv state.KV) error {
		var e model.TraceEvent
		if err := json.Unmarshal(kv.Value, &e); err != nil {
			return fmt.Errorf("decoding event %q: %w", kv.Key, err)
		}
		if !s.contains(e.Time) {
			return nil
		}
		if via != "" && (e.BizStep == model.BizStepPacking || e.BizStep == model.BizStepUnpacking) {
			return nil
		}
		e.Via = via
		t.events = append(t.events, e)
		return nil
	})
}

// addRecalls derives recall events from the item's recall mark and its
// batch's recall marker.
func (t *tracer) addRecalls(it *model.Item) error {
	var recalls []*model.Recall
	if it.RecallID != "" {
		r, err := t.l.recallByID(it.RecallID)
		if err != nil {
			return err
		}
		if r == nil {
			r = &model.Recall{ID: it.RecallID}
		}
		r.IssuedAt = it.RecalledAt
		recalls = append(recalls, r)
	}
	if it.GTIN != "" && it.Batch != "" && !t.parts {
		r, err := t.l.batchRecall(it.GTIN, it.Batch)
		if err != nil {
			return err
		}
		if r != nil {
			recalls = append(recalls, r)
		}
	}
	for _, r := range recalls {
		t.events = append(t.events, model.TraceEvent{
			Subject: it.Code, Type: model.EventRecalled, BizStep: model.BizStepRecalling,
			Time: r.IssuedAt, TxID: r.ID, Actor: r.IssuedBy, RecallID: r.ID,
		})
	}
	return nil
}

// addParts adds the histories of every part split off a lot.
func (t *tracer) addParts(lot *model.Item) error {
	var codes []string
	err := t.l.store.Scan(lotPartKey, []string{lot.Code}, func(kv state.KV) error {
		_, attrs, err := t.l.store.SplitKey(kv.Key)
		if err != nil || len(attrs) != 2 {
			return fmt.Errorf("malformed lot part key %q", kv.Key)
		}
		codes = append(codes, attrs[1])
		return nil
	})
	if err != nil {
		return err
	}
	if err := t.l.load(codes...); err != nil {
		return err
	}
	t.parts = true
	defer func() { t.parts = false }()
	for _, code := range codes {
		if part := t.l.items[code]; part != nil {
			if err := t.add(part, span{}, "", 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// sortKey orders events by time, then transaction, then unpacking before
// anything else in the same transaction (a sale unpacks, then sells).
func sortKey(e model.TraceEvent) string {
	rank := "1"
	if e.BizStep == model.BizStepUnpacking {
		rank = "0"
	}
	return strings.Join([]string{e.Time.UTC().Format(timeLayout), e.TxID, rank, e.Subject, e.Type, e.Via}, "\x00")
}

func decodeTraceBookmark(b string) (string, error) {
	if b == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(b)
	if err != nil {
		return "", model.Errorf(model.CodeInvalidArgument, "invalid bookmark")
	}
	return string(raw), nil
}
