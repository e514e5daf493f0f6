package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// DefaultChunkSize is the number of codes CommissionBulk puts in one
// transaction: well inside the block size of the test network and
// model.MaxCodesPerTx, and small enough to endorse in about a second.
const DefaultChunkSize = 1000

// DefaultInFlight is the number of bulk transactions awaiting their commit
// at once while the next ones are endorsed.
const DefaultInFlight = 4

// ChunkStatus says what happened to one chunk of a bulk commissioning.
type ChunkStatus string

// Chunk statuses. Committed, AlreadyCommitted and Skipped chunks are on the
// ledger; Failed and Pending ones are not; Unknown ones may be.
const (
	ChunkCommitted        ChunkStatus = "committed"         // committed by this run
	ChunkAlreadyCommitted ChunkStatus = "already_committed" // refused as DUPLICATE, but every code is on the ledger as this batch: an earlier run committed it
	ChunkSkipped          ChunkStatus = "skipped"           // committed according to BulkOptions.Previous; not sent again
	ChunkFailed           ChunkStatus = "failed"            // not committed; Error says why
	ChunkUnknown          ChunkStatus = "unknown"           // sent, outcome unknown; a re-run resolves it without duplicates
	ChunkPending          ChunkStatus = "pending"           // not sent (the context ended first)
)

// Done reports whether the chunk's codes are on the ledger.
func (s ChunkStatus) Done() bool {
	return s == ChunkCommitted || s == ChunkAlreadyCommitted || s == ChunkSkipped
}

// BulkOptions tunes CommissionBulk.
type BulkOptions struct {
	ChunkSize int                // codes per transaction; default DefaultChunkSize, at most model.MaxCodesPerTx
	InFlight  int                // transactions awaiting commit at once; default DefaultInFlight
	Progress  func(BulkProgress) // called after each chunk settles, never concurrently
	// Previous is the result of an earlier run with the same request: chunks
	// it lists as on the ledger (same first code and count) are skipped.
	Previous *BulkResult
}

// BulkProgress is reported after each chunk.
type BulkProgress struct {
	Chunks     int // chunks in the request
	ChunksDone int // chunks settled (on the ledger, failed or unknown)
	Codes      int // codes in the request
	CodesDone  int // codes on the ledger
	Failed     int // chunks failed or unknown
}

// ChunkResult is the outcome of one chunk: codes[Start:Start+Count] of the
// request.
type ChunkResult struct {
	Index  int         `json:"index"`
	Start  int         `json:"start"`
	Count  int         `json:"count"`
	First  string      `json:"first"`
	Last   string      `json:"last"`
	Status ChunkStatus `json:"status"`
	TxID   string      `json:"txId,omitempty"`
	Error  string      `json:"error,omitempty"`
	Err    error       `json:"-"`
}

// BulkResult lists every chunk of a bulk commissioning. Keep it (it is
// JSON-serialisable) to resume: pass it as BulkOptions.Previous.
type BulkResult struct {
	GTIN      string        `json:"gtin"`
	Batch     string        `json:"batch"`
	ChunkSize int           `json:"chunkSize"`
	Chunks    []ChunkResult `json:"chunks"`
}

// Committed returns the number of codes on the ledger.
func (r *BulkResult) Committed() int {
	n := 0
	for _, ch := range r.Chunks {
		if ch.Status.Done() {
			n += ch.Count
		}
	}
	return n
}

// Incomplete returns the chunks that are not (known to be) on the ledger.
func (r *BulkResult) Incomplete() []ChunkResult {
	var out []ChunkResult
	for _, ch := range r.Chunks {
		if !ch.Status.Done() {
			out = append(out, ch)
		}
	}
	return out
}

// BulkError is returned by CommissionBulk when some chunks are not on the
// ledger. errors.Is sees through to each chunk's error.
type BulkError struct {
	Incomplete int // chunks failed, unknown or pending
	Codes      int // codes in them
	Errs       []error
}

func (e *BulkError) Error() string {
	msg := fmt.Sprintf("tracechain: bulk commissioning incomplete: %d chunk(s), %d code(s) not committed", e.Incomplete, e.Codes)
	if len(e.Errs) > 0 {
		msg += "; first error: " + e.Errs[0].Error()
	}
	return msg
}

// Unwrap returns the chunk errors.
func (e *BulkError) Unwrap() []error { return e.Errs }

// CommissionBulk commissions any number of serialised units of one batch by
// splitting the codes into chunks of opts.ChunkSize, one transaction each.
// Chunks are endorsed one after another and sent to the orderer without
// waiting for the previous commit; up to opts.InFlight commits are awaited
// concurrently. Transient failures are retried as for any transaction.
//
// The result lists every chunk with its status and transaction ID, so a
// caller can resume: running the same request again (optionally with the
// previous result in opts.Previous) commissions exactly the missing codes. A
// chunk refused as DUPLICATE whose codes are all on the ledger as units of
// this batch and manufacturer counts as committed earlier.
//
// The codes are checked locally first (same parser as the chaincode): an
// invalid or repeated code fails the whole request before anything is sent.
// The error is nil when every chunk is on the ledger, a *BulkError otherwise;
// the result is returned in both cases.
func (c *Client) CommissionBulk(ctx context.Context, req model.CommissionRequest, opts BulkOptions) (*BulkResult, error) {
	size := opts.ChunkSize
	if size <= 0 {
		size = DefaultChunkSize
	}
	if size > model.MaxCodesPerTx {
		return nil, fmt.Errorf("tracechain: chunk size %d exceeds %d codes per transaction", size, model.MaxCodesPerTx)
	}
	inFlight := opts.InFlight
	if inFlight <= 0 {
		inFlight = DefaultInFlight
	}
	if err := checkBulkCodes(req.Codes); err != nil {
		return nil, err
	}
	res := newBulkResult(req, size)
	done := previousDone(opts.Previous)

	b := &bulkRun{c: c, req: req, res: res, progress: opts.Progress}
	sem := make(chan struct{}, inFlight)
	var wg sync.WaitGroup
	for i := range res.Chunks {
		ch := &res.Chunks[i]
		if txID, ok := done[chunkKey(ch.First, ch.Count)]; ok {
			b.settle(ch, ChunkSkipped, txID, nil)
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		cl, err := b.chunkCall(ch)
		if err != nil {
			<-sem
			b.settle(ch, ChunkFailed, "", err)
			continue
		}
		// Endorse and send here, so the next chunk is endorsed while this
		// one is ordered and validated.
		tx, err := c.startTx(ctx, cl)
		if err != nil {
			<-sem
			b.fail(ctx, ch, err)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			b.finish(ctx, ch, tx)
		}()
	}
	wg.Wait()
	if err := res.incomplete(ctx); err != nil {
		return res, err
	}
	return res, nil
}

// newBulkResult splits the request's codes into pending chunks of size codes.
func newBulkResult(req model.CommissionRequest, size int) *BulkResult {
	res := &BulkResult{GTIN: req.GTIN, Batch: req.Batch, ChunkSize: size}
	for start := 0; start < len(req.Codes); start += size {
		end := min(start+size, len(req.Codes))
		res.Chunks = append(res.Chunks, ChunkResult{
			Index: len(res.Chunks), Start: start, Count: end - start,
			First: req.Codes[start], Last: req.Codes[end-1], Status: ChunkPending,
		})
	}
	return res
}

// incomplete is the *BulkError of the chunks that are not on the ledger, or
// nil when every chunk is.
func (r *BulkResult) incomplete(ctx context.Context) error {
	var berr BulkError
	for _, ch := range r.Chunks {
		if !ch.Status.Done() {
			berr.Incomplete++
			berr.Codes += ch.Count
			if ch.Err != nil {
				berr.Errs = append(berr.Errs, fmt.Errorf("chunk %d (%s..%s): %w", ch.Index, ch.First, ch.Last, ch.Err))
			}
		}
	}
	if berr.Incomplete == 0 {
		return nil
	}
	if len(berr.Errs) == 0 && ctx.Err() != nil {
		berr.Errs = append(berr.Errs, ctx.Err())
	}
	return &berr
}

// bulkRun is the shared state of one CommissionBulk call.
type bulkRun struct {
	c        *Client
	req      model.CommissionRequest
	res      *BulkResult
	progress func(BulkProgress)

	mu sync.Mutex
	p  BulkProgress
}

// finish awaits a sent chunk's commit.
func (b *bulkRun) finish(ctx context.Context, ch *ChunkResult, tx *sent) {
	s, err := tx.wait(ctx)
	if err != nil {
		b.fail(ctx, ch, err)
		return
	}
	b.settle(ch, ChunkCommitted, s.txID, nil)
}

func (b *bulkRun) chunkCall(ch *ChunkResult) (call, error) {
	r := b.req
	r.Codes = b.req.Codes[ch.Start : ch.Start+ch.Count]
	arg, err := jsonArg(r)
	if err != nil {
		return call{}, err
	}
	return call{Fn: model.FnCommission, Args: []string{arg}}, nil
}

// fail settles a chunk that did not commit in this run, telling a DUPLICATE
// of an earlier commit from a real failure.
func (b *bulkRun) fail(ctx context.Context, ch *ChunkResult, err error) {
	switch {
	case errors.Is(err, ErrOutcomeUnknown):
		b.settle(ch, ChunkUnknown, txIDOf(err), err)
	case errors.Is(err, ErrDuplicate):
		status, txID, rerr := b.resume(ctx, ch)
		if rerr != nil {
			b.settle(ch, status, txIDOf(rerr), rerr)
			return
		}
		b.settle(ch, status, txID, nil)
	default:
		b.settle(ch, ChunkFailed, txIDOf(err), err)
	}
}

// resume handles a chunk refused as DUPLICATE. When every code of the chunk
// is on the ledger as a unit of this manufacturer, product and batch, an
// earlier run committed it. When some are and the others are missing (an
// earlier run used other chunks), only the missing ones are commissioned.
// Any code that is on the ledger as something else is a real conflict. The
// chaincode's CheckCommission answers all of that for the whole chunk in one
// read.
func (b *bulkRun) resume(ctx context.Context, ch *ChunkResult) (ChunkStatus, string, error) {
	codes := b.req.Codes[ch.Start : ch.Start+ch.Count]
	r := b.req
	r.Codes = codes
	check, err := b.c.CheckCommission(ctx, r)
	if err != nil {
		return ChunkFailed, "", err
	}
	if len(check.Missing) == 0 {
		txID := ""
		if len(check.CommissionTxs) == 1 {
			txID = check.CommissionTxs[0]
		}
		return ChunkAlreadyCommitted, txID, nil
	}
	r.Codes = make([]string, 0, len(check.Missing))
	for _, i := range check.Missing {
		if i < 0 || i >= len(codes) {
			return ChunkFailed, "", fmt.Errorf("tracechain: CheckCommission named code %d of a chunk of %d", i, len(codes))
		}
		r.Codes = append(r.Codes, codes[i])
	}
	arg, err := jsonArg(r)
	if err != nil {
		return ChunkFailed, "", err
	}
	s, err := b.c.submit(ctx, call{Fn: model.FnCommission, Args: []string{arg}})
	if err != nil {
		if errors.Is(err, ErrOutcomeUnknown) {
			return ChunkUnknown, "", err
		}
		return ChunkFailed, "", err
	}
	return ChunkCommitted, s.txID, nil
}

func (b *bulkRun) settle(ch *ChunkResult, status ChunkStatus, txID string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ch.Status, ch.TxID, ch.Err = status, txID, err
	if err != nil {
		ch.Error = err.Error()
	}
	b.p.Chunks, b.p.Codes = len(b.res.Chunks), len(b.req.Codes)
	b.p.ChunksDone++
	if status.Done() {
		b.p.CodesDone += ch.Count
	} else {
		b.p.Failed++
	}
	if b.progress != nil {
		b.progress(b.p)
	}
}

// txIDOf returns the transaction ID an SDK error names.
func txIDOf(err error) string {
	var ce *ChaincodeError
	var cm *CommitError
	var ou *OutcomeUnknownError
	var te *TransportError
	switch {
	case errors.As(err, &ou):
		return ou.TxID
	case errors.As(err, &cm):
		return cm.TxID
	case errors.As(err, &ce):
		return ce.TxID
	case errors.As(err, &te):
		return te.TxID
	}
	return ""
}

func chunkKey(first string, count int) string { return fmt.Sprintf("%s\x00%d", first, count) }

// previousDone indexes the chunks an earlier result lists as on the ledger.
func previousDone(prev *BulkResult) map[string]string {
	done := map[string]string{}
	if prev == nil {
		return done
	}
	for _, ch := range prev.Chunks {
		if ch.Status.Done() {
			done[chunkKey(ch.First, ch.Count)] = ch.TxID
		}
	}
	return done
}

// checkBulkCodes parses every code and rejects repeats (by canonical form),
// so that a bad line fails before anything is committed.
func checkBulkCodes(codes []string) error {
	if len(codes) == 0 {
		return fmt.Errorf("%w: no codes to commission", ErrInvalidArgument)
	}
	seen := make(map[string]int, len(codes))
	for i, in := range codes {
		id, err := identifier.Parse(in)
		if err != nil {
			return fmt.Errorf("%w: codes[%d] %q: %v", ErrInvalidCode, i, in, err)
		}
		key := id.Canonical
		if j, ok := seen[key]; ok {
			return fmt.Errorf("%w: codes[%d] %q repeats codes[%d] %q", ErrDuplicate, i, in, j, codes[j])
		}
		seen[key] = i
		if strings.TrimSpace(in) == "" {
			return fmt.Errorf("%w: codes[%d] is empty", ErrInvalidArgument, i)
		}
	}
	return nil
}
