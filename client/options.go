package client

import (
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
)

// Defaults used when no option says otherwise.
const (
	DefaultChannel             = "traceability"
	DefaultChaincode           = "tracechain"
	DefaultEvaluateTimeout     = 15 * time.Second
	DefaultEndorseTimeout      = 60 * time.Second
	DefaultSubmitTimeout       = 15 * time.Second
	DefaultCommitStatusTimeout = 2 * time.Minute
	// DefaultResendAfter is how long a submitted transaction may stay
	// uncommitted before the SDK sends the same signed envelope again: twice
	// the test network's batch timeout (250 ms) plus its raft election timeout
	// (10 ticks of 250 ms), the longest an orderer that accepted a transaction
	// may take to cut it into a block, or to lose it with its leadership. See
	// ResendAfterFor for other networks.
	DefaultResendAfter = 6 * time.Second
	// DefaultMaxRecvMsgSize lets large results (trace pages, recall
	// reports, big commissioning results) through the shared connection.
	DefaultMaxRecvMsgSize = 64 << 20
)

// Option configures a Client in Connect or New.
type Option func(*config) error

// config is what the options collect.
type config struct {
	endpoint   string
	serverName string
	tlsRoots   *x509.CertPool

	id   identity.Identity
	sign identity.Sign

	channel   string
	chaincode string

	evaluateTimeout     time.Duration
	endorseTimeout      time.Duration
	submitTimeout       time.Duration
	commitStatusTimeout time.Duration
	resendAfter         time.Duration
	maxRecvMsgSize      int

	clock       func() time.Time // nil: time.Now, and fabric-gateway stamps proposals itself
	retry       RetryPolicy
	conn        grpc.ClientConnInterface
	dialOptions []grpc.DialOption
}

func defaultConfig() config {
	return config{
		channel:             DefaultChannel,
		chaincode:           DefaultChaincode,
		evaluateTimeout:     DefaultEvaluateTimeout,
		endorseTimeout:      DefaultEndorseTimeout,
		submitTimeout:       DefaultSubmitTimeout,
		commitStatusTimeout: DefaultCommitStatusTimeout,
		resendAfter:         DefaultResendAfter,
		maxRecvMsgSize:      DefaultMaxRecvMsgSize,
		retry:               DefaultRetryPolicy,
	}
}

// WithPeer sets the gateway peer's gRPC endpoint, host:port.
func WithPeer(endpoint string) Option {
	return func(c *config) error {
		if endpoint == "" {
			return errors.New("peer endpoint is empty")
		}
		c.endpoint = endpoint
		return nil
	}
}

// WithTLSServerName overrides the host name checked against the peer's TLS
// certificate (by default the endpoint's host).
func WithTLSServerName(name string) Option {
	return func(c *config) error {
		c.serverName = name
		return nil
	}
}

// WithTLSCACertFile trusts the PEM CA certificate(s) in path for the peer's
// TLS certificate.
func WithTLSCACertFile(path string) Option {
	return func(c *config) error {
		pem, err := os.ReadFile(path) //nolint:gosec // the certificate file the caller configures
		if err != nil {
			return fmt.Errorf("peer TLS CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("peer TLS CA %s: no PEM certificate", path)
		}
		c.tlsRoots = pool
		return nil
	}
}

// WithTLSRootCAs trusts the CAs in pool for the peer's TLS certificate.
func WithTLSRootCAs(pool *x509.CertPool) Option {
	return func(c *config) error {
		c.tlsRoots = pool
		return nil
	}
}

// WithIdentity sets the client identity and its signer.
func WithIdentity(id identity.Identity, sign identity.Sign) Option {
	return func(c *config) error {
		if id == nil || sign == nil {
			return errors.New("identity and signer are required")
		}
		c.id, c.sign = id, sign
		return nil
	}
}

// WithIdentityFiles loads the client identity of MSP mspID from a PEM
// certificate and a PEM private key.
func WithIdentityFiles(mspID, certFile, keyFile string) Option {
	return func(c *config) error {
		if mspID == "" {
			return errors.New("MSP ID is required with an identity")
		}
		id, sign, err := IdentityFiles{Cert: certFile, Key: keyFile}.Load(mspID)
		if err != nil {
			return err
		}
		c.id, c.sign = id, sign
		return nil
	}
}

// WithProfile takes the peer endpoint, its TLS CA, the channel, the
// chaincode and the user identity (or, with asAdmin, the admin identity)
// from an organisation's connection material, as written by the test
// network (see LoadProfile). Options after it override its values.
func WithProfile(p *Profile, asAdmin bool) Option {
	if asAdmin {
		return WithProfileAs(p, IdentityAdmin)
	}
	return WithProfileAs(p, IdentityUser)
}

// WithProfileAs is WithProfile with the profile's identity named: user,
// admin or reader (IdentityUser, IdentityAdmin, IdentityReader).
func WithProfileAs(p *Profile, identity string) Option {
	return func(c *config) error {
		if p == nil {
			return errors.New("nil profile")
		}
		roots, err := p.TLSRootCAs()
		if err != nil {
			return err
		}
		files, err := p.Identity(identity)
		if err != nil {
			return err
		}
		id, sign, err := files.Load(p.MSPID)
		if err != nil {
			return err
		}
		c.endpoint, c.tlsRoots, c.id, c.sign = p.Peer.Endpoint, roots, id, sign
		if p.Peer.ServerName != "" {
			c.serverName = p.Peer.ServerName
		}
		if p.Channel != "" {
			c.channel = p.Channel
		}
		if p.Chaincode != "" {
			c.chaincode = p.Chaincode
		}
		return nil
	}
}

// WithChannel sets the channel name (default "traceability").
func WithChannel(name string) Option {
	return func(c *config) error {
		c.channel = name
		return nil
	}
}

// WithChaincode sets the chaincode name (default "tracechain").
func WithChaincode(name string) Option {
	return func(c *config) error {
		c.chaincode = name
		return nil
	}
}

// WithEvaluateTimeout bounds each evaluation (read).
func WithEvaluateTimeout(d time.Duration) Option {
	return func(c *config) error { c.evaluateTimeout = d; return nil }
}

// WithEndorseTimeout bounds collecting the endorsements of one proposal.
func WithEndorseTimeout(d time.Duration) Option {
	return func(c *config) error { c.endorseTimeout = d; return nil }
}

// WithSubmitTimeout bounds sending one endorsed transaction to the orderer.
func WithSubmitTimeout(d time.Duration) Option {
	return func(c *config) error { c.submitTimeout = d; return nil }
}

// WithCommitStatusTimeout bounds how long a write waits, in all, for its
// transaction to commit when the caller's context sets no earlier deadline.
// Within it the SDK re-sends the same signed transaction whenever it stays
// uncommitted for the resend bound (WithResendAfter); only when the whole
// bound passes without a commit is the outcome unknown (ErrOutcomeUnknown).
func WithCommitStatusTimeout(d time.Duration) Option {
	return func(c *config) error { c.commitStatusTimeout = d; return nil }
}

// WithResendAfter sets how long a submitted transaction may stay uncommitted
// before the same signed envelope is sent again (default DefaultResendAfter).
// An orderer can accept a transaction and lose it, e.g. when it crashes or
// loses its raft leadership before the transaction is in a block; sending the
// same envelope again is safe because a transaction ID commits at most once.
func WithResendAfter(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("resend bound must be positive, got %s", d)
		}
		c.resendAfter = d
		return nil
	}
}

// ResendAfterFor derives the resend bound from a network's ordering
// configuration: twice the sum of the batch timeout and the raft election
// timeout (ElectionTick × TickInterval).
func ResendAfterFor(batchTimeout, electionTimeout time.Duration) time.Duration {
	return 2 * (batchTimeout + electionTimeout)
}

// WithMaxRecvMsgSize sets the largest gRPC message the client accepts
// (default 64 MiB).
func WithMaxRecvMsgSize(bytes int) Option {
	return func(c *config) error { c.maxRecvMsgSize = bytes; return nil }
}

// WithRetry sets the retry policy for transient failures (see RetryPolicy).
// RetryPolicy{Attempts: 1} disables retries.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if p.Attempts < 1 {
			return errors.New("retry policy needs at least one attempt")
		}
		c.retry = p
		return nil
	}
}

// WithClock sets the client's clock (default time.Now): it stamps the client's proposals, and
// a sale's default sales time. A peer refuses a proposal stamped outside its time window
// (peer.authentication.timewindow, 15 minutes by default) with ErrClockSkew. Use it where the
// host's clock is known to be off and a corrected one is at hand, or to see what a client with
// a wrong clock gets.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("nil clock")
		}
		c.clock = now
		return nil
	}
}

// WithClientConnection uses an existing gRPC connection (shared with other
// code) instead of dialling one. Close does not close it.
func WithClientConnection(conn grpc.ClientConnInterface) Option {
	return func(c *config) error { c.conn = conn; return nil }
}

// WithDialOptions adds gRPC dial options to the connection the client opens.
func WithDialOptions(opts ...grpc.DialOption) Option {
	return func(c *config) error { c.dialOptions = append(c.dialOptions, opts...); return nil }
}
