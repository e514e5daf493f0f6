package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	gatewaypb "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tracechain/tracechain/chaincode/model"
)

// newTestClient returns a client on a mock contract that never sleeps.
func newTestClient(t *testing.T) (*Client, *Mockcontract, *gomock.Controller) {
	t.Helper()
	ctrl := gomock.NewController(t)
	cc := NewMockcontract(ctrl)
	cfg := defaultConfig()
	cfg.retry = RetryPolicy{Attempts: 3, Base: time.Millisecond, Max: time.Millisecond}
	c := newClient(cc, cfg)
	c.sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	c.random = bytes.NewReader(bytes.Repeat([]byte{0xab}, 1024))
	c.now = func() time.Time { return time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC) }
	return c, cc, ctrl
}

// chaincodeStatus builds the gRPC status error the Fabric gateway returns
// when the chaincode refuses a proposal: code Unknown for an evaluation,
// Aborted for an endorsement, with the chaincode's message in an
// ErrorDetail per peer.
func chaincodeStatus(t *testing.T, grpcCode codes.Code, e *model.Error) error {
	t.Helper()
	msg := "chaincode response 500, " + e.Error()
	top := "failed to endorse transaction, see attached details for more info"
	if grpcCode == codes.Unknown {
		top = "evaluate call to endorser returned error: " + msg
	}
	st, err := status.New(grpcCode, top).WithDetails(&gatewaypb.ErrorDetail{Address: "peer0.org:7051", MspId: "Org1MSP", Message: msg})
	require.NoError(t, err)
	return st.Err()
}

// transportStatus builds a gRPC status error without chaincode details.
func transportStatus(code codes.Code, msg string) error {
	return status.Error(code, msg)
}

// expectSubmit makes the mock endorse, submit and commit one transaction
// with the given result and validation code; it returns the endorse call
// expectation and captures the call.
func expectSubmit(ctrl *gomock.Controller, cc *Mockcontract, txID string, result any, code peer.TxValidationCode, got *call) *gomock.Call {
	tx := NewMocktransaction(ctrl)
	cm := NewMockcommit(ctrl)
	raw, _ := json.Marshal(result)
	tx.EXPECT().TransactionID().Return(txID).AnyTimes()
	tx.EXPECT().Result().Return(raw).AnyTimes()
	tx.EXPECT().Submit(gomock.Any()).Return(cm, nil)
	cm.EXPECT().TransactionID().Return(txID).AnyTimes()
	cm.EXPECT().Status(gomock.Any()).Return(&gateway.Status{Code: code, Successful: code == peer.TxValidationCode_VALID, TransactionID: txID, BlockNumber: 7}, nil)
	return cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, c call) (transaction, error) {
		if got != nil {
			*got = c
		}
		return tx, nil
	})
}

// expectEvaluate makes the mock answer one evaluation with result.
func expectEvaluate(cc *Mockcontract, result any, got *call) *gomock.Call {
	var raw []byte
	if s, ok := result.(string); ok {
		raw = []byte(s)
	} else {
		raw, _ = json.Marshal(result)
	}
	return cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, c call) ([]byte, error) {
		if got != nil {
			*got = c
		}
		return raw, nil
	})
}

// decodeArg decodes a JSON argument into T.
func decodeArg[T any](t *testing.T, arg string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader([]byte(arg)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&v), fmt.Sprintf("argument %s", arg))
	return v
}
