package eventindex

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

const selectRecord = `SELECT e.seq, e.event_id, e.block, e.tx_id, e.event_time, e.record_time, e.context, e.body FROM events e`

// Event returns the event with this eventID, or ErrNotFound.
func (s *Store) Event(ctx context.Context, eventID string) (Record, error) {
	rows, err := s.db.QueryContext(ctx, s.stmt.eventByID, eventID)
	if err != nil {
		return Record{}, fmt.Errorf("eventindex: event: %w", err)
	}
	recs, _, _, err := scanRecords(rows, keepAll)
	if err != nil {
		return Record{}, fmt.Errorf("eventindex: event: %w", err)
	}
	if len(recs) == 0 {
		return Record{}, ErrNotFound
	}
	return recs[0], nil
}

// Query returns one page of the events that match q, in eventTime order
// (ties in index order). Errors from q's values are *QueryError or
// *PerPageError, and match ErrInvalidQuery.
func (s *Store) Query(ctx context.Context, q Query) (Page, error) {
	p, err := prepare(q)
	if err != nil {
		return Page{}, err
	}
	stmt, vals := s.sql(p)
	rows, err := s.db.QueryContext(ctx, stmt, vals...) //nolint:gosec // G701: q's values are in vals only; sql writes constant columns and operators and the dialect's placeholders (args)
	if err != nil {
		return Page{}, fmt.Errorf("eventindex: query: %w", err)
	}
	// One row more than a page is asked for, to know whether another page
	// follows without a second query; a page also ends before the event that
	// would take it over MaxPageBytes.
	var size budgetBytes
	recs, cursors, more, err := scanRecords(rows, func(r Record, kept int) rowVerdict {
		if kept == p.perPage || !size.admit(r, kept) {
			return stopRow
		}
		return keepRow
	})
	if err != nil {
		return Page{}, fmt.Errorf("eventindex: query: %w", err)
	}
	page := Page{Events: recs}
	if more {
		page.NextPageToken = p.token(cursors[len(cursors)-1])
	}
	return page, nil
}

// MaxPageBytes bounds the events, in bytes of their JSON and context, that
// one page of Query or one read of Follow returns: at least one event, and
// no more than this in all. A captured event may be megabytes (its
// extensions, its sensor data), so a page of MaxPerPage such events would
// hold gigabytes; the rest comes on the next page (or from the position
// Follow returns).
const MaxPageBytes = 8 << 20

// budgetBytes counts the bytes of the events kept for one page.
type budgetBytes int

// admit says whether r still fits on a page that holds kept events, and
// counts it if so; the first event always fits.
func (b *budgetBytes) admit(r Record, kept int) bool {
	n := len(r.Event) + len(r.Context)
	if kept > 0 && int(*b)+n > MaxPageBytes {
		return false
	}
	*b += budgetBytes(n)
	return true
}

// sql builds the statement of a query plan. Its text is made of constant
// column names, operators and the dialect's placeholders only: every value
// of the query, whoever wrote it, goes through args into the bound values.
func (s *Store) sql(p *plan) (string, []any) {
	a := &args{d: s.d}
	where := s.filters(p, a)
	dir, op := "ASC", ">"
	if p.q.Descending {
		dir, op = "DESC", "<"
	}
	if c := p.after; c != nil {
		// The first comparison repeats what the second implies; it is there
		// because it is a plain range on the index, which SQLite does not
		// derive from an OR.
		where = append(where, "e.event_time "+op+"= "+a.add(c.eventTime)+
			" AND (e.event_time "+op+" "+a.add(c.eventTime)+" OR e.seq "+op+" "+a.add(c.seq)+")")
	}
	stmt := selectRecord
	if len(where) > 0 {
		stmt += " WHERE " + strings.Join(where, " AND ")
	}
	stmt += " ORDER BY e.event_time " + dir + ", e.seq " + dir + " LIMIT " + a.add(p.perPage+1)
	return stmt, a.vals
}

// filters returns the WHERE terms of a plan's filters, their values added
// to a in text order.
func (s *Store) filters(p *plan, a *args) []string {
	var where []string
	in := func(col string, vs []string) {
		if len(vs) > 0 {
			where = append(where, col+" IN "+a.list(vs))
		}
	}
	in("e.event_type", p.q.EventTypes)
	in("e.action", p.q.Actions)
	in("e.biz_step", p.q.BizSteps)
	in("e.disposition", p.q.Dispositions)
	in("e.read_point", p.q.ReadPoints)
	in("e.biz_location", p.q.BizLocations)
	in("e.event_id", p.q.EventIDs)
	bound := func(col, op string, t interface{ IsZero() bool }, us func() int64) {
		if !t.IsZero() {
			where = append(where, col+" "+op+" "+a.add(us()))
		}
	}
	bound("e.event_time", ">=", p.q.GEEventTime, func() int64 { return micros(p.q.GEEventTime) })
	bound("e.event_time", "<", p.q.LTEventTime, func() int64 { return micros(p.q.LTEventTime) })
	bound("e.record_time", ">=", p.q.GERecordTime, func() int64 { return micros(p.q.GERecordTime) })
	bound("e.record_time", "<", p.q.LTRecordTime, func() int64 { return micros(p.q.LTRecordTime) })
	for _, m := range p.matches {
		// Placeholders are added in text order: SQLite's are positional.
		epcs := a.list(m.epcs)
		roles := make([]string, len(m.roles))
		for i, r := range m.roles {
			roles[i] = a.add(int(r))
		}
		where = append(where, "e.seq IN (SELECT x.seq FROM event_epcs x WHERE x.epc IN "+epcs+
			" AND x.role IN ("+strings.Join(roles, ", ")+"))")
	}
	return where
}

// rowVerdict is what scanRecords does with a row: keep it, pass over it,
// or stop before it.
type rowVerdict uint8

const (
	keepRow rowVerdict = iota
	skipRow
	stopRow
)

// keepAll keeps every row.
func keepAll(Record, int) rowVerdict { return keepRow }

// scanRecords reads rows into records, one at a time, asking choose about
// each with the number kept so far; it stops reading before the first row
// choose says stopRow to (stopped), so a row passed over or not read is not
// held in memory.
func scanRecords(rows *sql.Rows, choose func(r Record, kept int) rowVerdict) (recs []Record, cursors []cursor, stopped bool, err error) {
	defer rows.Close()
	for rows.Next() {
		var (
			r    Record
			c    cursor
			rec  sql.NullInt64
			ctx  sql.NullString
			body string
		)
		if err := rows.Scan(&c.seq, &r.EventID, &r.Block, &r.TxID, &c.eventTime, &rec, &ctx, &body); err != nil {
			return nil, nil, false, err
		}
		r.EventTime = fromMicros(c.eventTime)
		if rec.Valid {
			r.RecordTime = fromMicros(rec.Int64)
		}
		if ctx.Valid {
			r.Context = []byte(ctx.String)
		}
		r.Event = []byte(body)
		switch choose(r, len(recs)) {
		case stopRow:
			return recs, cursors, true, nil
		case skipRow:
			continue
		}
		recs = append(recs, r)
		cursors = append(cursors, c)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, false, err
	}
	return recs, cursors, false, nil
}
