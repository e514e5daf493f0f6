package eventindex

import (
	"context"
	"fmt"
	"strings"
)

// Position is a place in the index's record order: the order in which the
// ledger recorded the events, block by block, and within a block in the
// order the feeder indexed them. It names the events of a query that come
// after it: every matching event of the blocks after Block, and the
// matching events of Block after its first Offset ones.
//
// A Position is made of ledger facts only (a block number and a count of a
// query's events in that block), not of the index's row numbers, so it
// keeps its meaning when the index is rebuilt from block 0: a rebuild
// renders every block's events again in the same order.
type Position struct {
	Block  uint64 `json:"block"`
	Offset int    `json:"offset"`
}

// Follow returns, in record order, at most limit events that match q and
// come after from, no more than MaxPageBytes of them (but for a first one
// larger than that), and the position after the last of them. Only blocks
// at or below the checkpoint are read, whose events are all indexed (Index
// applies a block at once), so an event is never skipped because its block
// was being written. When the query has nothing more in the index, next is
// the start of the block after the checkpoint, and the next call reads only
// newer blocks; otherwise next is Partial.
//
// q's order, PerPage and PageToken are ignored. The Offset of from is read
// again on each call (up to the number of the query's events in one block).
func (s *Store) Follow(ctx context.Context, q Query, from Position, limit int) (recs []Record, next Position, err error) {
	if limit < 1 || limit > MaxPerPage {
		return nil, from, &PerPageError{PerPage: limit, Max: MaxPerPage}
	}
	if from.Offset < 0 {
		return nil, from, &QueryError{Param: "position", Msg: "a negative offset"}
	}
	top, indexed, err := s.Checkpoint(ctx)
	if err != nil {
		return nil, from, err
	}
	if !indexed || top < from.Block {
		return nil, from, nil
	}
	q.PerPage, q.PageToken, q.Descending = 0, "", false
	p, err := prepare(q)
	if err != nil {
		return nil, from, err
	}
	a := &args{d: s.d}
	where := s.filters(p, a)
	where = append(where, "e.block >= "+a.add(from.Block), "e.block <= "+a.add(top))
	stmt := selectRecord + " WHERE " + strings.Join(where, " AND ") + //nolint:gosec // G202: constant columns and placeholders only, as Query's (args)
		" ORDER BY e.block, e.seq LIMIT " + a.add(from.Offset+limit)
	rows, err := s.db.QueryContext(ctx, stmt, a.vals...) //nolint:gosec // G701: as Query's, values are bound (args)
	if err != nil {
		return nil, from, fmt.Errorf("eventindex: follow: %w", err)
	}
	skip := 0
	var size budgetBytes
	recs, _, cut, err := scanRecords(rows, func(r Record, kept int) rowVerdict {
		switch {
		case kept == 0 && skip < from.Offset && r.Block == from.Block:
			skip++ // delivered before: the first Offset events of from's block
			return skipRow
		case !size.admit(r, kept):
			return stopRow
		}
		return keepRow
	})
	if err != nil {
		return nil, from, fmt.Errorf("eventindex: follow: %w", err)
	}
	if !cut && len(recs) < limit {
		return recs, Position{Block: top + 1}, nil
	}
	next = After(Position{Block: from.Block, Offset: skip}, recs)
	return recs, next, nil
}

// Partial says p is after some of its block's events. Follow returns such
// a position when it stopped before the end of what matches (limit events,
// or MaxPageBytes of them), and the start of the block after the checkpoint
// when nothing more matches: Partial is "read again at once".
func (p Position) Partial() bool { return p.Offset > 0 }

// After returns the position after recs, which Follow returned from from,
// in record order (a prefix of them, too).
func After(from Position, recs []Record) Position {
	if len(recs) == 0 {
		return from
	}
	last := recs[len(recs)-1].Block
	next := Position{Block: last}
	if last == from.Block {
		next.Offset = from.Offset
	}
	for _, r := range recs {
		if r.Block == last {
			next.Offset++
		}
	}
	return next
}
