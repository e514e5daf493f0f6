package eventindex

import (
	"context"
	"database/sql"
	"fmt"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// OpenPostgres opens the index in the PostgreSQL database named by dsn
// (a URL such as postgres://user@127.0.0.1:5432/db or a key=value string),
// creating its tables if needed.
func OpenPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("eventindex: open postgres: %w", err)
	}
	s, err := open(ctx, db, postgresDialect)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}
