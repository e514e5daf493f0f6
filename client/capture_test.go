package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
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
	sent := requireCaptureCall(t, got)
	doc, err := epcis.ParseDocument(sent)
	require.NoError(t, err, "the transient data is an EPCIS document")
	assert.Equal(t, "EPCISDocument", doc.Type)
	assert.JSONEq(t, string(epcis.ExportContext()), string(doc.Context))
	require.Len(t, doc.Events(), 2)
	for i, ev := range doc.Events() {
		assert.JSONEq(t, string(events[i]), string(ev.Raw), "events are passed as written")
	}
	hashes, err := epcis.DocumentHashes(sent)
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
	var calls [3]call
	gomock.InOrder(
		expectSubmit(ctrl, cc, "tx1", first, peer.TxValidationCode_VALID, &calls[0]),
		expectSubmit(ctrl, cc, "tx2", nil, peer.TxValidationCode_MVCC_READ_CONFLICT, &calls[1]),
		expectSubmit(ctrl, cc, "tx3", second, peer.TxValidationCode_VALID, &calls[2]),
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

	assert.Equal(t, []byte(`{"n":1}`), requireCaptureCall(t, calls[0]))
	assert.Equal(t, []byte(`{"n":2}`), requireCaptureCall(t, calls[1]))
	assert.Equal(t, []byte(`{"n":2}`), requireCaptureCall(t, calls[2]), "proposed again with its document")
}

// TestCaptureDocumentTravelsAsTransientData: the transaction's argument is
// the document's SHA-256 in lowercase hex, and the document, byte for byte,
// is transient data, which no block keeps.
func TestCaptureDocumentTravelsAsTransientData(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	doc := []byte(`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","example:note":"personal data of a member's system"}]}}`)
	res := &model.CaptureResult{EventIDs: []string{"ni:///sha-256;a?ver=CBV2.0"}, Count: 1, TxID: "tx1"}
	var got call
	expectSubmit(ctrl, cc, "tx1", res, peer.TxValidationCode_VALID, &got)
	cm, err := c.CaptureDocumentCommit(context.Background(), doc)
	require.NoError(t, err)
	assert.Equal(t, *res, cm.CaptureResult)

	assert.Equal(t, doc, requireCaptureCall(t, got))
	sum := sha256.Sum256(doc)
	assert.Equal(t, []string{hex.EncodeToString(sum[:])}, got.Args)
	assert.Empty(t, got.Endorsers, "the gateway picks the endorsers as for any write: each receives the transient map")
	for _, a := range got.Args {
		assert.NotContains(t, a, "personal data", "nothing of the document is an argument")
	}
}

// requireCaptureCall checks that got is a CaptureEvents call whose one
// argument is the digest of its transient document, and returns the
// document.
func requireCaptureCall(t *testing.T, got call) []byte {
	t.Helper()
	require.Equal(t, model.FnCaptureEvents, got.Fn)
	require.Len(t, got.Transient, 1)
	doc, ok := got.Transient[model.TransientCaptureKey]
	require.True(t, ok, "the document is transient data under %q", model.TransientCaptureKey)
	require.Len(t, got.Args, 1)
	assert.Regexp(t, `^[0-9a-f]{64}$`, got.Args[0])
	assert.Equal(t, model.CaptureDigest(doc), got.Args[0], "the argument is the document's digest")
	return doc
}

// TestCaptureEventIDsComeFromTheDocumentAndTheLedgersDigest: the chaincode
// returns the count and digest of the eventIDs it anchored, not the list;
// the SDK reports the document's own hashes (or the caller's, given with
// WithEventIDs) only when they match, and ErrAnchorMismatch otherwise.
func TestCaptureEventIDsComeFromTheDocumentAndTheLedgersDigest(t *testing.T) {
	doc := []byte(`{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-01T00:00:00Z",
		"epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-03-01T08:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/06901234000016/21/A1"],"action":"ADD","bizStep":"commissioning"},` +
		`{"type":"ObjectEvent","eventTime":"2026-03-01T08:00:01Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/06901234000016/21/A2"],"action":"ADD","bizStep":"commissioning"}]}}`)
	ids, err := epcis.DocumentHashes(doc)
	require.NoError(t, err)
	anchored := &model.CaptureResult{Events: 2, EventsDigest: model.EventsDigest(ids), Count: 2, TxID: "tx1"}
	other := slices.Clone(ids)
	other[1] = "ni:///sha-256;0000?ver=CBV2.0"

	for _, tc := range []struct {
		name string
		res  *model.CaptureResult
		opts []CaptureOption
		want error
	}{
		{"hashed from the document", anchored, nil, nil},
		{"the caller's, checked", anchored, []CaptureOption{WithEventIDs(ids)}, nil},
		{"the caller's, not what was anchored", anchored, []CaptureOption{WithEventIDs(other)}, ErrAnchorMismatch},
		{"fewer than were anchored", anchored, []CaptureOption{WithEventIDs(ids[:1])}, ErrAnchorMismatch},
		{"another digest", &model.CaptureResult{Events: 2, EventsDigest: model.EventsDigest(other), Count: 2, TxID: "tx1"}, nil, ErrAnchorMismatch},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, cc, ctrl := newTestClient(t)
			expectSubmit(ctrl, cc, "tx1", tc.res, peer.TxValidationCode_VALID, new(call))
			cm, err := c.CaptureDocumentCommit(context.Background(), doc, tc.opts...)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				assert.Contains(t, err.Error(), "tx1", "the error names the committed transaction")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, ids, cm.EventIDs)
			assert.Equal(t, 2, cm.Events)
		})
	}
}
