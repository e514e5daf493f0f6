package lifecycle_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// TestUnitStateMachine walks every transition of a top-level unit and every
// refusal from each state.
func TestUnitStateMachine(t *testing.T) {
	type op struct {
		name string
		msp  string
		fn   func(c call, code string) error
	}
	ship := func(to string) func(c call, code string) error {
		return func(c call, code string) error {
			_, err := c.l.Ship(model.ShipRequest{To: to, Codes: []string{code}})
			return err
		}
	}
	receive := func(c call, code string) error {
		_, err := c.l.Receive(model.MoveRequest{Codes: []string{code}})
		return err
	}
	reject := func(c call, code string) error {
		_, err := c.l.Reject(model.MoveRequest{Codes: []string{code}})
		return err
	}
	destroy := func(c call, code string) error {
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{code}, Reason: model.ReasonDestroyed})
		return err
	}
	var sell func(call, string) error // both halves of a sale, by run below
	sold := []op{{"ship", makerA, ship(retailer)}, {"receive", retailer, receive}, {"sell", retailer, sell}}

	tests := []struct {
		name   string
		setup  []op       // brings the unit into the state under test
		try    op         // the transition tried
		code   model.Code // "" when it must succeed
		after  model.Disposition
		holder string
	}{
		{"active: ship", nil, op{"ship", makerA, ship(distributor)}, "", model.DispositionInTransit, makerA},
		{"active: ship by non-holder", nil, op{"ship", distributor, ship(retailer)}, model.CodeNotHolder, model.DispositionActive, makerA},
		{"active: ship to non-member", nil, op{"ship", makerA, ship(outsider)}, model.CodeNotMember, model.DispositionActive, makerA},
		{"active: ship to self", nil, op{"ship", makerA, ship(makerA)}, model.CodeInvalidArgument, model.DispositionActive, makerA},
		{"active: ship to the Regulator", nil, op{"ship", makerA, ship(regulator)}, model.CodeForbidden, model.DispositionActive, makerA},
		{"active: receive", nil, op{"receive", distributor, receive}, model.CodeBadState, model.DispositionActive, makerA},
		{"active: reject", nil, op{"reject", distributor, reject}, model.CodeBadState, model.DispositionActive, makerA},
		{"active: decommission", nil, op{"destroy", makerA, destroy}, "", model.DispositionDestroyed, makerA},
		{"active: decommission by non-holder", nil, op{"destroy", distributor, destroy}, model.CodeNotHolder, model.DispositionActive, makerA},
		{"in transit: receive", []op{{"ship", makerA, ship(distributor)}}, op{"receive", distributor, receive}, "", model.DispositionActive, distributor},
		{"in transit: reject", []op{{"ship", makerA, ship(distributor)}}, op{"reject", distributor, reject}, "", model.DispositionActive, makerA},
		{"in transit: receive by another member", []op{{"ship", makerA, ship(distributor)}}, op{"receive", retailer, receive}, model.CodeNotHolder, model.DispositionInTransit, makerA},
		{"in transit: ship again", []op{{"ship", makerA, ship(distributor)}}, op{"ship", makerA, ship(retailer)}, model.CodeBadState, model.DispositionInTransit, makerA},
		{"in transit: decommission", []op{{"ship", makerA, ship(distributor)}}, op{"destroy", makerA, destroy}, model.CodeBadState, model.DispositionInTransit, makerA},
		{"in transit: sell", []op{{"ship", makerA, ship(retailer)}}, op{"sell", retailer, sell}, model.CodeNotHolder, model.DispositionInTransit, makerA},
		{"received: ship on", []op{{"ship", makerA, ship(distributor)}, {"receive", distributor, receive}}, op{"ship", distributor, ship(retailer)}, "", model.DispositionInTransit, distributor},
		{"received: former holder ships", []op{{"ship", makerA, ship(distributor)}, {"receive", distributor, receive}}, op{"ship", makerA, ship(retailer)}, model.CodeNotHolder, model.DispositionActive, distributor},
		{"rejected: sender ships again", []op{{"ship", makerA, ship(distributor)}, {"reject", distributor, reject}}, op{"ship", makerA, ship(retailer)}, "", model.DispositionInTransit, makerA},
		{"destroyed: ship", []op{{"destroy", makerA, destroy}}, op{"ship", makerA, ship(distributor)}, model.CodeBadState, model.DispositionDestroyed, makerA},
		{"sold: ship", sold, op{"ship", retailer, ship(distributor)}, model.CodeAlreadySold, model.DispositionRetailSold, retailer},
		{"sold: decommission", sold, op{"destroy", retailer, destroy}, model.CodeAlreadySold, model.DispositionRetailSold, retailer},
		{"sold: sell again commits an alert", sold, op{"sell", retailer, sell}, "", model.DispositionRetailSold, retailer},
		{"destroyed: decommission again", []op{{"destroy", makerA, destroy}}, op{"destroy", makerA, destroy}, model.CodeBadState, model.DispositionDestroyed, makerA},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			code := w.units("B1", "U", 1)[0]
			run := func(o op) error {
				if o.name == "sell" {
					_, err := w.sell(o.msp, code)
					return err
				}
				_, err := w.do(o.msp, nil, func(c call) error { return o.fn(c, code) })
				return err
			}
			for _, s := range tc.setup {
				require.NoError(t, run(s), s.name)
			}
			err := run(tc.try)
			if tc.code == "" {
				require.NoError(t, err)
			} else {
				requireCode(t, err, tc.code)
			}
			st := w.status(code)
			assert.Equal(t, tc.after, st.Disposition)
			assert.Equal(t, tc.holder, st.Holder.MSPID)
		})
	}
}

func TestDecommissionReasons(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 3)
	for i, r := range []model.Reason{model.ReasonDestroyed, model.ReasonStolen, model.ReasonDamaged} {
		w.ok(makerA, func(c call) error {
			_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{u[i]}, Reason: r})
			return err
		})
		assert.Equal(t, r.Disposition(), w.status(u[i]).Disposition)
		assert.Equal(t, model.VerdictDecommissioned, w.verify(u[i]).Verdict)
	}
	w.fails(makerA, model.CodeInvalidArgument, func(c call) error {
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{u[0]}, Reason: "lost"})
		return err
	})
}

func TestShipReceiveManyAndEvents(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 3)
	c := w.begin(makerA, nil)
	res, err := c.l.Ship(model.ShipRequest{To: distributor, Codes: []string{"(01)" + gtinA + "(21)U0", u[1], u[2]}})
	require.NoError(t, err)
	assert.Equal(t, []string{u[0], u[1], u[2]}, res.Codes, "canonical codes")
	assert.Equal(t, 6, c.tx.Stats().Writes)
	name, payload := c.tx.Event()
	assert.Equal(t, model.EventShipped, name)
	assert.Contains(t, string(payload), `"from":"ManufacturerAMSP","to":"DistributorMSP"`)
	require.NoError(t, c.tx.Commit())

	w.fails(distributor, model.CodeDuplicate, func(c call) error {
		_, err := c.l.Receive(model.MoveRequest{Codes: []string{u[0], u[0]}})
		return err
	})
	res2 := w.receive(distributor, u...)
	assert.Equal(t, 6, res2.Stats().Writes)
	for _, code := range u {
		assert.Equal(t, distributor, w.status(code).Holder.MSPID)
	}
}

// TestDecommissionMarksChangedContents: the event of a decommissioned
// container that holds goods says so, because their disposition changes
// without the event listing them; a unit's or an empty container's does not.
func TestDecommissionMarksChangedContents(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 3)
	full, empty := sscc("6901234", 1), sscc("6901234", 2)
	w.pack(makerA, full, u[0], u[1])
	w.pack(makerA, empty, u[2])
	w.unpack(makerA, empty, u[2])
	for _, tc := range []struct {
		code     string
		contents bool
	}{{u[2], false}, {empty, false}, {full, true}} {
		tx := w.ok(makerA, func(c call) error {
			_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{tc.code}, Reason: model.ReasonDamaged})
			return err
		})
		_, payload := tx.Event()
		var e model.Event
		require.NoError(t, json.Unmarshal(payload, &e))
		assert.Equal(t, tc.contents, e.Contents, tc.code)
	}
	assert.Equal(t, model.DispositionDamaged, w.status(u[0]).Disposition, "the contents follow the container")
}
