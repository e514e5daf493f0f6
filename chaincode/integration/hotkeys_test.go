//go:build integration

package integration

import (
	"context"
	"sync"
	"testing"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// pending is a transaction to endorse and submit alongside others.
type pending struct {
	m    *member
	fn   string
	args []any
}

// together endorses every call against the same ledger state, then submits
// them all at once and waits for their validation codes. A transaction that
// read a key another one wrote fails with MVCC_READ_CONFLICT.
func (s *suite) together(t *testing.T, calls ...pending) []*client.Status {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	txs := make([]*client.Transaction, len(calls))
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prop, err := c.m.Contract.NewProposal(c.fn, options(c.args)...)
			if err == nil {
				txs[i], err = prop.EndorseWithContext(ctx)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "endorsing %s #%d: %s", calls[i].fn, i, outcome(err))
	}
	statuses := make([]*client.Status, len(calls))
	for i, tx := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			commit, err := tx.SubmitWithContext(ctx)
			if err == nil {
				statuses[i], err = commit.StatusWithContext(ctx)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	var last uint64
	for i, err := range errs {
		require.NoError(t, err, "submitting %s #%d", calls[i].fn, i)
		if statuses[i].Successful {
			s.record(calls[i].m, calls[i].fn, committed{TxID: txs[i].TransactionID(), Block: statuses[i].BlockNumber, Result: txs[i].Result()})
		}
		last = max(last, statuses[i].BlockNumber)
	}
	require.NoError(t, s.settle(last))
	return statuses
}

// testNoHotKeys: transactions on different goods share no written key, so
// they commit side by side; the control shows that a real conflict is seen.
func testNoHotKeys(t *testing.T, s *suite) {
	requireAllValid := func(t *testing.T, what string, sts []*client.Status) {
		t.Helper()
		var blocks []uint64
		for i, st := range sts {
			assert.Equal(t, peer.TxValidationCode_VALID, st.Code, "%s #%d", what, i)
			blocks = append(blocks, st.BlockNumber)
		}
		t.Logf("%s: %d transactions endorsed on the same state, committed VALID in blocks %v", what, len(sts), blocks)
	}

	t.Run("ParallelCommissionsOfOneProduct", func(t *testing.T) {
		req := func(m *member, gtin, tag string) pending {
			return pending{m, model.FnCommission, []any{model.CommissionRequest{
				GTIN: gtin, Batch: s.batch(tag), ProductionDate: today(), Codes: units(gtin, s.serials(tag, 50)),
			}}}
		}
		sts := s.together(t,
			req(s.ma, s.productA, "h"), req(s.ma, s.productA, "i"), req(s.ma, s.productA, "j"),
			req(s.mb, s.productB, "g"))
		requireAllValid(t, "three batches of one product and one of another manufacturer", sts)
	})

	w := s.commission(t, s.ma, s.productA, s.batch("W"), "w", 5)
	p1, p2, p3 := ssccCode(s.newSSCC()), ssccCode(s.newSSCC()), ssccCode(s.newSSCC())

	t.Run("ParallelPacksOfDifferentPallets", func(t *testing.T) {
		sts := s.together(t,
			pending{s.ma, model.FnPack, []any{model.PackRequest{Container: p1, Children: w[0:2]}}},
			pending{s.ma, model.FnPack, []any{model.PackRequest{Container: p2, Children: w[2:4]}}},
			pending{s.ma, model.FnPack, []any{model.PackRequest{Container: p3, Children: w[4:5]}}})
		requireAllValid(t, "packs of three pallets", sts)
	})

	t.Run("ParallelShipsOfDifferentPallets", func(t *testing.T) {
		sts := s.together(t,
			pending{s.ma, model.FnShip, []any{model.ShipRequest{To: s.dist.msp, Codes: []string{p1}}}},
			pending{s.ma, model.FnShip, []any{model.ShipRequest{To: s.ret.msp, Codes: []string{p2}}}})
		requireAllValid(t, "ships of two pallets", sts)
		st := mustEvaluate[model.ItemStatus](t, s.reg, model.FnGetItem, w[3])
		assert.Equal(t, model.DispositionInTransit, st.Disposition)
		assert.Equal(t, s.ret.msp, st.Destination)
	})

	t.Run("ControlSamePalletConflicts", func(t *testing.T) {
		sts := s.together(t,
			pending{s.ma, model.FnShip, []any{model.ShipRequest{To: s.dist.msp, Codes: []string{p3}}}},
			pending{s.ma, model.FnShip, []any{model.ShipRequest{To: s.ret.msp, Codes: []string{p3}}}})
		var codes []peer.TxValidationCode
		for _, st := range sts {
			codes = append(codes, st.Code)
		}
		assert.ElementsMatch(t, []peer.TxValidationCode{peer.TxValidationCode_VALID, peer.TxValidationCode_MVCC_READ_CONFLICT}, codes,
			"two ships of one pallet endorsed on the same state: exactly one commits")
		t.Logf("control: two ships of the same pallet → %v", codes)
	})
}
