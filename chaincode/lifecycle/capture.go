package lifecycle

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
)

// capturedKey indexes captured events: captured~{eventID} -> model.CapturedEvent.
const capturedKey = "captured"

// capturing is the state of a CaptureEvents transaction while it applies one
// captured event: the anchor its ledger events carry, and the codes changed
// so far by all of them.
type capturing struct {
	eventID string
	seq     int
	codes   *[]string
	seen    map[string]bool
}

// changed notes the records one operation wrote.
func (c *capturing) changed(codes []string) {
	for _, code := range codes {
		if !c.seen[code] {
			c.seen[code] = true
			*c.codes = append(*c.codes, code)
		}
	}
}

// CaptureEvents applies the events of an EPCIS 2.0 document, in order, in
// this one transaction: each is mapped to the ledger operation it stands for
// (epcis.ParseCapture) and applied by that operation's own function, with
// every rule of a direct call. The first refusal rejects the whole
// transaction. Each ledger event the captured event causes carries the
// captured event's hash as its eventID, marked captured; the service that
// captured the document keeps the full event. docs/epcis.md, "Capture
// transaction", lists the mapping, the limits and the refusals.
func (l *Ledger) CaptureEvents(doc []byte) (*model.CaptureResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Caller()
	if err != nil {
		return nil, err
	}
	if len(doc) > model.MaxCaptureBytes {
		return nil, model.Errorf(model.CodeInvalidArgument, "the document has %d bytes: capture at most %d per transaction", len(doc), model.MaxCaptureBytes)
	}
	caps, err := epcis.ParseCapture(doc, model.MaxCaptureEvents)
	if err != nil {
		return nil, documentError(err)
	}
	return l.captureAll(m, caps)
}

// captureAll applies the parsed events of one document as the caller m.
func (l *Ledger) captureAll(m *model.Member, caps []epcis.Capture) (*model.CaptureResult, error) {
	if err := l.checkCaptures(caps); err != nil {
		return nil, err
	}
	if err := l.prefetch(caps); err != nil {
		return nil, err
	}
	var codes []string
	seen := map[string]bool{}
	for i, c := range caps {
		l.capture = &capturing{eventID: c.EventID, seq: i + 1, codes: &codes, seen: seen}
		err := l.applyCapture(m, c)
		l.capture = nil
		if err != nil {
			return nil, atEvent(i, c, err)
		}
	}
	ids := make([]string, len(caps))
	for i, c := range caps {
		ids[i] = c.EventID
		if !needsReplayRecord(c) {
			continue
		}
		rec := model.CapturedEvent{TxID: l.txID(), Seq: i + 1, Actor: m.MSPID} // the key holds the eventID
		if err := l.put(rec, capturedKey, c.EventID); err != nil {
			return nil, err
		}
	}
	e := l.event(model.EventCaptured)
	// The event names the codes, for readers that keep derived state, but
	// not the eventIDs: every ledger event of the capture carries its own,
	// and the result lists them; listing them here too put 92 kB per 1,000
	// events into every block a second time, which no reader used.
	e.Count, e.Codes, e.Contents = len(codes), eventCodes(codes), l.contentsChanged
	if err := l.commit(e); err != nil {
		return nil, err
	}
	return &model.CaptureResult{Events: len(ids), EventsDigest: model.EventsDigest(ids), Count: len(codes), TxID: l.txID()}, nil
}

// needsReplayRecord says whether a captured event needs a captured~ record
// to refuse its replay. Commissioning creates the records of the codes it
// names, and records are never deleted, so a commissioning event applied
// again is refused DUPLICATE by its own operation ("already commissioned"),
// whenever it comes. Every other event moves codes between states that
// recur (packed, unpacked and packed again; shipped back and forth within the
// capture window), so only its captured~ record stops it from being
// anchored twice. Leaving the record out for commissioning, the bulk of what
// production lines capture, saves a third of a commissioning capture's keys
// (docs/performance.md, capture-10000).
func needsReplayRecord(c epcis.Capture) bool {
	return c.Action != epcis.CaptureCommission && c.Action != epcis.CaptureCommissionLot
}

// checkCaptures applies the checks that concern the document as a whole
// before anything is applied: the number of codes, repeated events in the
// document or on the ledger (a replay), and each eventTime's window.
func (l *Ledger) checkCaptures(caps []epcis.Capture) error {
	total := 0
	first := map[string]int{}
	keys := make([]string, 0, len(caps))
	at := make([]int, 0, len(caps)) // the event each key is of
	for i, c := range caps {
		total += len(c.EPCs)
		if j, dup := first[c.EventID]; dup {
			return model.SubjectErrorf(model.CodeDuplicate, c.EventID, "event %d (%s) repeats event %d: same event hash", i, c.Pointer, j)
		}
		first[c.EventID] = i
		now := l.now()
		if c.EventTime.After(now.Add(model.MaxCaptureEventAhead)) || c.EventTime.Before(now.Add(-model.MaxCaptureEventAge)) {
			return model.SubjectErrorf(model.CodeInvalidArgument, c.Pointer+"/eventTime",
				"event %d: eventTime %s is outside the capture window of %v before to %v after the transaction time %s",
				i, c.EventTime.Format("2006-01-02T15:04:05.000Z"), model.MaxCaptureEventAge, model.MaxCaptureEventAhead, now.Format("2006-01-02T15:04:05Z"))
		}
		if !needsReplayRecord(c) {
			continue
		}
		k, err := l.key(capturedKey, c.EventID)
		if err != nil {
			return err
		}
		keys, at = append(keys, k), append(at, i)
	}
	if total > model.MaxCodesPerTx {
		return model.Errorf(model.CodeInvalidArgument, "the events name %d codes: at most %d per transaction", total, model.MaxCodesPerTx)
	}
	vals, err := l.store.GetMany(keys)
	if err != nil {
		return err
	}
	for j, v := range vals {
		if i := at[j]; v != nil {
			return model.SubjectErrorf(model.CodeDuplicate, caps[i].EventID, "event %d (%s) is already on the ledger", i, caps[i].Pointer)
		}
	}
	return nil
}

// prefetch reads the records of every code the events name, in one round
// trip to the peer: applied one by one, the events would otherwise cost a
// round trip each, where Commission of the same codes costs one. The
// operations then find the records read. It reads no key they would not read
// themselves, and changes no rule: a list that does not parse is left to its
// event's operation to refuse in its turn.
func (l *Ledger) prefetch(caps []epcis.Capture) error {
	var codes []string
	for _, c := range caps {
		if refs, err := parseList("epcList", c.EPCs); err == nil {
			codes = append(codes, codesOf(refs)...)
		}
		if c.ParentID != "" {
			if r, err := parseCode(c.ParentID, "parentID"); err == nil {
				codes = append(codes, r.code)
			}
		}
	}
	return l.load(codes...)
}

// applyCapture runs the ledger operation of one captured event as the caller,
// once the parties and locations of its sourceList and destinationList have
// been checked (checkLists).
func (l *Ledger) applyCapture(m *model.Member, c epcis.Capture) error {
	loc, err := capturedLocation(m, c)
	if err != nil {
		return err
	}
	var moved []string // codes a move names, canonical as the ledger keys them
	switch c.Action {
	case epcis.CaptureShip, epcis.CaptureReceive, epcis.CaptureReject:
		refs, err := parseList("epcList", c.EPCs)
		if err != nil {
			return err
		}
		moved = codesOf(refs)
	}
	to, err := l.checkLists(m, c, moved)
	if err != nil {
		return err
	}
	switch c.Action {
	case epcis.CaptureCommission:
		_, err = l.Commission(model.CommissionRequest{GTIN: c.GTIN, Batch: c.LotNumber, ProductionDate: c.ProductionDate, ExpiryDate: c.ExpiryDate, Codes: c.EPCs})
	case epcis.CaptureCommissionLot:
		_, err = l.CommissionLot(model.LotRequest{GTIN: c.GTIN, Batch: c.LotNumber, ProductionDate: c.ProductionDate, ExpiryDate: c.ExpiryDate, Quantity: c.Quantity})
	case epcis.CapturePack:
		_, err = l.Pack(model.PackRequest{Container: c.ParentID, Children: c.EPCs})
	case epcis.CaptureUnpack:
		_, err = l.Unpack(model.UnpackRequest{Container: c.ParentID, Children: c.EPCs})
	case epcis.CaptureShip:
		_, err = l.Ship(model.ShipRequest{To: to, Codes: c.EPCs, Location: loc})
	case epcis.CaptureReceive:
		_, err = l.Receive(model.MoveRequest{Codes: c.EPCs, Location: loc})
	case epcis.CaptureReject:
		_, err = l.Reject(model.MoveRequest{Codes: c.EPCs, Location: loc})
	case epcis.CaptureDecommission:
		_, err = l.Decommission(model.DecommissionRequest{Codes: c.EPCs, Reason: model.Reason(c.Disposition)})
	default:
		err = model.Errorf(model.CodeInvalidArgument, "no ledger operation for %s", c.Action)
	}
	return err
}

// checkLists checks every party and location entry of a captured event's
// sourceList and destinationList against the ledger, before its operation
// runs: the ledger anchors the whole event, so it vouches for who the event
// says the goods came from and went to, and where, not only for what its
// operation changes. Each side must resolve to a member (NOT_MEMBER) and be
// the member the ledger records on that side (FORBIDDEN), and a location
// must be one of that member's registered locations (FORBIDDEN). For a
// shipment it returns the member shipped to.
//
//   - commissioning and decommissioning happen at the caller's: any party named
//     is the caller, any location one of the caller's;
//   - a shipment goes from the caller, at one of its locations, to the member
//     it names, at one of that member's locations;
//   - a receipt comes from the member that shipped each code, at one of its
//     locations, to the caller, at one of the caller's;
//   - a rejection goes, as the ledger records it, from the rejecting caller
//     back to the member that shipped each code;
//   - an aggregation moves nothing between parties: the parser refuses its
//     lists, and so does the ledger should a parsed one ever carry any.
func (l *Ledger) checkLists(m *model.Member, c epcis.Capture, moved []string) (to string, err error) {
	type side struct{ field, party, location string }
	src := side{"sourceList", c.Source, c.SourceLocation}
	dst := side{"destinationList", c.Destination, c.DestinationLocation}
	callers := func(sides ...side) error {
		for _, s := range sides {
			if err := l.checkCallerParty(m, s.field, s.party); err != nil {
				return err
			}
			if err := listLocation(m, s.field, s.location); err != nil {
				return err
			}
		}
		return nil
	}
	// senders checks the side of a receipt or rejection that is the member each
	// moved code was shipped by.
	senders := func(s side) error {
		if err := l.checkSenders(s.party, s.field, moved); err != nil {
			return err
		}
		return l.checkSenderLocation(s.location, s.field, moved)
	}
	switch c.Action {
	case epcis.CaptureCommission, epcis.CaptureCommissionLot, epcis.CaptureDecommission:
		return "", callers(src, dst)
	case epcis.CapturePack, epcis.CaptureUnpack:
		for _, s := range []side{src, dst} {
			if s.party != "" || s.location != "" {
				return "", model.SubjectErrorf(model.CodeInvalidArgument, c.Pointer+"/"+s.field, "an aggregation moves nothing between parties: no %s", s.field)
			}
		}
		return "", nil
	case epcis.CaptureShip:
		if err := callers(src); err != nil {
			return "", err
		}
		if to, err = l.resolveParty(dst.party, dst.field); err != nil {
			return "", err
		}
		if dst.location == "" {
			return to, nil
		}
		dm, err := l.reg.LookupMember(to)
		if err != nil {
			return "", err
		}
		return to, listLocation(dm, dst.field, dst.location)
	case epcis.CaptureReceive:
		if err := callers(dst); err != nil {
			return "", err
		}
		return "", senders(src)
	case epcis.CaptureReject:
		if err := callers(src); err != nil {
			return "", err
		}
		return "", senders(dst)
	}
	return "", nil
}

// capturedLocation checks the readPoint and bizLocation of a captured event:
// each must be one of the caller's registered locations, because the ledger
// anchors the event and so vouches for where it says it happened. The one
// returned, readPoint first, is the ledger event's Location.
func capturedLocation(m *model.Member, c epcis.Capture) (string, error) {
	var out string
	for _, f := range []struct{ field, id string }{{"readPoint", c.ReadPoint}, {"bizLocation", c.BizLocation}} {
		if f.id == "" {
			continue
		}
		if !strings.HasPrefix(f.id, epcis.LocationGLNURIBase) {
			return "", model.SubjectErrorf(model.CodeInvalidArgument, f.id, "%s must be a GLN (AI 414) of one of your locations", f.field)
		}
		loc, err := memberLocation(m, f.id)
		if err != nil {
			return "", err
		}
		if out == "" {
			out = loc
		}
	}
	return out, nil
}

// checkCallerParty checks that a party the event names as the caller's side
// of a move (or as either side of an event that moves nothing) is the
// caller; "" (not named) is accepted. The caller's MSP ID is known already,
// so only the refusal is returned.
func (l *Ledger) checkCallerParty(m *model.Member, field, party string) error {
	if party == "" {
		return nil
	}
	msp, err := l.resolveParty(party, field)
	if err != nil {
		return err
	}
	if msp != m.MSPID {
		return model.SubjectErrorf(model.CodeForbidden, party, "%s names %s, not the caller %s", field, msp, m.MSPID)
	}
	return nil
}

// listLocation checks the location entry of a sourceList or destinationList
// ("" when there is none): a GLN (AI 414) of one of the registered locations
// of m, the member on that side of the event.
func listLocation(m *model.Member, field, uri string) error {
	if uri == "" {
		return nil
	}
	if !strings.HasPrefix(uri, epcis.LocationGLNURIBase) {
		return model.SubjectErrorf(model.CodeInvalidArgument, uri, "the location of %s must be a GLN (AI 414) of a location of %s", field, m.MSPID)
	}
	if _, err := memberLocation(m, uri); err != nil {
		var e *model.Error
		if errors.As(err, &e) {
			return &model.Error{Code: e.Code, Message: field + " location: " + e.Message, Subject: e.Subject}
		}
		return err
	}
	return nil
}

// checkSenders checks that a party the event names as the other side of a
// receipt or rejection is the member each moved code was shipped by.
func (l *Ledger) checkSenders(party, field string, codes []string) error {
	if party == "" {
		return nil
	}
	msp, err := l.resolveParty(party, field)
	if err != nil {
		return err
	}
	if err := l.load(codes...); err != nil {
		return err
	}
	for _, code := range codes {
		if it := l.items[code]; it != nil && it.Holder != msp {
			return model.SubjectErrorf(model.CodeForbidden, party, "%s names %s, but %s was shipped by %s", field, msp, code, it.Holder)
		}
	}
	return nil
}

// checkSenderLocation checks that the location the event names on the other
// side of a receipt or rejection is one of the locations of the member each
// moved code was shipped by: a receipt "from" a third member's warehouse
// would have the ledger vouch for a route nobody recorded. A code that is
// not in transit to the caller is left to the operation to refuse.
func (l *Ledger) checkSenderLocation(uri, field string, codes []string) error {
	if uri == "" {
		return nil
	}
	if err := l.load(codes...); err != nil {
		return err
	}
	for _, code := range codes {
		it := l.items[code]
		if it == nil {
			continue
		}
		sender, err := l.reg.LookupMember(it.Holder)
		if err != nil {
			return err
		}
		if sender == nil {
			return model.SubjectErrorf(model.CodeNotMember, uri, "%s location: %s was shipped by %s, which is not a member", field, code, it.Holder)
		}
		if err := listLocation(sender, field, uri); err != nil {
			return err
		}
	}
	return nil
}

// resolveParty returns the MSP ID of the member a party URI names: a party
// GLN Digital Link (https://id.gs1.org/417/{gln}) registered as a member's
// party GLN, or epcis.PartyURIBase + a registered MSP ID. Anything else names
// no member the ledger knows, and goods cannot be moved to it.
func (l *Ledger) resolveParty(uri, field string) (string, error) {
	if gln, ok := strings.CutPrefix(uri, epcis.PartyGLNURIBase); ok {
		m, err := l.reg.MemberByGLN(gln)
		if err != nil {
			return "", err
		}
		if m == nil || m.PartyGLN != gln {
			return "", model.SubjectErrorf(model.CodeNotMember, uri, "%s: party GLN %s is not registered to a member", field, gln)
		}
		return m.MSPID, nil
	}
	if msp, ok := strings.CutPrefix(uri, epcis.PartyURIBase); ok {
		m, err := l.reg.LookupMember(msp)
		if err != nil {
			return "", err
		}
		if m == nil {
			return "", model.SubjectErrorf(model.CodeNotMember, uri, "%s: %s is not a registered member", field, msp)
		}
		return m.MSPID, nil
	}
	return "", model.SubjectErrorf(model.CodeNotMember, uri,
		"%s: %q names no member: use its party GLN (https://id.gs1.org/417/{gln}) or %s{mspId}", field, uri, epcis.PartyURIBase)
}

// documentError turns a document the parser refused into INVALID_ARGUMENT
// about the JSON pointer of the offending value.
func documentError(err error) error {
	var e *epcis.Error
	if errors.As(err, &e) {
		return model.SubjectErrorf(model.CodeInvalidArgument, e.Pointer, "%s", e.Error())
	}
	return model.Errorf(model.CodeInvalidArgument, "%v", err)
}

// atEvent says which captured event a refusal concerns, keeping its code
// and subject.
func atEvent(i int, c epcis.Capture, err error) error {
	var e *model.Error
	if !errors.As(err, &e) {
		return fmt.Errorf("event %d (%s): %w", i, c.Pointer, err)
	}
	return &model.Error{Code: e.Code, Message: fmt.Sprintf("event %d (%s, %s): %s", i, c.Pointer, c.Action, e.Message), Subject: e.Subject}
}
