package eventindex

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// Kept is a captured event kept verbatim by the service that captured it.
// The ledger anchors only its hash (EventID), and renders the ledger events
// it caused without the fields it does not model (readPoint,
// bizTransactionList, sensor data, extensions), so this copy is the only
// full one; the feeder indexes it in place of the ledger's rendering.
type Kept struct {
	EventID string
	Event   json.RawMessage
	// Context is the @context of the document the event came in; EventID is
	// the hash of Event under it.
	Context json.RawMessage
}

// Keep stores verbatim captured events, before they are sent to the
// ledger, so that the feeder finds them whenever it reaches their block.
// An eventID kept already keeps its first copy: equal hashes mean equal
// events. Unlike the index, kept events survive Reset: a rebuild from the
// ledger could not bring them back. Keep does not check the hashes; the
// feeder does, against the ledger's eventID, before it indexes a copy.
func (s *Store) Keep(ctx context.Context, events []Kept) error {
	if len(events) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("eventindex: keep: %w", err)
	}
	defer tx.Rollback()                             //nolint:errcheck // a no-op after Commit
	ins, err := tx.PrepareContext(ctx, s.stmt.keep) //nolint:gosec // G701: a fixed statement (statements.go)
	if err != nil {
		return fmt.Errorf("eventindex: keep: %w", err)
	}
	defer ins.Close()
	for _, k := range events {
		if _, err := ins.ExecContext(ctx, k.EventID, null(string(k.Context)), string(k.Event)); err != nil {
			return fmt.Errorf("eventindex: keep %s: %w", k.EventID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("eventindex: keep: %w", err)
	}
	return nil
}

// KeptEvent returns the kept copy of an event; ok is false when there is
// none (the event was captured by another service, or written by a direct
// transaction).
func (s *Store) KeptEvent(ctx context.Context, eventID string) (k Kept, ok bool, err error) {
	var docContext sql.NullString
	var body string
	err = s.db.QueryRowContext(ctx, s.stmt.kept, eventID).Scan(&docContext, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return Kept{}, false, nil
	}
	if err != nil {
		return Kept{}, false, fmt.Errorf("eventindex: kept event: %w", err)
	}
	k = Kept{EventID: eventID, Event: json.RawMessage(body)}
	if docContext.Valid {
		k.Context = json.RawMessage(docContext.String)
	}
	return k, true, nil
}

// migrate brings an index of an older schema version to this one. Every
// version before 2 was written by the capture service only, so each of its
// events is a verbatim capture: they are kept before the index is reset and
// rebuilt from the ledger, which finds them again.
func (s *Store) migrate(ctx context.Context, from int) error {
	if from < 2 {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO kept_events (event_id, context, body)
			SELECT event_id, context, body FROM events WHERE true ON CONFLICT (event_id) DO NOTHING`); err != nil {
			return fmt.Errorf("keeping the captured events of schema version %d: %w", from, err)
		}
	}
	return s.Reset(ctx)
}
