package eventindex

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tracechain/tracechain/chaincode/epcis"
)

// Entry is one EPCIS event of a block, as handed to Index.
type Entry struct {
	// TxID is the Fabric transaction that recorded the event.
	TxID string
	// Event is the event's JSON, kept verbatim.
	Event json.RawMessage
	// Context is the @context of the document the event came in, when its
	// user extensions need prefixes from it; nil otherwise. The eventID is
	// the hash of Event under this context.
	Context json.RawMessage
	// RecordTime is when the ledger recorded the event (the feeder gives its
	// transaction's timestamp).
	// Zero: the event's own recordTime, if it has one.
	RecordTime time.Time
}

// Record is an indexed event, as Query and Event return it.
type Record struct {
	EventID    string // the CBV 2.0 event hash, ni:///sha-256;...?ver=CBV2.0
	Block      uint64
	TxID       string
	EventTime  time.Time // UTC
	RecordTime time.Time // UTC; zero when unknown
	Event      json.RawMessage
	Context    json.RawMessage // nil when the event needs no document context
}

// Role says in which field of an event an EPC appears.
type Role int

// Roles of an EPC in an event; the numbers are stored in the epc table.
const (
	RoleEPCList            Role = 1
	RoleParentID           Role = 2
	RoleChildEPCs          Role = 3
	RoleInputEPCList       Role = 4
	RoleOutputEPCList      Role = 5
	RoleQuantityList       Role = 6 // an epcClass of quantityList
	RoleChildQuantityList  Role = 7
	RoleInputQuantityList  Role = 8
	RoleOutputQuantityList Role = 9
)

// epcRef is one EPC of an event with its role, canonicalised.
type epcRef struct {
	epc  string
	role Role
}

// row is an Entry decoded into the columns of the index.
type row struct {
	Record
	eventType                                            string
	bizStep, disposition, bizLocation, readPoint, action string
	epcs                                                 []epcRef
}

// decode parses an Entry, computes its eventID and extracts the fields the
// index filters on. Errors are *EntryError.
func decode(e Entry) (row, error) {
	var ev epcis.Event
	if err := json.Unmarshal(e.Event, &ev); err != nil {
		return row{}, &EntryError{TxID: e.TxID, Err: err}
	}
	ctx, err := epcis.ParseContext(e.Context)
	if err != nil {
		return row{}, &EntryError{TxID: e.TxID, Err: err}
	}
	id, err := epcis.EventHash(e.Event, ctx)
	if err != nil {
		return row{}, &EntryError{TxID: e.TxID, Err: err}
	}
	if ev.EventID != "" && ev.EventID != id {
		return row{}, &EntryError{TxID: e.TxID, Err: fmt.Errorf("eventID %s is not the event's hash %s", ev.EventID, id)}
	}
	// EventHash has already refused a missing or malformed eventTime.
	at, err := parseTime(ev.EventTime)
	if err != nil {
		return row{}, &EntryError{TxID: e.TxID, Err: err}
	}
	rec := e.RecordTime.UTC()
	if rec.IsZero() && ev.RecordTime != "" {
		if rec, err = parseTime(ev.RecordTime); err != nil {
			return row{}, &EntryError{TxID: e.TxID, Err: fmt.Errorf("recordTime: %w", err)}
		}
	}
	r := row{
		Record: Record{EventID: id, TxID: e.TxID, EventTime: at, RecordTime: rec,
			Event: e.Event, Context: e.Context},
		eventType:   ev.Type,
		bizStep:     vocabulary(ctx, "bizStep", ev.BizStep),
		disposition: vocabulary(ctx, "disposition", ev.Disposition),
		action:      ev.Action,
	}
	if ev.BizLocation != nil {
		r.bizLocation = identifier(ctx, ev.BizLocation.ID)
	}
	if ev.ReadPoint != nil {
		r.readPoint = identifier(ctx, ev.ReadPoint.ID)
	}
	add := func(role Role, epcs ...string) {
		for _, s := range epcs {
			if s = identifier(ctx, s); s != "" {
				r.epcs = append(r.epcs, epcRef{s, role})
			}
		}
	}
	classes := func(role Role, q []epcis.QuantityElement) {
		for _, e := range q {
			add(role, e.EPCClass)
		}
	}
	add(RoleEPCList, ev.EPCList...)
	add(RoleParentID, ev.ParentID)
	add(RoleChildEPCs, ev.ChildEPCs...)
	add(RoleInputEPCList, ev.InputEPCList...)
	add(RoleOutputEPCList, ev.OutputEPCList...)
	classes(RoleQuantityList, ev.QuantityList)
	classes(RoleChildQuantityList, ev.ChildQuantityList)
	classes(RoleInputQuantityList, ev.InputQuantityList)
	classes(RoleOutputQuantityList, ev.OutputQuantityList)
	r.epcs = dedupe(r.epcs)
	return r, nil
}

// dedupe drops repeated (epc, role) pairs, which the epc table's primary key
// would refuse: an event may list the same EPC twice.
func dedupe(refs []epcRef) []epcRef {
	seen := make(map[epcRef]bool, len(refs))
	out := refs[:0]
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func vocabulary(ctx *epcis.Context, field, v string) string {
	if v == "" {
		return ""
	}
	return epcis.CanonicalVocabulary(ctx, field, v)
}

func identifier(ctx *epcis.Context, v string) string {
	if v == "" {
		return ""
	}
	return epcis.CanonicalIdentifier(ctx, v)
}

// parseTime reads an xsd:dateTimeStamp as a UTC instant.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}
