package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

func TestCheckCommissionFindsWhatAResumedImportMustStillSend(t *testing.T) {
	w := newWorld(t)
	first := w.commission(makerA, gtinA, "B1", unit("R1"), unit("R2"))
	second := w.commission(makerA, gtinA, "B1", unit("R3"))
	w.commission(makerA, gtinA, "B2", unit("OTHER"))

	check := func(msp string, req model.CommissionRequest) (*model.CommissionCheck, error) {
		var out *model.CommissionCheck
		_, err := w.do(msp, nil, func(c call) error {
			var err error
			out, err = c.l.CheckCommission(req)
			return err
		})
		return out, err
	}
	req := model.CommissionRequest{GTIN: gtinA, Batch: "B1", Codes: []string{unit("R1"), unit("N1"), "(01)" + gtinA + "(21)R3", unit("N2")}}
	got, err := check(makerA, req)
	require.NoError(t, err)
	assert.Equal(t, 2, got.Committed)
	assert.Equal(t, []int{1, 3}, got.Missing, "indexes of the request's codes, whatever their form")
	assert.Equal(t, []string{first.TxID, second.TxID}, got.CommissionTxs)

	// A code that is on the ledger as something else is a conflict, not "done".
	for name, r := range map[string]model.CommissionRequest{
		"another batch":        {GTIN: gtinA, Batch: "B1", Codes: []string{unit("OTHER")}},
		"another maker's unit": {GTIN: gtinA, Batch: "B1", Codes: []string{unit("R1")}},
	} {
		t.Run(name, func(t *testing.T) {
			msp := makerA
			if name == "another maker's unit" {
				msp = makerB
			}
			_, err := check(msp, r)
			e := requireCode(t, err, model.CodeDuplicate)
			assert.NotEmpty(t, e.Subject)
		})
	}
	_, err = check(makerA, model.CommissionRequest{GTIN: gtinA, Batch: "B1", Codes: []string{"(01)" + gtinA + "(21)X", "(01)" + gtinA + "(21)X"}})
	requireCode(t, err, model.CodeDuplicate)
	_, err = check(makerA, model.CommissionRequest{GTIN: "123", Batch: "B1", Codes: []string{unit("R1")}})
	requireCode(t, err, model.CodeInvalidArgument)
	_, err = check("StrangerMSP", req)
	requireCode(t, err, model.CodeNotMember)
}
