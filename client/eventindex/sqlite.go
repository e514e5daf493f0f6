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
		// The default page cache (2 MB) makes index inserts read from disk
		// once the random-keyed EPC index outgrows it; 64 MB per connection
		// keeps a million-event index's upper levels hot, and mmap lets
		// readers share the OS page cache instead of copying pages.
		"cache_size(-65536)",
		"mmap_size(1073741824)",
		"foreign_keys(OFF)",
	} {
		q.Add("_pragma", p)
	}
	// Every transaction of the store writes (Index, Keep, Reset), and two of
	// them run at once: the feeder's and the capture service's. A deferred
	// transaction that read first and then finds the database changed under
	// it fails at once with SQLITE_BUSY_SNAPSHOT, which busy_timeout cannot
	// wait out; an immediate one takes the write lock at BEGIN and waits its
	// turn there.
	q.Set("_txlock", "immediate")
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
