package lifecycle_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

func recallBatch(w *world, msp, g, batch string) *model.Recall {
	w.t.Helper()
	var r *model.Recall
	w.ok(admin(msp), func(c call) (err error) {
		r, err = c.l.Recall(model.RecallRequest{GTIN: g, Batch: batch, Reason: "conductor resistance above GB/T 3956 limit"})
		return err
	})
	return r
}

func TestBatchRecallCostsConstantWrites(t *testing.T) {
	for _, n := range []int{1, 500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			w := newWorld(t)
			u := w.units("B1", "U", n)
			tx := w.ok(admin(makerA), func(c call) error {
				_, err := c.l.Recall(model.RecallRequest{GTIN: gtinA, Batch: "B1", Reason: "defect"})
				return err
			})
			assert.Equal(t, 2, tx.Stats().Writes, "batch marker + recall record")
			assert.Equal(t, model.VerdictRecalled, w.verify(u[n-1]).Verdict)
		})
	}
}

func TestRecallRefusals(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 2)
	pallet := sscc("6901234", 1)
	w.pack(makerA, pallet, u[1])
	recallBatch(w, makerA, gtinA, "B9")
	tests := []struct {
		name string
		msp  string
		req  model.RecallRequest
		code model.Code
	}{
		{"distributor", distributor, model.RecallRequest{GTIN: gtinA, Batch: "B1", Reason: "x"}, model.CodeForbidden},
		{"retailer", retailer, model.RecallRequest{Codes: []string{u[0]}, Reason: "x"}, model.CodeForbidden},
		{"outsider", outsider, model.RecallRequest{GTIN: gtinA, Batch: "B1", Reason: "x"}, model.CodeNotMember},
		{"another manufacturer's batch", makerB, model.RecallRequest{GTIN: gtinA, Batch: "B1", Reason: "x"}, model.CodeForbidden},
		{"another manufacturer's units", makerB, model.RecallRequest{Codes: []string{u[0]}, Reason: "x"}, model.CodeForbidden},
		{"already recalled batch", regulator, model.RecallRequest{GTIN: gtinA, Batch: "B9", Reason: "x"}, model.CodeDuplicate},
		{"batch and codes", makerA, model.RecallRequest{GTIN: gtinA, Batch: "B1", Codes: []string{u[0]}, Reason: "x"}, model.CodeInvalidArgument},
		{"no reason", makerA, model.RecallRequest{GTIN: gtinA, Batch: "B1"}, model.CodeInvalidArgument},
		{"nothing", makerA, model.RecallRequest{Reason: "x"}, model.CodeInvalidArgument},
		{"unregistered product", makerA, model.RecallRequest{GTIN: gtin("690123400099"), Batch: "B1", Reason: "x"}, model.CodeNotFound},
		{"container", makerA, model.RecallRequest{Codes: []string{pallet}, Reason: "x"}, model.CodeBadState},
		{"unknown unit", makerA, model.RecallRequest{Codes: []string{unit("nope")}, Reason: "x"}, model.CodeNotFound},
	}
	// Recalling is privileged: an ordinary client of the maker or the Regulator may not.
	for _, msp := range []string{makerA, regulator} {
		w.fails(msp, model.CodeForbidden, func(c call) error {
			_, err := c.l.Recall(model.RecallRequest{GTIN: gtinA, Batch: "B1", Reason: "x"})
			return err
		})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w.fails(admin(tc.msp), tc.code, func(c call) error { _, err := c.l.Recall(tc.req); return err })
		})
	}
}

// TestRecallReport recalls a batch whose units and lot parts are spread over
// the supply chain and checks each report entry.
func TestRecallReport(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 6)
	w.units("B2", "OTHER", 2)
	caseA, pallet := sscc("6901234", 11), sscc("6901234", 1)
	w.pack(makerA, caseA, u[0], u[1])
	w.pack(makerA, pallet, caseA)
	w.ship(makerA, distributor, pallet)
	w.move(makerA, retailer, u[2])
	_, err := w.sell(retailer, u[2])
	require.NoError(t, err)
	w.ok(makerA, func(c call) error {
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{u[3]}, Reason: model.ReasonDestroyed})
		return err
	})
	w.move(makerA, distributor, u[5])
	w.ok(makerA, func(c call) error {
		_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "B1", ProductionDate: "2026-02-01", Quantity: 100})
		return err
	})
	w.ok(makerA, func(c call) error {
		_, err := c.l.Ship(model.ShipRequest{To: retailer, Lots: []model.LotShipment{{Source: lot(gtinA, "B1"), Quantity: 30, Label: "R1"}}})
		return err
	})

	rec := recallBatch(w, regulator, gtinA, "B1")
	entries := map[string]model.RecallEntry{}
	bookmark, pages := "", 0
	for {
		page, err := w.begin(distributor, nil).l.RecallReport(rec.ID, 3, bookmark)
		require.NoError(t, err)
		assert.Equal(t, *rec, page.Recall)
		for _, e := range page.Entries {
			_, dup := entries[e.Code]
			require.False(t, dup, e.Code)
			entries[e.Code] = e
		}
		pages++
		if bookmark = page.Bookmark; bookmark == "" {
			break
		}
	}
	assert.Equal(t, 3, pages)
	require.Len(t, entries, 8, "6 units, the lot and its part; not batch B2")

	inPallet := model.RecallEntry{Code: u[0], Class: model.ClassUnit, TopContainer: pallet, Holder: model.Party{MSPID: makerA, Name: "A Cable Co.", USCC: usccA},
		Disposition: model.DispositionInTransit, Destination: distributor}
	assert.Equal(t, inPallet, entries[u[0]])
	assert.Equal(t, pallet, entries[u[1]].TopContainer)
	assert.Equal(t, model.DispositionRetailSold, entries[u[2]].Disposition)
	assert.Equal(t, retailer, entries[u[2]].Holder.MSPID)
	assert.Equal(t, model.DispositionDestroyed, entries[u[3]].Disposition)
	assert.Equal(t, model.DispositionActive, entries[u[4]].Disposition)
	assert.Equal(t, distributor, entries[u[5]].Holder.MSPID)
	l := entries[lot(gtinA, "B1")]
	assert.Equal(t, model.ClassLot, l.Class)
	assert.EqualValues(t, 70, l.Quantity)
	p := entries[lot(gtinA, "B1")+"/part/R1"]
	assert.Equal(t, model.ClassLotPart, p.Class)
	assert.EqualValues(t, 30, p.Quantity)
	assert.Equal(t, model.DispositionInTransit, p.Disposition)
	assert.Equal(t, retailer, p.Destination)

	// The recall applies to every item of the batch, whatever its state.
	assert.Equal(t, model.VerdictRecalled, w.verify(u[1]).Verdict)
	assert.Equal(t, model.VerdictRecalled, w.verify(u[2]).Verdict, "recalled outranks sold")
	assert.Equal(t, rec.ID, w.status(u[4]).RecallID)
}

func TestUnitListRecall(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 5)
	w.move(makerA, retailer, u...)
	var rec *model.Recall
	tx := w.ok(admin(makerA), func(c call) (err error) {
		rec, err = c.l.Recall(model.RecallRequest{Codes: []string{u[1], "(01)" + gtinA + "(21)U3"}, Reason: "loose terminal"})
		return err
	})
	assert.Equal(t, 5, tx.Stats().Writes, "unit mark + index entry per unit, recall record")
	assert.Equal(t, 2, rec.Count)

	page, err := w.begin(retailer, nil).l.RecallReport(rec.ID, 0, "")
	require.NoError(t, err)
	var codes []string
	for _, e := range page.Entries {
		codes = append(codes, e.Code)
	}
	assert.ElementsMatch(t, []string{u[1], u[3]}, codes)
	assert.Equal(t, model.VerdictRecalled, w.verify(u[3]).Verdict)
	assert.Equal(t, model.VerdictGenuine, w.verify(u[2]).Verdict)
	_, err = w.sell(retailer, u[1])
	requireCode(t, err, model.CodeRecalled)
	res, err := w.sell(retailer, u[2])
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeSold, res.Outcome)

	_, err = w.begin(retailer, nil).l.RecallReport("nope", 0, "")
	requireCode(t, err, model.CodeNotFound)
}

func TestRecalledGoodsTravelOnlyBackToTheirManufacturer(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 3)
	case1 := sscc("6901234", 7)
	w.pack(makerA, case1, u[2])
	w.move(makerA, distributor, u[0], u[1], case1)
	recallBatch(w, makerA, gtinA, "B1")

	w.fails(distributor, model.CodeRecalled, func(c call) error {
		_, err := c.l.Ship(model.ShipRequest{Codes: []string{u[0]}, To: retailer})
		return err
	})
	w.ship(distributor, makerA, u[1])
	w.receive(makerA, u[1])
	assert.Equal(t, makerA, w.status(u[1]).Holder.MSPID)
	// Containers are not opened on a move; the recall report still finds what is inside.
	w.ship(distributor, retailer, case1)
}

func TestTraceNamesWhoPackedAndUnpacked(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 1)
	box := sscc("6901234", 8)
	w.pack(makerA, box, u[0])
	w.move(makerA, distributor, box)
	w.unpack(distributor, box, u[0])
	var page *model.TracePage
	w.ok(distributor, func(c call) (err error) {
		page, err = c.l.Trace(u[0], 0, "")
		return err
	})
	actors := map[string]string{}
	for _, e := range page.Events {
		if e.Via == "" {
			actors[e.Type] = e.Actor
		}
	}
	assert.Equal(t, makerA, actors[model.EventPacked])
	assert.Equal(t, distributor, actors[model.EventUnpacked])
}

// TestRecallAcknowledgedAndClosed: holders acknowledge a recall once each,
// the report tells units sold before the recall, and only the issuer closes
// it, with its figures, after which it takes no acknowledgement; the goods
// stay recalled.
func TestRecallAcknowledgedAndClosed(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 4)
	w.move(makerA, retailer, u[0], u[1])
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	w.move(makerA, distributor, u[2])
	rec := recallBatch(w, makerA, gtinA, "B1")

	ack := func(msp string) (*model.RecallAck, error) {
		var a *model.RecallAck
		_, err := w.do(admin(msp), nil, func(c call) (err error) { a, err = c.l.AcknowledgeRecall(rec.ID); return err })
		return a, err
	}
	a, err := ack(retailer)
	require.NoError(t, err)
	assert.Equal(t, retailer, a.MSPID)
	_, err = ack(retailer)
	requireCode(t, err, model.CodeDuplicate)
	w.fails(distributor, model.CodeForbidden, func(c call) error { _, err := c.l.AcknowledgeRecall(rec.ID); return err }) // an ordinary client
	w.fails(admin(regulator), model.CodeForbidden, func(c call) error { _, err := c.l.AcknowledgeRecall(rec.ID); return err })
	_, err = ack(distributor)
	require.NoError(t, err)
	page, err := w.begin(regulator, nil).l.ListRecallAcks(rec.ID, 0, "")
	require.NoError(t, err)
	require.Len(t, page.Acks, 2)
	assert.Equal(t, []string{distributor, retailer}, []string{page.Acks[0].MSPID, page.Acks[1].MSPID})

	report, err := w.begin(regulator, nil).l.RecallReport(rec.ID, 0, "")
	require.NoError(t, err)
	sold := map[string]bool{}
	for _, e := range report.Entries {
		sold[e.Code] = e.SoldBeforeRecall
	}
	assert.Equal(t, map[string]bool{u[0]: true, u[1]: false, u[2]: false, u[3]: false}, sold)

	closeIt := func(msp string, req model.CloseRecallRequest) error {
		_, err := w.do(admin(msp), nil, func(c call) error { _, err := c.l.CloseRecall(req); return err })
		return err
	}
	requireCode(t, closeIt(regulator, model.CloseRecallRequest{RecallID: rec.ID}), model.CodeForbidden) // not its recall
	requireCode(t, closeIt(makerB, model.CloseRecallRequest{RecallID: rec.ID}), model.CodeForbidden)
	requireCode(t, closeIt(makerA, model.CloseRecallRequest{RecallID: rec.ID, Returned: -1}), model.CodeInvalidArgument)
	require.NoError(t, closeIt(makerA, model.CloseRecallRequest{RecallID: rec.ID, Returned: 2, Destroyed: 1, Note: "两台已退回，一台已销毁"}))
	requireCode(t, closeIt(makerA, model.CloseRecallRequest{RecallID: rec.ID}), model.CodeBadState)
	_, err = ack(makerA)
	requireCode(t, err, model.CodeBadState)

	got, err := w.begin(retailer, nil).l.GetRecall(rec.ID)
	require.NoError(t, err)
	require.NotNil(t, got.Closed)
	assert.Equal(t, int64(2), got.Closed.Returned)
	assert.Equal(t, makerA, got.Closed.By)
	assert.Equal(t, model.VerdictRecalled, w.verify(u[1]).Verdict, "closing ends the campaign, not the quarantine")
	_, err = w.sell(retailer, u[1])
	requireCode(t, err, model.CodeRecalled)
}
