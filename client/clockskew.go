package client

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	gatewaypb "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"google.golang.org/grpc/status"
)

// ErrClockSkew: a peer refused the client's proposal because its timestamp lies outside the
// peer's time window (peer.authentication.timewindow, 15 minutes by default). The client's
// clock is wrong: no retry can help until it is corrected. See *ClockSkewError.
var ErrClockSkew = errors.New("tracechain: client clock outside the peer's time window")

// ClockSkewError reports a proposal that a peer refused for its timestamp. ProposalTime and
// PeerTime are the two clocks as the peer reported them (zero when it did not say), Window the
// skew the peer tolerates. Nothing reached the orderer. errors.Is matches ErrClockSkew.
type ClockSkewError struct {
	Op           string // "evaluate" or "endorse"
	TxID         string
	ProposalTime time.Time
	PeerTime     time.Time
	Window       time.Duration
	Err          error // the fabric-gateway error
}

func (e *ClockSkewError) Error() string {
	if e.ProposalTime.IsZero() || e.PeerTime.IsZero() {
		return fmt.Sprintf("tracechain: %s refused: the client's clock is outside the peer's time window: %s",
			e.Op, firstLine(statusMessage(e.Err)))
	}
	return fmt.Sprintf("tracechain: %s refused: the client's clock is %s off the peer's (proposal time %s, peer time %s; the peer accepts %s): correct the client's clock",
		e.Op, e.Skew().Round(time.Second), e.ProposalTime.Format(time.RFC3339), e.PeerTime.Format(time.RFC3339), e.Window)
}

// Skew is how far the client's clock is ahead of the peer's (negative: behind).
func (e *ClockSkewError) Skew() time.Duration { return e.ProposalTime.Sub(e.PeerTime) }

// Unwrap returns the fabric-gateway error.
func (e *ClockSkewError) Unwrap() error { return e.Err }

// Is matches ErrClockSkew.
func (e *ClockSkewError) Is(target error) bool { return target == ErrClockSkew }

// peerTimeWindowRefusal matches the message of Fabric's TimeWindowCheck auth filter, which
// every peer of the test network, and Fabric's sample configuration, runs in front of its
// endorser (handlers.authFilters in core.yaml).
var peerTimeWindowRefusal = regexp.MustCompile(`request unauthorized due to incorrect timestamp (\S+), peer time (\S+), peer\.authentication\.timewindow ([0-9.]+[a-zµ]+(?:[0-9.]+[a-zµ]+)*)`)

// findClockSkew recognises a peer's time window refusal in the per-peer error details of a
// gateway error, or in its message.
func findClockSkew(op, txID string, err error) *ClockSkewError {
	texts := []string{err.Error()}
	if st, ok := status.FromError(err); ok {
		for _, d := range st.Details() {
			if ed, ok := d.(*gatewaypb.ErrorDetail); ok {
				texts = append(texts, ed.GetMessage())
			}
		}
	}
	for _, text := range texts {
		m := peerTimeWindowRefusal.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		e := &ClockSkewError{Op: op, TxID: txID, Err: err}
		e.ProposalTime, _ = time.Parse(time.RFC3339, m[1])
		e.PeerTime, _ = time.Parse(time.RFC3339, m[2])
		e.Window, _ = time.ParseDuration(m[3])
		return e
	}
	return nil
}
