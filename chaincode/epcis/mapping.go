package epcis

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
)

// The @context of an exported document: the EPCIS 2.0 standard context and
// the tracechain namespace of the user extensions the mapping adds.
const (
	StandardContextURL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
	// TracechainPrefix and TracechainNamespace declare the user extensions
	// tracechain:txId, tracechain:recallId, tracechain:subject,
	// tracechain:splitFrom and tracechain:childCount.
	TracechainPrefix    = "tracechain"
	TracechainNamespace = "https://ns.tracechain.example/epcis/"
	// PartyURIBase identifies a member that has no party GLN by its MSP ID:
	// PartyURIBase + mspID, e.g.
	// https://id.tracechain.example/party/ManufacturerAMSP.
	PartyURIBase = "https://id.tracechain.example/party/"
	// PartyGLNURIBase and LocationGLNURIBase + a GLN are the Digital Links
	// of a party (AI 417) and of a location (AI 414).
	PartyGLNURIBase    = "https://id.gs1.org/417/"
	LocationGLNURIBase = "https://id.gs1.org/414/"
	// ExportTimeZoneOffset is the eventTimeZoneOffset of every exported
	// event: the ledger stores instants, not the zone they were recorded in.
	ExportTimeZoneOffset = "+00:00"
)

// PartyResolver returns the URI identifying a member (owning_party and
// possessing_party of sourceList and destinationList) from its MSP ID.
type PartyResolver func(mspID string) string

// PartyURI is the default PartyResolver: PartyURIBase + mspID.
func PartyURI(mspID string) string { return PartyURIBase + mspID }

// MapOptions configure FromTrace.
type MapOptions struct {
	Parties      PartyResolver // nil: PartyURI
	CreationDate time.Time     // the document's creationDate; passed in so the output is deterministic
}

// notExported are ledger trace events with no EPCIS counterpart in the
// goods' life: alerts and their decisions are the ledger's own bookkeeping,
// and a purge removes private sale data.
var notExported = map[string]bool{
	model.EventCloneAlert:   true,
	model.EventAlertDecided: true,
	model.EventSalePurged:   true,
}

// ExportContext returns the @context of exported documents.
func ExportContext() json.RawMessage {
	b, _ := json.Marshal([]any{StandardContextURL, map[string]string{TracechainPrefix: TracechainNamespace}})
	return b
}

// FromTrace maps the trace of the item code (as returned by the chaincode's
// Trace, oldest first) to one EPCISDocument. Each event's eventID is the CBV
// 2.0 event hash of the event as rendered, user extensions included; for an
// event written with its eventID (model.TraceEvent.EventID) that is the
// same value, and a mismatch is an error. Events with no EPCIS counterpart
// (CloneAlert, AlertDecided, SalePurged) are left out; an event type or
// disposition the mapping does not know is an error. The result depends only
// on the arguments. docs/epcis.md, "Mapping", describes every rule.
func FromTrace(code string, events []model.TraceEvent, opts MapOptions) (*Document, error) {
	parties := opts.Parties
	if parties == nil {
		parties = PartyURI
	}
	doc := &Document{
		Context:       ExportContext(),
		Type:          "EPCISDocument",
		SchemaVersion: "2.0",
		CreationDate:  formatTime(opts.CreationDate),
		Body:          Body{EventList: []Event{}},
	}
	for i, te := range events {
		if notExported[te.Type] {
			continue
		}
		ev, err := renderEvent(te, parties)
		if err != nil {
			return nil, fmt.Errorf("trace of %s, event %d (%s): %w", code, i, te.Type, err)
		}
		if te.EventID != "" && !te.Captured && te.EventID != ev.EventID {
			return nil, fmt.Errorf("trace of %s, event %d (%s): the ledger's eventID %s is not the hash %s of its rendering",
				code, i, te.Type, te.EventID, ev.EventID)
		}
		doc.Body.EventList = append(doc.Body.EventList, ev)
	}
	return doc, nil
}

// TraceEventID returns the eventID of a ledger event as the chaincode stores
// it: the CBV 2.0 hash of the event as FromTrace renders it. Parties not
// fixed in the event (FromParty, ToParty) are named by PartyURI. Event types
// that are not exported have no eventID: "" and no error.
func TraceEventID(te model.TraceEvent) (string, error) {
	if notExported[te.Type] {
		return "", nil
	}
	ev, err := renderEvent(te, PartyURI)
	if err != nil {
		return "", err
	}
	return ev.EventID, nil
}

// exportContext is ExportContext parsed, once: the chaincode hashes every
// event it writes against it.
var exportContext = func() *Context {
	c, err := ParseContext(ExportContext())
	if err != nil {
		panic(err)
	}
	return c
}()

// renderEvent maps one trace event and sets its eventID.
func renderEvent(te model.TraceEvent, parties PartyResolver) (Event, error) {
	ev, err := mapEvent(te, parties)
	if err != nil {
		return Event{}, err
	}
	if ev.EventID, err = ev.renderedHash(); err != nil {
		return Event{}, err
	}
	return ev, nil
}

// formatTime writes t in UTC with millisecond precision, the form the event
// hash normalises timestamps to.
func formatTime(t time.Time) string {
	return t.UTC().Round(time.Millisecond).Format("2006-01-02T15:04:05.000Z")
}

// subject says how a ledger code appears in an EPCIS event: a unit or
// container is an instance (epcList, parentID, childEPCs); a lot or lot part
// is a quantity of its LGTIN class (quantityList, childQuantityList).
type subject struct {
	epc   string           // instance identifier, or ""
	class *QuantityElement // class-level identifier, or nil
	part  string           // a lot part's own code (the tracechain:subject extension)
}

func subjectOf(code string, qty int64) subject {
	lot, part := code, ""
	if i := strings.Index(code, model.PartSeparator); i >= 0 {
		lot, part = code[:i], code
	}
	if part != "" || isLGTIN(lot) {
		q := &QuantityElement{EPCClass: lot}
		if qty > 0 {
			n := json.Number(strconv.FormatInt(qty, 10))
			q.Quantity = &n
		}
		return subject{class: q, part: part}
	}
	return subject{epc: code}
}

// isLGTIN reports whether a canonical ledger code is a GTIN + batch Digital
// Link (https://id.gs1.org/01/{gtin}/10/{batch}).
func isLGTIN(code string) bool {
	rest, ok := strings.CutPrefix(code, "https://id.gs1.org/01/")
	if !ok {
		return false
	}
	seg := strings.Split(rest, "/")
	return len(seg) == 3 && seg[1] == "10"
}

func ext(v string) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// mapEvent renders one trace event, without its eventID.
func mapEvent(te model.TraceEvent, parties PartyResolver) (Event, error) {
	ev := Event{
		Type:                "ObjectEvent",
		EventTime:           formatTime(te.Time),
		EventTimeZoneOffset: ExportTimeZoneOffset,
		Extensions:          map[string]json.RawMessage{},
	}
	if te.Type == model.EventRecalled {
		// Recall events are derived from the recall record: their TxID is the recall ID.
		if te.RecallID != "" {
			ev.Extensions[TracechainPrefix+":recallId"] = ext(te.RecallID)
		}
	} else if te.TxID != "" {
		ev.Extensions[TracechainPrefix+":txId"] = ext(te.TxID)
	}
	s := subjectOf(te.Subject, te.Quantity)
	if s.part != "" {
		ev.Extensions[TracechainPrefix+":subject"] = ext(s.part)
	}
	object := func() {
		if s.class != nil {
			ev.QuantityList = []QuantityElement{*s.class}
		} else {
			ev.EPCList = []string{s.epc}
		}
	}
	party := func(mspID, fixed string) string {
		if fixed != "" {
			return fixed
		}
		return parties(mspID)
	}
	move := func() {
		if te.From != "" || te.FromParty != "" {
			p := party(te.From, te.FromParty)
			ev.SourceList = []Source{{Type: "owning_party", Source: p}, {Type: "possessing_party", Source: p}}
		}
		if te.To != "" || te.ToParty != "" {
			p := party(te.To, te.ToParty)
			ev.DestinationList = []Destination{{Type: "owning_party", Destination: p}, {Type: "possessing_party", Destination: p}}
		}
		if te.Location != "" {
			ev.ReadPoint = &Location{ID: te.Location}
		}
	}
	if te.Captured && te.EventID != "" {
		// The full captured event lives at the capturing service; this is the
		// ledger's summary of it, pointing to the anchored hash.
		ev.Extensions[TracechainPrefix+":capturedEventId"] = ext(te.EventID)
	}

	switch te.Type {
	case model.EventCommissioned, model.EventLotCommissioned:
		ev.Action, ev.BizStep, ev.Disposition = "ADD", "commissioning", "active"
		object()
		if s.class != nil {
			if _, batch, ok := strings.Cut(strings.TrimPrefix(s.class.EPCClass, "https://id.gs1.org/01/"), "/10/"); ok {
				ev.ILMD = map[string]json.RawMessage{"cbvmda:lotNumber": ext(dlUnescape(batch))}
			}
		}
	case model.EventLotSplit:
		// The part is a quantity of the lot's LGTIN, which exists since the
		// lot's commissioning: picking it creates no new identifier.
		ev.Action, ev.BizStep, ev.Disposition = "OBSERVE", "picking", "active"
		object()
		if te.From != "" {
			ev.Extensions[TracechainPrefix+":splitFrom"] = ext(te.From)
		}
	case model.EventPacked, model.EventUnpacked:
		ev.Type = "AggregationEvent"
		ev.Action, ev.BizStep, ev.Disposition = "ADD", "packing", "active"
		if te.Type == model.EventUnpacked {
			ev.Action, ev.BizStep = "DELETE", "unpacking"
		}
		if te.Parent != "" {
			// Recorded on the child: parent and child are both known.
			ev.ParentID = te.Parent
			if s.class != nil {
				ev.ChildQuantityList = []QuantityElement{*s.class}
			} else {
				ev.ChildEPCs = []string{s.epc}
			}
		} else {
			// Recorded on the container: the trace carries only the number of children.
			ev.ParentID = te.Subject
			if te.Count > 0 {
				ev.Extensions[TracechainPrefix+":childCount"] = json.RawMessage(strconv.Itoa(te.Count))
			}
		}
	case model.EventShipped:
		ev.Action, ev.BizStep, ev.Disposition = "OBSERVE", "shipping", "in_transit"
		object()
		move()
	case model.EventReceived:
		ev.Action, ev.BizStep, ev.Disposition = "OBSERVE", "receiving", "active"
		object()
		move()
		if te.Location != "" {
			// Received goods are at the receiving site.
			ev.BizLocation = &Location{ID: te.Location}
		}
	case model.EventRejected:
		ev.Action, ev.BizStep, ev.Disposition = "OBSERVE", "void_shipping", "active"
		object()
		move()
	case model.EventSold:
		// Never any buyer data: the trace carries none, and nothing is added.
		ev.Action, ev.BizStep, ev.Disposition = "OBSERVE", "retail_selling", "retail_sold"
		object()
	case model.EventDecommissioned:
		if !te.Disposition.Decommissioned() {
			return Event{}, fmt.Errorf("decommissioning disposition %q is not destroyed, stolen or damaged", te.Disposition)
		}
		ev.Action, ev.BizStep, ev.Disposition = "DELETE", "decommissioning", string(te.Disposition)
		object()
	case model.EventRecalled:
		// CBV 2.0 has no recall business step (the ledger's "recalling" is
		// not CBV): the event carries the disposition recalled and no bizStep.
		ev.Action, ev.Disposition = "OBSERVE", "recalled"
		object()
	default:
		return Event{}, fmt.Errorf("no EPCIS mapping for trace event type %q", te.Type)
	}
	return ev, nil
}

// dlUnescape decodes the percent-escapes of a Digital Link path value.
func dlUnescape(v string) string {
	if !strings.Contains(v, "%") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) && hexVal(v[i+1]) >= 0 && hexVal(v[i+2]) >= 0 {
			b.WriteByte(byte(hexVal(v[i+1])<<4 | hexVal(v[i+2]))) //nolint:gosec // two hex digits, checked above, make at most 0xff
			i += 2
			continue
		}
		b.WriteByte(v[i])
	}
	return b.String()
}
