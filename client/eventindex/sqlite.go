package eventindex

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver: no cgo
)

// OpenSQLite opens (creating it if needed) the index in the SQLite database
// file at path. The database runs in WAL mode, so queries read while the
// feeder writes.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		// NORMAL in WAL mode may lose the last transactions on power loss but
		// never corrupts: the checkpoint is lost with them and the feeder
		// replays those blocks.
		"synchronous(NORMAL)",
		"busy_timeout(10000)",
		"foreign_keys(OFF)",
	} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("eventindex: open %s: %w", path, err)
	}
	s, err := open(ctx, db, sqliteDialect)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}
