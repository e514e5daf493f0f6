package client

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"google.golang.org/grpc/codes"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Event is a tracechain chaincode event: the decoded model.Event payload
// with the block and transaction that committed it.
type Event struct {
	model.Event
	BlockNumber uint64 `json:"blockNumber"`
}

// Checkpointer records how far an event consumer got, so a later stream
// resumes right after the last handled event. fabric-gateway's
// *client.FileCheckpointer implements it.
type Checkpointer interface {
	gateway.Checkpoint
	CheckpointChaincodeEvent(event *gateway.ChaincodeEvent) error
}

// EventOptions selects where an event stream starts and which events it
// yields.
type EventOptions struct {
	// CheckpointFile resumes from, and records progress to, this file
	// (fabric-gateway's FileCheckpointer). Ignored when Checkpointer is set.
	CheckpointFile string
	// Checkpointer resumes from, and records progress to, any store.
	Checkpointer Checkpointer
	// StartBlock starts at this block when the checkpoint holds no
	// position yet. Nil means the next block to be committed.
	StartBlock *uint64
	// Types yields only events of these types (model.Event* names); the
	// others are checkpointed and skipped. Empty means all.
	Types []string
}

// Events streams the chaincode's events, decoded, in commit order. With a
// checkpoint (EventOptions.CheckpointFile or Checkpointer) it resumes right
// after the last event handled by an earlier stream, so a listener that is
// stopped and restarted sees every event exactly once.
//
// An event counts as handled, and is checkpointed, when the loop body
// returns for it: after it continues to the next event or breaks out of the
// loop. If the process dies inside the body, the event is delivered again.
// Events filtered out by Types are checkpointed without being yielded.
//
// The stream ends when ctx ends (without an error) or after yielding an
// error. A stream that breaks is reopened from the last checkpoint, with the
// client's retry policy; when that fails, the error is a *TransportError
// matching ErrUnavailable.
func (c *Client) Events(ctx context.Context, opts EventOptions) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		cp := opts.Checkpointer
		if cp == nil && opts.CheckpointFile != "" {
			f, err := gateway.NewFileCheckpointer(opts.CheckpointFile)
			if err != nil {
				yield(Event{}, fmt.Errorf("tracechain: event checkpoint %s: %w", opts.CheckpointFile, err))
				return
			}
			defer f.Close()
			cp = f
		}
		if cp == nil {
			cp = &memoryCheckpointer{}
		}
		pos := eventPosition{}
		switch {
		case cp.BlockNumber() != 0 || cp.TransactionID() != "":
			pos = eventPosition{Set: true, Block: cp.BlockNumber(), AfterTxID: cp.TransactionID()}
		case opts.StartBlock != nil:
			pos = eventPosition{Set: true, Block: *opts.StartBlock}
		}
		open := func(sctx context.Context) (<-chan *gateway.ChaincodeEvent, error) {
			return c.cc.ChaincodeEvents(sctx, c.cfg.chaincode, pos)
		}
		err := follow(ctx, c.retrier(time.Time{}), opEvents, open, func(raw *gateway.ChaincodeEvent) bool {
			ev, derr := decodeEvent(raw)
			yielded := derr != nil || len(opts.Types) == 0 || slices.Contains(opts.Types, ev.Type)
			more := true
			if yielded {
				more = yield(ev, derr)
			}
			if err := cp.CheckpointChaincodeEvent(raw); err != nil {
				if more {
					yield(Event{}, fmt.Errorf("tracechain: event checkpoint: %w", err))
				}
				return false
			}
			pos = eventPosition{Set: true, Block: raw.BlockNumber, AfterTxID: raw.TransactionID}
			return more
		})
		if err != nil {
			yield(Event{}, err)
		}
	}
}

// decodeEvent decodes a chaincode event's payload; the envelope's block,
// transaction and name are authoritative.
func decodeEvent(raw *gateway.ChaincodeEvent) (Event, error) {
	ev := Event{BlockNumber: raw.BlockNumber}
	if err := json.Unmarshal(raw.Payload, &ev.Event); err != nil {
		ev.Type, ev.TxID = raw.EventName, raw.TransactionID
		return ev, fmt.Errorf("tracechain: event %s of transaction %s: undecodable payload: %w", raw.EventName, raw.TransactionID, err)
	}
	ev.Type, ev.TxID = raw.EventName, raw.TransactionID
	return ev, nil
}

// memoryCheckpointer keeps the position in memory, so that a stream that
// breaks reopens where it was.
type memoryCheckpointer struct{ gateway.InMemoryCheckpointer }

func (m *memoryCheckpointer) CheckpointChaincodeEvent(e *gateway.ChaincodeEvent) error {
	m.InMemoryCheckpointer.CheckpointChaincodeEvent(e)
	return nil
}

// follow keeps a stream of the peer open: open starts it, where the
// previous one left off, and each item goes to handle until handle returns
// false. A stream that breaks is reopened with the retry policy r. It
// returns nil when handle or ctx ended the stream, and otherwise a
// *TransportError matching ErrUnavailable: the stream could not be kept
// open.
func follow[T any](ctx context.Context, r *retrier, op string, open func(ctx context.Context) (<-chan T, error), handle func(T) bool) error {
	_, err := retry(ctx, r, streamClass, func() (struct{}, error) {
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch, err := open(sctx)
		if err != nil {
			if ctx.Err() != nil {
				return struct{}{}, nil
			}
			return struct{}{}, err
		}
		for item := range ch {
			r.progressed()
			if !handle(item) {
				return struct{}{}, nil
			}
		}
		if ctx.Err() != nil {
			return struct{}{}, nil
		}
		return struct{}{}, fmt.Errorf("%s stream closed by the peer", op)
	})
	if err == nil || ctx.Err() != nil {
		return nil
	}
	terr := mapError(op, "", err)
	if _, ok := terr.(*TransportError); !ok {
		terr = &TransportError{Op: op, Code: codes.Unavailable, Err: err}
	}
	return terr
}
