package epcisfeed

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/eventindex"
)

// Source streams committed blocks from a block number on, in order, until
// ctx ends; *client.Client is one.
type Source interface {
	Blocks(ctx context.Context, start uint64) iter.Seq2[client.Block, error]
}

// Index is the event index the feeder writes; *eventindex.Store is one.
type Index interface {
	Checkpoint(ctx context.Context) (block uint64, indexed bool, err error)
	Index(ctx context.Context, block uint64, events []eventindex.Entry) error
	KeptEvent(ctx context.Context, eventID string) (eventindex.Kept, bool, error)
	Reset(ctx context.Context) error
}

// Progress is what the feeder did with one block, as WithProgress reports
// it.
type Progress struct {
	Block  uint64
	Events int // events indexed from it
	// Committed is the latest transaction time in the block, zero for a
	// block without tracechain transactions; Indexed is when the block's
	// events became queryable. Their difference is the index's lag.
	Committed, Indexed time.Time
}

// Feeder follows the ledger into an index. Run it once at a time per index:
// the index takes its blocks from one feeder, in order.
type Feeder struct {
	src      Source
	idx      Index
	now      func() time.Time
	progress func(Progress)

	mu      sync.Mutex
	fed     bool   // next is known
	next    uint64 // the first block not indexed
	changed chan struct{}
}

// New returns a feeder of idx from src.
func New(src Source, idx Index, opts ...Option) *Feeder {
	f := &Feeder{src: src, idx: idx, now: time.Now, changed: make(chan struct{})}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Run indexes the ledger's blocks from the block after the index's
// checkpoint (block 0 for an empty index) until ctx ends, which returns nil.
// It returns a *BlockError for a block it could not index, a *GapError when
// the source skips a block, or the source's error; the index then holds
// every block before the failed one, and a later Run resumes there.
func (f *Feeder) Run(ctx context.Context) error {
	err := f.run(ctx)
	if ctx.Err() != nil {
		return nil // what failed was cut short by the end of ctx
	}
	return err
}

func (f *Feeder) run(ctx context.Context) error {
	last, indexed, err := f.idx.Checkpoint(ctx)
	if err != nil {
		return err
	}
	next := uint64(0)
	if indexed {
		next = last + 1
	}
	f.advance(next)
	for b, err := range f.src.Blocks(ctx, next) {
		if err != nil {
			return err
		}
		if b.Number < next {
			continue // a replay the source may send after reconnecting
		}
		if b.Number > next {
			return &GapError{Want: next, Got: b.Number}
		}
		entries, err := f.entries(ctx, b)
		if err != nil {
			return err
		}
		if err := f.idx.Index(ctx, b.Number, entries); err != nil {
			return &BlockError{Block: b.Number, Err: err}
		}
		next = b.Number + 1
		f.advance(next)
		if f.progress != nil {
			f.progress(Progress{Block: b.Number, Events: len(entries), Committed: committed(b), Indexed: f.now()})
		}
	}
	return nil
}

// Rebuild empties the index, then runs from block 0: after a change of the
// rendering, or when the index no longer matches the ledger. The kept
// captured events survive (eventindex.Store.Reset), so the rebuilt index
// holds the same rows.
func (f *Feeder) Rebuild(ctx context.Context) error {
	if err := f.idx.Reset(ctx); err != nil {
		return fmt.Errorf("epcisfeed: rebuild: %w", err)
	}
	return f.Run(ctx)
}

// Next returns the first block the index does not hold yet, once Run has
// started; ok is false before.
func (f *Feeder) Next() (block uint64, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.next, f.fed
}

// WaitFor blocks until the index holds block (its events are queryable) or
// ctx ends, so that a caller who committed a transaction in that block can
// read it back without polling.
func (f *Feeder) WaitFor(ctx context.Context, block uint64) error {
	for {
		f.mu.Lock()
		done, changed := f.fed && f.next > block, f.changed
		f.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (f *Feeder) advance(next uint64) {
	f.mu.Lock()
	f.fed, f.next = true, next
	close(f.changed)
	f.changed = make(chan struct{})
	f.mu.Unlock()
}

// committed is the latest transaction time of a block.
func committed(b client.Block) time.Time {
	var at time.Time
	for _, tx := range b.Transactions {
		if tx.Time.After(at) {
			at = tx.Time
		}
	}
	return at
}
