package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// quantities returns the lot's remaining quantity plus that of every part.
func quantities(t *testing.T, w *world, lotCode string) (total int64, parts map[string]int64) {
	t.Helper()
	c := w.begin(regulator, nil)
	parts = map[string]int64{}
	require.NoError(t, c.tx.Scan("lotpart", []string{lotCode}, func(kv state.KV) error {
		_, attrs, _ := c.tx.SplitKey(kv.Key)
		st, err := c.l.GetItem(attrs[1])
		require.NoError(t, err)
		parts[attrs[1]] = st.Item.Quantity
		total += st.Item.Quantity
		return nil
	}))
	st, err := c.l.GetItem(lotCode)
	require.NoError(t, err)
	return total + st.Item.Quantity, parts
}

func TestLotSplitsConserveQuantity(t *testing.T) {
	w := newWorld(t)
	l := lot(gtinA, "L1")
	w.ok(makerA, func(c call) error {
		_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L1", ProductionDate: "2026-02-01", Quantity: 1000})
		return err
	})
	split := func(msp, source string, q int64, label string) (*model.Item, *statetest.MemoryTx) {
		var part *model.Item
		tx := w.ok(msp, func(c call) (err error) {
			part, err = c.l.SplitLot(model.SplitRequest{Source: source, Quantity: q, Label: label})
			return err
		})
		return part, tx
	}

	a, tx := split(makerA, l, 300, "A")
	assert.Equal(t, l+"/part/A", a.Code)
	assert.Equal(t, l, a.Lot)
	assert.Equal(t, 4, tx.Stats().Writes, "source, part, lot and batch index entries")
	total, _ := quantities(t, w, l)
	assert.EqualValues(t, 1000, total)

	// Split and ship in one transaction, with a default label from the tx ID.
	var shipped *model.MoveResult
	w.ok(makerA, func(c call) (err error) {
		shipped, err = c.l.Ship(model.ShipRequest{To: distributor, Codes: []string{a.Code}, Lots: []model.LotShipment{{Source: l, Quantity: 200}, {Source: l, Quantity: 100}}})
		return err
	})
	require.Len(t, shipped.Codes, 3)
	assert.Regexp(t, `/part/[0-9a-f]{16}-1$`, shipped.Codes[1])
	assert.Regexp(t, `/part/[0-9a-f]{16}-2$`, shipped.Codes[2])
	w.receive(distributor, shipped.Codes...)
	total, parts := quantities(t, w, l)
	assert.EqualValues(t, 1000, total)
	assert.Len(t, parts, 3)

	// A part of a part stays a part of the lot.
	b, _ := split(distributor, a.Code, 120, "B")
	assert.Equal(t, l+"/part/B", b.Code)
	assert.Equal(t, a.Code, b.SplitFrom)
	w.move(distributor, retailer, b.Code)
	total, parts = quantities(t, w, l)
	assert.EqualValues(t, 1000, total)
	assert.EqualValues(t, 180, parts[a.Code])
	assert.EqualValues(t, 400, w.status(l).Item.Quantity)

	refusals := []struct {
		name   string
		msp    string
		source string
		q      int64
		label  string
		code   model.Code
	}{
		{"more than the source holds", makerA, l, 401, "", model.CodeInvalidArgument},
		{"zero", makerA, l, 0, "", model.CodeInvalidArgument},
		{"label taken", makerA, l, 1, "A", model.CodeDuplicate},
		{"bad label", makerA, l, 1, "a/b", model.CodeInvalidArgument},
		{"not the holder", makerA, a.Code, 1, "", model.CodeNotHolder},
		{"a unit is no lot", makerA, w.units("U1", "U", 1)[0], 1, "", model.CodeBadState},
		{"regulator", regulator, l, 1, "", model.CodeForbidden},
		{"unknown lot", makerA, lot(gtinA, "NOPE"), 1, "", model.CodeNotFound},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			w.fails(tc.msp, tc.code, func(c call) error {
				_, err := c.l.SplitLot(model.SplitRequest{Source: tc.source, Quantity: tc.q, Label: tc.label})
				return err
			})
		})
	}
	t.Run("a lot moves only through its parts", func(t *testing.T) {
		w.fails(makerA, model.CodeBadState, func(c call) error {
			_, err := c.l.Ship(model.ShipRequest{To: distributor, Codes: []string{l}})
			return err
		})
	})
	t.Run("part codes are accepted in any lot form", func(t *testing.T) {
		st := w.status("(01)" + gtinA + "(10)L1/part/B")
		assert.Equal(t, retailer, st.Holder.MSPID)
		assert.Equal(t, model.VerdictGenuine, w.verify(b.Code).Verdict)
	})
	t.Run("the lot's trace merges its parts' events", func(t *testing.T) {
		got := steps(trace(t, w, l, 0))
		assert.Equal(t, step{l, model.EventLotCommissioned, ""}, got[0])
		assert.Contains(t, got, step{a.Code, model.EventLotSplit, ""})
		assert.Contains(t, got, step{b.Code, model.EventLotSplit, ""})
		assert.Contains(t, got, step{b.Code, model.EventReceived, ""})
		assert.Contains(t, got, step{shipped.Codes[1], model.EventShipped, ""})
	})
	t.Run("an emptied part cannot move", func(t *testing.T) {
		split(retailer, b.Code, 120, "C")
		w.fails(retailer, model.CodeBadState, func(c call) error {
			_, err := c.l.Ship(model.ShipRequest{To: distributor, Codes: []string{b.Code}})
			return err
		})
		total, _ := quantities(t, w, l)
		assert.EqualValues(t, 1000, total)
	})
}

func TestShipWholePartAndSplitItInOneRequestIsRefused(t *testing.T) {
	w := newWorld(t)
	l := lot(gtinA, "L1")
	w.ok(makerA, func(c call) error {
		_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L1", ProductionDate: "2026-02-01", Quantity: 10})
		return err
	})
	w.ok(makerA, func(c call) error {
		_, err := c.l.SplitLot(model.SplitRequest{Source: l, Quantity: 5, Label: "A"})
		return err
	})
	w.fails(makerA, model.CodeBadState, func(c call) error {
		_, err := c.l.Ship(model.ShipRequest{To: distributor, Codes: []string{l + "/part/A"}, Lots: []model.LotShipment{{Source: l + "/part/A", Quantity: 1}}})
		return err
	})
}

// A holder can split a lot into thousands of parts; a Trace of the lot then
// stops reading at the bound it refuses beyond, instead of loading every part
// first and refusing after.
func TestTraceOfALotWithTooManyPartsStopsAtTheBound(t *testing.T) {
	w := newWorld(t)
	l := lot(gtinA, "L1")
	w.ok(makerA, func(c call) error {
		_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L1", ProductionDate: "2026-02-01", Quantity: 5000})
		return err
	})
	lots := make([]model.LotShipment, 2000)
	for i := range lots {
		lots[i] = model.LotShipment{Source: l, Quantity: 1}
	}
	w.ok(makerA, func(c call) error {
		_, err := c.l.Ship(model.ShipRequest{To: distributor, Lots: lots})
		return err
	})
	tx, err := w.do(makerA, nil, func(c call) error {
		_, err := c.l.Trace(l, 0, "")
		return err
	})
	var me *model.Error
	require.ErrorAs(t, err, &me)
	assert.Equal(t, model.CodeBadState, me.Code)
	assert.Less(t, tx.Stats().Scanned, 1001, "the scan stops at the bound")
	assert.Less(t, tx.Stats().Reads, 100, "no part is loaded before the refusal")
}
