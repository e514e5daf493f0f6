package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/tracechain/tracechain/chaincode/epcis"
)

// epcisCommand groups the offline EPCIS 2.0 tools. Like "code inspect" it
// never connects: it needs no --org and works without a network.
func (a *app) epcisCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "epcis", Short: "Work with EPCIS 2.0 documents offline"}
	var pre bool
	hash := &cobra.Command{
		Use:   "hash FILE",
		Short: "Print the CBV 2.0 event hash of each event of an EPCIS document",
		Long: `Read an EPCIS 2.0 JSON-LD EPCISDocument or EPCISQueryDocument from FILE
(or standard input with -) and print the CBV 2.0 event hash ID of each of its
events, one per line, in document order:

  ni:///sha-256;{hex}?ver=CBV2.0

--prehash prints the canonical pre-hash strings instead. No network is used.
A document that cannot be hashed exits with 1 and names the offending value
by its JSON pointer (e.g. /epcisBody/eventList/3/eventTime).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			doc, err := a.readInput(args[0])
			if err != nil {
				return err
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
	cmd.AddCommand(hash)
	return cmd
}

// readInput reads a file, or standard input for "-".
func (a *app) readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(a.stdin)
	}
	return os.ReadFile(name)
}
