//go:build integration

package faults_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// endChecks are the checks every case ends with, once its load has stopped:
//   - no client is left with an unknown outcome;
//   - every acknowledged write is on every peer, and no write reported failed is;
//   - no write was applied twice;
//   - every peer has the same world state.
func endChecks(t *testing.T, l *load) {
	t.Helper()
	endChecksOn(t, l, testnet.Orgs)
}

// endChecksOn is endChecks on the peers of orgs: those of a network that grew or shrank
// under the load (TestGrowthUnderLoad), the consortium's Regulator among them.
func endChecksOn(t *testing.T, l *load, orgs []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	for _, w := range l.journal.snapshot() {
		if w.Outcome == unknown {
			t.Errorf("%s's %s of %s (transaction %s) has an unknown outcome: %v", w.Org, w.Op, w.Subject, w.TxID, w.Err)
		}
	}
	_, err := l.n.SettleOn(ctx, orgs)
	require.NoError(t, err)

	l.mu.Lock()
	lots := slices.Clone(l.lots)
	l.mu.Unlock()
	errs := make([][]error, len(orgs))
	var wg sync.WaitGroup
	for i, org := range orgs {
		c, err := l.n.Client(org, testnet.User)
		require.NoError(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, lt := range lots {
				errs[i] = append(errs[i], onPeer(ctx, c, lt)...)
			}
		}()
	}
	wg.Wait()
	for i, org := range orgs {
		for _, err := range errs[i] {
			t.Errorf("%s's peer: %v", org, err)
		}
	}

	regulator, err := l.n.Client(testnet.Regulator, testnet.User)
	require.NoError(t, err)
	for _, lt := range lots {
		for _, err := range appliedOnce(ctx, regulator, lt) {
			t.Error(err)
		}
	}
	sameWorldState(ctx, t, l.n, orgs)
}

// onPeer checks, through c's organisation's peer, that the lot is on the ledger exactly as
// its clients were told: every acknowledged step applied, no failed one.
func onPeer(ctx context.Context, c *client.Client, lt *lot) []error {
	var errs []error
	_, packed := lt.txs[stepPack]
	for _, ch := range lt.chunks {
		codes := lt.codes[ch.Start : ch.Start+ch.Count]
		switch {
		case c.MSPID() == testnet.MSPID(lt.maker):
			errs = append(errs, commissionedAsTold(ctx, c, lt, ch, codes)...)
		case ch.Status.Done() && packed:
			// The container's count of units, checked below, stands for them.
		case ch.Status.Done() || ch.Status == client.ChunkFailed:
			// CheckCommission answers only the manufacturer: read each unit.
			for _, code := range codes {
				_, err := c.GetItem(ctx, code)
				switch {
				case ch.Status.Done() && err != nil:
					errs = append(errs, fmt.Errorf("unit %s of an acknowledged commission (transaction %s): %w", code, ch.TxID, err))
				case !ch.Status.Done() && !errors.Is(err, client.ErrNotFound):
					errs = append(errs, fmt.Errorf("unit %s of a commission reported failed (%v) is on the ledger (%v)", code, ch.Err, err))
				}
			}
		}
	}
	if lt.stopped == unknown {
		return errs // what the lot looks like cannot be known; the unknown outcome is reported
	}
	want, ok := expected(lt)
	if !ok {
		return errs
	}
	st, err := c.GetItem(ctx, lt.container)
	switch {
	case want.holder == "" && errors.Is(err, client.ErrNotFound):
	case want.holder == "" && err == nil:
		errs = append(errs, fmt.Errorf("container %s: pack reported failed, but it is on the ledger", lt.container))
	case err != nil:
		errs = append(errs, fmt.Errorf("container %s: %w", lt.container, err))
	case st.Holder.MSPID != want.holder || st.Disposition != want.disposition || st.Destination != want.destination:
		errs = append(errs, fmt.Errorf("container %s after %v: held by %s, %s to %q; want %s, %s to %q",
			lt.container, steps(lt), st.Holder.MSPID, st.Disposition, st.Destination, want.holder, want.disposition, want.destination))
	case st.Item.Children != len(lt.codes)-len(lt.sold):
		errs = append(errs, fmt.Errorf("container %s holds %d units, want %d", lt.container, st.Item.Children, len(lt.codes)-len(lt.sold)))
	}
	if _, ok := lt.txs[stepReceiveR]; !ok {
		return errs
	}
	for _, unit := range lt.codes[:soldPerLot] {
		st, err := c.GetItem(ctx, unit)
		_, sold := lt.sold[unit]
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("unit %s: %w", unit, err))
		case sold && (st.Disposition != model.DispositionRetailSold || st.Holder.MSPID != testnet.MSPID(testnet.Retailer)):
			errs = append(errs, fmt.Errorf("unit %s: acknowledged sale, but it is %s at %s", unit, st.Disposition, st.Holder.MSPID))
		case !sold && lt.stoppedAt == "sell" && st.Disposition == model.DispositionRetailSold:
			errs = append(errs, fmt.Errorf("unit %s: sale reported failed, but it is sold", unit))
		}
	}
	return errs
}

// commissionedAsTold checks one chunk of a lot's commissioning with one read as its
// manufacturer (CheckCommission): acknowledged, every code is on the ledger and was
// commissioned by the acknowledged transaction; failed, none is.
func commissionedAsTold(ctx context.Context, c *client.Client, lt *lot, ch client.ChunkResult, codes []string) []error {
	got, err := c.CheckCommission(ctx, model.CommissionRequest{GTIN: lt.gtin, Batch: lt.batch, Codes: codes})
	switch {
	case err != nil:
		return []error{fmt.Errorf("check commission of %s: %w", ch.First, err)}
	case ch.Status.Done() && (len(got.Missing) > 0 || (ch.TxID != "" && !slices.Contains(got.CommissionTxs, ch.TxID))):
		return []error{fmt.Errorf("acknowledged commission of %s (transaction %s): %d codes missing, commissioned by %v",
			ch.First, ch.TxID, len(got.Missing), got.CommissionTxs)}
	case ch.Status == client.ChunkFailed && got.Committed > 0:
		return []error{fmt.Errorf("commission of %s reported failed (%v), but %d codes are on the ledger", ch.First, ch.Err, got.Committed)}
	}
	return nil
}

// state is where a lot's container should be.
type state struct {
	holder      string // MSP ID; empty: the container should not exist
	disposition model.Disposition
	destination string
}

// expected derives the container's state from the acknowledged steps; ok is false when the
// commissioning did not complete (nothing else was tried).
func expected(lt *lot) (state, bool) {
	d, r := testnet.MSPID(testnet.Distributor), testnet.MSPID(testnet.Retailer)
	has := func(step string) bool { _, ok := lt.txs[step]; return ok }
	switch {
	case has(stepReceiveR):
		return state{r, model.DispositionActive, ""}, true
	case has(stepShipR):
		return state{d, model.DispositionInTransit, r}, true
	case has(stepReceiveD):
		return state{d, model.DispositionActive, ""}, true
	case has(stepShipD):
		return state{testnet.MSPID(lt.maker), model.DispositionInTransit, d}, true
	case has(stepPack):
		return state{testnet.MSPID(lt.maker), model.DispositionActive, ""}, true
	case lt.stoppedAt == stepPack:
		return state{}, true
	}
	return state{}, false
}

// steps lists a lot's acknowledged steps, for messages.
func steps(lt *lot) []string {
	var s []string
	for _, step := range []string{stepPack, stepShipD, stepReceiveD, stepShipR, stepReceiveR} {
		if _, ok := lt.txs[step]; ok {
			s = append(s, step)
		}
	}
	return s
}

// appliedOnce checks in the ledger's history that each of the lot's moves and sales was
// applied once: as many Shipped and Received events on the container as acknowledged ships
// and receipts, each acknowledged transaction among them, and one Sold event per sold unit.
// A write that the SDK sent twice as two proposals would show as a second event.
func appliedOnce(ctx context.Context, c *client.Client, lt *lot) []error {
	if _, ok := lt.txs[stepPack]; !ok {
		return nil
	}
	var errs []error
	events, err := history(ctx, c, lt.container)
	if err != nil {
		return []error{err}
	}
	want := map[string]int{}
	for step := range lt.txs {
		switch {
		case strings.HasPrefix(step, "ship"):
			want[model.EventShipped]++
		case strings.HasPrefix(step, "receive"):
			want[model.EventReceived]++
		}
	}
	txs := map[string]bool{}
	got := map[string]int{}
	for _, ev := range events {
		txs[ev.TxID] = true
		if ev.Via == "" {
			got[ev.Type]++
		}
	}
	for _, typ := range []string{model.EventShipped, model.EventReceived} {
		if got[typ] != want[typ] {
			errs = append(errs, fmt.Errorf("container %s: %d %s events, %d acknowledged", lt.container, got[typ], typ, want[typ]))
		}
	}
	for step, tx := range lt.txs {
		if !txs[tx] {
			errs = append(errs, fmt.Errorf("container %s: acknowledged %s (transaction %s) is not in its history", lt.container, step, tx))
		}
	}
	for unit, tx := range lt.sold {
		events, err := history(ctx, c, unit)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var sales []string
		for _, ev := range events {
			if ev.Type == model.EventSold {
				sales = append(sales, ev.TxID)
			}
		}
		if len(sales) != 1 || sales[0] != tx {
			errs = append(errs, fmt.Errorf("unit %s: sold by %v, acknowledged once by %s", unit, sales, tx))
		}
	}
	return errs
}

// history reads an item's whole trace.
func history(ctx context.Context, c *client.Client, code string) ([]model.TraceEvent, error) {
	events, err := client.Collect(c.Trace(ctx, code))
	if err != nil {
		return nil, fmt.Errorf("trace of %s: %w", code, err)
	}
	return events, nil
}

// sameWorldState compares the world states of orgs' peers at one block: each peer generates a
// ledger snapshot at the last block they all committed, and their snapshot hashes must be
// equal. A block committed meanwhile (Fabric refuses a snapshot below the last committed
// block) starts the comparison again at the new height.
func sameWorldState(ctx context.Context, t *testing.T, n *testnet.Network, orgs []string) {
	t.Helper()
	var lastErr error
	for range 3 {
		h, err := n.SettleOn(ctx, orgs)
		require.NoError(t, err)
		digests := make([]*testnet.StateDigest, len(orgs))
		errs := make([]error, len(orgs))
		var wg sync.WaitGroup
		for i, org := range orgs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				digests[i], errs[i] = n.StateDigest(ctx, org, h-1)
			}()
		}
		wg.Wait()
		if lastErr = errors.Join(errs...); lastErr != nil {
			continue
		}
		for _, d := range digests[1:] {
			require.Equal(t, digests[0].SnapshotHash, d.SnapshotHash,
				"world state of %s and %s at block %d differ: %v vs %v", digests[0].Peer, d.Peer, h-1, digests[0].Files, d.Files)
		}
		t.Logf("the world state of every peer (%d) at block %d has snapshot hash %s", len(orgs), h-1, digests[0].SnapshotHash)
		return
	}
	require.NoError(t, lastErr)
}
