//go:build integration

package client_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// TestRecallReachAcknowledgedByHolders recalls a batch held by three members: two
// acknowledge and one does not, and the reach shows exactly that, holder by holder, with the
// unit sold before the recall counted and no testnet.Buyer data; a quarantined unit cannot be sold
// but goes back to the maker; the maker closes the recall with its figures, after which
// nobody acknowledges it.
func TestRecallReachAcknowledgedByHolders(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, B, D, R := org(t, mfrA), org(t, mfrB), org(t, dist), org(t, ret)
	u := f.Units(0, 8)
	_, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2026-11-01", Codes: u})
	require.NoError(t, err)
	testnet.Deliver(t, A, D, u[0:3])
	testnet.Deliver(t, A, R, u[3:6])
	testnet.Deliver(t, A, B, u[6:8])
	_, err = R.Sell(ctx, model.SellRequest{Code: u[3]}, testnet.Buyer)
	require.NoError(t, err)

	rec, err := admin(t, mfrA).Recall(ctx, model.RecallRequest{GTIN: f.GTIN, Batch: f.Batch, Reason: "insulation below GB/T 5023 thickness"})
	require.NoError(t, err)
	testnet.Settled(t)
	for _, c := range []string{dist, ret} {
		ack, err := admin(t, c).AcknowledgeRecall(ctx, rec.ID)
		require.NoError(t, err, c)
		assert.Equal(t, org(t, c).MSPID(), ack.MSPID)
	}
	_, err = admin(t, dist).AcknowledgeRecall(ctx, rec.ID)
	require.ErrorIs(t, err, client.ErrDuplicate)
	_, err = org(t, ret).AcknowledgeRecall(ctx, rec.ID)
	require.ErrorIs(t, err, client.ErrForbidden, "an ordinary client does not acknowledge for its organisation")

	// The quarantine: the Retailer cannot sell, but returns a unit to the maker.
	_, err = R.Sell(ctx, model.SellRequest{Code: u[4]}, testnet.Buyer)
	require.ErrorIs(t, err, client.ErrRecalled)
	_, err = R.Ship(ctx, model.ShipRequest{To: A.MSPID(), Codes: u[4:5]})
	require.NoError(t, err)
	_, err = D.Decommission(ctx, model.DecommissionRequest{Codes: u[0:1], Reason: model.ReasonDestroyed})
	require.NoError(t, err)
	testnet.Settled(t)

	reach, err := admin(t, reg).RecallReach(ctx, rec.ID)
	require.NoError(t, err)
	got := map[string]client.RecallHolder{}
	for _, h := range reach.Holders {
		got[h.Holder.MSPID] = h
		assert.NotContains(t, h.Holder.Name, testnet.Buyer.BuyerName)
	}
	require.Len(t, got, 3, "%+v", reach.Holders)
	d, r, b := got[D.MSPID()], got[R.MSPID()], got[B.MSPID()]
	assert.Equal(t, client.RecallHolder{Holder: d.Holder, Held: 2, Decommissioned: 1, Acknowledged: d.Acknowledged}, d)
	assert.Equal(t, client.RecallHolder{Holder: r.Holder, Held: 2, Returning: 1, SoldBeforeRecall: 1, Acknowledged: r.Acknowledged}, r)
	assert.Equal(t, client.RecallHolder{Holder: b.Holder, Held: 2}, b)
	assert.False(t, d.Acknowledged.IsZero())
	assert.False(t, r.Acknowledged.IsZero())
	pending := reach.Pending()
	require.Len(t, pending, 1)
	assert.Equal(t, B.MSPID(), pending[0].Holder.MSPID, "ManufacturerB holds recalled goods and has not acknowledged, since %s", reach.Recall.IssuedAt)

	_, err = admin(t, reg).CloseRecall(ctx, model.CloseRecallRequest{RecallID: rec.ID, Returned: 1})
	require.ErrorIs(t, err, client.ErrForbidden, "only the issuer closes its recall")
	closed, err := admin(t, mfrA).CloseRecall(ctx, model.CloseRecallRequest{RecallID: rec.ID, Returned: 1, Destroyed: 1, Note: "ManufacturerB did not answer"})
	require.NoError(t, err)
	require.NotNil(t, closed.Closed)
	assert.Equal(t, int64(1), closed.Closed.Returned)
	testnet.Settled(t)
	_, err = admin(t, mfrB).AcknowledgeRecall(ctx, rec.ID)
	require.ErrorIs(t, err, client.ErrBadState, "a closed recall takes no acknowledgement")
	v, err := B.Verify(ctx, u[6])
	require.NoError(t, err)
	assert.Equal(t, model.VerdictRecalled, v.Verdict, "closing ends the campaign, not the quarantine")
}
