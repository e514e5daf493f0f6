package lifecycle

import (
	"fmt"
	"strings"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// anchor returns the eventID a ledger event written now carries: the hash of
// the captured EPCIS event that causes it, during CaptureEvents, and
// otherwise the hash of the event's own EPCIS rendering. e must be the event
// as Trace will return it, so that the export reproduces the hash.
func (l *Ledger) anchor(e model.TraceEvent) (model.Anchor, error) {
	if l.capture != nil {
		return model.Anchor{EventID: l.capture.eventID, Captured: true, Seq: l.capture.seq}, nil
	}
	return rendered(e)
}

// rendered is the anchor of a ledger event that no captured event caused.
func rendered(e model.TraceEvent) (model.Anchor, error) {
	id, err := epcis.TraceEventID(e)
	if err != nil {
		return model.Anchor{}, fmt.Errorf("rendering the %s event of %s as EPCIS: %w", e.Type, e.Subject, err)
	}
	return model.Anchor{EventID: id}, nil
}

// withAnchor copies an anchor into a trace event.
func withAnchor(e model.TraceEvent, a model.Anchor) model.TraceEvent {
	e.EventID, e.Captured, e.Seq = a.EventID, a.Captured, a.Seq
	return e
}

// anchorCreation anchors the commissioning (or split) event of a new record.
func (l *Ledger) anchorCreation(it *model.Item) error {
	a, err := l.anchor(creationEvent(it))
	it.CommissionEvent = a
	return err
}

// partyURI names a member in the EPCIS rendering of an event written now:
// its party GLN as a Digital Link, or epcis.PartyURI of its MSP ID.
func (l *Ledger) partyURI(mspID string) (string, error) {
	m, err := l.reg.LookupMember(mspID)
	if err != nil {
		return "", err
	}
	if m != nil && m.PartyGLN != "" {
		return epcis.PartyGLNURIBase + m.PartyGLN, nil
	}
	return epcis.PartyURI(mspID), nil
}

// withParties fixes the party URIs of a move's From and To in the event.
func (l *Ledger) withParties(e *model.TraceEvent) error {
	var err error
	if e.From != "" {
		if e.FromParty, err = l.partyURI(e.From); err != nil {
			return err
		}
	}
	if e.To != "" {
		e.ToParty, err = l.partyURI(e.To)
	}
	return err
}

// memberLocation resolves a location (a GLN or its AI 414 Digital Link,
// optionally with an AI 254 extension) to its Digital Link. It must be one of
// m's registered location GLNs: for the caller of a move, a member may say
// where it is, not where another member is; for the other side of a
// captured move, the event may name only a site of the member the ledger
// records there.
func memberLocation(m *model.Member, input string) (string, error) {
	if input == "" {
		return "", nil
	}
	gln, ok := glnOf(input)
	if !ok {
		return "", model.SubjectErrorf(model.CodeInvalidArgument, input, "location must be a GLN or https://id.gs1.org/414/{gln}")
	}
	if err := identifier.ValidateGLN(gln); err != nil {
		return "", model.SubjectErrorf(model.CodeInvalidArgument, input, "invalid location GLN: %v", err)
	}
	for _, g := range m.LocationGLNs {
		if g == gln {
			return epcis.LocationGLNURIBase + gln, nil
		}
	}
	return "", model.SubjectErrorf(model.CodeForbidden, input, "GLN %s is not a registered location of %s", gln, m.MSPID)
}

// glnOf extracts the GLN of a bare GLN or of a location Digital Link
// https://id.gs1.org/414/{gln}[/254/{extension}].
func glnOf(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, epcis.LocationGLNURIBase); ok {
		gln, ext, hasExt := strings.Cut(rest, "/")
		if hasExt && (!strings.HasPrefix(ext, "254/") || len(ext) == len("254/")) {
			return "", false
		}
		s = gln
	}
	return s, len(s) == 13
}

// inheritedRecall anchors the recall event of a lot part split off recalled
// goods: the recall's own event on the part, whatever transaction splits it.
func (l *Ledger) inheritedRecall(part *model.Item) (model.Anchor, error) {
	r, err := l.recallByID(part.RecallID)
	if err != nil {
		return model.Anchor{}, err
	}
	if r == nil {
		r = &model.Recall{ID: part.RecallID}
	}
	return rendered(recallEvent(part.Code, r, part.RecalledAt, model.Anchor{}))
}
