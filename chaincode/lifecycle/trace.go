package lifecycle

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// Trace returns the history of an item, oldest first, a page at a time. For
// a unit, lot part or container it interleaves the events of the containers
// it sat in, for the intervals it sat in them (recursively up the chain);
// those events carry the direct container in Via. For a lot it merges the
// histories of all parts split off it. The bookmark is opaque.
//
// The work of one page is bounded whatever the history's length: the
// sources (the item, and each container interval and lot part it inherits
// events from) are at most maxTraceSources, and each source's stored events
// are read from the bookmark's time onwards, at most a few pages' worth. A
// page ends where the first source stopped reading, so it may be shorter
// than pageSize and still carry a bookmark.
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
	size := int(model.PageSize(pageSize))
	t := &tracer{l: l, after: after, limit: model.PageSize(pageSize)*traceReadFactor + 1}
	if err := t.add(it, span{}, "", 0); err != nil {
		return nil, err
	}
	if it.Class == model.ClassLot {
		if err := t.addParts(it); err != nil {
			return nil, err
		}
	}
	if err := t.readStored(); err != nil {
		return nil, err
	}
	sort.SliceStable(t.events, func(i, j int) bool { return sortKey(t.events[i]) < sortKey(t.events[j]) })

	out := &model.TracePage{Code: it.Code}
	for _, e := range t.events {
		k := sortKey(e)
		if k <= after {
			continue
		}
		if t.stopped && !e.Time.Before(t.frontier) {
			break // a source has more events from here on: the next page reads them
		}
		if len(out.Events) == size {
			out.Bookmark = encodeTraceBookmark(out.Events[size-1])
			return out, nil
		}
		out.Events = append(out.Events, e)
	}
	if t.stopped && len(out.Events) == 0 {
		// More than a read's worth of events at one instant: take what was read, so
		// that paging always moves on.
		for _, e := range t.events {
			if sortKey(e) > after && len(out.Events) < size {
				out.Events = append(out.Events, e)
			}
		}
	}
	if t.stopped && len(out.Events) > 0 {
		out.Bookmark = encodeTraceBookmark(out.Events[len(out.Events)-1])
	}
	return out, nil
}

// Bounds of one Trace page (docs/design.md, "Cost of each transaction").
const (
	// maxTraceSources bounds the item, container intervals and lot parts whose
	// events one trace merges.
	maxTraceSources = 1000
	// traceReadFactor is how many pages' worth of stored events one page reads
	// from each source at most.
	traceReadFactor = 4
)

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
	l       *Ledger
	after   string // sort key of the last event of the previous page
	limit   int32  // stored events read per source
	events  []model.TraceEvent
	sources []source
	parts   bool // adding the parts of a traced lot, whose batch recall the lot already shows

	stopped  bool      // some source has stored events past what was read
	frontier time.Time // the earliest time at which a source stopped reading
}

// source is a subject whose stored events, within a span, belong to the
// trace; via is empty for the traced item and names the direct container
// for inherited events.
type source struct {
	subject string
	span    span
	via     string
}

// add collects the events of it within s: those derived from its record now,
// its stored events as a source that readStored reads. via is empty for the
// traced item and names the direct container for inherited events; inherited
// events leave out the container's creation, recalls and the aggregation
// events of its other children.
func (t *tracer) add(it *model.Item, s span, via string, depth int) error {
	if depth > maxChainDepth {
		return model.SubjectErrorf(model.CodeBadState, it.Code, "container nesting deeper than %d", maxChainDepth)
	}
	if len(t.sources) >= maxTraceSources {
		return model.SubjectErrorf(model.CodeBadState, it.Code, "the history merges more than %d items and container intervals", maxTraceSources)
	}
	t.sources = append(t.sources, source{subject: it.Code, span: s, via: via})
	inherited := via != ""
	if !inherited && s.contains(it.CommissionedAt) {
		t.events = append(t.events, creationEvent(it))
	}
	if !inherited {
		if err := t.addRecalls(it); err != nil {
			return err
		}
	}
	for _, p := range it.Packings {
		if s.contains(p.PackedAt) {
			t.events = append(t.events, packingEvent(it.Code, p, false, via))
		}
		if p.UnpackedTx != "" && s.contains(p.UnpackedAt) {
			t.events = append(t.events, packingEvent(it.Code, p, true, via))
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

// packingEvent derives the packing (or unpacking) event of code from one of
// its packing intervals.
func packingEvent(code string, p model.Packing, unpacked bool, via string) model.TraceEvent {
	if unpacked {
		return withAnchor(model.TraceEvent{
			Subject: code, Type: model.EventUnpacked, BizStep: model.BizStepUnpacking, Disposition: model.DispositionActive,
			Time: p.UnpackedAt, TxID: p.UnpackedTx, Actor: p.UnpackedBy, Parent: p.Container, Via: via,
		}, p.Unpacked)
	}
	return withAnchor(model.TraceEvent{
		Subject: code, Type: model.EventPacked, BizStep: model.BizStepPacking, Disposition: model.DispositionActive,
		Time: p.PackedAt, TxID: p.PackedTx, Actor: p.PackedBy, Parent: p.Container, Via: via,
	}, p.Packed)
}

// recallEvent derives a recall event. A unit-list recall is recorded on the
// item; a batch recall on the batch, so its subject is the batch's LGTIN.
func recallEvent(subject string, r *model.Recall, at time.Time, a model.Anchor) model.TraceEvent {
	return withAnchor(model.TraceEvent{
		Subject: subject, Type: model.EventRecalled, Disposition: model.DispositionRecalled,
		Time: at, TxID: r.ID, Actor: r.IssuedBy, RecallID: r.ID,
	}, a)
}

// creationEvent derives the commissioning (or, for a lot part, the split)
// event from the record.
func creationEvent(it *model.Item) model.TraceEvent {
	e := withAnchor(model.TraceEvent{
		Subject: it.Code, Type: model.EventCommissioned, BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive,
		Time: it.CommissionedAt, TxID: it.CommissionTx, Actor: it.Manufacturer,
	}, it.CommissionEvent)
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

// readStored reads the stored events of every source from the later of its
// span's start and the previous page's last event, at most t.limit each.
// Stored event keys sort by time (event~{subject}~{time}~{txID}), so a scan
// can start at a time: the bookmark of a paginated scan is the key it starts
// from.
func (t *tracer) readStored() error {
	afterTime := traceBookmarkTime(t.after)
	for _, src := range t.sources {
		from := src.span.from
		if afterTime.After(from) {
			from = afterTime
		}
		startKey := ""
		if !from.IsZero() {
			k, err := t.l.key(eventKey, src.subject, from.UTC().Format(timeLayout))
			if err != nil {
				return err
			}
			startKey = k
		}
		page, err := t.l.store.ScanPage(eventKey, []string{src.subject}, t.limit, startKey)
		if err != nil {
			return model.Errorf(model.CodeInvalidArgument, "reading the history of %s: %v", src.subject, err)
		}
		var last time.Time
		past := false
		for _, kv := range page.Entries {
			var e model.TraceEvent
			if err := json.Unmarshal(kv.Value, &e); err != nil {
				return fmt.Errorf("decoding event %q: %w", kv.Key, err)
			}
			last = e.Time
			if !src.span.contains(e.Time) {
				if !src.span.to.IsZero() && e.Time.After(src.span.to) {
					past = true
					break
				}
				continue
			}
			if src.via != "" && (e.BizStep == model.BizStepPacking || e.BizStep == model.BizStepUnpacking) {
				continue
			}
			e.Via = src.via
			t.events = append(t.events, e)
		}
		if page.Bookmark != "" && !past && (!t.stopped || last.Before(t.frontier)) {
			t.stopped, t.frontier = true, last
		}
	}
	return nil
}

// addRecalls derives recall events from the item's recall mark and its
// batch's recall marker.
func (t *tracer) addRecalls(it *model.Item) error {
	if it.RecallID != "" {
		r, err := t.l.recallByID(it.RecallID)
		if err != nil {
			return err
		}
		if r == nil {
			r = &model.Recall{ID: it.RecallID}
		}
		t.events = append(t.events, recallEvent(it.Code, r, it.RecalledAt, it.RecallEvent))
	}
	if it.GTIN != "" && it.Batch != "" && !t.parts {
		r, err := t.l.batchRecall(it.GTIN, it.Batch)
		if err != nil {
			return err
		}
		if r != nil {
			lot, err := identifier.LGTIN(r.GTIN, r.Batch)
			if err != nil {
				return fmt.Errorf("batch recall %s: %w", r.ID, err)
			}
			t.events = append(t.events, recallEvent(lot.Canonical, r, r.IssuedAt, model.Anchor{EventID: r.EventID}))
		}
	}
	return nil
}

// addParts adds the histories of every part split off a lot.
func (t *tracer) addParts(lot *model.Item) error {
	var codes []string
	err := t.l.store.Scan(lotPartKey, []string{lot.Code}, func(kv state.KV) error {
		// Stop the scan at the bound add would refuse anyway: a holder can
		// split a lot into many thousands of parts, and reading them all
		// before refusing would make every Trace of the lot as costly.
		if len(t.sources)+len(codes) >= maxTraceSources {
			return model.SubjectErrorf(model.CodeBadState, lot.Code, "the history merges more than %d items and container intervals", maxTraceSources)
		}
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

// sortKey orders events by time, then transaction, then the captured event
// that caused them, then unpacking before anything else in the same
// transaction (a sale unpacks, then sells).
func sortKey(e model.TraceEvent) string {
	rank := "1"
	if e.BizStep == model.BizStepUnpacking {
		rank = "0"
	}
	return strings.Join([]string{e.Time.UTC().Format(timeLayout), e.TxID, fmt.Sprintf("%04d", e.Seq), rank, e.Subject, e.Type, e.Via}, "\x00")
}

func encodeTraceBookmark(e model.TraceEvent) string {
	return base64.RawURLEncoding.EncodeToString([]byte(sortKey(e)))
}

// traceBookmarkTime is the time of the event a bookmark's sort key names.
func traceBookmarkTime(after string) time.Time {
	ts, _, _ := strings.Cut(after, "\x00")
	t, err := time.Parse(timeLayout, ts)
	if err != nil {
		return time.Time{}
	}
	return t
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
