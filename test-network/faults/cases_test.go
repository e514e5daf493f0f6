//go:build integration

package faults_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/test-network/testnet"
)

// fault is one case's fault: the node it hits, how it is injected and undone, and how the
// node is known to have caught up with the others after its return.
type fault struct {
	name    string
	outage  time.Duration
	node    func(ctx context.Context, t *testing.T) string
	inject  func(ctx context.Context, t *testing.T, node string)
	restore func(ctx context.Context, t *testing.T, node string)
	catchUp func(ctx context.Context, t *testing.T, node string) // nil: nothing to catch up
}

// runCase runs the load, injects f after a while, undoes it after f.outage, lets the load go
// on, and ends with the figures and the end checks.
func runCase(t *testing.T, f fault) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	tm := timing()
	l := startLoad(t)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			l.Stop()
		}
	})
	tl := timeline{start: l.started, caughtUp: -1}
	// The load runs for a while before the fault: the sleep is the length of the experiment.
	time.Sleep(tm.before)
	node := f.node(ctx, t)
	restored := false
	t.Cleanup(func() {
		if !restored && f.restore != nil {
			f.restore(context.Background(), t, node)
		}
	})
	tl.fault = time.Now()
	f.inject(ctx, t, node)
	time.Sleep(f.outage)
	if f.restore != nil {
		f.restore(ctx, t, node)
	}
	restored = true
	tl.restored = time.Now()
	if f.catchUp != nil {
		f.catchUp(ctx, t, node)
		tl.caughtUp = time.Since(tl.restored)
	}
	time.Sleep(time.Until(tl.restored.Add(tm.after)))
	tl.end = time.Now()
	l.Stop()
	stopped = true

	fig := measure(f.name, node, tl, l.journal.snapshot(), l.journal.reads, l.journal.readErrs)
	t.Log(fig)
	for _, w := range l.journal.snapshot() {
		if w.Outcome == failed {
			t.Logf("failed definitively: %s's %s of %s: %v", w.Org, w.Op, w.Subject, w.Err)
		}
	}
	require.Positive(t, fig.Acked, "the load wrote nothing")
	require.Positive(t, fig.After, "no write was acknowledged after the restart")
	endChecks(t, l)
}

// waitFor polls cond every 200 ms until it holds or ctx ends: for facts only a node's
// metrics tell (an orderer has no event to wait for), never for a ledger fact.
func waitFor(ctx context.Context, what string, cond func() bool) error {
	for !cond() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", what, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
	return nil
}

func stopOrderers(ctx context.Context, t *testing.T, _ string) {
	for _, o := range testnet.Names.Orderers {
		require.NoError(t, testnet.Current().StopNode(ctx, o))
	}
}

func startOrderers(ctx context.Context, t *testing.T, _ string) {
	for _, o := range testnet.Names.Orderers {
		require.NoError(t, testnet.Current().StartNode(ctx, o))
	}
}

func kill(ctx context.Context, t *testing.T, node string) {
	require.NoError(t, testnet.Current().KillNode(ctx, node))
}

func start(ctx context.Context, t *testing.T, node string) {
	require.NoError(t, testnet.Current().StartNode(ctx, node))
}

// leader finds the raft leader from the orderers' own metrics.
func leader(ctx context.Context, t *testing.T) string {
	n := testnet.Current()
	var node string
	require.NoError(t, waitFor(ctx, "a raft leader", func() bool {
		var err error
		node, err = n.RaftLeader(ctx)
		return err == nil
	}))
	return node
}

// levelWithOthers waits until orderer has committed every block the other orderers had
// committed when it was called.
func levelWithOthers(ctx context.Context, t *testing.T, orderer string) {
	n := testnet.Current()
	var top uint64
	for _, o := range testnet.Names.Orderers {
		if o == orderer {
			continue
		}
		h, err := n.OrdererLedgerHeight(ctx, o)
		require.NoError(t, err)
		top = max(top, h)
	}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	require.NoError(t, waitFor(cctx, orderer+" catching up to block "+fmt.Sprint(top), func() bool {
		h, err := n.OrdererLedgerHeight(cctx, orderer)
		return err == nil && h >= top
	}))
}

func TestRaftLeaderKilled(t *testing.T) {
	var elected time.Duration
	runCase(t, fault{
		name: "raft-leader-killed", outage: timing().outage,
		node: leader,
		inject: func(ctx context.Context, t *testing.T, node string) {
			at := time.Now()
			kill(ctx, t, node)
			// The others elect a new leader among themselves.
			n := testnet.Current()
			require.NoError(t, waitFor(ctx, "a new raft leader", func() bool {
				l, err := n.RaftLeader(ctx)
				return err == nil && l != node
			}))
			elected = time.Since(at)
		},
		restore: start,
		catchUp: levelWithOthers,
	})
	t.Logf("FAULT case=raft-leader-killed election=%.1fs", elected.Seconds())
}

func TestPeerKilled(t *testing.T) {
	runCase(t, fault{
		name: "peer-killed", outage: timing().outage,
		node:    func(context.Context, *testing.T) string { return testnet.PeerNode(testnet.Distributor) },
		inject:  kill,
		restore: start,
		catchUp: peerLevel,
	})
}

// TestChaincodeServerKilled kills the Retailer's chaincode server: every organisation runs its
// own, and the Retailer's peer serves the load's reads and endorses its receipts and sales.
func TestChaincodeServerKilled(t *testing.T) {
	runCase(t, fault{
		name: "chaincode-killed", outage: timing().outage,
		node:    func(context.Context, *testing.T) string { return testnet.ChaincodeNode(testnet.Retailer) },
		inject:  kill,
		restore: start,
	})
}

func TestOrderingServiceStopped(t *testing.T) {
	runCase(t, fault{
		name: "ordering-service-stopped", outage: timing().ordererOutage,
		node:    func(context.Context, *testing.T) string { return "orderers" },
		inject:  stopOrderers,
		restore: startOrderers,
		catchUp: orderersLevel,
	})
}

// peerLevel waits until every peer, the restarted one too, has every block committed so far.
func peerLevel(ctx context.Context, t *testing.T, node string) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	require.NoError(t, testnet.Current().Settle(cctx), node)
}

// orderersLevel waits for a leader and for every orderer to hold the others' blocks.
func orderersLevel(ctx context.Context, t *testing.T, _ string) {
	leader(ctx, t)
	for _, o := range testnet.Names.Orderers {
		levelWithOthers(ctx, t, o)
	}
}
