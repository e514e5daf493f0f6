package epcisfeed_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisfeed"
	"github.com/tracechain/tracechain/client/eventindex"
)

// fakeSource delivers a fixed chain, from the requested block on, then ends
// (the real stream would wait for the next block) or fails with err.
type fakeSource struct {
	blocks []client.Block
	starts []uint64
	err    error
}

func (s *fakeSource) Blocks(_ context.Context, start uint64) iter.Seq2[client.Block, error] {
	s.starts = append(s.starts, start)
	return func(yield func(client.Block, error) bool) {
		for _, b := range s.blocks {
			if b.Number >= start && !yield(b, nil) {
				return
			}
		}
		if s.err != nil {
			yield(client.Block{}, s.err)
		}
	}
}

const (
	makerA = "ManufacturerAMSP"
	dist   = "DistributorMSP"
)

var (
	t0    = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	unitA = "https://id.gs1.org/01/06901234000016/21/U1"
	unitB = "https://id.gs1.org/01/06901234000016/21/U2"
)

func key(t *testing.T, objectType string, attrs ...string) string {
	t.Helper()
	k, err := state.CompositeKey(objectType, attrs...)
	require.NoError(t, err)
	return k
}

func value(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// anchored sets an event's eventID as the chaincode does.
func anchored(t *testing.T, e model.TraceEvent) model.TraceEvent {
	t.Helper()
	id, err := epcis.TraceEventID(e)
	require.NoError(t, err)
	e.EventID = id
	return e
}

// commissionTx writes the item record of a unit commissioned in txID.
func commissionTx(t *testing.T, txID string, at time.Time, code string) client.BlockTransaction {
	t.Helper()
	e := anchored(t, model.TraceEvent{Subject: code, Type: model.EventCommissioned, BizStep: model.BizStepCommissioning,
		Disposition: model.DispositionActive, Time: at, TxID: txID, Actor: makerA})
	it := model.Item{Code: code, Class: model.ClassUnit, Holder: makerA, Disposition: model.DispositionActive,
		Manufacturer: makerA, CommissionedAt: at, CommissionTx: txID, CommissionEvent: model.Anchor{EventID: e.EventID}}
	return client.BlockTransaction{TxID: txID, Time: at, Writes: []client.Write{
		{Key: key(t, "batch", "g", "b", code), Value: []byte("unit")},
		{Key: key(t, "item", code), Value: value(t, it)},
	}}
}

// moveTx writes stored events of codes; a captured event gives them all
// its eventID.
func moveTx(t *testing.T, txID string, at time.Time, typ string, captured string, codes ...string) client.BlockTransaction {
	t.Helper()
	tx := client.BlockTransaction{TxID: txID, Time: at}
	for _, code := range codes {
		e := model.TraceEvent{Subject: code, Type: typ, BizStep: model.BizStepShipping, Disposition: model.DispositionInTransit,
			Time: at, TxID: txID, Actor: makerA, From: makerA, To: dist}
		if typ == model.EventReceived {
			e.BizStep, e.Disposition, e.Actor = model.BizStepReceiving, model.DispositionActive, dist
		}
		if captured != "" {
			e.EventID, e.Captured, e.Seq = captured, true, 1
		} else {
			e = anchored(t, e)
		}
		attrs := []string{code, at.Format("2006-01-02T15:04:05.000000000Z"), txID}
		if e.Seq > 0 {
			attrs = append(attrs, "0001")
		}
		tx.Writes = append(tx.Writes, client.Write{Key: key(t, "event", attrs...), Value: value(t, e)})
	}
	return tx
}

// capturedEvent is a verbatim EPCIS event with fields the ledger does not
// model, and its hash.
func capturedEvent(t *testing.T, at time.Time, codes ...string) (json.RawMessage, json.RawMessage, string) {
	t.Helper()
	docContext := json.RawMessage(`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ns.example.com/epcis/"}]`)
	ev := json.RawMessage(fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":%s,`+
		`"action":"OBSERVE","bizStep":"receiving","disposition":"active","ex:dock":"D4",`+
		`"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":7.5,"uom":"CEL"}]}]}`,
		at.Format(time.RFC3339), value(t, codes)))
	c, err := epcis.ParseContext(docContext)
	require.NoError(t, err)
	id, err := epcis.EventHash(ev, c)
	require.NoError(t, err)
	return ev, docContext, id
}

// chain is a small ledger: a configuration block, a commissioning with an
// unrelated write, an empty block, a shipment of two units, a capture this
// service kept, one it did not, and one whose kept copy is not the anchored
// event.
type chain struct {
	blocks                    []client.Block
	kept                      []eventindex.Kept
	keptID, otherID, forgedID string
	keptEvent                 json.RawMessage
}

func newChain(t *testing.T) *chain {
	t.Helper()
	c := &chain{}
	keptEv, keptCtx, keptID := capturedEvent(t, t0.Add(4*time.Minute), unitA, unitB)
	_, _, otherID := capturedEvent(t, t0.Add(5*time.Minute), unitA)
	forgedEv, forgedCtx, forgedID := capturedEvent(t, t0.Add(6*time.Minute), unitB)
	forged := json.RawMessage(string(forgedEv[:len(forgedEv)-1]) + `,"ex:extra":true}`)
	c.keptID, c.otherID, c.forgedID, c.keptEvent = keptID, otherID, forgedID, keptEv
	c.kept = []eventindex.Kept{{EventID: keptID, Event: keptEv, Context: keptCtx}, {EventID: forgedID, Event: forged, Context: forgedCtx}}
	commission := commissionTx(t, "tx1", t0.Add(time.Minute), unitA)
	commission.Writes = append(commission.Writes, commissionTx(t, "tx1", t0.Add(time.Minute), unitB).Writes...)
	c.blocks = []client.Block{
		{Number: 0},
		{Number: 1, Transactions: []client.BlockTransaction{commission}},
		{Number: 2},
		{Number: 3, Transactions: []client.BlockTransaction{moveTx(t, "tx2", t0.Add(3*time.Minute), model.EventShipped, "", unitA, unitB)}},
		{Number: 4, Transactions: []client.BlockTransaction{moveTx(t, "tx3", t0.Add(4*time.Minute), model.EventReceived, keptID, unitA, unitB)}},
		{Number: 5, Transactions: []client.BlockTransaction{moveTx(t, "tx4", t0.Add(5*time.Minute), model.EventReceived, otherID, unitA)}},
		{Number: 6, Transactions: []client.BlockTransaction{moveTx(t, "tx5", t0.Add(6*time.Minute), model.EventReceived, forgedID, unitB)}},
		{Number: 7},
	}
	return c
}

func openIndex(t *testing.T, c *chain) *eventindex.Store {
	t.Helper()
	s, err := eventindex.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "epcis.db"))
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	require.NoError(t, s.Keep(context.Background(), c.kept))
	return s
}

// rows is the whole index, oldest first.
func rows(t *testing.T, s *eventindex.Store) []eventindex.Record {
	t.Helper()
	page, err := s.Query(context.Background(), eventindex.Query{PerPage: eventindex.MaxPerPage})
	require.NoError(t, err)
	return page.Events
}

func TestFeederIndexesEveryBlock(t *testing.T) {
	ctx := context.Background()
	c := newChain(t)
	s := openIndex(t, c)
	var seen []epcisfeed.Progress
	indexedAt := t0.Add(time.Hour)
	f := epcisfeed.New(&fakeSource{blocks: c.blocks}, s, epcisfeed.WithClock(func() time.Time { return indexedAt }),
		epcisfeed.WithProgress(func(p epcisfeed.Progress) { seen = append(seen, p) }))
	require.NoError(t, f.Run(ctx))

	last, indexed, err := s.Checkpoint(ctx)
	require.NoError(t, err)
	assert.True(t, indexed)
	assert.Equal(t, uint64(7), last, "empty blocks advance the checkpoint too")
	next, ok := f.Next()
	assert.True(t, ok)
	assert.Equal(t, uint64(8), next)
	require.Len(t, seen, 8)
	assert.Equal(t, epcisfeed.Progress{Block: 3, Events: 2, Committed: t0.Add(3 * time.Minute), Indexed: indexedAt}, seen[3])
	assert.Equal(t, epcisfeed.Progress{Block: 2, Indexed: indexedAt}, seen[2])

	type where struct {
		block uint64
		tx    string
	}
	got := map[where]int{}
	for _, r := range rows(t, s) {
		got[where{r.Block, r.TxID}]++
		c, err := epcis.ParseContext(r.Context)
		require.NoError(t, err)
		id, err := epcis.EventHash(r.Event, c)
		require.NoError(t, err)
		assert.Equal(t, r.EventID, id, "every row re-hashes to its eventID")
		assert.Equal(t, t0.Add(time.Duration(r.Block)*time.Minute), r.RecordTime, "recorded at its transaction's time")
	}
	assert.Equal(t, map[where]int{
		{1, "tx1"}: 2, // two commissionings
		{3, "tx2"}: 2, // a shipment of two units: one event each
		{4, "tx3"}: 1, // the kept capture, once, for both units
		{5, "tx4"}: 1, // another service's capture: the ledger's rendering
		{6, "tx5"}: 1, // a kept copy that is not the anchored event: the ledger's rendering
	}, got)

	r, err := s.Event(ctx, c.keptID)
	require.NoError(t, err)
	assert.JSONEq(t, string(c.keptEvent), string(r.Event), "the verbatim capture, sensor data and extensions included")
	for _, id := range []string{c.otherID, c.forgedID} {
		_, err := s.Event(ctx, id)
		assert.ErrorIs(t, err, eventindex.ErrNotFound, "only the ledger's rendering of %s is indexed", id)
	}
	page, err := s.Query(ctx, eventindex.Query{BizSteps: []string{"receiving"}, PerPage: 10})
	require.NoError(t, err)
	require.Len(t, page.Events, 3)
	assert.Contains(t, string(page.Events[1].Event), `"tracechain:capturedEventId":"`+c.otherID+`"`, "the rendering names the captured hash")
}

func TestFeederResumesWithoutDuplicateOrGap(t *testing.T) {
	ctx := context.Background()
	c := newChain(t)
	s := openIndex(t, c)
	src := &fakeSource{blocks: c.blocks[:4]}
	require.NoError(t, epcisfeed.New(src, s).Run(ctx))
	src.blocks = c.blocks // the chain grew while the feeder was stopped
	require.NoError(t, epcisfeed.New(src, s).Run(ctx))
	assert.Equal(t, []uint64{0, 4}, src.starts, "the restart resumes after the checkpoint")

	whole := openIndex(t, c)
	require.NoError(t, epcisfeed.New(&fakeSource{blocks: c.blocks}, whole).Run(ctx))
	assert.Equal(t, rows(t, whole), rows(t, s), "a stopped and restarted feeder indexes what one run does")

	// The source replays blocks it delivered before (a reconnect): skipped.
	src = &fakeSource{blocks: append(append([]client.Block{}, c.blocks[:2]...), c.blocks...)}
	replayed := openIndex(t, c)
	require.NoError(t, epcisfeed.New(src, replayed).Run(ctx))
	assert.Equal(t, rows(t, whole), rows(t, replayed))
}

func TestRebuildGivesTheSameRows(t *testing.T) {
	ctx := context.Background()
	c := newChain(t)
	s := openIndex(t, c)
	src := &fakeSource{blocks: c.blocks}
	f := epcisfeed.New(src, s)
	require.NoError(t, f.Run(ctx))
	before := rows(t, s)
	require.NoError(t, f.Rebuild(ctx))
	assert.Equal(t, []uint64{0, 0}, src.starts)
	assert.Equal(t, before, rows(t, s), "the kept captures survive the reset")
}

func TestFeederStops(t *testing.T) {
	ctx := context.Background()
	c := newChain(t)
	bad := client.Block{Number: 2, Transactions: []client.BlockTransaction{{TxID: "txBad", Writes: []client.Write{{Key: key(t, "item", unitA), Value: []byte("{")}}}}}
	broken := errors.New("peer gone")
	tests := map[string]struct {
		blocks []client.Block
		err    error
		check  func(t *testing.T, err error)
	}{
		"at a gap": {blocks: []client.Block{c.blocks[0], c.blocks[1], c.blocks[3]}, check: func(t *testing.T, err error) {
			var ge *epcisfeed.GapError
			require.ErrorAs(t, err, &ge)
			assert.Equal(t, epcisfeed.GapError{Want: 2, Got: 3}, *ge)
		}},
		"at a block it cannot read": {blocks: []client.Block{c.blocks[0], c.blocks[1], bad}, check: func(t *testing.T, err error) {
			var be *epcisfeed.BlockError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, uint64(2), be.Block)
			assert.Equal(t, "txBad", be.TxID)
		}},
		"when the stream fails": {blocks: c.blocks[:2], err: broken, check: func(t *testing.T, err error) {
			assert.ErrorIs(t, err, broken)
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := openIndex(t, c)
			err := epcisfeed.New(&fakeSource{blocks: tc.blocks, err: tc.err}, s).Run(ctx)
			tc.check(t, err)
			last, _, err := s.Checkpoint(ctx)
			require.NoError(t, err)
			assert.Equal(t, uint64(1), last, "the index holds every block before the failure")
		})
	}
}

// blockingSource delivers its blocks, then waits for ctx like a live stream.
type blockingSource struct{ fakeSource }

func (s *blockingSource) Blocks(ctx context.Context, start uint64) iter.Seq2[client.Block, error] {
	return func(yield func(client.Block, error) bool) {
		for b, err := range s.fakeSource.Blocks(ctx, start) {
			if !yield(b, err) {
				return
			}
		}
		<-ctx.Done()
	}
}

func TestWaitForReturnsOnceTheBlockIsIndexed(t *testing.T) {
	c := newChain(t)
	s := openIndex(t, c)
	f := epcisfeed.New(&blockingSource{fakeSource{blocks: c.blocks}}, s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	require.NoError(t, f.WaitFor(wctx, 6))
	_, err := s.Event(wctx, c.keptID)
	require.NoError(t, err, "block 4 is queryable once WaitFor(6) returned")

	short, scancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer scancel()
	assert.ErrorIs(t, f.WaitFor(short, 100), context.DeadlineExceeded, "a block not on the chain yet")
	cancel()
	assert.NoError(t, <-done, "ending ctx ends Run without an error")
}
