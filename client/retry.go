package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
)

// RetryPolicy bounds the retries of transient failures. Delays grow
// exponentially from Base, are capped at Max, and are jittered (a random
// duration between half and all of the step), so clients that collided
// do not collide again.
//
// What is retried, and how:
//   - a commit that failed with MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT:
//     nothing was written, so a NEW proposal (new transaction ID) is endorsed
//     and submitted;
//   - an endorsement that failed with gRPC Unavailable, Aborted without a
//     chaincode error (e.g. endorsers that disagreed), or FailedPrecondition
//     (the gateway knows no set of peers that satisfies the endorsement
//     policy, as for a few seconds after its peer restarts, until gossip finds
//     the others again): nothing reached the orderer, so a new proposal is
//     built;
//   - an endorsement refused by ANOTHER organisation's peer: the gateway
//     endorses on the client's own peer first and stops if that refuses, so a
//     refusal from elsewhere means our peer accepted and the other peer is
//     behind (typically it has not yet committed the block of our previous
//     transaction); a new proposal is built after the delay;
//   - sending an endorsed transaction to the orderer (Unavailable, Aborted):
//     the SAME signed transaction is sent again, which cannot commit twice,
//     until the write deadline (the caller's, or the commit status timeout);
//   - a sent transaction that is not committed within the resend bound
//     (WithResendAfter): an orderer may have accepted and lost it, so the
//     SAME envelope is sent again and the wait goes on, until the write
//     deadline;
//   - asking for the commit status (Unavailable): asked again.
//
// Never retried: chaincode refusals (*ChaincodeError), other commit failures
// (e.g. ENDORSEMENT_POLICY_FAILURE), and a transaction whose commit is still
// unknown at the write deadline (*OutcomeUnknownError): the SDK cannot tell
// whether it applied, so it reports the transaction ID instead of risking a
// double application with a new proposal. Evaluations are retried on
// Unavailable. Attempts bounds the retries that build new proposals, and the
// evaluations; re-sending the same envelope is bounded by the deadline.
type RetryPolicy struct {
	Attempts int           // total attempts per step, including the first; 1 disables retries
	Base     time.Duration // delay before the first retry
	Max      time.Duration // cap on a single delay
}

// DefaultRetryPolicy is used unless WithRetry says otherwise.
var DefaultRetryPolicy = RetryPolicy{Attempts: 5, Base: 100 * time.Millisecond, Max: 3 * time.Second}

// Delay returns the jittered delay before retry number n (1 for the first
// retry).
func (p RetryPolicy) Delay(n int) time.Duration {
	d := p.Base
	if d <= 0 {
		d = 100 * time.Millisecond
	}
	for i := 1; i < n && (p.Max <= 0 || d < p.Max); i++ {
		d *= 2
	}
	if p.Max > 0 && d > p.Max {
		d = p.Max
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1)) //nolint:gosec // retry jitter, not a secret
}

// sleeper waits d or until ctx ends; replaced in tests.
type sleeper func(ctx context.Context, d time.Duration) error

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryClass is what a failed attempt of an operation allows: whether it may
// run again, and what bounds the repeats.
type retryClass int

const (
	// retryNever: repeating cannot help (a refusal, an invalid commit), or
	// might apply a transaction twice.
	retryNever retryClass = iota
	// retryFresh: the failed attempt wrote nothing and left nothing pending
	// (it never reached the orderer, or its commit was invalidated), so the
	// operation may start again from scratch (a new proposal with a new transaction ID, a new
	// evaluation, a new event stream) after the delay, for at most
	// RetryPolicy.Attempts attempts in all.
	retryFresh
	// retrySame: the same signed envelope may be sent again, or its commit
	// status asked again, after the delay. A transaction ID commits at most
	// once, so only the write deadline bounds these repeats.
	retrySame
	// retrySameNow is retrySame without the delay: the failed attempt has
	// already waited its full bound (a commit status wait that reached the
	// resend bound).
	retrySameNow
)

// retrier decides, failure after failure of one operation, whether it may run
// again under the client's RetryPolicy and write deadline, and waits the delay
// before it does. Every retry loop of the SDK goes through one, so the rules
// of RetryPolicy live in the classifiers alone.
type retrier struct {
	policy   RetryPolicy
	deadline time.Time // bounds retrySame and retrySameNow
	sleep    sleeper
	failures int // failed attempts since the start, or since the last progress
}

// retrier returns a retrier under the client's policy. deadline bounds the
// repeats of the same envelope; reads and new proposals pass the zero time.
func (c *Client) retrier(deadline time.Time) *retrier {
	return &retrier{policy: c.cfg.retry, deadline: deadline, sleep: c.sleep}
}

// again reports whether an operation whose attempt failed as class may run
// again, after waiting the policy's delay for this failure. It never allows a
// repeat once ctx has ended.
func (r *retrier) again(ctx context.Context, class retryClass) bool {
	r.failures++
	switch class {
	case retryFresh:
		if r.failures >= r.policy.Attempts {
			return false
		}
	case retrySame, retrySameNow:
		if !time.Now().Before(r.deadline) {
			return false
		}
	default:
		return false
	}
	if ctx.Err() != nil {
		return false
	}
	if class == retrySameNow {
		return true
	}
	return r.sleep(ctx, r.policy.Delay(r.failures)) == nil
}

// progressed starts the count of failures again, for operations such as an
// event stream that may deliver for hours before they fail: only failures in
// a row exhaust the attempts.
func (r *retrier) progressed() { r.failures = 0 }

// retry runs op until it succeeds, or until classify says its failure may not
// be repeated or r's bounds are reached; it then returns op's last error.
func retry[T any](ctx context.Context, r *retrier, classify func(error) retryClass, op func() (T, error)) (T, error) {
	for {
		v, err := op()
		if err == nil {
			return v, nil
		}
		if !r.again(ctx, classify(err)) {
			var zero T
			return zero, err
		}
	}
}

// proposalClass classifies the failure of a whole endorse-submit-commit
// attempt, or of an endorsement alone, for a client acting as own: a new
// proposal may follow when the previous one definitely did not commit.
func proposalClass(own string) func(error) retryClass {
	return func(err error) retryClass {
		if retryableProposal(err) || laggingEndorser(err, own) {
			return retryFresh
		}
		return retryNever
	}
}

// sendClass classifies a failure to send an endorsed transaction to the
// orderer: the same envelope may be sent again.
func sendClass(err error) retryClass {
	if retryableSend(err) {
		return retrySame
	}
	return retryNever
}

// statusClass classifies a failed wait for a commit status. A wait that
// reached the resend bound ends in ErrTimeout: the envelope is sent again at
// once, the wait having been the delay; an unavailable peer is asked again
// after the delay.
func statusClass(err error) retryClass {
	switch {
	case errors.Is(err, ErrTimeout):
		return retrySameNow
	case retryableSend(err):
		return retrySame
	}
	return retryNever
}

// streamClass classifies the failure of an event stream: it may always be
// opened again from where it stopped, reading events changing nothing.
func streamClass(error) retryClass { return retryFresh }

// evaluateClass classifies a failed evaluation.
func evaluateClass(err error) retryClass {
	if retryableEvaluate(err) {
		return retryFresh
	}
	return retryNever
}

// retryableCommit reports whether a commit failure leaves the ledger
// unchanged for a reason that a fresh proposal may not hit again.
func retryableCommit(code peer.TxValidationCode) bool {
	return code == peer.TxValidationCode_MVCC_READ_CONFLICT || code == peer.TxValidationCode_PHANTOM_READ_CONFLICT
}

// retryableProposal reports whether err, returned for one whole
// endorse-submit-commit attempt, allows a new proposal: the previous one
// definitely did not commit and the cause is transient.
func retryableProposal(err error) bool {
	var ce *CommitError
	if errors.As(err, &ce) {
		return retryableCommit(ce.ValidationCode)
	}
	var te *TransportError
	if errors.As(err, &te) && te.Op == opEndorse {
		return te.Code == codes.Unavailable || te.Code == codes.Aborted || te.Code == codes.FailedPrecondition
	}
	return false
}

// laggingEndorser reports whether err is a chaincode refusal by a peer of an
// organisation other than own, after own's peer endorsed.
func laggingEndorser(err error, own string) bool {
	var ce *ChaincodeError
	return own != "" && errors.As(err, &ce) && ce.MSPID != "" && ce.MSPID != own
}

// retryableSend reports whether resending the same transaction, or asking
// again for its status, may help.
func retryableSend(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return te.Code == codes.Unavailable || te.Code == codes.Aborted || te.Code == codes.ResourceExhausted
	}
	return false
}

// retryableEvaluate reports whether an evaluation may be repeated.
func retryableEvaluate(err error) bool {
	var te *TransportError
	return errors.As(err, &te) && te.Code == codes.Unavailable
}
