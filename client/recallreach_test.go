package client

import (
	"context"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"

	"github.com/tracechain/tracechain/chaincode/model"
)

func TestRecallReachCountsPerHolder(t *testing.T) {
	c, cc, _ := newTestClient(t)
	issued := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	rec := model.Recall{ID: "r1", GTIN: "06901234000016", Batch: "B1", IssuedBy: "MakerMSP", IssuedAt: issued}
	party := func(msp string) model.Party { return model.Party{MSPID: msp} }
	gomock.InOrder(
		expectEvaluate(cc, rec, nil),
		expectEvaluate(cc, model.RecallReportPage{Recall: rec, Entries: []model.RecallEntry{
			{Code: "u1", Class: model.ClassUnit, Holder: party("ShopMSP"), Disposition: model.DispositionRetailSold, SoldBeforeRecall: true},
			{Code: "u2", Class: model.ClassUnit, Holder: party("ShopMSP"), Disposition: model.DispositionInTransit, Destination: "MakerMSP"},
			{Code: "u3", Class: model.ClassUnit, Holder: party("ShopMSP"), Disposition: model.DispositionActive},
		}, Bookmark: "b"}, nil),
		expectEvaluate(cc, model.RecallReportPage{Recall: rec, Entries: []model.RecallEntry{
			{Code: "u4", Class: model.ClassUnit, Holder: party("DepotMSP"), Disposition: model.DispositionDestroyed},
			{Code: "l1", Class: model.ClassLotPart, Holder: party("DepotMSP"), Disposition: model.DispositionActive, Quantity: 40},
			{Code: "u5", Class: model.ClassUnit, Holder: party("MakerMSP"), Disposition: model.DispositionActive},
		}}, nil),
		expectEvaluate(cc, model.RecallAckPage{Acks: []model.RecallAck{{RecallID: "r1", MSPID: "ShopMSP", At: issued.Add(time.Hour)}}}, nil),
	)
	r, err := c.RecallReach(context.Background(), "r1")
	require.NoError(t, err)
	assert.Equal(t, []RecallHolder{
		{Holder: party("DepotMSP"), Held: 40, Decommissioned: 1},
		{Holder: party("MakerMSP"), Held: 1, Acknowledged: issued},
		{Holder: party("ShopMSP"), Held: 2, Returning: 1, SoldBeforeRecall: 1, Acknowledged: issued.Add(time.Hour)},
	}, r.Holders)
	pending := r.Pending()
	require.Len(t, pending, 1)
	assert.Equal(t, "DepotMSP", pending[0].Holder.MSPID, "the issuer needs no acknowledgement of its own")
}

func TestAcknowledgeRecallSendsTheIDAsIs(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	var got call
	expectSubmit(ctrl, cc, "tx1", model.RecallAck{RecallID: "r1", MSPID: "ShopMSP"}, peer.TxValidationCode_VALID, &got)
	_, err := c.AcknowledgeRecall(context.Background(), "r1")
	require.NoError(t, err)
	assert.Equal(t, []string{"r1"}, got.Args, "a string argument, not a JSON string")
}
