package lifecycle_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// gln returns the GLN of a company prefix and location reference, with its
// check digit.
func gln(prefix string, ref int) string {
	body := fmt.Sprintf("%s%0*d", prefix, 12-len(prefix), ref)
	d, err := identifier.CheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(d)
}

var (
	partyA = gln("6901234", 1) // ManufacturerA as a party
	siteA  = gln("6901234", 2) // ManufacturerA's plant
	partyD = gln("6907777", 1) // the distributor as a party
	siteD  = gln("6907777", 5) // the distributor's warehouse
	siteR  = gln("6908888", 7) // the retailer's shop
)

// withGLNs registers party and location GLNs of the test members.
func withGLNs(t *testing.T, w *world) {
	t.Helper()
	for msp, g := range map[string][2]string{makerA: {partyA, siteA}, distributor: {partyD, siteD}, retailer: {"", siteR}} {
		w.ok(admin(regulator), func(c call) error {
			m, err := c.reg.GetMember(msp)
			if err != nil {
				return err
			}
			req := model.MemberRequest{MSPID: m.MSPID, Role: m.Role, Name: m.Name, USCC: m.USCC, CompanyPrefixes: m.CompanyPrefixes,
				ProductionLicences: m.ProductionLicences, CCCCertificates: m.CCCCertificates, EcodeNumberSystems: m.EcodeNumberSystems,
				PartyGLN: g[0], LocationGLNs: []string{g[1]}}
			_, err = c.reg.UpdateMember(req)
			return err
		})
	}
}

// exported checks that every event of code's trace carries an eventID and
// that the export reproduces it, and returns the trace.
func exported(t *testing.T, w *world, code string) []model.TraceEvent {
	t.Helper()
	events := trace(t, w, code, 100)
	doc, err := epcis.FromTrace(code, events, epcis.MapOptions{})
	require.NoError(t, err, "the export reproduces every stored eventID")
	i := 0
	for _, e := range events {
		switch e.Type {
		case model.EventCloneAlert, model.EventAlertDecided, model.EventSalePurged:
			assert.Empty(t, e.EventID, "%s has no EPCIS rendering", e.Type)
			continue
		}
		require.NotEmpty(t, e.EventID, "%s event of %s has an eventID", e.Type, e.Subject)
		assert.Equal(t, e.EventID, doc.Body.EventList[i].EventID, "%s event of %s", e.Type, e.Subject)
		i++
	}
	return events
}

// TestStoredEventIDIsTheHashOfTheExport covers every ledger event type: the
// eventID written with the event is the hash of the event the export renders
// from it, and a later change of master data does not change it.
func TestStoredEventIDIsTheHashOfTheExport(t *testing.T) {
	w := newWorld(t)
	codes := tellEveryEvent(t, w)

	seen := map[string]bool{}
	var before []model.TraceEvent
	for _, code := range codes {
		for _, e := range exported(t, w, code) {
			seen[e.Type] = true
			before = append(before, e)
		}
	}
	for _, typ := range []string{model.EventCommissioned, model.EventLotCommissioned, model.EventLotSplit, model.EventPacked,
		model.EventUnpacked, model.EventShipped, model.EventReceived, model.EventRejected, model.EventSold,
		model.EventRecalled, model.EventDecommissioned} {
		assert.True(t, seen[typ], "the trace covers %s", typ)
	}

	// Parties and locations as written at the time.
	var ship model.TraceEvent
	for _, e := range before {
		if e.Type == model.EventShipped && e.Location != "" {
			ship = e
		}
	}
	assert.Equal(t, epcis.PartyGLNURIBase+partyA, ship.FromParty)
	assert.Equal(t, epcis.PartyGLNURIBase+partyD, ship.ToParty)
	assert.Equal(t, epcis.LocationGLNURIBase+siteA, ship.Location)

	// The distributor changes its party GLN: old events keep their rendering.
	w.ok(admin(regulator), func(c call) error {
		m, err := c.reg.GetMember(distributor)
		if err != nil {
			return err
		}
		_, err = c.reg.UpdateMember(model.MemberRequest{MSPID: m.MSPID, Role: m.Role, Name: m.Name, USCC: m.USCC,
			CompanyPrefixes: m.CompanyPrefixes, PartyGLN: gln("6907777", 9), LocationGLNs: m.LocationGLNs})
		return err
	})
	var after []model.TraceEvent
	for _, code := range codes {
		after = append(after, exported(t, w, code)...)
	}
	assert.Equal(t, before, after)
}

// tellEveryEvent runs a story that records every ledger event type with an
// EPCIS rendering, with party and location GLNs, and returns the codes
// whose traces show them all.
func tellEveryEvent(t *testing.T, w *world) []string {
	t.Helper()
	withGLNs(t, w)
	u := w.units("B1", "U", 3)
	caseA := sscc("6901234", 21)
	w.pack(makerA, caseA, u[0], u[1])
	w.ok(makerA, func(c call) error {
		_, err := c.l.Ship(model.ShipRequest{To: distributor, Codes: []string{caseA}, Location: siteA})
		return err
	})
	w.ok(distributor, func(c call) error {
		_, err := c.l.Reject(model.MoveRequest{Codes: []string{caseA}, Location: "https://id.gs1.org/414/" + siteD})
		return err
	})
	w.ship(makerA, distributor, caseA)
	w.ok(distributor, func(c call) error {
		_, err := c.l.Receive(model.MoveRequest{Codes: []string{caseA}, Location: siteD})
		return err
	})
	w.unpack(distributor, caseA, u[0])
	w.move(distributor, retailer, u[0])
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	w.ok(makerA+asAdmin, func(c call) error {
		_, err := c.l.Recall(model.RecallRequest{Codes: []string{u[2]}, Reason: "insulation defect"})
		return err
	})
	w.ok(makerA, func(c call) error {
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{u[2]}, Reason: model.ReasonDestroyed})
		return err
	})
	lotB := lot(gtinA, "L7")
	w.ok(makerA, func(c call) error {
		_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L7", ProductionDate: "2026-02-01", Quantity: 100})
		return err
	})
	w.ok(makerA, func(c call) error {
		_, err := c.l.Ship(model.ShipRequest{To: distributor, Lots: []model.LotShipment{{Source: lotB, Quantity: 10, Label: "r1"}}})
		return err
	})
	w.ok(makerA+asAdmin, func(c call) error {
		_, err := c.l.Recall(model.RecallRequest{GTIN: gtinA, Batch: "L7", Reason: "batch defect"})
		return err
	})
	return []string{u[0], u[1], u[2], caseA, lotB, lotB + model.PartSeparator + "r1"}
}

// TestMoveLocations lets a member name only its own registered locations.
func TestMoveLocations(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	u := w.units("B1", "U", 1)
	for name, tc := range map[string]struct {
		loc  string
		code model.Code
	}{
		"another member's site": {siteD, model.CodeForbidden},
		"own unregistered GLN":  {gln("6901234", 3), model.CodeForbidden},
		"bad check digit":       {siteA[:12] + string('0'+(siteA[12]-'0'+1)%10), model.CodeInvalidArgument},
		"not a GLN":             {"https://id.gs1.org/417/" + partyA, model.CodeInvalidArgument},
	} {
		t.Run(name, func(t *testing.T) {
			w.fails(makerA, tc.code, func(c call) error {
				_, err := c.l.Ship(model.ShipRequest{To: distributor, Codes: u, Location: tc.loc})
				return err
			})
		})
	}
	w.ship(makerA, distributor, u...)
	w.fails(distributor, model.CodeForbidden, func(c call) error {
		_, err := c.l.Receive(model.MoveRequest{Codes: u, Location: siteA})
		return err
	})
}
