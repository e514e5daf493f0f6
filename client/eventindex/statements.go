package eventindex

import "strings"

// statements are the Store's fixed SQL statements in its dialect. They are
// built once, when the Store opens, from constant text and the dialect's own
// bind parameter syntax: every value they take is a bound parameter, never
// part of the text. Query's statements are built per query the same way
// (args), from the constant column names of its filters.
type statements struct {
	initState     string // (schema_version)
	insertEvent   string // the 13 columns of events, in order; RETURNING seq
	insertEPC     string // (epc, role, seq)
	setCheckpoint string // (block)
	eventByID     string // (event_id)
	keep          string // (event_id, context, body)
	kept          string // (event_id)
}

// statements builds the fixed statements in d.
func (d dialect) statements() statements {
	return statements{
		initState: `INSERT INTO index_state (id, schema_version) VALUES (1, ` + d.placeholders(1) + `)`,
		insertEvent: `INSERT INTO events (event_id, block, tx_id, event_type, event_time,
			record_time, action, biz_step, disposition, read_point, biz_location, context, body)
			VALUES (` + d.placeholders(13) + `) ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
		insertEPC:     `INSERT INTO event_epcs (epc, role, seq) VALUES (` + d.placeholders(3) + `)`,
		setCheckpoint: `UPDATE index_state SET block = ` + d.placeholders(1) + ` WHERE id = 1`,
		eventByID:     selectRecord + ` WHERE e.event_id = ` + d.placeholders(1),
		keep: `INSERT INTO kept_events (event_id, context, body) VALUES (` + d.placeholders(3) + `)
			ON CONFLICT (event_id) DO NOTHING`,
		kept: `SELECT context, body FROM kept_events WHERE event_id = ` + d.placeholders(1),
	}
}

// placeholders returns the first n bind parameters, comma-separated.
func (d dialect) placeholders(n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = d.placeholder(i + 1)
	}
	return strings.Join(ps, ", ")
}
