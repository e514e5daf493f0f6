//go:build integration

package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epcisfeed"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/eventindex/pgtest"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// recordingSource remembers where each block stream started.
type recordingSource struct {
	src    epcisfeed.Source
	mu     sync.Mutex
	starts []uint64
}

func (r *recordingSource) Blocks(ctx context.Context, start uint64) iter.Seq2[client.Block, error] {
	r.mu.Lock()
	r.starts = append(r.starts, start)
	r.mu.Unlock()
	return r.src.Blocks(ctx, start)
}

func (r *recordingSource) lastStart() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.starts[len(r.starts)-1]
}

// indexBackends opens an empty index on SQLite and on a real PostgreSQL,
// as traced's --epcis-index FILE and --epcis-index postgres://... do.
func indexBackends(t *testing.T) map[string]func(t *testing.T) *eventindex.Store {
	return map[string]func(t *testing.T) *eventindex.Store{
		"sqlite": func(t *testing.T) *eventindex.Store {
			idx, err := eventindex.OpenSQLite(testnet.Context(t), filepath.Join(t.TempDir(), "epcis.db"))
			require.NoError(t, err)
			return idx
		},
		"postgres": func(t *testing.T) *eventindex.Store {
			srv, err := pgtest.Start(testnet.Context(t))
			if errors.Is(err, pgtest.ErrUnavailable) {
				t.Skip(err) // as eventindex's own tests: no PostgreSQL could be installed here
			}
			require.NoError(t, err)
			t.Cleanup(srv.Close)
			dsn, err := srv.NewDatabase(testnet.Context(t), "epcis")
			require.NoError(t, err)
			idx, err := eventindex.OpenPostgres(testnet.Context(t), dsn)
			require.NoError(t, err)
			return idx
		},
	}
}

// TestEPCISIndexFollowsTheLedger: the maker commissions and captures
// through the SDK, without any EPCIS service of its own; the distributor's
// service, whose feeder follows the blocks, answers those events with their
// block and transaction, and each answer is proven against the ledger. A
// restarted feeder resumes after its checkpoint without a duplicate, and a
// rebuild from block 0 gives the same rows. Once on SQLite, once on
// PostgreSQL.
func TestEPCISIndexFollowsTheLedger(t *testing.T) {
	for name, open := range indexBackends(t) {
		t.Run(name, func(t *testing.T) { followTheLedger(t, open(t)) })
	}
}

func followTheLedger(t *testing.T, idx *eventindex.Store) {
	ctx := testnet.Context(t)
	f := testnet.NewProduct(t)
	A, D := org(t, mfrA), org(t, dist)
	src := &recordingSource{src: D}
	svcD := epcisServiceOn(t, dist, D, src, idx)

	units := f.Units(0, 3)
	_, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format("2006-01-02"), Codes: units})
	require.NoError(t, err)
	for i, u := range units {
		units[i] = testnet.Canonical(t, u)
	}
	caseCode := testnet.Canonical(t, testnet.NewSSCC(f.Prefix))
	packing := rawEvent(`{"type":"AggregationEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","parentID":%q,"childEPCs":[%q,%q],"action":"ADD","bizStep":"packing",`+
		`"bizTransactionList":[{"type":"po","bizTransaction":"urn:example:po:%s"}]}`, captureNow(), caseCode, units[0], units[1], f.Run)
	captured, err := A.CaptureDocumentCommit(ctx, captureDocument(t, packing))
	require.NoError(t, err)
	svcD.caughtUp(t)

	t.Run("the maker's events are answered with their block and transaction, and proven", func(t *testing.T) {
		actx, list := svcD.events(t, url.Values{"MATCH_anyEPC": {units[0]}})
		steps := map[string]bool{}
		for _, ev := range list {
			body, at, err := epcisapi.Unannotate(ev.Raw)
			require.NoError(t, err)
			id, err := epcis.EventHash(body, actx)
			require.NoError(t, err)
			assert.Equal(t, ev.EventID, id, "the answer re-hashes to its eventID")
			steps[ev.BizStep] = true
			proveOnLedger(t, D, units[0], ev, at)
			if ev.BizStep == "packing" {
				assert.Equal(t, epcisapi.Ledger{Block: captured.BlockNumber, TxID: captured.TxID}, at)
				assert.Contains(t, string(body), `"tracechain:capturedEventId":"`+captured.EventIDs[0]+`"`,
					"captured without D's service: the ledger's rendering, which names the captured hash")
				assert.NotContains(t, string(body), "bizTransactionList", "which the ledger does not hold")
			}
		}
		assert.Equal(t, map[string]bool{"commissioning": true, "packing": true}, steps)
	})

	t.Run("a restarted feeder resumes after its checkpoint, without a duplicate", func(t *testing.T) {
		svcD.stop()
		last, _, err := idx.Checkpoint(ctx)
		require.NoError(t, err)
		testnet.Deliver(t, A, D, units[2:])
		svcD.startFeeder(t)
		svcD.caughtUp(t)
		assert.Equal(t, last+1, src.lastStart())
		_, ships := svcD.events(t, url.Values{"MATCH_epc": {units[2]}, "EQ_bizStep": {"shipping"}})
		assert.Len(t, ships, 1)
		_, all := svcD.events(t, url.Values{"MATCH_anyEPC": {units[2]}})
		assert.Len(t, all, 3, "commissioning, shipping and receiving, each once")
	})

	t.Run("a rebuild from block 0 gives the same rows", func(t *testing.T) {
		before, last := allRows(t, idx)
		svcD.stop()
		// The rebuild runs until it is back where the index was.
		rctx, done := context.WithCancel(testnet.Context(t))
		rebuild := epcisfeed.New(src, idx, epcisfeed.WithProgress(func(p epcisfeed.Progress) {
			if p.Block >= last {
				done()
			}
		}))
		require.NoError(t, rebuild.Rebuild(rctx))
		assert.Equal(t, uint64(0), src.lastStart())
		after, _ := allRows(t, idx)
		assert.Equal(t, before, upTo(after, last))
		svcD.startFeeder(t)
	})
}

// proveOnLedger finds an answered event on the ledger: its transaction is in
// the block the answer names, and the item's trace holds the event with that
// transaction and eventID (for a capture's rendering, the captured hash).
func proveOnLedger(t *testing.T, c *client.Client, code string, ev epcis.Event, at epcisapi.Ledger) {
	t.Helper()
	ctx, cancel := context.WithCancel(testnet.Context(t))
	defer cancel()
	for b, err := range c.Blocks(ctx, at.Block) {
		require.NoError(t, err)
		require.Equal(t, at.Block, b.Number)
		assert.True(t, slices.ContainsFunc(b.Transactions, func(tx client.BlockTransaction) bool { return tx.TxID == at.TxID }),
			"transaction %s is in block %d", at.TxID, at.Block)
		break
	}
	trace, err := client.Collect(c.Trace(ctx, code))
	require.NoError(t, err)
	want := ev.EventID
	if raw, ok := ev.Extensions["tracechain:capturedEventId"]; ok {
		require.NoError(t, json.Unmarshal(raw, &want))
	}
	assert.True(t, slices.ContainsFunc(trace, func(e model.TraceEvent) bool { return e.TxID == at.TxID && e.EventID == want }),
		"the trace of %s has %s in %s", code, want, at.TxID)
}

// allRows reads the whole index, page by page, with its checkpoint.
func allRows(t *testing.T, idx *eventindex.Store) ([]eventindex.Record, uint64) {
	t.Helper()
	ctx := testnet.Context(t)
	last, _, err := idx.Checkpoint(ctx)
	require.NoError(t, err)
	var out []eventindex.Record
	q := eventindex.Query{PerPage: eventindex.MaxPerPage}
	for {
		page, err := idx.Query(ctx, q)
		require.NoError(t, err)
		out = append(out, page.Events...)
		if page.NextPageToken == "" {
			return out, last
		}
		q.PageToken = page.NextPageToken
	}
}

func upTo(recs []eventindex.Record, block uint64) []eventindex.Record {
	var out []eventindex.Record
	for _, r := range recs {
		if r.Block <= block {
			out = append(out, r)
		}
	}
	return out
}

// TestEPCISIndexLag measures how far the distributor's index trails the
// chain while the maker commissions a large batch with CommissionBulk, the
// heaviest write load of one member: the height every 200 ms against the
// feeder's next block, and for each block the time from its transactions'
// timestamps to the moment its events were queryable.
func TestEPCISIndexLag(t *testing.T) {
	const n = 10000
	ctx := testnet.Context(t)
	f := testnet.NewProduct(t)
	A, D := org(t, mfrA), org(t, dist)
	idx, err := eventindex.OpenSQLite(ctx, filepath.Join(t.TempDir(), "epcis.db"))
	require.NoError(t, err)
	svcD := epcisServiceOn(t, dist, D, D, idx)
	svcD.caughtUp(t) // the chain so far: not part of the measure
	svcD.stop()

	var mu sync.Mutex
	var lags []time.Duration
	events := 0
	svcD.startFeeder(t, epcisfeed.WithProgress(func(p epcisfeed.Progress) {
		if p.Events == 0 {
			return
		}
		mu.Lock()
		lags, events = append(lags, p.Indexed.Sub(p.Committed)), events+p.Events
		mu.Unlock()
	}))

	sctx, stopSampling := context.WithCancel(ctx)
	var blockLags []uint64
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for sctx.Err() == nil {
			if h, err := testnet.Current().ChainHeight(sctx, dist); err == nil {
				if next, ok := svcD.feeder.Next(); ok && h > next {
					blockLags = append(blockLags, h-next)
				} else if ok {
					blockLags = append(blockLags, 0)
				}
			}
			select {
			case <-sctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	res, err := A.CommissionBulk(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format("2006-01-02"),
		Codes: f.Units(0, n)}, client.BulkOptions{})
	require.NoError(t, err)
	require.Equal(t, n, res.Committed())
	written := time.Since(start)
	svcD.caughtUp(t)
	caught := time.Since(start)
	stopSampling()
	<-sampled

	mu.Lock()
	defer mu.Unlock()
	require.GreaterOrEqual(t, events, n)
	sort.Slice(lags, func(i, j int) bool { return lags[i] < lags[j] })
	pct := func(p float64) time.Duration { return lags[int(p*float64(len(lags)-1))] }
	maxBlocks, sum := uint64(0), uint64(0)
	for _, l := range blockLags {
		maxBlocks, sum = max(maxBlocks, l), sum+l
	}
	report := fmt.Sprintf("index lag under CommissionBulk of %d units (%d blocks with events, written in %s, indexed %s after the start): "+
		"per block, transaction timestamp to queryable p50 %s, p95 %s, max %s; height minus feeder position over %d samples: mean %.1f, max %d blocks",
		n, len(lags), written.Round(time.Millisecond), caught.Round(time.Millisecond), pct(0.5).Round(time.Millisecond), pct(0.95).Round(time.Millisecond),
		lags[len(lags)-1].Round(time.Millisecond), len(blockLags), float64(sum)/float64(max(len(blockLags), 1)), maxBlocks)
	t.Log(report)
}
