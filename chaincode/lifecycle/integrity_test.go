package lifecycle_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// The regression tests of the holes an adversarial review found (issue
// "Hold the ledger against a dishonest member"); docs/security.md has the
// attacker model. Each test replays the attack and checks the refusal.

func TestSGTINSquattingIsRefused(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	// A retailer packing into a serial of ManufacturerB's GTIN that B never made.
	squat := sgtin(gtinB, "NEVER-MADE")
	e := w.fails(retailer, model.CodeForbidden, func(c call) error {
		_, err := c.l.Pack(model.PackRequest{Container: squat, Children: u})
		return err
	})
	assert.Equal(t, squat, e.Subject)
	assert.Equal(t, model.VerdictUnknown, w.verify(squat).Verdict)
	// B can still commission its serial, and recall it.
	w.commission(makerB, gtinB, "B1", squat)
	assert.Equal(t, model.VerdictGenuine, w.verify(squat).Verdict)
	w.ok(admin(makerB), func(c call) error {
		_, err := c.l.Recall(model.RecallRequest{Codes: []string{squat}, Reason: "x"})
		return err
	})
}

func TestSSCCsBelongToThePackersPrefix(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 2)
	w.fails(retailer, model.CodeForbidden, func(c call) error {
		_, err := c.l.Pack(model.PackRequest{Container: sscc("6901234", 5), Children: u[:1]})
		return err
	})
	own := sscc("6908888", 5)
	w.pack(retailer, own, u[1])
	v := w.verify(own)
	assert.Equal(t, model.VerdictGenuine, v.Verdict)
	assert.Nil(t, v.Product, "a container carries no maker's product data")
	require.NotNil(t, v.Producer)
	assert.Equal(t, retailer, v.Producer.MSPID, "its provenance is its issuer")
	assert.Contains(t, v.Detail, "logistic unit")
}

func TestEcodeAndCCCBelongToTheirRegistrant(t *testing.T) {
	w := newWorld(t)
	for _, code := range []string{"ccc:2023010701000001", "ecode:100021234"} { // ManufacturerB's
		e := w.fails(makerA, model.CodeForbidden, func(c call) error {
			_, err := c.l.Commission(model.CommissionRequest{GTIN: gtinA, Batch: "B1", ProductionDate: "2026-02-01", Codes: []string{code}})
			return err
		})
		assert.Contains(t, e.Message, "not registered to "+makerA)
		assert.Equal(t, model.VerdictUnknown, w.verify(code).Verdict)
	}
	w.commission(makerB, gtinB, "B1", "ccc:2023010701000001", "ecode:100021234")
	assert.Equal(t, makerB, w.verify("ecode:100021234").Producer.MSPID)
}

func TestRecallFollowsLotParts(t *testing.T) {
	w := newWorld(t)
	l := lot(gtinA, "L1")
	w.ok(makerA, func(c call) error {
		_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L1", ProductionDate: "2026-02-01", Quantity: 100})
		return err
	})
	split := func(msp, src string, q int64, label string) string {
		var part *model.Item
		w.ok(msp, func(c call) (err error) {
			part, err = c.l.SplitLot(model.SplitRequest{Source: src, Quantity: q, Label: label})
			return err
		})
		return part.Code
	}
	before := split(makerA, l, 40, "before")
	nested := split(makerA, before, 10, "nested")
	w.move(makerA, distributor, nested)

	var rec *model.Recall
	w.ok(admin(makerA), func(c call) (err error) {
		rec, err = c.l.Recall(model.RecallRequest{Codes: []string{l}, Reason: "contamination"})
		return err
	})
	assert.Equal(t, 3, rec.Count, "the lot and the parts split off it, directly or not")

	// Laundering attempts: split the recalled part, or ship a split of it at once.
	after := split(distributor, nested, 5, "after")
	assert.Equal(t, model.VerdictRecalled, w.verify(after).Verdict, "a part split after the recall inherits it")
	w.fails(distributor, model.CodeRecalled, func(c call) error {
		_, err := c.l.Ship(model.ShipRequest{To: retailer, Lots: []model.LotShipment{{Source: nested, Quantity: 1}}})
		return err
	})
	w.fails(distributor, model.CodeRecalled, func(c call) error {
		_, err := c.l.Ship(model.ShipRequest{To: retailer, Codes: []string{after}})
		return err
	})
	w.ship(distributor, makerA, after) // a recall return is allowed

	for _, code := range []string{l, before, nested, after} {
		assert.Equal(t, model.VerdictRecalled, w.verify(code).Verdict, code)
	}
	report, err := w.begin(regulator, nil).l.RecallReport(rec.ID, 0, "")
	require.NoError(t, err)
	var listed []string
	for _, e := range report.Entries {
		listed = append(listed, e.Code)
	}
	assert.ElementsMatch(t, []string{l, before, nested, after}, listed, "the report lists every part")
}

func TestUnpackAllIsBounded(t *testing.T) {
	w := newWorld(t)
	n := model.MaxCodesPerTx + 1
	codes := make([]string, n)
	for i := range codes {
		codes[i] = unit(fmt.Sprintf("X%d", i))
	}
	w.commission(makerA, gtinA, "B1", codes[:model.MaxCodesPerTx]...)
	w.commission(makerA, gtinA, "B1", codes[model.MaxCodesPerTx:]...)
	pallet := sscc("6901234", 1)
	w.pack(makerA, pallet, codes[:model.MaxCodesPerTx]...)
	w.pack(makerA, pallet, codes[model.MaxCodesPerTx:]...)
	tx, err := w.do(makerA, nil, func(c call) error {
		_, err := c.l.Unpack(model.UnpackRequest{Container: pallet})
		return err
	})
	requireCode(t, err, model.CodeInvalidArgument)
	assert.Zero(t, tx.Stats().Writes, "refused before anything is written")
	assert.Less(t, tx.Stats().Scanned, 10, "the children are not even listed")
	w.unpack(makerA, pallet, codes[:3]...)
	assert.Equal(t, n-3, w.status(pallet).Item.Children)
}

func TestCloneReportsCannotBrandARivalsGoods(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	// A rival retailer that never held the unit invents resales, again and again.
	var ids []string
	for range 5 {
		res, err := w.sell(retailer2, u[0])
		require.NoError(t, err)
		ids = append(ids, res.AlertID)
	}
	assert.Equal(t, []string{ids[0], ids[0], ids[0], ids[0], ids[0]}, ids, "one alert, deduplicated")
	assert.Equal(t, model.VerdictSold, w.verify(u[0]).Verdict, "what the buyer sees is unchanged")
	page, err := w.begin(regulator, nil).l.ListAlerts(0, "")
	require.NoError(t, err)
	require.Len(t, page.Alerts, 1)
	assert.Equal(t, 1, page.Alerts[0].Reports)
}

// TestNoPurgeWhileAReportIsOpen: a seller may not destroy the evidence of a
// clone report before the Regulator has decided it.
func TestNoPurgeWhileAReportIsOpen(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	_, err := w.sale(retailer, model.SellRequest{Code: u[0], RetentionDays: model.MinSaleRetentionDays}, saleJSON(buyerName))
	require.NoError(t, err)
	res, err := w.sell(retailer2, u[0])
	require.NoError(t, err)
	w.now = w.now.AddDate(0, 0, model.MinSaleRetentionDays+1)
	purge := func(c call) error { return c.l.PurgeSale(u[0]) }
	e := w.fails(admin(retailer), model.CodeBadState, purge)
	assert.Contains(t, e.Message, res.AlertID)
	w.decideAlert(u[0], res.AlertID, model.DecisionDismiss)
	w.ok(admin(retailer), purge)
}
