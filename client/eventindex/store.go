package eventindex

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Store is the event index on a SQL database. It is safe for concurrent
// use; Index calls must come from one feeder, in block order.
type Store struct {
	db   *sql.DB
	d    dialect
	stmt statements
}

// open prepares the schema on db, rebuilding an index of another schema
// version.
func open(ctx context.Context, db *sql.DB, d dialect) (*Store, error) {
	s := &Store{db: db, d: d, stmt: d.statements()}
	if err := s.create(ctx); err != nil {
		return nil, err
	}
	var v int
	err := db.QueryRowContext(ctx, `SELECT schema_version FROM index_state WHERE id = 1`).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = db.ExecContext(ctx, s.stmt.initState, schemaVersion)
	case err == nil && v != schemaVersion:
		err = s.migrate(ctx, v)
	}
	if err != nil {
		return nil, fmt.Errorf("eventindex: open: %w", err)
	}
	return s, nil
}

func (s *Store) create(ctx context.Context) error {
	for _, stmt := range s.d.schema() {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("eventindex: create schema: %w", err)
		}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Checkpoint returns the number of the last indexed block; indexed is false
// while no block has been indexed, and the feeder starts at block 0.
func (s *Store) Checkpoint(ctx context.Context) (block uint64, indexed bool, err error) {
	var b sql.Null[uint64]
	if err := s.db.QueryRowContext(ctx, `SELECT block FROM index_state WHERE id = 1`).Scan(&b); err != nil {
		return 0, false, fmt.Errorf("eventindex: checkpoint: %w", err)
	}
	return b.V, b.Valid, nil
}

// Index applies the EPCIS events of one block and advances the checkpoint
// to it, in one database transaction: after a crash either both or neither
// are there. A block at or below the checkpoint is a no-op, so a feeder may
// replay blocks after a restart. Blocks without events need not be applied;
// the next block with events advances the checkpoint past them.
//
// An event already indexed (the same eventID from an earlier block) keeps
// its first record: EPCIS eventIDs are unique, and the first capture is the
// one the ledger proves. An event that cannot be indexed fails the whole
// block with *EntryError and nothing of the block is applied.
func (s *Store) Index(ctx context.Context, block uint64, events []Entry) error {
	rows, err := decodeAll(block, events)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("eventindex: index block %d: %w", block, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := s.apply(ctx, tx, block, rows); err != nil {
		return fmt.Errorf("eventindex: index block %d: %w", block, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("eventindex: index block %d: %w", block, err)
	}
	return nil
}

// decodeAll decodes a block's entries on every CPU: hashing the events
// costs more than writing them.
func decodeAll(block uint64, events []Entry) ([]row, error) {
	rows := make([]row, len(events))
	errs := make([]error, len(events))
	workers := min(runtime.GOMAXPROCS(0), len(events)/64+1)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(events); i += workers {
				rows[i], errs[i] = decode(events[i])
				rows[i].Block = block
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		var ee *EntryError
		if errors.As(err, &ee) {
			ee.Block = block
		}
		if err != nil {
			return nil, err // the first bad event in block order
		}
	}
	return rows, nil
}

func (s *Store) apply(ctx context.Context, tx *sql.Tx, block uint64, rows []row) error {
	// Reading the checkpoint inside the transaction makes the replay check
	// and the write one atomic step.
	var last sql.Null[uint64]
	if err := tx.QueryRowContext(ctx, `SELECT block FROM index_state WHERE id = 1`).Scan(&last); err != nil {
		return err
	}
	if last.Valid && block <= last.V {
		return nil
	}
	insEvent, err := tx.PrepareContext(ctx, s.stmt.insertEvent) //nolint:gosec // G701: a fixed statement (statements.go); the taint is load_test's database path from the environment, which reaches s but no SQL text
	if err != nil {
		return err
	}
	defer insEvent.Close()
	insEPC, err := tx.PrepareContext(ctx, s.stmt.insertEPC) //nolint:gosec // G701: as insertEvent's
	if err != nil {
		return err
	}
	defer insEPC.Close()
	for _, r := range rows {
		var seq int64
		err := insEvent.QueryRowContext(ctx, r.EventID, r.Block, r.TxID, r.eventType, micros(r.EventTime),
			nullMicros(r.RecordTime), null(r.action), null(r.bizStep), null(r.disposition), null(r.readPoint),
			null(r.bizLocation), null(string(r.Context)), string(r.Event)).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			continue // indexed already
		}
		if err != nil {
			return fmt.Errorf("event %s: %w", r.EventID, err)
		}
		for _, e := range r.epcs {
			if _, err := insEPC.ExecContext(ctx, e.epc, int(e.role), seq); err != nil {
				return fmt.Errorf("event %s: %w", r.EventID, err)
			}
		}
	}
	_, err = tx.ExecContext(ctx, s.stmt.setCheckpoint, block) //nolint:gosec // G701: as insertEvent's
	return err
}

// Reset empties the index and its checkpoint, to rebuild it from block 0:
// after a change of the indexed fields, or when it no longer matches the
// ledger. The tables are dropped and created again in one transaction, which
// is much faster than deleting a million rows.
func (s *Store) Reset(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("eventindex: reset: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, t := range dropTables {
		if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+t); err != nil {
			return fmt.Errorf("eventindex: reset: %w", err)
		}
	}
	for _, stmt := range s.d.schema() {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("eventindex: reset: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.stmt.initState, schemaVersion); err != nil {
		return fmt.Errorf("eventindex: reset: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("eventindex: reset: %w", err)
	}
	return nil
}

// null stores an absent field as SQL NULL, so that EQ_ filters (which
// require the field) never match it.
func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return micros(t)
}
