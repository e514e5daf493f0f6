package epciscapture

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/tracechain/tracechain/chaincode/epcis"
)

// LimitError is a document above a limit: too many events, bytes or codes
// for the handler, or, in rollback mode, for the one transaction it must fit
// in. It is answered 413 CaptureLimitExceededException.
type LimitError struct {
	What      string // "events", "bytes" or "codes"
	Have, Max int64
	// Transaction is true when the limit is the one of a CaptureEvents
	// transaction, which only a rollback document must keep.
	Transaction bool
}

func (e *LimitError) Error() string {
	if e.Transaction {
		return fmt.Sprintf("the document has %d %s, one transaction takes at most %d: with GS1-Capture-Error-Behaviour: rollback a document is captured in one transaction; send proceed to have it split", e.Have, e.What, e.Max)
	}
	if e.Have <= e.Max { // a body cut off at the limit: its size is not known
		return fmt.Sprintf("the document has more than %d %s, the most this service captures per document", e.Max, e.What)
	}
	return fmt.Sprintf("the document has %d %s, this service captures at most %d per document", e.Have, e.What, e.Max)
}

// part is a run of the document's events that goes into one CaptureEvents
// transaction.
type part struct {
	first  int               // index of its first event in the document
	events []json.RawMessage // the events verbatim, as posted
	doc    []byte            // the EPCISDocument sent to the ledger
	ids    []string          // the eventIDs of its events, as validation computed them
	// commissions says every event of the part commissions new codes: it
	// depends on no earlier part, so it may be in flight beside them.
	commissions bool
}

// plan cuts a validated document into its transactions: one in rollback
// mode (the document as posted, refused with *LimitError when it does not fit),
// and in proceed mode as few as the transaction limits allow, in document
// order. A document that fits one transaction is sent as posted in either mode.
func plan(doc []byte, d *epcis.Document, caps []epcis.Capture, l Limits, split bool) ([]part, error) {
	events := d.Events()
	raw := make([]json.RawMessage, len(events))
	codes := 0
	for i := range events {
		raw[i] = events[i].Raw
		codes += len(caps[i].EPCs) // as the chaincode counts a transaction's codes
	}
	over := over(len(events), len(doc), codes, l)
	if over == nil {
		return []part{{first: 0, events: raw, doc: doc, ids: eventIDs(caps), commissions: commissionsOnly(caps)}}, nil
	}
	if !split {
		return nil, over
	}
	// Every part keeps the document's @context, so each event hashes as it
	// did in the posted document; the header's master data is not needed by
	// the ledger and is left out.
	envelope := func(list []epcis.Event) ([]byte, error) {
		return json.Marshal(epcis.Document{Context: d.Context, Type: d.Type, SchemaVersion: d.SchemaVersion,
			CreationDate: d.CreationDate, Body: epcis.Body{EventList: list}}) // decoded events encode as their Raw bytes
	}
	empty, err := envelope(nil)
	if err != nil {
		return nil, err
	}
	var parts []part
	start, size, n := 0, len(empty), 0
	flush := func(end int) error {
		b, err := envelope(events[start:end])
		if err != nil {
			return err
		}
		parts = append(parts, part{first: start, events: raw[start:end], doc: b, ids: eventIDs(caps[start:end]), commissions: commissionsOnly(caps[start:end])})
		start, size, n = end, len(empty), 0
		return nil
	}
	for i, ev := range raw {
		c := len(caps[i].EPCs)
		// An event that alone exceeds a limit still gets its own part: the
		// chaincode refuses it, and the other parts proceed.
		if i > start && (i-start+1 > l.TransactionEvents || size+len(ev)+1 > l.TransactionBytes || n+c > l.TransactionCodes) {
			if err := flush(i); err != nil {
				return nil, err
			}
		}
		size += len(ev) + 1
		n += c
	}
	if err := flush(len(raw)); err != nil {
		return nil, err
	}
	return parts, nil
}

// eventIDs lists the captures' eventIDs in order.
func eventIDs(caps []epcis.Capture) []string {
	ids := make([]string, len(caps))
	for i, c := range caps {
		ids[i] = c.EventID
	}
	return ids
}

// commissionsOnly reports whether every event commissions units or a lot.
// Such events need nothing an earlier event of the document does: a code
// commissioned twice is a DUPLICATE however the parts are sent.
func commissionsOnly(caps []epcis.Capture) bool {
	for _, c := range caps {
		if c.Action != epcis.CaptureCommission && c.Action != epcis.CaptureCommissionLot {
			return false
		}
	}
	return true
}

// over returns the first transaction limit a document exceeds, or nil.
func over(events, bytes, codes int, l Limits) *LimitError {
	switch {
	case events > l.TransactionEvents:
		return &LimitError{What: "events", Have: int64(events), Max: int64(l.TransactionEvents), Transaction: true}
	case bytes > l.TransactionBytes:
		return &LimitError{What: "bytes", Have: int64(bytes), Max: int64(l.TransactionBytes), Transaction: true}
	case codes > l.TransactionCodes:
		return &LimitError{What: "codes", Have: int64(codes), Max: int64(l.TransactionCodes), Transaction: true}
	}
	return nil
}

// documentPointer turns the JSON pointer of an event in a part's document
// into the pointer of the same event in the posted document.
func documentPointer(ptr string, first int) string {
	const list = "/epcisBody/eventList/"
	rest, ok := strings.CutPrefix(ptr, list)
	if !ok || first == 0 {
		return ptr
	}
	idx, tail, _ := strings.Cut(rest, "/")
	i, err := strconv.Atoi(idx)
	if err != nil {
		return ptr
	}
	if tail != "" {
		tail = "/" + tail
	}
	return list + strconv.Itoa(i+first) + tail
}
