package client

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
)

// Steps of a transaction, as named in TransportError.Op.
const (
	opConnect      = "connect"
	opEvaluate     = "evaluate"
	opEndorse      = "endorse"
	opSubmit       = "submit"
	opCommitStatus = "commit status"
	opEvents       = "events"
	opBlocks       = "blocks"
)

// Client is a tracechain client for one identity of one organisation. It
// holds one gRPC connection to the organisation's gateway peer, shared by
// all calls, and is safe for concurrent use. Every method takes a context;
// besides it, each step (evaluate, endorse, submit, commit status) is bounded
// by its own timeout (see WithEvaluateTimeout and its siblings).
//
// Reads are evaluated on a peer and never reach the orderer; writes are
// endorsed, sent to the orderer and awaited until committed, so a method
// that returns without error has changed the ledger. Errors are described
// in errors.go: *ChaincodeError for refusals, *CommitError,
// *OutcomeUnknownError and *TransportError otherwise.
type Client struct {
	cfg    config
	conn   *grpc.ClientConn // owned connection, nil when shared
	fabric *gateway.Gateway // the fabric-gateway session all calls go through
	cc     contract
	sleep  sleeper
	random io.Reader
	now    func() time.Time
}

// New builds a Client from options without waiting for the connection: the
// first call connects. An identity (WithProfile, WithIdentityFiles or
// WithIdentity) and a peer (WithProfile, or WithPeer and WithTLSCACertFile)
// are required.
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, fmt.Errorf("tracechain: %w", err)
		}
	}
	if cfg.id == nil || cfg.sign == nil {
		return nil, errors.New("tracechain: an identity is required (WithProfile, WithIdentityFiles or WithIdentity)")
	}
	conn := cfg.conn
	var owned *grpc.ClientConn
	if conn == nil {
		var err error
		if owned, err = cfg.dial(); err != nil {
			return nil, fmt.Errorf("tracechain: %w", err)
		}
		conn = owned
	}
	fabric, err := gateway.Connect(cfg.id, gateway.WithSign(cfg.sign), gateway.WithClientConnection(conn),
		gateway.WithEvaluateTimeout(cfg.evaluateTimeout), gateway.WithEndorseTimeout(cfg.endorseTimeout),
		gateway.WithSubmitTimeout(cfg.submitTimeout), gateway.WithCommitStatusTimeout(cfg.commitStatusTimeout))
	if err != nil {
		if owned != nil {
			_ = owned.Close()
		}
		return nil, fmt.Errorf("tracechain: %w", err)
	}
	fc := &fabricContract{network: fabric.GetNetwork(cfg.channel), chaincode: cfg.chaincode}
	if cfg.clock != nil {
		fc.stamper = &stamper{gw: fabric, sign: cfg.sign, now: cfg.clock}
	}
	c := newClient(fc, cfg)
	c.conn, c.fabric = owned, fabric
	return c, nil
}

// newClient builds a Client on any contract implementation (tests use mocks).
func newClient(cc contract, cfg config) *Client {
	now := time.Now
	if cfg.clock != nil {
		now = cfg.clock
	}
	return &Client{cfg: cfg, cc: cc, sleep: sleepCtx, random: rand.Reader, now: now}
}

// Connect is New followed by waiting until the gRPC connection to the peer
// is ready, so that a wrong endpoint or TLS CA fails here rather than on the
// first call. It waits until ctx ends, at most the evaluate timeout when ctx
// has no deadline; failing, it returns a *TransportError matching
// ErrUnavailable.
func Connect(ctx context.Context, opts ...Option) (*Client, error) {
	c, err := New(opts...)
	if err != nil {
		return nil, err
	}
	if c.conn == nil {
		return c, nil
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.evaluateTimeout)
		defer cancel()
	}
	c.conn.Connect()
	for {
		s := c.conn.GetState()
		if s == connectivity.Ready {
			return c, nil
		}
		if !c.conn.WaitForStateChange(ctx, s) {
			_ = c.Close()
			return nil, &TransportError{Op: opConnect, Code: codes.Unavailable,
				Err: fmt.Errorf("peer %s not ready (%s): %w", c.cfg.endpoint, s, ctx.Err())}
		}
	}
}

// Close releases the gateway and the connection the client opened (not one
// given with WithClientConnection).
func (c *Client) Close() error {
	var err error
	if c.fabric != nil {
		err = c.fabric.Close()
	}
	if c.conn != nil {
		err = errors.Join(err, c.conn.Close())
	}
	return err
}

// MSPID returns the MSP ID of the client's identity.
func (c *Client) MSPID() string {
	if c.cfg.id == nil {
		return ""
	}
	return c.cfg.id.MspID()
}

// Channel returns the channel name the client uses.
func (c *Client) Channel() string { return c.cfg.channel }

// Chaincode returns the chaincode name the client uses.
func (c *Client) Chaincode() string { return c.cfg.chaincode }

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// evaluate runs a read-only call, retrying while the peer is unavailable.
func (c *Client) evaluate(ctx context.Context, cl call) ([]byte, error) {
	cl.evaluation = true
	return retry(ctx, c.retrier(time.Time{}), evaluateClass, func() ([]byte, error) {
		ectx, cancel := withTimeout(ctx, c.cfg.evaluateTimeout)
		defer cancel()
		res, err := c.cc.Evaluate(ectx, cl)
		if err != nil {
			return nil, mapError(opEvaluate, "", err)
		}
		return res, nil
	})
}

// submitted is a committed transaction.
type submitted struct {
	result      []byte
	txID        string
	blockNumber uint64
}

// submit endorses, orders and awaits a transaction, building a new proposal
// when the previous attempt definitely did not commit (see RetryPolicy).
func (c *Client) submit(ctx context.Context, cl call) (*submitted, error) {
	return retry(ctx, c.retrier(time.Time{}), proposalClass(c.MSPID()), func() (*submitted, error) {
		return c.submitOnce(ctx, cl)
	})
}

func (c *Client) submitOnce(ctx context.Context, cl call) (*submitted, error) {
	tx, err := c.endorse(ctx, cl)
	if err != nil {
		return nil, err
	}
	cm, err := c.send(ctx, tx)
	if err != nil {
		return nil, err
	}
	return c.await(ctx, tx, cm)
}

// endorse builds a new proposal and collects its endorsements.
func (c *Client) endorse(ctx context.Context, cl call) (transaction, error) {
	ectx, cancel := withTimeout(ctx, c.cfg.endorseTimeout)
	defer cancel()
	tx, err := c.cc.Endorse(ectx, cl)
	if err != nil {
		return nil, mapError(opEndorse, "", err)
	}
	return tx, nil
}

// writeDeadline is when a write that was sent stops waiting for its commit:
// the caller's deadline, or the commit status timeout when it sets none.
func (c *Client) writeDeadline(ctx context.Context) time.Time {
	d := time.Now().Add(c.cfg.commitStatusTimeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(d) {
		d = dl
	}
	return d
}

// send sends an endorsed transaction to the orderer, sending the same
// transaction again on transient failures until the write deadline. When it
// cannot be sent, whether an earlier attempt reached the orderer is unknown.
func (c *Client) send(ctx context.Context, tx transaction) (commit, error) {
	return c.sendUntil(ctx, tx, c.writeDeadline(ctx))
}

// sendUntil is send with its retries bounded by deadline.
func (c *Client) sendUntil(ctx context.Context, tx transaction, deadline time.Time) (commit, error) {
	cm, err := retry(ctx, c.retrier(deadline), sendClass, func() (commit, error) {
		sctx, cancel := withTimeout(ctx, c.cfg.submitTimeout)
		defer cancel()
		cm, err := tx.Submit(sctx)
		if err != nil {
			return nil, mapError(opSubmit, tx.TransactionID(), err)
		}
		return cm, nil
	})
	if err != nil {
		return nil, &OutcomeUnknownError{TxID: tx.TransactionID(), Err: err}
	}
	return cm, nil
}

// await waits for the commit of a submitted transaction. Each wait is
// bounded by the resend bound: a transaction still not committed then may
// have been lost by an orderer, so the same signed envelope is sent again
// (it cannot commit twice: peers invalidate a repeated transaction ID) and
// the wait goes on, until the write deadline.
func (c *Client) await(ctx context.Context, tx transaction, cm commit) (*submitted, error) {
	txID := cm.TransactionID()
	deadline := c.writeDeadline(ctx)
	var lost error // the wait that reached the resend bound, if the last one did
	st, err := retry(ctx, c.retrier(deadline), statusClass, func() (*gateway.Status, error) {
		if lost != nil {
			// Not committed within the bound: send the same envelope again,
			// trying for one bound at most. Failing that, the wait goes on for
			// the envelope sent before: its commit may just be late, and an
			// ordering service may refuse the copy for as long as it is asked
			// (SmartBFT answers SERVICE_UNAVAILABLE, "request already
			// processed", for an envelope it has ordered).
			resent, serr := c.sendUntil(ctx, tx, earliest(time.Now().Add(c.cfg.resendAfter), deadline))
			if serr == nil {
				cm = resent
			} else if ctx.Err() != nil || !time.Now().Before(deadline) {
				return nil, lost
			}
		}
		wait := min(c.cfg.resendAfter, time.Until(deadline))
		sctx, cancel := context.WithTimeout(ctx, max(wait, time.Millisecond))
		defer cancel()
		st, err := cm.Status(sctx)
		if err != nil {
			err = mapError(opCommitStatus, txID, err)
			lost = nil
			if errors.Is(err, ErrTimeout) {
				lost = err
			}
			return nil, err
		}
		return st, nil
	})
	if err != nil {
		return nil, &OutcomeUnknownError{TxID: txID, Err: err}
	}
	if !st.Successful {
		return nil, &CommitError{TxID: txID, ValidationCode: st.Code, BlockNumber: st.BlockNumber}
	}
	return &submitted{result: tx.Result(), txID: txID, blockNumber: st.BlockNumber}, nil
}

// earliest is the earlier of two times.
func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// jsonArg encodes a request struct as a transaction argument.
func jsonArg(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("tracechain: encoding request: %w", err)
	}
	return string(b), nil
}

// decode decodes a transaction result into a new T.
func decode[T any](fn string, raw []byte) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, fmt.Errorf("tracechain: decoding %s result: %w", fn, err)
	}
	return v, nil
}

// query evaluates fn with plain string arguments and decodes the result.
func query[T any](ctx context.Context, c *Client, fn string, args ...string) (*T, error) {
	raw, err := c.evaluate(ctx, call{Fn: fn, Args: args})
	if err != nil {
		return nil, err
	}
	return decode[T](fn, raw)
}

// invoke submits fn with req encoded as its one JSON argument and decodes
// the result.
func invoke[T any](ctx context.Context, c *Client, fn string, req any) (*T, error) {
	arg, err := jsonArg(req)
	if err != nil {
		return nil, err
	}
	s, err := c.submit(ctx, call{Fn: fn, Args: []string{arg}})
	if err != nil {
		return nil, err
	}
	return decode[T](fn, s.result)
}
