package epcissubscribe

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the pure-Go SQLite driver

	"github.com/tracechain/tracechain/client/eventindex"
)

// Store keeps named queries and subscriptions in SQL tables of their own,
// beside the event index in the same database: epcis_queries and
// epcis_subscriptions. The index's Reset drops only its own tables.
type Store struct {
	db       *sql.DB
	postgres bool
}

// OpenSQLite opens the tables in the SQLite database file at path (the
// index's file: WAL mode lets both write in turn).
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("epcissubscribe: open %s: %w", path, err)
	}
	return open(ctx, db, false)
}

// OpenPostgres opens the tables in the PostgreSQL database named by dsn.
func OpenPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("epcissubscribe: open postgres: %w", err)
	}
	return open(ctx, db, true)
}

func open(ctx context.Context, db *sql.DB, postgres bool) (*Store, error) {
	s := &Store{db: db, postgres: postgres}
	for _, stmt := range []string{
		`CREATE TABLE IF NOT EXISTS epcis_queries (
			name TEXT PRIMARY KEY,
			owner TEXT NOT NULL,
			body TEXT NOT NULL
		)`,
		`CREATE TABLE IF NOT EXISTS epcis_subscriptions (
			id TEXT PRIMARY KEY,
			owner TEXT NOT NULL,
			query_name TEXT NOT NULL,
			due BIGINT NOT NULL,
			suspended INTEGER NOT NULL,
			body TEXT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS epcis_subscriptions_due ON epcis_subscriptions (suspended, due)`,
		`CREATE INDEX IF NOT EXISTS epcis_subscriptions_owner ON epcis_subscriptions (owner, query_name)`,
	} {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("epcissubscribe: create tables: %w", err)
		}
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// bind rewrites ? placeholders for PostgreSQL; the statements are constant.
func (s *Store) bind(stmt string) string {
	if !s.postgres {
		return stmt
	}
	var b strings.Builder
	n := 0
	for _, c := range stmt {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// NamedQuery is a stored query definition.
type NamedQuery struct {
	Name    string          `json:"name"`
	Owner   string          `json:"owner"`
	Params  url.Values      `json:"params"` // the query as GET /events parameters
	Query   json.RawMessage `json:"query"`  // the definition as the client gave it
	Created time.Time       `json:"created"`
}

// Subscription is a stored subscription with its delivery state.
type Subscription struct {
	ID        string     `json:"id"`
	Owner     string     `json:"owner"`
	QueryName string     `json:"queryName"`
	Params    url.Values `json:"params"`
	Dest      string     `json:"dest"`
	// Token is the subscriber's signatureToken: the HMAC key of every
	// delivery. It is never answered.
	Token             string     `json:"token"`
	Stream            bool       `json:"stream,omitempty"`
	Schedule          *Schedule  `json:"schedule,omitempty"`
	ReportIfEmpty     bool       `json:"reportIfEmpty,omitempty"`
	InitialRecordTime *time.Time `json:"initialRecordTime,omitempty"`
	Created           time.Time  `json:"created"`
	LastNotified      *time.Time `json:"lastNotified,omitempty"`

	// Position is the resume cursor: every matching event before it has
	// been acknowledged by the subscriber with a 2xx answer.
	Position eventindex.Position `json:"position"`
	// Batch is the most events per delivery, halved at each 413 answer.
	Batch int `json:"batch"`
	// Due is when the engine next looks at the subscription: the next
	// poll of a stream, the next firing of a schedule, or the next retry.
	Due          time.Time  `json:"due"`
	Attempts     int        `json:"attempts,omitempty"`
	FailingSince *time.Time `json:"failingSince,omitempty"`
	LastError    string     `json:"lastError,omitempty"`
	Suspended    bool       `json:"suspended,omitempty"`
}

var errExists = errors.New("exists")

// errNoQuery is a subscription to a named query deleted while it was made.
var errNoQuery = errors.New("no such query")

func (s *Store) createQuery(ctx context.Context, q NamedQuery, maxPerOwner int) error {
	body, err := json.Marshal(q)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.insertQuery(ctx, tx, q, string(body), maxPerOwner) })
}

func (s *Store) insertQuery(ctx context.Context, tx *sql.Tx, q NamedQuery, body string, maxPerOwner int) error {
	var n int
	if err := tx.QueryRowContext(ctx, s.bind(`SELECT COUNT(*) FROM epcis_queries WHERE owner = ?`), q.Owner).Scan(&n); err != nil {
		return err
	}
	if n >= maxPerOwner {
		return &LimitError{What: "named queries per client", Max: maxPerOwner}
	}
	var one int
	err := tx.QueryRowContext(ctx, s.bind(`SELECT 1 FROM epcis_queries WHERE name = ?`), q.Name).Scan(&one)
	if err == nil {
		return errExists
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	_, err = tx.ExecContext(ctx, s.bind(`INSERT INTO epcis_queries (name, owner, body) VALUES (?, ?, ?)`), q.Name, q.Owner, body)
	return err
}

// inTx runs f in a transaction, committed if f succeeds.
func (s *Store) inTx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := f(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) queries(ctx context.Context) ([]NamedQuery, error) {
	return selectAll[NamedQuery](ctx, s, `SELECT body FROM epcis_queries ORDER BY name`)
}

func (s *Store) query(ctx context.Context, name string) (NamedQuery, bool, error) {
	return selectOne[NamedQuery](ctx, s, `SELECT body FROM epcis_queries WHERE name = ?`, name)
}

// errInUse refuses to delete a named query that another client's
// subscriptions deliver.
var errInUse = errors.New("in use")

// deleteQuery removes a named query and its owner's subscriptions to it.
// While another client subscribes to it, it removes nothing (errInUse):
// deleting the query would delete subscriptions that are not the owner's.
func (s *Store) deleteQuery(ctx context.Context, name, owner string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var others int
		if err := tx.QueryRowContext(ctx, s.bind(`SELECT COUNT(*) FROM epcis_subscriptions WHERE query_name = ? AND owner <> ?`), name, owner).
			Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			return errInUse
		}
		if _, err := tx.ExecContext(ctx, s.bind(`DELETE FROM epcis_subscriptions WHERE query_name = ?`), name); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.bind(`DELETE FROM epcis_queries WHERE name = ?`), name)
		return err
	})
}

func (s *Store) createSubscription(ctx context.Context, sub *Subscription, maxPerOwner, maxTotal int) error {
	body, err := json.Marshal(sub)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		var mine, all int
		if err := tx.QueryRowContext(ctx, s.bind(`SELECT COUNT(*) FROM epcis_subscriptions WHERE owner = ?`), sub.Owner).Scan(&mine); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM epcis_subscriptions`).Scan(&all); err != nil {
			return err
		}
		if mine >= maxPerOwner {
			return &LimitError{What: "subscriptions per client", Max: maxPerOwner}
		}
		if all >= maxTotal {
			return &LimitError{What: "subscriptions of this service", Max: maxTotal}
		}
		if sub.QueryName != AdHocQuery {
			// The named query may have been deleted since it was read.
			var one int
			err := tx.QueryRowContext(ctx, s.bind(`SELECT 1 FROM epcis_queries WHERE name = ?`), sub.QueryName).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				return errNoQuery
			}
			if err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, s.bind(`INSERT INTO epcis_subscriptions (id, owner, query_name, due, suspended, body) VALUES (?, ?, ?, ?, ?, ?)`),
			sub.ID, sub.Owner, sub.QueryName, sub.Due.UnixMicro(), boolInt(sub.Suspended), string(body))
		return err
	})
}

// save writes a subscription's state, if it still exists.
func (s *Store) save(ctx context.Context, sub *Subscription) error {
	body, err := json.Marshal(sub)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, s.bind(`UPDATE epcis_subscriptions SET due = ?, suspended = ?, body = ? WHERE id = ?`),
		sub.Due.UnixMicro(), boolInt(sub.Suspended), string(body), sub.ID)
	return err
}

func (s *Store) subscriptions(ctx context.Context, owner, queryName string) ([]Subscription, error) {
	return selectAll[Subscription](ctx, s, `SELECT body FROM epcis_subscriptions WHERE owner = ? AND query_name = ? ORDER BY id`, owner, queryName)
}

func (s *Store) subscription(ctx context.Context, id string) (Subscription, bool, error) {
	return selectOne[Subscription](ctx, s, `SELECT body FROM epcis_subscriptions WHERE id = ?`, id)
}

func (s *Store) deleteSubscription(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, s.bind(`DELETE FROM epcis_subscriptions WHERE id = ?`), id)
	return err
}

// due returns at most limit active subscriptions due at now, the longest
// waiting first.
func (s *Store) due(ctx context.Context, now time.Time, limit int) ([]Subscription, error) {
	return selectAll[Subscription](ctx, s, `SELECT body FROM epcis_subscriptions WHERE suspended = 0 AND due <= ? ORDER BY due, id LIMIT ?`,
		now.UnixMicro(), limit)
}

// selectAll runs a constant statement that selects JSON bodies and decodes them.
func selectAll[T any](ctx context.Context, s *Store, stmt string, args ...any) ([]T, error) {
	rows, err := s.db.QueryContext(ctx, s.bind(stmt), args...)
	if err != nil {
		return nil, err
	}
	return scanAll[T](rows)
}

// selectOne is selectAll of a statement that selects at most one row.
func selectOne[T any](ctx context.Context, s *Store, stmt string, args ...any) (T, bool, error) {
	all, err := selectAll[T](ctx, s, stmt, args...)
	if err != nil || len(all) == 0 {
		var zero T
		return zero, false, err
	}
	return all[0], true, nil
}

func scanAll[T any](rows *sql.Rows) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// LimitError reports a bound reached: a client's or the service's number
// of subscriptions or named queries.
type LimitError struct {
	What string
	Max  int
}

func (e *LimitError) Error() string { return fmt.Sprintf("at most %d %s", e.Max, e.What) }
