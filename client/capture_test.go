package client

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/grpc/codes"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
)

func TestCaptureEventsSubmitsOneDocument(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	events := []json.RawMessage{
		json.RawMessage(`{"type":"ObjectEvent","eventTime":"2025-05-01T10:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/06901234000016/21/A1"],"action":"OBSERVE","bizStep":"receiving"}`),
		json.RawMessage(`{"type":"ObjectEvent","eventTime":"2025-05-01T10:00:01Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/06901234000016/21/A2"],"action":"OBSERVE","bizStep":"receiving"}`),
	}
	want := &model.CaptureResult{EventIDs: []string{"ni:///sha-256;a?ver=CBV2.0", "ni:///sha-256;b?ver=CBV2.0"}, Count: 2, TxID: "tx1"}
	var got call
	expectSubmit(ctrl, cc, "tx1", want, peer.TxValidationCode_VALID, &got)
	res, err := c.CaptureEvents(context.Background(), events)
	require.NoError(t, err)
	assert.Equal(t, want, res)

	assert.Equal(t, model.FnCaptureEvents, got.Fn)
	require.Len(t, got.Args, 1)
	doc, err := epcis.ParseDocument([]byte(got.Args[0]))
	require.NoError(t, err, "the argument is an EPCIS document")
	assert.Equal(t, "EPCISDocument", doc.Type)
	assert.JSONEq(t, string(epcis.ExportContext()), string(doc.Context))
	require.Len(t, doc.Events(), 2)
	for i, ev := range doc.Events() {
		assert.JSONEq(t, string(events[i]), string(ev.Raw), "events are passed as written")
	}
	hashes, err := epcis.DocumentHashes([]byte(got.Args[0]))
	require.NoError(t, err)
	direct, err := epcis.EventHash(events[0], nil)
	require.NoError(t, err)
	assert.Equal(t, direct, hashes[0], "wrapping changes no event's hash")
}

func TestCaptureRefusalsAreTypedErrors(t *testing.T) {
	c, cc, _ := newTestClient(t)
	refusal := &model.Error{Code: model.CodeInvalidArgument, Message: "epcis: UNSUPPORTED at /epcisBody/eventList/1/bizStep: a sale is not captured", Subject: "/epcisBody/eventList/1/bizStep"}
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Aborted, refusal))
	_, err := c.CaptureDocument(context.Background(), []byte(`{}`))
	var e *ChaincodeError
	require.ErrorAs(t, err, &e)
	assert.Equal(t, model.CodeInvalidArgument, e.Code)
	assert.Equal(t, refusal.Subject, e.Subject, "the pointer of the offending field")
}

// TestSendCaptureDocumentKeepsSeveralInFlight: documents are endorsed and
// sent before any commit is awaited, and each is awaited on its own; one
// that an MVCC conflict invalidated is proposed again.
func TestSendCaptureDocumentKeepsSeveralInFlight(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	first := &model.CaptureResult{EventIDs: []string{"ni:///sha-256;a?ver=CBV2.0"}, Count: 1, TxID: "tx1"}
	second := &model.CaptureResult{EventIDs: []string{"ni:///sha-256;b?ver=CBV2.0"}, Count: 1, TxID: "tx3"}
	gomock.InOrder(
		expectSubmit(ctrl, cc, "tx1", first, peer.TxValidationCode_VALID, nil),
		expectSubmit(ctrl, cc, "tx2", nil, peer.TxValidationCode_MVCC_READ_CONFLICT, nil),
		expectSubmit(ctrl, cc, "tx3", second, peer.TxValidationCode_VALID, nil),
	)
	ctx := context.Background()
	await1, err := c.SendCaptureDocument(ctx, []byte(`{"n":1}`))
	require.NoError(t, err)
	await2, err := c.SendCaptureDocument(ctx, []byte(`{"n":2}`))
	require.NoError(t, err, "the second is sent before the first commit is awaited")

	got2, err := await2(ctx)
	require.NoError(t, err)
	assert.Equal(t, *second, got2.CaptureResult, "proposed again after the conflict")
	got1, err := await1(ctx)
	require.NoError(t, err)
	assert.Equal(t, *first, got1.CaptureResult)
	assert.Equal(t, uint64(7), got1.BlockNumber)
}
