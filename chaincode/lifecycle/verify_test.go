package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// TestVerifyPrecedence builds a unit in each state and combination of states
// and checks the verdict: invalid_code, unknown, recalled, suspected_clone,
// decommissioned, sold, genuine.
func TestVerifyPrecedence(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 6)
	sold, clone, recalledClone, destroyed, recalledDestroyed, genuine := u[0], u[1], u[2], u[3], u[4], u[5]
	for _, code := range []string{sold, clone, recalledClone} {
		_, err := w.sell(retailer, code)
		require.NoError(t, err)
	}
	for _, code := range []string{clone, recalledClone} {
		res, err := w.sell(retailer2, code)
		require.NoError(t, err)
		w.decideAlert(code, res.AlertID, model.DecisionConfirm)
	}
	w.ok(retailer, func(c call) error {
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{destroyed, recalledDestroyed}, Reason: model.ReasonDestroyed})
		return err
	})
	w.ok(admin(regulator), func(c call) error {
		_, err := c.l.Recall(model.RecallRequest{Codes: []string{recalledClone, recalledDestroyed}, Reason: "x"})
		return err
	})

	tests := []struct {
		name  string
		input string
		want  model.Verdict
	}{
		{"invalid", "(01)06901234000013(21)X", model.VerdictInvalidCode},
		{"garbage", "hello world", model.VerdictInvalidCode},
		{"unknown", unit("never"), model.VerdictUnknown},
		{"recalled beats suspected clone", recalledClone, model.VerdictRecalled},
		{"recalled beats decommissioned", recalledDestroyed, model.VerdictRecalled},
		{"suspected clone beats sold", clone, model.VerdictSuspectedClone},
		{"decommissioned", destroyed, model.VerdictDecommissioned},
		{"sold", sold, model.VerdictSold},
		{"genuine", genuine, model.VerdictGenuine},
		{"genuine from a QR code Digital Link", "https://id.gs1.org/01/" + gtinA + "/21/U5?17=280101", model.VerdictGenuine},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := w.verify(tc.input)
			assert.Equal(t, tc.want, v.Verdict)
			assert.Equal(t, tc.input, v.Input)
			assert.NotContains(t, mustJSON(v), "张三")
		})
	}

	v := w.verify(sold)
	require.NotNil(t, v.Seller, "a sold unit names its seller, a business")
	assert.Equal(t, "R Mart", v.Seller.Name)
	assert.False(t, v.SoldAt.IsZero())
	v = w.verify(recalledDestroyed)
	assert.Equal(t, "x", v.RecallReason)
	assert.False(t, v.RecalledAt.IsZero())

	v = w.verify(genuine)
	require.NotNil(t, v.Product)
	assert.Equal(t, "BV 2.5mm² cable", v.Product.Name)
	assert.Equal(t, &model.Party{MSPID: makerA, Name: "A Cable Co.", USCC: usccA}, v.Producer)
	assert.Equal(t, retailer, v.Holder.MSPID)
	assert.Equal(t, "R Mart", v.Holder.Name)
	assert.Equal(t, "B1", v.Batch)
	assert.Equal(t, "2026-02-01", v.ProductionDate)
	assert.Equal(t, "2028-02-01", v.WarrantyEnd)
	assert.False(t, v.LastEventAt.IsZero())

	bad := w.verify("(01)06901234000013(21)X")
	assert.Contains(t, bad.Detail, "check digit")

	_, err := w.begin(outsider, nil).l.Verify(genuine)
	requireCode(t, err, model.CodeNotMember)
}
