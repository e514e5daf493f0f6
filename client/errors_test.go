package client

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tracechain/tracechain/chaincode/model"
)

func TestEveryChaincodeCodeMapsToItsSentinel(t *testing.T) {
	want := map[model.Code]error{
		model.CodeNotFound: ErrNotFound, model.CodeNotHolder: ErrNotHolder, model.CodeForbidden: ErrForbidden,
		model.CodeNotMember: ErrNotMember, model.CodeInvalidCode: ErrInvalidCode, model.CodeInvalidArgument: ErrInvalidArgument,
		model.CodeDuplicate: ErrDuplicate, model.CodeBadState: ErrBadState, model.CodeRecalled: ErrRecalled,
		model.CodeAlreadySold: ErrAlreadySold, model.CodeLimit: ErrLimit, model.CodeInternal: ErrInternal,
	}
	require.Len(t, codeSentinels, len(want))
	for code, sentinel := range want {
		for _, grpcCode := range []codes.Code{codes.Unknown, codes.Aborted} {
			t.Run(fmt.Sprintf("%s/%s", code, grpcCode), func(t *testing.T) {
				src := chaincodeStatus(t, grpcCode, &model.Error{Code: code, Message: "m", Subject: "s"})
				err := mapError(opEndorse, "tx1", src)
				assert.ErrorIs(t, err, sentinel)
				for _, other := range want {
					if other != sentinel {
						assert.NotErrorIs(t, err, other)
					}
				}
				assert.ErrorIs(t, err, &model.Error{Code: code})
				var ce *ChaincodeError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, code, ce.Code)
				assert.Equal(t, "m", ce.Message)
				assert.Equal(t, "s", ce.Subject)
				assert.Equal(t, "tx1", ce.TxID)
				// The gRPC status stays reachable through the chain.
				assert.Equal(t, grpcCode, status.Code(err))
				assert.NotErrorIs(t, err, ErrUnavailable)
			})
		}
	}
}

func TestChaincodeErrorFromMessageWithoutDetails(t *testing.T) {
	src := status.Error(codes.Unknown, `evaluate call to endorser returned error: chaincode response 500, tracechain/NOT_HOLDER: unit is held by RetailerMSP (subject: "u\"1")`)
	err := mapError(opEvaluate, "", src)
	var ce *ChaincodeError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, model.CodeNotHolder, ce.Code)
	assert.Equal(t, "unit is held by RetailerMSP", ce.Message)
	assert.Equal(t, `u"1`, ce.Subject)
	assert.Equal(t, `tracechain/NOT_HOLDER: unit is held by RetailerMSP (subject: "u\"1")`, ce.Error())
}

func TestTransportErrorsStayDistinguishable(t *testing.T) {
	tests := []struct {
		code codes.Code
		is   error
	}{
		{codes.Unavailable, ErrUnavailable},
		{codes.DeadlineExceeded, ErrTimeout},
		{codes.Canceled, context.Canceled},
	}
	for _, tt := range tests {
		err := mapError(opEvaluate, "", transportStatus(tt.code, "connection refused"))
		assert.ErrorIs(t, err, tt.is, tt.code)
		var te *TransportError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, tt.code, te.Code)
		assert.Equal(t, opEvaluate, te.Op)
		var ce *ChaincodeError
		assert.False(t, errors.As(err, &ce))
	}
	// Endorsement failures that name no chaincode error are transport errors too.
	err := mapError(opEndorse, "", transportStatus(codes.Aborted, "failed to collect enough transaction endorsements"))
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, codes.Aborted, te.Code)
	assert.Contains(t, err.Error(), "failed to collect enough")
	// A context error from before any RPC.
	assert.ErrorIs(t, mapError(opEvaluate, "", context.DeadlineExceeded), ErrTimeout)
	// Anything else is wrapped.
	assert.ErrorContains(t, mapError(opEvaluate, "", errors.New("boom")), "tracechain: evaluate: boom")
}

func TestCommitAndOutcomeErrors(t *testing.T) {
	ce := &CommitError{TxID: "t", ValidationCode: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE, BlockNumber: 3}
	assert.ErrorIs(t, ce, ErrCommitFailed)
	assert.Contains(t, ce.Error(), "ENDORSEMENT_POLICY_FAILURE")
	ou := &OutcomeUnknownError{TxID: "t", Err: mapError(opCommitStatus, "t", transportStatus(codes.DeadlineExceeded, "x"))}
	assert.ErrorIs(t, ou, ErrOutcomeUnknown)
	assert.ErrorIs(t, ou, ErrTimeout)
	assert.NotErrorIs(t, ou, ErrCommitFailed)
	assert.Contains(t, ou.Error(), "transaction t")
}
