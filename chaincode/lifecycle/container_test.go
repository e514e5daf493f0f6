package lifecycle_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// TestContainerMovesCostConstantWrites ships, rejects, re-ships, receives and
// decommissions a pallet of 1 unit and a pallet of 10,000 units and requires
// the same write set size: only the pallet's record and event are written.
func TestContainerMovesCostConstantWrites(t *testing.T) {
	writes := map[int]map[string]int{}
	for _, n := range []int{1, model.MaxCodesPerTx} {
		w := newWorld(t)
		codes := w.units("B1", "P", n)
		pallet := sscc("6901234", 1)
		w.pack(makerA, pallet, codes...)

		got := map[string]int{}
		got["ship"] = w.ship(makerA, distributor, pallet).Stats().Writes
		got["reject"] = w.ok(distributor, func(c call) error { _, err := c.l.Reject(model.MoveRequest{Codes: []string{pallet}}); return err }).Stats().Writes
		w.ship(makerA, distributor, pallet)
		got["receive"] = w.receive(distributor, pallet).Stats().Writes
		got["decommission"] = w.ok(distributor, func(c call) error {
			_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{pallet}, Reason: model.ReasonDamaged})
			return err
		}).Stats().Writes
		writes[n] = got

		last := w.status(codes[n-1])
		assert.Equal(t, distributor, last.Holder.MSPID, "children follow the pallet by derivation")
		assert.Equal(t, model.DispositionDamaged, last.Disposition)
		assert.Equal(t, pallet, last.TopContainer)
		assert.Equal(t, makerA, last.Item.Holder, "the child's own record was not rewritten")
	}
	assert.Equal(t, writes[1], writes[model.MaxCodesPerTx])
	assert.Equal(t, map[string]int{"ship": 2, "reject": 2, "receive": 2, "decommission": 2}, writes[1])
}

func TestNestedContainersDeriveHolderAndDisposition(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 4)
	caseA, caseB, pallet := sscc("6901234", 11), sscc("6901234", 12), sscc("6901234", 1)
	w.pack(makerA, caseA, u[0], u[1])
	w.pack(makerA, caseB, u[2])
	w.pack(makerA, pallet, caseA, caseB, u[3])

	st := w.status(u[0])
	assert.Equal(t, []string{caseA, pallet}, st.Containers)
	assert.Equal(t, 3, w.status(pallet).Item.Children)

	w.ship(makerA, distributor, pallet)
	st = w.status(u[0])
	assert.Equal(t, model.DispositionInTransit, st.Disposition)
	assert.Equal(t, distributor, st.Destination)
	assert.Equal(t, makerA, st.Holder.MSPID)

	w.receive(distributor, pallet)
	assert.Equal(t, distributor, w.status(u[1]).Holder.MSPID)
	assert.Equal(t, model.DispositionActive, w.status(u[1]).Disposition)

	// Unpacking materialises the derived state into the child's own record.
	w.unpack(distributor, pallet, caseA)
	st = w.status(caseA)
	assert.Empty(t, st.Item.Parent)
	assert.Equal(t, distributor, st.Item.Holder)
	assert.Equal(t, 2, w.status(pallet).Item.Children)
	assert.Equal(t, []string{caseA}, w.status(u[0]).Containers)

	// Unpack without a list empties the container.
	w.unpack(distributor, pallet)
	assert.Zero(t, w.status(pallet).Item.Children)
	assert.Equal(t, distributor, w.status(u[3]).Item.Holder)
	assert.Equal(t, distributor, w.status(caseB).Item.Holder)
	assert.Equal(t, makerA, w.status(u[2]).Item.Holder, "still packed in caseB: not materialised")
	assert.Equal(t, distributor, w.status(u[2]).Holder.MSPID)
}

func TestPackRefusals(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 6)
	w.commission(makerB, gtinB, "X1", sgtin(gtinB, "B0"))
	l := lot(gtinA, "L1")
	w.ok(makerA, func(c call) error {
		_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L1", ProductionDate: "2026-02-01", Quantity: 10})
		return err
	})
	caseA, pallet, shipped := sscc("6901234", 11), sscc("6901234", 1), sscc("6901234", 2)
	w.pack(makerA, caseA, u[0])
	w.pack(makerA, pallet, caseA)
	w.ship(makerA, distributor, u[1])
	w.pack(makerA, shipped, u[2])
	w.ship(makerA, distributor, shipped)
	w.move(makerA, distributor, u[5])

	tests := []struct {
		name      string
		msp       string
		container string
		children  []string
		code      model.Code
	}{
		{"regulator holds nothing", regulator, sscc("6901234", 3), []string{u[3]}, model.CodeForbidden},
		{"outsider", outsider, sscc("6901234", 3), []string{u[3]}, model.CodeNotMember},
		{"child held by another member", makerB, sscc("6905678", 3), []string{u[3]}, model.CodeNotHolder},
		{"child in transit", makerA, sscc("6901234", 3), []string{u[1]}, model.CodeBadState},
		{"child already packed", makerA, sscc("6901234", 3), []string{u[0]}, model.CodeBadState},
		{"cycle: pallet into its own case", makerA, caseA, []string{pallet}, model.CodeBadState},
		{"container into itself", makerA, pallet, []string{pallet}, model.CodeBadState},
		{"container in transit", makerA, shipped, []string{u[3]}, model.CodeBadState},
		{"container held by another member", distributor, caseA, []string{u[5]}, model.CodeNotHolder},
		{"a unit is no container", makerA, u[4], []string{u[3]}, model.CodeBadState},
		{"a lot is packed through its parts", makerA, sscc("6901234", 3), []string{l}, model.CodeBadState},
		{"container must be an SSCC or a case code", makerA, "ecode:100011234567890", []string{u[3]}, model.CodeInvalidCode},
		{"unknown child", makerA, sscc("6901234", 3), []string{unit("nope")}, model.CodeNotFound},
		{"repeated child", makerA, sscc("6901234", 3), []string{u[3], u[3]}, model.CodeDuplicate},
		{"no children", makerA, sscc("6901234", 3), nil, model.CodeInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w.fails(tc.msp, tc.code, func(c call) error {
				_, err := c.l.Pack(model.PackRequest{Container: tc.container, Children: tc.children})
				return err
			})
		})
	}
	t.Run("a serialised case code can be a container", func(t *testing.T) {
		w.pack(makerA, sgtin(gtinA2, "CASE1"), u[3], u[4])
		assert.Equal(t, model.ClassContainer, w.status(sgtin(gtinA2, "CASE1")).Item.Class)
	})
}

func TestPackedChildCannotMoveAlone(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 2)
	pallet := sscc("6901234", 1)
	w.pack(makerA, pallet, u[0])
	for name, fn := range map[string]func(c call) error{
		"ship": func(c call) error {
			_, err := c.l.Ship(model.ShipRequest{To: distributor, Codes: []string{u[0]}})
			return err
		},
		"decommission": func(c call) error {
			_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{u[0]}, Reason: model.ReasonDestroyed})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) { w.fails(makerA, model.CodeBadState, fn) })
	}
	w.ship(makerA, distributor, pallet)
	t.Run("receive a child instead of its container", func(t *testing.T) {
		w.fails(distributor, model.CodeBadState, func(c call) error { _, err := c.l.Receive(model.MoveRequest{Codes: []string{u[0]}}); return err })
	})
	t.Run("unpack a container in transit", func(t *testing.T) {
		w.fails(makerA, model.CodeBadState, func(c call) error { _, err := c.l.Unpack(model.UnpackRequest{Container: pallet}); return err })
	})
	w.receive(distributor, pallet)
	t.Run("unpack a child that is not in the container", func(t *testing.T) {
		w.fails(distributor, model.CodeBadState, func(c call) error {
			_, err := c.l.Unpack(model.UnpackRequest{Container: pallet, Children: []string{u[1]}})
			return err
		})
	})
	t.Run("unpack a container someone else holds", func(t *testing.T) {
		w.fails(makerA, model.CodeNotHolder, func(c call) error { _, err := c.l.Unpack(model.UnpackRequest{Container: pallet}); return err })
	})
}

func TestPackCost(t *testing.T) {
	for _, n := range []int{1, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			w := newWorld(t)
			codes := w.units("B1", "U", n)
			tx := w.ok(makerA, func(c call) error {
				_, err := c.l.Pack(model.PackRequest{Container: sscc("6901234", 1), Children: codes})
				return err
			})
			require.Equal(t, 2*n+2, tx.Stats().Writes, "child record + index entry per child, container record + event")
		})
	}
}
