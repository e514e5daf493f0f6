// Command probe tells whether the test network is ready for clients: it connects to an
// organisation's peer through the Fabric Gateway, evaluates a read and submits a write that
// needs endorsements from two organisations, and exits 0 only if both succeed.
//
//	probe -profile run/connection/manufacturera.json [-timeout 60s]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/tracechain/tracechain/client"
)

func main() {
	path := flag.String("profile", "", "connection profile JSON written by network.sh")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var last error
	for {
		if last = probe(ctx, *path); last == nil {
			return
		}
		select {
		case <-ctx.Done():
			fmt.Fprintf(os.Stderr, "probe: not ready: %v\n", last)
			os.Exit(1)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func probe(ctx context.Context, path string) error {
	p, err := client.LoadProfile(path)
	if err != nil {
		return err
	}
	c, err := client.New(client.WithProfile(p, false),
		client.WithEvaluateTimeout(5*time.Second), client.WithEndorseTimeout(10*time.Second),
		client.WithSubmitTimeout(5*time.Second), client.WithCommitStatusTimeout(20*time.Second))
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.BenchPut(ctx, "probe", time.Now().UTC().Format(time.RFC3339Nano)); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	if _, err := c.BenchGet(ctx, "probe"); err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	return nil
}
