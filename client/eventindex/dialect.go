package eventindex

import (
	"strconv"
	"strings"
)

// schemaVersion is the layout of the tables below. An index written with
// another version is dropped and rebuilt, which is safe because it is
// derived from the ledger. Version 2 added kept_events; an index of version
// 1 was written by the capture service alone, so its events are kept
// verbatim before it is rebuilt (see migrate).
const schemaVersion = 2

// dialect holds what differs between the SQL databases the Store runs on.
type dialect struct {
	name string
	// serial is the column type of the events table's sequence number: the
	// insertion order, which breaks ties between events of the same time.
	serial string
	// placeholder returns the n-th (1-based) bind parameter.
	placeholder func(n int) string
}

var (
	sqliteDialect = dialect{
		name:        "sqlite",
		serial:      "INTEGER PRIMARY KEY", // the rowid: no separate index
		placeholder: func(int) string { return "?" },
	}
	postgresDialect = dialect{
		name:        "postgres",
		serial:      "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
		placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
	}
)

// schema returns the statements that create the index's tables.
//
// events holds one row per event: the verbatim JSON in body, and the
// filtered fields in canonical form. Times are microseconds since the epoch.
// Every filter column has an index led by it and followed by the sort key
// (event_time, seq), so that a filter plus a time range is one index range
// read in answer order, with no sort. event_epcs holds every EPC an event
// names with its role; its primary key (epc, role, seq) answers MATCH_
// filters. The body is TEXT, not PostgreSQL jsonb, because jsonb would
// reorder keys and the body must stay byte for byte as the ledger has it.
func (d dialect) schema() []string {
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS index_state (
			id INTEGER PRIMARY KEY CHECK (id = 1),
			schema_version INTEGER NOT NULL,
			block BIGINT
		)`,
		`CREATE TABLE IF NOT EXISTS events (
			seq ` + d.serial + `,
			event_id TEXT NOT NULL UNIQUE,
			block BIGINT NOT NULL,
			tx_id TEXT NOT NULL,
			event_type TEXT NOT NULL,
			event_time BIGINT NOT NULL,
			record_time BIGINT,
			action TEXT,
			biz_step TEXT,
			disposition TEXT,
			read_point TEXT,
			biz_location TEXT,
			context TEXT,
			body TEXT NOT NULL
		)`,
		`CREATE TABLE IF NOT EXISTS event_epcs (
			epc TEXT NOT NULL,
			role SMALLINT NOT NULL,
			seq BIGINT NOT NULL,
			PRIMARY KEY (epc, role, seq)
		)` + d.withoutRowID(),
		`CREATE INDEX IF NOT EXISTS events_time ON events (event_time, seq)`,
		// Record order, which subscriptions follow (Store.Follow).
		`CREATE INDEX IF NOT EXISTS events_block ON events (block, seq)`,
		// Not derived data: the verbatim captured events, which the ledger
		// holds only as hashes. Reset leaves it alone.
		`CREATE TABLE IF NOT EXISTS kept_events (
			event_id TEXT PRIMARY KEY,
			context TEXT,
			body TEXT NOT NULL
		)`,
	}
	for _, col := range filterColumns {
		stmts = append(stmts, `CREATE INDEX IF NOT EXISTS events_`+col+` ON events (`+col+`, event_time, seq)`)
	}
	return stmts
}

// filterColumns are the indexed single-valued filters. event_type, action and
// record_time have few distinct values or are rarely queried alone, so they
// are checked on the rows another index selects.
var filterColumns = []string{"biz_step", "disposition", "read_point", "biz_location"}

// withoutRowID stores SQLite's epc table as its primary key b-tree alone,
// which halves its size; PostgreSQL has no such clause.
func (d dialect) withoutRowID() string {
	if d.name == "sqlite" {
		return " WITHOUT ROWID"
	}
	return ""
}

// dropTables lists the tables Reset drops, children first; kept_events is
// not among them.
var dropTables = []string{"event_epcs", "events", "index_state"}

// args numbers bind parameters while a statement is built. A value goes
// into vals and only its placeholder into the text, so a statement built
// with args never carries a value.
type args struct {
	d    dialect
	vals []any
}

// add appends a value and returns its placeholder.
func (a *args) add(v any) string {
	a.vals = append(a.vals, v)
	return a.d.placeholder(len(a.vals))
}

// list returns "(p1, p2, ...)" for the values.
func (a *args) list(vs []string) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = a.add(v)
	}
	return "(" + strings.Join(ps, ", ") + ")"
}
