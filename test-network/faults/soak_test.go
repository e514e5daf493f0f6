//go:build integration

package faults_test

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/test-network/testnet"
)

// soakFor is how long TestSoak runs its load (make soak DURATION=...); zero skips it.
var soakFor = func() time.Duration {
	d, err := time.ParseDuration(os.Getenv("TRACECHAIN_SOAK"))
	if err != nil {
		return 0
	}
	return d
}()

// soakFaults are the faults TestSoak draws from: the cases' own, with a peer and an
// organisation's chaincode server drawn at random rather than always the Distributor's peer
// and the Retailer's server.
func soakFaults() []fault {
	org := func() string {
		orgs := testnet.Names.Orgs
		return orgs[rand.IntN(len(orgs))]
	}
	peer := func(context.Context, *testing.T) string { return testnet.PeerNode(org()) }
	chaincode := func(context.Context, *testing.T) string { return testnet.ChaincodeNode(org()) }
	return []fault{
		{name: "raft-leader-killed", node: leader, inject: kill, restore: start, catchUp: levelWithOthers},
		{name: "peer-killed", node: peer, inject: kill, restore: start, catchUp: peerLevel},
		{name: "chaincode-killed", node: chaincode, inject: kill, restore: start},
		{name: "ordering-service-stopped", node: func(context.Context, *testing.T) string { return "orderers" },
			inject: stopOrderers, restore: startOrderers, catchUp: orderersLevel},
	}
}

// TestSoak runs the mixed load for TRACECHAIN_SOAK (e.g. 30m) and injects the faults of the
// cases at random moments, one at a time, each for 5 to 20 s (the ordering service for up to
// 30 s), and ends with the same checks as every case. Without TRACECHAIN_SOAK it is skipped:
// make test runs the cases' short forms instead.
func TestSoak(t *testing.T) {
	if soakFor <= 0 {
		t.Skip("TRACECHAIN_SOAK is not set: make soak DURATION=30m runs it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), soakFor+20*time.Minute)
	defer cancel()
	l := startLoad(t)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			l.Stop()
		}
	})
	faults := soakFaults()
	// TRACECHAIN_SOAK_FAULTS=chaincode-killed,... draws from the named faults only.
	if only := os.Getenv("TRACECHAIN_SOAK_FAULTS"); only != "" {
		names := strings.Split(only, ",")
		faults = slices.DeleteFunc(faults, func(f fault) bool { return !slices.Contains(names, f.name) })
		require.NotEmpty(t, faults, "TRACECHAIN_SOAK_FAULTS=%s names no fault", only)
	}
	end := time.Now().Add(soakFor)
	injected := map[string]int{}
	// lost logs what the load lost from the last fault's injection until the next one: a
	// fault's failures include those of the retries that end after its return.
	lost := func() {}
	for {
		// The load runs undisturbed for 10 to 40 s between faults: the sleep is the experiment.
		time.Sleep(time.Duration(10+rand.IntN(30)) * time.Second)
		lost()
		if time.Now().After(end) {
			break
		}
		f := faults[rand.IntN(len(faults))]
		outage := time.Duration(5+rand.IntN(15)) * time.Second
		if f.name == "ordering-service-stopped" {
			outage = time.Duration(5+rand.IntN(25)) * time.Second
		}
		node := f.node(ctx, t)
		from := l.journal.tally()
		at := time.Now()
		f.inject(ctx, t, node)
		time.Sleep(outage)
		f.restore(ctx, t, node)
		back := time.Now()
		if f.catchUp != nil {
			f.catchUp(ctx, t, node)
		}
		injected[f.name]++
		t.Logf("SOAK fault=%s node=%s outage=%s catchup=%s", f.name, node, secs(back.Sub(at)), secs(time.Since(back)))
		lost = func() {
			d := l.journal.tally().since(from)
			t.Logf("SOAK lost fault=%s node=%s read_errors=%d/%d failed=%d", f.name, node, d.readErrs, d.reads, d.failedWrites)
		}
	}
	l.Stop()
	stopped = true
	ws := l.journal.snapshot()
	t.Logf("SOAK duration=%s faults=%v acked=%d failed=%d unknown=%d reads=%d read_errors=%d", soakFor, injected,
		count(ws, acknowledged), count(ws, failed), count(ws, unknown), l.journal.reads, l.journal.readErrs)
	require.Positive(t, count(ws, acknowledged), "the load wrote nothing")
	endChecks(t, l)
}
