// Command tracectl is the command-line client of the tracechain ledger: it
// registers members and products, commissions, packs, moves, sells and
// recalls goods, verifies and traces codes, lists clone alerts and follows
// chaincode events, all through the client SDK.
//
// Run "tracectl --help" for the commands, the connection flags and the exit
// codes; docs/sdk.md has examples.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
