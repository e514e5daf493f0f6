package client

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tracechain/tracechain/chaincode/model"
)

func TestMVCCConflictIsRetriedWithANewProposal(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	var first, second call
	gomock.InOrder(
		expectSubmit(ctrl, cc, "tx1", model.MoveResult{TxID: "tx1"}, peer.TxValidationCode_MVCC_READ_CONFLICT, &first),
		expectSubmit(ctrl, cc, "tx2", model.MoveResult{TxID: "tx2", Count: 1}, peer.TxValidationCode_VALID, &second),
	)
	res, err := c.Ship(context.Background(), model.ShipRequest{To: "DistributorMSP", Codes: []string{"p"}})
	require.NoError(t, err)
	assert.Equal(t, "tx2", res.TxID)
	assert.Equal(t, first, second, "the same request, endorsed again")
}

func TestPhantomReadIsRetriedAndAttemptsAreBounded(t *testing.T) {
	c, cc, ctrl := newTestClient(t) // 3 attempts
	for i := range 3 {
		expectSubmit(ctrl, cc, "tx"+string(rune('a'+i)), nil, peer.TxValidationCode_PHANTOM_READ_CONFLICT, nil)
	}
	_, err := c.Pack(context.Background(), model.PackRequest{Container: "c", Children: []string{"u"}})
	var ce *CommitError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, peer.TxValidationCode_PHANTOM_READ_CONFLICT, ce.ValidationCode)
	assert.Equal(t, "txc", ce.TxID)
}

func TestOtherCommitFailuresAreNotRetried(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	expectSubmit(ctrl, cc, "tx1", nil, peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE, nil).Times(1)
	_, err := c.Pack(context.Background(), model.PackRequest{Container: "c", Children: []string{"u"}})
	assert.ErrorIs(t, err, ErrCommitFailed)
}

func TestUnavailableEndorsementIsRetried(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	gomock.InOrder(
		cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, transportStatus(codes.Unavailable, "no endorsers")),
		expectSubmit(ctrl, cc, "tx2", model.PackResult{TxID: "tx2"}, peer.TxValidationCode_VALID, nil),
	)
	res, err := c.Pack(context.Background(), model.PackRequest{Container: "c", Children: []string{"u"}})
	require.NoError(t, err)
	assert.Equal(t, "tx2", res.TxID)
}

func TestUnsatisfiableEndorsementPolicyIsRetried(t *testing.T) {
	// What a restarted gateway peer answers until gossip has found the other
	// organisations' peers again: nothing was sent to the orderer.
	c, cc, ctrl := newTestClient(t)
	gomock.InOrder(
		cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, transportStatus(codes.FailedPrecondition,
			"no combination of peers can be derived which satisfy the endorsement policy")),
		expectSubmit(ctrl, cc, "tx2", model.MoveResult{TxID: "tx2"}, peer.TxValidationCode_VALID, nil),
	)
	res, err := c.Receive(context.Background(), model.MoveRequest{Codes: []string{"sscc"}})
	require.NoError(t, err)
	assert.Equal(t, "tx2", res.TxID)
}

func TestChaincodeRefusalIsNotRetried(t *testing.T) {
	c, cc, _ := newTestClient(t)
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeNotHolder, Message: "held by X"})).Times(1)
	_, err := c.Ship(context.Background(), model.ShipRequest{To: "X", Codes: []string{"c"}})
	assert.ErrorIs(t, err, ErrNotHolder)
}

func TestUnknownCommitStatusIsNeverRetriedAsANewProposal(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	c.cfg.commitStatusTimeout = 5 * time.Millisecond // the write deadline passes during the first wait
	tx := NewMocktransaction(ctrl)
	cm := NewMockcommit(ctrl)
	tx.EXPECT().TransactionID().Return("tx1").AnyTimes()
	tx.EXPECT().Result().Return([]byte(`{}`)).AnyTimes()
	tx.EXPECT().Submit(gomock.Any()).Return(cm, nil).Times(1)
	cm.EXPECT().TransactionID().Return("tx1").AnyTimes()
	cm.EXPECT().Status(gomock.Any()).DoAndReturn(func(ctx context.Context) (*gateway.Status, error) {
		<-ctx.Done()
		return nil, transportStatus(codes.DeadlineExceeded, "commit status timeout")
	}).Times(1)
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(tx, nil).Times(1) // exactly one proposal

	_, err := c.Commission(context.Background(), model.CommissionRequest{GTIN: "g", Batch: "b", Codes: []string{"u"}})
	var ou *OutcomeUnknownError
	require.ErrorAs(t, err, &ou)
	assert.Equal(t, "tx1", ou.TxID)
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrTimeout)
}

// TestUncommittedTransactionIsResentAsTheSameEnvelope: an orderer accepted the
// transaction and lost it (crashed, or lost its raft leadership before cutting
// a block). After the resend bound the SDK sends the same signed envelope
// again, never a new proposal, and the write commits.
func TestUncommittedTransactionIsResentAsTheSameEnvelope(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	c.cfg.resendAfter = 10 * time.Millisecond
	tx := NewMocktransaction(ctrl)
	lost, found := NewMockcommit(ctrl), NewMockcommit(ctrl)
	tx.EXPECT().TransactionID().Return("tx1").AnyTimes()
	tx.EXPECT().Result().Return([]byte(`{"txId":"tx1"}`)).AnyTimes()
	lost.EXPECT().TransactionID().Return("tx1").AnyTimes()
	found.EXPECT().TransactionID().Return("tx1").AnyTimes()
	gomock.InOrder(
		tx.EXPECT().Submit(gomock.Any()).Return(lost, nil),
		lost.EXPECT().Status(gomock.Any()).DoAndReturn(func(ctx context.Context) (*gateway.Status, error) {
			dl, ok := ctx.Deadline()
			assert.True(t, ok)
			assert.WithinDuration(t, time.Now().Add(10*time.Millisecond), dl, 10*time.Millisecond, "each wait is bounded by the resend bound")
			<-ctx.Done()
			return nil, transportStatus(codes.DeadlineExceeded, "context deadline exceeded")
		}),
		tx.EXPECT().Submit(gomock.Any()).Return(found, nil),
		found.EXPECT().Status(gomock.Any()).Return(&gateway.Status{Code: peer.TxValidationCode_VALID, Successful: true, TransactionID: "tx1", BlockNumber: 9}, nil),
	)
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(tx, nil).Times(1)
	res, err := c.Commission(context.Background(), model.CommissionRequest{GTIN: "g"})
	require.NoError(t, err)
	assert.Equal(t, "tx1", res.TxID)
}

// TestRefusedResendStillWaitsForTheFirstEnvelope: the first envelope commits
// late, after the resend bound, and the ordering service refuses the copy for
// as long as it is asked (SmartBFT's "request already processed" is
// SERVICE_UNAVAILABLE). The SDK tries the resend for one bound only, then asks
// for the first envelope's status again and reports its commit, long before
// the write deadline.
func TestRefusedResendStillWaitsForTheFirstEnvelope(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	c.cfg.resendAfter = 10 * time.Millisecond
	c.cfg.commitStatusTimeout = time.Minute
	tx := NewMocktransaction(ctrl)
	first := NewMockcommit(ctrl)
	tx.EXPECT().TransactionID().Return("tx1").AnyTimes()
	tx.EXPECT().Result().Return([]byte(`{"txId":"tx1"}`)).AnyTimes()
	first.EXPECT().TransactionID().Return("tx1").AnyTimes()
	gomock.InOrder(
		tx.EXPECT().Submit(gomock.Any()).Return(first, nil),
		first.EXPECT().Status(gomock.Any()).DoAndReturn(func(ctx context.Context) (*gateway.Status, error) {
			<-ctx.Done()
			return nil, transportStatus(codes.DeadlineExceeded, "context deadline exceeded")
		}),
		tx.EXPECT().Submit(gomock.Any()).Return(nil, transportStatus(codes.Unavailable,
			"rejected by Order: failed to submit request: request already processed")).MinTimes(1),
		first.EXPECT().Status(gomock.Any()).Return(&gateway.Status{Code: peer.TxValidationCode_VALID, Successful: true, TransactionID: "tx1", BlockNumber: 7}, nil),
	)
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(tx, nil).Times(1)
	start := time.Now()
	res, err := c.Commission(context.Background(), model.CommissionRequest{GTIN: "g"})
	require.NoError(t, err)
	assert.Equal(t, "tx1", res.TxID)
	assert.Less(t, time.Since(start), 5*time.Second, "not held until the write deadline")
}

// TestOutcomeIsUnknownOnlyPastTheCallersDeadline: while the network stays
// unreachable the SDK keeps re-sending the same envelope; it reports an
// unknown outcome only when the caller's deadline has passed.
func TestOutcomeIsUnknownOnlyPastTheCallersDeadline(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	c.cfg.resendAfter = 5 * time.Millisecond
	tx := NewMocktransaction(ctrl)
	cm := NewMockcommit(ctrl)
	tx.EXPECT().TransactionID().Return("tx1").AnyTimes()
	tx.EXPECT().Result().Return([]byte(`{}`)).AnyTimes()
	sends := 0
	tx.EXPECT().Submit(gomock.Any()).DoAndReturn(func(context.Context) (commit, error) { sends++; return cm, nil }).MinTimes(2)
	cm.EXPECT().TransactionID().Return("tx1").AnyTimes()
	cm.EXPECT().Status(gomock.Any()).DoAndReturn(func(ctx context.Context) (*gateway.Status, error) {
		<-ctx.Done()
		return nil, transportStatus(codes.DeadlineExceeded, "context deadline exceeded")
	}).MinTimes(2)
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(tx, nil).Times(1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Commission(ctx, model.CommissionRequest{GTIN: "g"})
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.GreaterOrEqual(t, time.Since(start), 55*time.Millisecond, "not before the caller's deadline")
	assert.GreaterOrEqual(t, sends, 2, "the same envelope was sent again")
}

func TestUnavailableCommitStatusIsAskedAgainForTheSameTransaction(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	tx := NewMocktransaction(ctrl)
	cm := NewMockcommit(ctrl)
	tx.EXPECT().TransactionID().Return("tx1").AnyTimes()
	tx.EXPECT().Result().Return([]byte(`{"txId":"tx1"}`)).AnyTimes()
	tx.EXPECT().Submit(gomock.Any()).Return(cm, nil).Times(1)
	cm.EXPECT().TransactionID().Return("tx1").AnyTimes()
	gomock.InOrder(
		cm.EXPECT().Status(gomock.Any()).Return(nil, transportStatus(codes.Unavailable, "peer restarting")),
		cm.EXPECT().Status(gomock.Any()).Return(&gateway.Status{Code: peer.TxValidationCode_VALID, Successful: true, TransactionID: "tx1"}, nil),
	)
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(tx, nil).Times(1)
	res, err := c.Commission(context.Background(), model.CommissionRequest{GTIN: "g"})
	require.NoError(t, err)
	assert.Equal(t, "tx1", res.TxID)
}

func TestSubmitFailureResendsTheSameTransactionThenReportsUnknownOutcome(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	c.cfg.commitStatusTimeout = 20 * time.Millisecond // the write deadline
	tx := NewMocktransaction(ctrl)
	tx.EXPECT().TransactionID().Return("tx1").AnyTimes()
	tx.EXPECT().Result().Return([]byte(`{}`)).AnyTimes()
	tx.EXPECT().Submit(gomock.Any()).Return(nil, transportStatus(codes.Unavailable, "no orderers could successfully process transaction")).MinTimes(2)
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(tx, nil).Times(1)
	_, err := c.Receive(context.Background(), model.MoveRequest{Codes: []string{"c"}})
	assert.ErrorIs(t, err, ErrOutcomeUnknown)
	assert.ErrorIs(t, err, ErrUnavailable)
}

func TestEvaluateRetriesUnavailableOnly(t *testing.T) {
	c, cc, _ := newTestClient(t)
	gomock.InOrder(
		cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).Return(nil, transportStatus(codes.Unavailable, "down")),
		expectEvaluate(cc, model.ItemStatus{Holder: model.Party{MSPID: "M"}}, nil),
	)
	it, err := c.GetItem(context.Background(), "u")
	require.NoError(t, err)
	assert.Equal(t, "M", it.Holder.MSPID)

	cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).Return(nil, transportStatus(codes.DeadlineExceeded, "slow")).Times(1)
	_, err = c.GetItem(context.Background(), "u")
	assert.ErrorIs(t, err, ErrTimeout)
}

func TestCanceledContextStopsRetrying(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	expectSubmit(ctrl, cc, "tx1", nil, peer.TxValidationCode_MVCC_READ_CONFLICT, nil).Do(func(context.Context, call) { cancel() })
	_, err := c.Pack(ctx, model.PackRequest{Container: "c"})
	assert.ErrorIs(t, err, ErrCommitFailed)
}

func TestStepTimeoutsBoundEachCall(t *testing.T) {
	c, cc, _ := newTestClient(t)
	c.cfg.evaluateTimeout = 20 * time.Millisecond
	cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).DoAndReturn(func(ctx context.Context, _ call) ([]byte, error) {
		dl, ok := ctx.Deadline()
		assert.True(t, ok)
		assert.WithinDuration(t, time.Now().Add(20*time.Millisecond), dl, 20*time.Millisecond)
		return []byte(`{}`), nil
	})
	_, err := c.GetItem(context.Background(), "u")
	require.NoError(t, err)
}

func TestRetryDelayGrowsWithJitterAndCap(t *testing.T) {
	p := RetryPolicy{Attempts: 5, Base: 100 * time.Millisecond, Max: time.Second}
	for n := 1; n <= 8; n++ {
		step := p.Base << (n - 1)
		if step > p.Max {
			step = p.Max
		}
		for range 20 {
			d := p.Delay(n)
			assert.GreaterOrEqual(t, d, step/2)
			assert.LessOrEqual(t, d, step)
		}
	}
}

// asMSP gives the test client an identity of mspID (chaincodeStatus puts
// refusals on a peer of Org1MSP).
func asMSP(t *testing.T, c *Client, mspID string) {
	t.Helper()
	id, err := identity.NewX509Identity(mspID, &x509.Certificate{})
	require.NoError(t, err)
	c.cfg.id = id
}

func TestRefusalByAnotherOrganisationsLaggingPeerIsRetried(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	asMSP(t, c, "RetailerMSP")
	gomock.InOrder(
		cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeNotFound, Message: "no such item"})),
		expectSubmit(ctrl, cc, "tx2", model.MoveResult{TxID: "tx2"}, peer.TxValidationCode_VALID, nil),
	)
	res, err := c.Receive(context.Background(), model.MoveRequest{Codes: []string{"c"}})
	require.NoError(t, err)
	assert.Equal(t, "tx2", res.TxID)
}

func TestRefusalByOwnPeerIsNotRetried(t *testing.T) {
	c, cc, _ := newTestClient(t)
	asMSP(t, c, "Org1MSP")
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeNotFound, Message: "no such item"})).Times(1)
	_, err := c.Receive(context.Background(), model.MoveRequest{Codes: []string{"c"}})
	var ce *ChaincodeError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "Org1MSP", ce.MSPID)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestRetrierRepeatsWhatTheClassAllows(t *testing.T) {
	failure := errors.New("attempt failed")
	later, earlier := time.Now().Add(time.Hour), time.Now().Add(-time.Second)
	tests := []struct {
		name      string
		class     retryClass
		attempts  int
		deadline  time.Time
		failures  int  // failed attempts before op succeeds
		cancelled bool // ctx ended before the first attempt
		wantCalls int
		wantSleep int
		wantErr   bool
	}{
		{"never is not repeated", retryNever, 5, later, 3, false, 1, 0, true},
		{"fresh is repeated after a delay", retryFresh, 5, time.Time{}, 2, false, 3, 2, false},
		{"fresh stops at Attempts", retryFresh, 3, time.Time{}, 9, false, 3, 2, true},
		{"fresh with one attempt is not repeated", retryFresh, 1, time.Time{}, 9, false, 1, 0, true},
		{"same ignores Attempts before the deadline", retrySame, 1, later, 4, false, 5, 4, false},
		{"same stops at the deadline", retrySame, 5, earlier, 9, false, 1, 0, true},
		{"same now is repeated without a delay", retrySameNow, 1, later, 3, false, 4, 0, false},
		{"same now stops at the deadline", retrySameNow, 5, earlier, 9, false, 1, 0, true},
		{"an ended context stops fresh", retryFresh, 5, time.Time{}, 9, true, 1, 0, true},
		{"an ended context stops same", retrySame, 5, later, 9, true, 1, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancelled {
				cancel()
			}
			sleeps := 0
			r := &retrier{
				policy:   RetryPolicy{Attempts: tt.attempts, Base: 10 * time.Millisecond, Max: 40 * time.Millisecond},
				deadline: tt.deadline,
				sleep: func(ctx context.Context, d time.Duration) error {
					sleeps++
					step := min(10*time.Millisecond<<(sleeps-1), 40*time.Millisecond)
					assert.GreaterOrEqual(t, d, step/2, "delay of retry %d", sleeps)
					assert.LessOrEqual(t, d, step, "delay of retry %d", sleeps)
					return ctx.Err()
				},
			}
			calls := 0
			v, err := retry(ctx, r, func(err error) retryClass {
				assert.ErrorIs(t, err, failure, "the classifier sees the attempt's error")
				return tt.class
			}, func() (int, error) {
				calls++
				if calls <= tt.failures {
					return -1, failure
				}
				return calls, nil
			})
			assert.Equal(t, tt.wantCalls, calls, "attempts")
			assert.Equal(t, tt.wantSleep, sleeps, "delays")
			if tt.wantErr {
				assert.ErrorIs(t, err, failure, "the last attempt's error")
				assert.Zero(t, v, "no value with an error")
			} else {
				assert.NoError(t, err)
				assert.Equal(t, calls, v)
			}
		})
	}
}

func TestRetrierStopsWhenTheDelayIsCutShort(t *testing.T) {
	r := &retrier{policy: RetryPolicy{Attempts: 5}, sleep: func(context.Context, time.Duration) error { return context.Canceled }}
	calls := 0
	_, err := retry(context.Background(), r, func(error) retryClass { return retryFresh }, func() (struct{}, error) {
		calls++
		return struct{}{}, errors.New("down")
	})
	assert.Error(t, err)
	assert.Equal(t, 1, calls, "no attempt after an interrupted delay")
}

func TestRetrierCountsOnlyFailuresInARow(t *testing.T) {
	r := &retrier{policy: RetryPolicy{Attempts: 2}, sleep: func(context.Context, time.Duration) error { return nil }}
	calls := 0
	_, err := retry(context.Background(), r, streamClass, func() (struct{}, error) {
		calls++
		if calls < 5 {
			if calls > 1 {
				r.progressed() // the stream delivered before it broke again
			}
			return struct{}{}, errors.New("stream closed")
		}
		return struct{}{}, nil
	})
	require.NoError(t, err)
	assert.Equal(t, 5, calls, "two attempts allow one failure in a row, however many in all")
}

func TestClassifiersFollowTheRetryPolicy(t *testing.T) {
	mapped := func(op string, code codes.Code) error { return mapError(op, "tx", status.Error(code, "x")) }
	lagging := &ChaincodeError{Code: model.CodeNotFound, MSPID: "DistributorMSP"}
	own := &ChaincodeError{Code: model.CodeNotFound, MSPID: "RetailerMSP"}
	tests := []struct {
		name     string
		classify func(error) retryClass
		err      error
		want     retryClass
	}{
		{"MVCC conflict: new proposal", proposalClass("RetailerMSP"), &CommitError{ValidationCode: peer.TxValidationCode_MVCC_READ_CONFLICT}, retryFresh},
		{"phantom read: new proposal", proposalClass("RetailerMSP"), &CommitError{ValidationCode: peer.TxValidationCode_PHANTOM_READ_CONFLICT}, retryFresh},
		{"policy failure: final", proposalClass("RetailerMSP"), &CommitError{ValidationCode: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE}, retryNever},
		{"endorsement unavailable: new proposal", proposalClass("RetailerMSP"), mapped(opEndorse, codes.Unavailable), retryFresh},
		{"endorsers disagreed: new proposal", proposalClass("RetailerMSP"), mapped(opEndorse, codes.Aborted), retryFresh},
		{"another organisation's lagging peer: new proposal", proposalClass("RetailerMSP"), lagging, retryFresh},
		{"own peer's refusal: final", proposalClass("RetailerMSP"), own, retryNever},
		{"outcome unknown: final", proposalClass("RetailerMSP"), &OutcomeUnknownError{TxID: "tx", Err: mapped(opSubmit, codes.Unavailable)}, retryNever},
		{"send unavailable: same envelope", sendClass, mapped(opSubmit, codes.Unavailable), retrySame},
		{"send aborted: same envelope", sendClass, mapped(opSubmit, codes.Aborted), retrySame},
		{"send exhausted: same envelope", sendClass, mapped(opSubmit, codes.ResourceExhausted), retrySame},
		{"send refused: final", sendClass, mapped(opSubmit, codes.PermissionDenied), retryNever},
		{"status past the resend bound: same envelope at once", statusClass, mapped(opCommitStatus, codes.DeadlineExceeded), retrySameNow},
		{"status unavailable: asked again", statusClass, mapped(opCommitStatus, codes.Unavailable), retrySame},
		{"status refused: final", statusClass, mapped(opCommitStatus, codes.PermissionDenied), retryNever},
		{"evaluation unavailable: again", evaluateClass, mapped(opEvaluate, codes.Unavailable), retryFresh},
		{"evaluation timed out: final", evaluateClass, mapped(opEvaluate, codes.DeadlineExceeded), retryNever},
		{"evaluation refused: final", evaluateClass, own, retryNever},
		{"broken stream: reopened", streamClass, errors.New("closed"), retryFresh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.classify(tt.err))
		})
	}
}
