package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisfeed"
	"github.com/tracechain/tracechain/client/eventindex"
)

// index feeds an EPCIS index (client/eventindex's SQLite store) from the ledger, as traced
// --epcis-index does, until it holds every block the organisation's peer had when it began;
// run it again to bring the same index up to date.
func index(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("index", flag.ExitOnError)
	open := networkFlags(fs)
	org := fs.String("org", "ManufacturerA", "the organisation whose user identity reads the blocks")
	db := fs.String("db", "", "the SQLite file of the index (created when missing)")
	timeout := fs.Duration("timeout", 30*time.Minute, "give up after this long")
	_ = fs.Parse(args)
	if *db == "" {
		return errors.New("--db is required")
	}
	n, err := open()
	if err != nil {
		return err
	}
	height, err := n.height(*org)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	p, err := client.LoadProfile(filepath.Join(n.run, "connection", strings.ToLower(*org)+".json"))
	if err != nil {
		return err
	}
	c, err := client.Connect(ctx, client.WithProfileAs(p, client.IdentityUser))
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	store, err := eventindex.OpenSQLite(ctx, *db)
	if err != nil {
		return err
	}
	defer func() { _ = store.Close() }()
	events := 0
	f := epcisfeed.New(c, store, epcisfeed.WithProgress(func(p epcisfeed.Progress) { events += p.Events }))
	feedCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- f.Run(feedCtx) }()
	t0 := time.Now()
	waitErr := f.WaitFor(ctx, height-1)
	stop()
	if err := <-done; err != nil {
		return err
	}
	if waitErr != nil {
		return fmt.Errorf("the index did not reach block %d: %w", height-1, waitErr)
	}
	_, _ = fmt.Fprintf(w, "indexed to block %d: %d events in %.1f s\n", height-1, events, time.Since(t0).Seconds())
	return nil
}
