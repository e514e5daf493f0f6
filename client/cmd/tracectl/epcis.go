package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// epcisCommand groups the EPCIS 2.0 tools. "epcis hash" is offline like
// "code inspect": it needs no --org and works without a network. "epcis
// trace" reads the ledger.
func (a *app) epcisCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "epcis", Short: "Export the ledger's traces as EPCIS 2.0 and hash EPCIS documents"}
	var pre bool
	format := formatAuto
	hash := &cobra.Command{
		Use:   "hash FILE",
		Short: "Print the CBV 2.0 event hash of each event of an EPCIS document",
		Long: `Read an EPCISDocument or EPCISQueryDocument from FILE (or standard input
with -), in EPCIS 2.0 JSON-LD, EPCIS 2.0 XML or EPCIS 1.2 XML, and print the
CBV 2.0 event hash ID of each of its events, one per line, in document
order:

  ni:///sha-256;{hex}?ver=CBV2.0

--prehash prints the canonical pre-hash strings instead. --format (auto,
json, xml) says how to read FILE; auto reads a document that starts with
'<' as XML. An XML event is hashed from its EPCIS 2.0 JSON-LD form, the form
the ledger anchors, and has the hash of the same event in JSON. No network
is used.
A document that cannot be hashed exits with 1 and names the offending value
by its JSON pointer (e.g. /epcisBody/eventList/3/eventTime).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := a.readInput(args[0])
			if err != nil {
				return err
			}
			if doc, err = format.asJSON(doc); err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			var lines []string
			if pre {
				lines, err = epcis.DocumentPreHashes(doc)
			} else {
				lines, err = epcis.DocumentHashes(doc)
			}
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			for _, l := range lines {
				fmt.Fprintln(a.stdout, l)
			}
			return nil
		},
	}
	hash.Flags().BoolVar(&pre, "prehash", false, "print the pre-hash strings instead of the hashes")
	hash.Flags().StringVar((*string)(&format), "format", string(formatAuto), "how FILE is written: auto, json or xml (EPCIS 2.0 or 1.2)")
	cmd.AddCommand(hash, a.epcisTraceCommand(), a.epcisCaptureCommand())
	return cmd
}

func (a *app) epcisTraceCommand() *cobra.Command {
	var created string
	cmd := &cobra.Command{
		Use:   "trace CODE",
		Short: "Print an item's whole trace as one EPCIS 2.0 JSON-LD document",
		Long: `Read the whole history of CODE from the ledger (as "tracectl trace" does) and
print it as one EPCIS 2.0 JSON-LD EPCISDocument: one ObjectEvent or
AggregationEvent per trace event, each with the CBV 2.0 event hash as its
eventID and the ledger's transaction ID as tracechain:txId. Members are
named https://id.tracechain.example/party/{mspId}; clone alerts and their
decisions are left out, and no buyer data is ever written. docs/epcis.md,
"Mapping", has the rules.

The output is always JSON. --created sets the document's creationDate
(RFC 3339; default: now), which makes the output reproducible.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			when := time.Now()
			if created != "" {
				t, err := time.Parse(time.RFC3339Nano, created)
				if err != nil {
					return usagef("--created: %v", err)
				}
				when = t
			}
			return a.withClient(cmd, func(ctx context.Context, c *client.Client) error {
				events, err := client.Collect(c.Trace(ctx, args[0]))
				if err != nil {
					return err
				}
				return writeTraceDocument(a.stdout, args[0], events, when)
			})
		},
	}
	cmd.Flags().StringVar(&created, "created", "", "creationDate of the document (RFC 3339; default: now)")
	return cmd
}

// writeTraceDocument maps a trace to an EPCIS document and prints it as
// indented JSON.
func writeTraceDocument(w io.Writer, code string, events []model.TraceEvent, created time.Time) error {
	doc, err := epcis.FromTrace(code, events, epcis.MapOptions{CreationDate: created})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// readInput reads a file, or standard input for "-".
func (a *app) readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(a.stdin)
	}
	return os.ReadFile(name) //nolint:gosec // the EPCIS file the user names on the command line
}
