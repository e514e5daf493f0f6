package lifecycle_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

func TestCommissionAcceptsEveryCodeForm(t *testing.T) {
	w := newWorld(t)
	inputs := []string{
		"(01)" + gtinA + "(21)EL1",
		"https://id.gs1.org/01/" + gtinA + "/21/DL1?17=280101",
		"urn:epc:id:sgtin:6901234.000001.EPC1",
		"ecode:100011234567890",
		"2023011234000001",
		"dic:" + usccA + "/UNIT-0001",
	}
	res := w.commission(makerA, gtinA, "B1", inputs...)
	assert.Equal(t, 6, res.Count)
	assert.Equal(t, "2028-02-01", res.WarrantyEnd, "production date + 24 months of warranty")

	for _, code := range []string{unit("EL1"), unit("DL1"), unit("EPC1"), "ecode:100011234567890", "ccc:2023011234000001", "dic:" + usccA + "/UNIT-0001"} {
		st := w.status(code)
		assert.Equal(t, model.ClassUnit, st.Item.Class, code)
		assert.Equal(t, makerA, st.Holder.MSPID)
		assert.Equal(t, "A Cable Co.", st.Holder.Name)
		assert.Equal(t, model.DispositionActive, st.Disposition)
		assert.Equal(t, gtinA, st.Item.GTIN)
		assert.Equal(t, "B1", st.Item.Batch)
		assert.Equal(t, "2026-02-01", st.Item.ProductionDate)
	}
	assert.Equal(t, "ecode", w.status("ecode:100011234567890").Item.Scheme)
}

func TestCommissionCostsOneReadAndTwoWritesPerUnit(t *testing.T) {
	for _, n := range []int{1, 10, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			w := newWorld(t)
			codes := make([]string, n)
			for i := range codes {
				codes[i] = unit(fmt.Sprintf("S%d", i))
			}
			tx := w.ok(makerA, func(c call) error {
				_, err := c.l.Commission(model.CommissionRequest{GTIN: gtinA, Batch: "B1", ProductionDate: "2026-02-01", Codes: codes})
				return err
			})
			s := tx.Stats()
			assert.Equal(t, 2*n, s.Writes, "item record + batch index entry per unit")
			assert.Equal(t, n+4, s.Reads, "one batched read per unit + ledger configuration, member, product, recall marker")
			assert.Equal(t, 2, s.GetManyCalls, "unit reads are batched, and so are the configuration and the caller's record")
			assert.Equal(t, 1, s.Events)
		})
	}
}

func TestParallelBatchesShareNoWrittenKey(t *testing.T) {
	w := newWorld(t)
	c1, c2 := w.begin(makerA, nil), w.begin(makerA, nil)
	_, err := c1.l.Commission(model.CommissionRequest{GTIN: gtinA, Batch: "B1", ProductionDate: "2026-02-01", Codes: []string{unit("1"), unit("2")}})
	require.NoError(t, err)
	_, err = c2.l.Commission(model.CommissionRequest{GTIN: gtinA, Batch: "B2", ProductionDate: "2026-02-01", Codes: []string{unit("3"), unit("4")}})
	require.NoError(t, err)

	// An MVCC conflict needs one transaction to write a key the other read or wrote.
	w1, w2 := set(c1.tx.WrittenKeys()), set(c2.tx.WrittenKeys())
	for _, k := range c2.tx.ReadKeys() {
		assert.False(t, w1[k], "batch B2 read a key batch B1 writes: %q", k)
	}
	for _, k := range c1.tx.ReadKeys() {
		assert.False(t, w2[k], "batch B1 read a key batch B2 writes: %q", k)
	}
	for k := range w1 {
		assert.False(t, w2[k], "both batches write %q", k)
	}
	require.NoError(t, c1.tx.Commit())
	require.NoError(t, c2.tx.Commit())
}

func set(keys []string) map[string]bool {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

func TestCommissionRefusals(t *testing.T) {
	w := newWorld(t)
	w.units("B1", "OLD", 1)
	w.ok(admin(regulator), func(c call) error {
		_, err := c.l.Recall(model.RecallRequest{GTIN: gtinA, Batch: "BAD", Reason: "insulation too thin"})
		return err
	})
	req := func(mut ...func(r *model.CommissionRequest)) model.CommissionRequest {
		r := model.CommissionRequest{GTIN: gtinA, Batch: "B2", ProductionDate: "2026-02-01", Codes: []string{unit("N1"), unit("N2")}}
		for _, m := range mut {
			m(&r)
		}
		return r
	}
	tests := []struct {
		name    string
		msp     string
		req     model.CommissionRequest
		code    model.Code
		subject string
	}{
		{"outsider", outsider, req(), model.CodeNotMember, outsider},
		{"distributor", distributor, req(), model.CodeForbidden, distributor},
		{"regulator", regulator, req(), model.CodeForbidden, regulator},
		{"other manufacturer's product", makerB, req(), model.CodeForbidden, gtinA},
		{"unregistered product", makerA, req(func(r *model.CommissionRequest) { r.GTIN = gtin("690123400099") }), model.CodeNotFound, gtin("690123400099")},
		{"invalid GTIN", makerA, req(func(r *model.CommissionRequest) { r.GTIN = "06901234000013" }), model.CodeInvalidCode, "06901234000013"},
		{"invalid code", makerA, req(func(r *model.CommissionRequest) { r.Codes = []string{unit("N1"), "(01)06901234000013(21)X"} }), model.CodeInvalidCode, "(01)06901234000013(21)X"},
		{"other GTIN", makerA, req(func(r *model.CommissionRequest) { r.Codes = []string{sgtin(gtinA2, "X")} }), model.CodeInvalidCode, sgtin(gtinA2, "X")},
		{"SSCC is no unit", makerA, req(func(r *model.CommissionRequest) { r.Codes = []string{sscc("6901234", 1)} }), model.CodeInvalidCode, sscc("6901234", 1)},
		{"repeat in request", makerA, req(func(r *model.CommissionRequest) {
			r.Codes = []string{unit("N1"), unit("N2"), "(01)" + gtinA + "(21)N1"}
		}), model.CodeDuplicate, "(01)" + gtinA + "(21)N1"},
		{"already on ledger", makerA, req(func(r *model.CommissionRequest) { r.Codes = []string{unit("N1"), unit("OLD0")} }), model.CodeDuplicate, unit("OLD0")},
		{"digital identity code of another issuer", makerA, req(func(r *model.CommissionRequest) { r.Codes = []string{"dic:" + usccB + "/X1"} }), model.CodeForbidden, "dic:" + usccB + "/X1"},
		{"no codes", makerA, req(func(r *model.CommissionRequest) { r.Codes = nil }), model.CodeInvalidArgument, ""},
		{"bad production date", makerA, req(func(r *model.CommissionRequest) { r.ProductionDate = "2026/02/01" }), model.CodeInvalidArgument, ""},
		{"future production date", makerA, req(func(r *model.CommissionRequest) { r.ProductionDate = "2027-01-01" }), model.CodeInvalidArgument, ""},
		{"warranty before production", makerA, req(func(r *model.CommissionRequest) { r.WarrantyEnd = "2025-01-01" }), model.CodeInvalidArgument, ""},
		{"bad batch", makerA, req(func(r *model.CommissionRequest) { r.Batch = "" }), model.CodeInvalidArgument, ""},
		{"recalled batch", makerA, req(func(r *model.CommissionRequest) { r.Batch = "BAD" }), model.CodeRecalled, lot(gtinA, "BAD")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := w.do(tc.msp, nil, func(c call) error { _, err := c.l.Commission(tc.req); return err })
			e := requireCode(t, err, tc.code)
			assert.Equal(t, tc.subject, e.Subject)
			assert.Zero(t, tx.Stats().Writes, "validated before the first write")
		})
	}
	t.Run("the error names the first offender by index and input", func(t *testing.T) {
		e := w.fails(makerA, model.CodeDuplicate, func(c call) error {
			_, err := c.l.Commission(req(func(r *model.CommissionRequest) { r.Codes = []string{unit("N1"), unit("OLD0"), unit("N2")} }))
			return err
		})
		assert.Contains(t, e.Message, fmt.Sprintf("codes[1] %q", unit("OLD0")))
	})
	t.Run("nothing of a refused request is on the ledger", func(t *testing.T) {
		c := w.begin(regulator, nil)
		v, err := c.l.Verify(unit("N1"))
		require.NoError(t, err)
		assert.Equal(t, model.VerdictUnknown, v.Verdict)
	})
}

func TestCommissionLot(t *testing.T) {
	w := newWorld(t)
	var it *model.Item
	tx := w.ok(makerA, func(c call) (err error) {
		it, err = c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L1", ProductionDate: "2026-02-01", Quantity: 5000})
		return err
	})
	assert.Equal(t, lot(gtinA, "L1"), it.Code)
	assert.Equal(t, model.ClassLot, it.Class)
	assert.EqualValues(t, 5000, it.Quantity)
	assert.Equal(t, 2, tx.Stats().Writes)
	w.fails(makerA, model.CodeDuplicate, func(c call) error {
		_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L1", ProductionDate: "2026-02-01", Quantity: 1})
		return err
	})
	w.fails(makerA, model.CodeInvalidArgument, func(c call) error {
		_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L2", ProductionDate: "2026-02-01", Quantity: 0})
		return err
	})
}
