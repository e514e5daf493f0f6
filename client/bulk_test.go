package client

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/grpc/codes"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

const testGTIN = "06901234567892"

func testCodes(t *testing.T, n int) []string {
	t.Helper()
	cd, err := identifier.CheckDigit(testGTIN[:13])
	require.NoError(t, err)
	require.Equal(t, testGTIN[13], cd)
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("(01)%s(21)S%06d", testGTIN, i)
	}
	return out
}

func commissionArg(t *testing.T, cl call) model.CommissionRequest {
	t.Helper()
	require.Equal(t, model.FnCommission, cl.Fn)
	require.Len(t, cl.Args, 1)
	var r model.CommissionRequest
	require.NoError(t, json.Unmarshal([]byte(cl.Args[0]), &r))
	return r
}

func TestCommissionBulkSplitsIntoChunksAndReportsProgress(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	serials := testCodes(t, 2500)
	var chunks [][]string
	for i := range 3 {
		var got call
		expectSubmit(ctrl, cc, fmt.Sprintf("tx%d", i), model.CommissionResult{}, peer.TxValidationCode_VALID, nil).
			Do(func(_ context.Context, cl call) { got = cl; chunks = append(chunks, commissionArg(t, got).Codes) })
	}
	var progress []BulkProgress
	res, err := c.CommissionBulk(context.Background(), model.CommissionRequest{GTIN: testGTIN, Batch: "B1", ProductionDate: "2025-01-01", Codes: serials},
		BulkOptions{ChunkSize: 1000, InFlight: 2, Progress: func(p BulkProgress) { progress = append(progress, p) }})
	require.NoError(t, err)
	require.Len(t, chunks, 3)
	assert.Equal(t, serials[:1000], chunks[0])
	assert.Equal(t, serials[1000:2000], chunks[1])
	assert.Equal(t, serials[2000:], chunks[2])
	assert.Equal(t, 2500, res.Committed())
	require.Len(t, res.Chunks, 3)
	for i, ch := range res.Chunks {
		assert.Equal(t, ChunkCommitted, ch.Status)
		assert.Equal(t, fmt.Sprintf("tx%d", i), ch.TxID)
		assert.Equal(t, serials[ch.Start], ch.First)
		assert.Equal(t, serials[ch.Start+ch.Count-1], ch.Last)
	}
	require.Len(t, progress, 3)
	assert.Equal(t, BulkProgress{Chunks: 3, ChunksDone: 3, Codes: 2500, CodesDone: 2500}, progress[2])
}

func TestCommissionBulkResumesFromPreviousResult(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	serials := testCodes(t, 30)
	req := model.CommissionRequest{GTIN: testGTIN, Batch: "B1", ProductionDate: "2025-01-01", Codes: serials}

	// First run: chunk 1 fails with an unknown outcome (its commit status does not
	// come before the write deadline), chunk 2 with a transport error.
	c.cfg.commitStatusTimeout = 5 * time.Millisecond
	gomock.InOrder(
		expectSubmit(ctrl, cc, "tx0", nil, peer.TxValidationCode_VALID, nil),
		func() *gomock.Call {
			tx := NewMocktransaction(ctrl)
			cm := NewMockcommit(ctrl)
			tx.EXPECT().TransactionID().Return("tx1").AnyTimes()
			tx.EXPECT().Result().Return(nil).AnyTimes()
			tx.EXPECT().Submit(gomock.Any()).Return(cm, nil)
			cm.EXPECT().TransactionID().Return("tx1").AnyTimes()
			cm.EXPECT().Status(gomock.Any()).DoAndReturn(func(ctx context.Context) (*gateway.Status, error) {
				<-ctx.Done() // no block brings it before the write deadline
				return nil, transportStatus(codes.DeadlineExceeded, "slow")
			})
			return cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(tx, nil)
		}(),
		cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeInternal, Message: "ledger"})),
	)
	first, err := c.CommissionBulk(context.Background(), req, BulkOptions{ChunkSize: 10, InFlight: 1})
	c.cfg.commitStatusTimeout = DefaultCommitStatusTimeout
	var berr *BulkError
	require.ErrorAs(t, err, &berr)
	assert.Equal(t, 2, berr.Incomplete)
	assert.Equal(t, 20, berr.Codes)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrInternal)
	assert.Equal(t, []ChunkStatus{ChunkCommitted, ChunkUnknown, ChunkFailed}, statuses(first))
	assert.Equal(t, "tx1", first.Chunks[1].TxID)
	assert.Equal(t, 10, first.Committed())

	// The result survives JSON (the CLI keeps it in a state file).
	raw, err := json.Marshal(first)
	require.NoError(t, err)
	var prev BulkResult
	require.NoError(t, json.Unmarshal(raw, &prev))

	// Second run: chunk 0 is skipped; chunk 1 had in fact committed, so it
	// comes back DUPLICATE and every code is found; chunk 2 commits.
	var sent [][]string
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, cl call) (transaction, error) {
		sent = append(sent, commissionArg(t, cl).Codes)
		return nil, chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeDuplicate, Message: "already", Subject: serials[10]})
	})
	var looked []string
	cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).Times(1).DoAndReturn(func(_ context.Context, cl call) ([]byte, error) {
		assert.Equal(t, model.FnCheckCommission, cl.Fn, "one read for the whole chunk")
		looked = decodeArg[model.CommissionRequest](t, cl.Args[0]).Codes
		return json.Marshal(model.CommissionCheck{Committed: 10, CommissionTxs: []string{"tx1"}})
	})
	expectSubmit(ctrl, cc, "tx2b", nil, peer.TxValidationCode_VALID, nil).Do(func(_ context.Context, cl call) {
		sent = append(sent, commissionArg(t, cl).Codes)
	})
	second, err := c.CommissionBulk(context.Background(), req, BulkOptions{ChunkSize: 10, InFlight: 1, Previous: &prev})
	require.NoError(t, err)
	assert.Equal(t, []ChunkStatus{ChunkSkipped, ChunkAlreadyCommitted, ChunkCommitted}, statuses(second))
	assert.Equal(t, []string{"tx0", "tx1", "tx2b"}, []string{second.Chunks[0].TxID, second.Chunks[1].TxID, second.Chunks[2].TxID})
	assert.Equal(t, [][]string{serials[10:20], serials[20:30]}, sent, "no code is sent twice after a commit")
	assert.Equal(t, serials[10:20], looked)
	assert.Equal(t, 30, second.Committed())
}

func TestCommissionBulkCommissionsOnlyMissingCodesOfAPartlyCommittedChunk(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	serials := testCodes(t, 4)
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeDuplicate, Message: "x"}))
	cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).Times(1).DoAndReturn(func(_ context.Context, cl call) ([]byte, error) {
		assert.Equal(t, model.FnCheckCommission, cl.Fn)
		return json.Marshal(model.CommissionCheck{Committed: 2, Missing: []int{1, 3}, CommissionTxs: []string{"old"}})
	})
	var got call
	expectSubmit(ctrl, cc, "txm", nil, peer.TxValidationCode_VALID, &got)
	res, err := c.CommissionBulk(context.Background(), model.CommissionRequest{GTIN: testGTIN, Batch: "B1", Codes: serials}, BulkOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{serials[1], serials[3]}, commissionArg(t, got).Codes)
	assert.Equal(t, ChunkCommitted, res.Chunks[0].Status)
	assert.Equal(t, "txm", res.Chunks[0].TxID)
}

func TestCommissionBulkDuplicateOfAnotherBatchFails(t *testing.T) {
	c, cc, _ := newTestClient(t)
	serials := testCodes(t, 2)
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeDuplicate, Message: "x"}))
	cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).Times(1).Return(nil, chaincodeStatus(t, codes.Unknown,
		&model.Error{Code: model.CodeDuplicate, Message: "codes[0] is already commissioned as unit " + testGTIN + " batch OTHER by ManufacturerAMSP"}))
	res, err := c.CommissionBulk(context.Background(), model.CommissionRequest{GTIN: testGTIN, Batch: "B1", Codes: serials}, BulkOptions{})
	assert.ErrorIs(t, err, ErrDuplicate)
	assert.Equal(t, ChunkFailed, res.Chunks[0].Status)
	assert.Contains(t, res.Chunks[0].Error, "batch OTHER")
}

func TestCommissionBulkRetriesAConflictedChunk(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	gomock.InOrder(
		expectSubmit(ctrl, cc, "tx1", nil, peer.TxValidationCode_MVCC_READ_CONFLICT, nil),
		expectSubmit(ctrl, cc, "tx2", nil, peer.TxValidationCode_VALID, nil),
	)
	res, err := c.CommissionBulk(context.Background(), model.CommissionRequest{GTIN: testGTIN, Batch: "B", Codes: testCodes(t, 3)}, BulkOptions{})
	require.NoError(t, err)
	assert.Equal(t, "tx2", res.Chunks[0].TxID)
}

// TestCommissionBulkEndorsesAgainAfterALaggingPeersRefusal: a chunk's
// endorsement refused by another organisation's peer (behind on the block
// that registered the product) is endorsed again, as any transaction is.
func TestCommissionBulkEndorsesAgainAfterALaggingPeersRefusal(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	asMSP(t, c, "ManufacturerAMSP")
	gomock.InOrder(
		cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeNotFound, Message: "no such product"})),
		expectSubmit(ctrl, cc, "tx2", nil, peer.TxValidationCode_VALID, nil),
	)
	res, err := c.CommissionBulk(context.Background(), model.CommissionRequest{GTIN: testGTIN, Batch: "B", Codes: testCodes(t, 3)}, BulkOptions{})
	require.NoError(t, err)
	assert.Equal(t, "tx2", res.Chunks[0].TxID)
}

func TestCommissionBulkChecksCodesBeforeSending(t *testing.T) {
	c, _, _ := newTestClient(t) // no call expected
	serials := testCodes(t, 3)
	_, err := c.CommissionBulk(context.Background(), model.CommissionRequest{GTIN: testGTIN, Codes: []string{serials[0], serials[1], "(01)" + testGTIN + "(21)S000000"}}, BulkOptions{})
	assert.ErrorIs(t, err, ErrDuplicate)
	assert.ErrorContains(t, err, "codes[2]")
	_, err = c.CommissionBulk(context.Background(), model.CommissionRequest{GTIN: testGTIN, Codes: []string{"(01)06901234567893(21)1"}}, BulkOptions{})
	assert.ErrorIs(t, err, ErrInvalidCode)
	_, err = c.CommissionBulk(context.Background(), model.CommissionRequest{GTIN: testGTIN}, BulkOptions{})
	assert.ErrorIs(t, err, ErrInvalidArgument)
	_, err = c.CommissionBulk(context.Background(), model.CommissionRequest{GTIN: testGTIN, Codes: serials}, BulkOptions{ChunkSize: model.MaxCodesPerTx + 1})
	assert.Error(t, err)
}

func statuses(r *BulkResult) []ChunkStatus {
	var out []ChunkStatus
	for _, ch := range r.Chunks {
		out = append(out, ch.Status)
	}
	return out
}
