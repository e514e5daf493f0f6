package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tracechain/tracechain/client"
)

// Exit codes. Documented in the root command's help and in docs/sdk.md.
const (
	exitOK         = 0 // success; for verify: the verdict is genuine
	exitError      = 1 // any other failure (bad input file, commit failure, ...)
	exitUsage      = 2 // wrong command line
	exitNotGenuine = 3 // verify: any verdict but genuine; code inspect: invalid code
	exitTransport  = 4 // the network could not be reached, timed out, or a write's outcome is unknown
	exitRefused    = 5 // the chaincode refused the request (tracechain/<CODE> error)
)

const exitCodesHelp = `Exit codes:
  0  success; verify: the verdict is GENUINE
  1  other failure (unreadable file, transaction invalidated at commit, ...)
  2  usage error (unknown command or flag, missing argument)
  3  verify: the verdict is not GENUINE (UNKNOWN, INVALID CODE, RECALLED,
     SUSPECTED CLONE, DECOMMISSIONED or SOLD); code inspect: invalid code
  4  connection or transport failure: peer unreachable, timeout, or a write
     whose outcome is unknown (the message names its transaction ID)
  5  the chaincode refused the request (tracechain/<CODE>: ...), e.g.
     NOT_FOUND, NOT_HOLDER, FORBIDDEN, DUPLICATE, RECALLED`

const connectionHelp = `Connection:
  --org NAME picks that organisation's user identity from the connection
  profile the test network writes: $TRACECHAIN_RUN_DIR/connection/<org>.json
  (default run dir: test-network/run); --admin takes its admin identity.
  --profile FILE reads any Fabric common connection profile (JSON): its
  client.organization's first peer; channel, chaincode and identity files from
  its "x-tracechain" section when it has one (docs/sdk.md).
  --peer, --tls-ca, --msp-id, --cert, --key, --channel and --chaincode
  connect to any other network, or override the profile's values.
  $TRACECHAIN_ORG is the default for --org.`

// usageError marks errors in the command line.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// exitError carries an exit code for a result that is not a failure of the
// command itself (e.g. a verdict that is not genuine).
type exitCodeError struct {
	code int
	msg  string
}

func (e *exitCodeError) Error() string { return e.msg }

// app is the state shared by the commands of one invocation.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	org, profile, peer, tlsCA, serverName string
	mspID, cert, key, channel, chaincode  string
	admin, jsonOut                        bool
	timeout                               time.Duration

	// connect opens the client; replaced in tests.
	connect func(ctx context.Context, opts ...client.Option) (*client.Client, error)
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, connect: client.Connect}
	return a.execute(ctx, args)
}

func (a *app) execute(ctx context.Context, args []string) int {
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	var ee *exitCodeError
	if !errors.As(err, &ee) || ee.msg != "" {
		fmt.Fprintf(a.stderr, "tracectl: %v\n", err)
	}
	if code == exitUsage {
		fmt.Fprintln(a.stderr, "Run 'tracectl --help' for usage.")
	}
	return code
}

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var ee *exitCodeError
	var ue usageError
	var ce *client.ChaincodeError
	switch {
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue), isCobraUsage(err):
		return exitUsage
	case errors.As(err, &ce):
		return exitRefused
	case errors.Is(err, client.ErrOutcomeUnknown), errors.Is(err, client.ErrUnavailable), errors.Is(err, client.ErrTimeout):
		return exitTransport
	}
	var te *client.TransportError
	if errors.As(err, &te) {
		return exitTransport
	}
	return exitError
}

// isCobraUsage recognises cobra's own command-line errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "required flag", "if any flags in the group"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "tracectl",
		Short: "Command-line client of the tracechain traceability ledger",
		Long: `tracectl talks to the tracechain chaincode on a Hyperledger Fabric network
through an organisation's gateway peer: members, products, commissioning,
packing, shipping, sales, recalls, verification, traces, alerts and events.

Output is human-readable; --json prints the SDK's result as JSON instead.

` + connectionHelp + `

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.org, "org", os.Getenv("TRACECHAIN_ORG"), "organisation whose test-network connection material to use (e.g. ManufacturerA)")
	pf.BoolVar(&a.admin, "admin", false, "use the organisation's admin identity instead of its user")
	pf.StringVar(&a.profile, "profile", "", "Fabric common connection profile (JSON) to connect with")
	pf.StringVar(&a.peer, "peer", "", "gateway peer endpoint host:port")
	pf.StringVar(&a.tlsCA, "tls-ca", "", "PEM file of the CA that signed the peer's TLS certificate")
	pf.StringVar(&a.serverName, "tls-server-name", "", "host name to check the peer's TLS certificate against")
	pf.StringVar(&a.mspID, "msp-id", "", "MSP ID of the identity")
	pf.StringVar(&a.cert, "cert", "", "PEM certificate of the identity")
	pf.StringVar(&a.key, "key", "", "PEM private key of the identity")
	pf.StringVar(&a.channel, "channel", "", "channel name (default from the profile, else traceability)")
	pf.StringVar(&a.chaincode, "chaincode", "", "chaincode name (default from the profile, else tracechain)")
	pf.BoolVar(&a.jsonOut, "json", false, "print results as JSON")
	pf.DurationVar(&a.timeout, "timeout", 5*time.Minute, "give up the whole command after this long")

	root.AddCommand(
		a.memberCommand(), a.productCommand(),
		a.commissionCommand(), a.lotCommand(), a.packCommand(), a.unpackCommand(),
		a.shipCommand(), a.receiveCommand(), a.rejectCommand(), a.decommissionCommand(),
		a.sellCommand(), a.saleCommand(), a.recallCommand(),
		a.verifyCommand(), a.traceCommand(), a.itemCommand(), a.contentsCommand(),
		a.alertsCommand(), a.eventsCommand(), a.codeCommand(), a.epcisCommand(), a.labelCommand(),
	)
	return root
}

// runDir is where the test network keeps its connection material.
func runDir() string {
	if d := os.Getenv("TRACECHAIN_RUN_DIR"); d != "" {
		return d
	}
	return filepath.Join("test-network", "run")
}

// options turns the connection flags into SDK options.
func (a *app) options() ([]client.Option, error) {
	var opts []client.Option
	var p *client.Profile
	switch {
	case a.profile != "":
		var err error
		if p, err = client.LoadProfile(a.profile); err != nil {
			return nil, err
		}
	case a.org != "":
		path := filepath.Join(runDir(), "connection", strings.ToLower(a.org)+".json")
		var err error
		if p, err = client.LoadProfile(path); err != nil {
			return nil, fmt.Errorf("organisation %s: %w (is the test network up? set TRACECHAIN_RUN_DIR or use --profile)", a.org, err)
		}
	}
	if p != nil {
		if a.mspID != "" {
			p.MSPID = a.mspID
		}
		if a.cert != "" || a.key != "" {
			files := &p.User
			if a.admin {
				files = &p.Admin
			}
			if a.cert != "" {
				files.Cert = a.cert
			}
			if a.key != "" {
				files.Key = a.key
			}
		}
		if a.tlsCA != "" {
			p.Peer.TLSCACert, p.Peer.TLSCACertPEM = a.tlsCA, nil
		}
		if a.peer != "" {
			// The profile's TLS name override is its own peer's name.
			p.Peer.Endpoint, p.Peer.ServerName = a.peer, ""
		}
		opts = append(opts, client.WithProfile(p, a.admin))
	} else {
		if a.peer == "" || a.tlsCA == "" || a.mspID == "" || a.cert == "" || a.key == "" {
			return nil, usagef("no connection: give --org, --profile, or all of --peer, --tls-ca, --msp-id, --cert and --key")
		}
		opts = append(opts, client.WithPeer(a.peer), client.WithTLSCACertFile(a.tlsCA),
			client.WithIdentityFiles(a.mspID, a.cert, a.key))
	}
	if a.serverName != "" {
		opts = append(opts, client.WithTLSServerName(a.serverName))
	}
	if a.channel != "" {
		opts = append(opts, client.WithChannel(a.channel))
	}
	if a.chaincode != "" {
		opts = append(opts, client.WithChaincode(a.chaincode))
	}
	return opts, nil
}

// withClient connects, runs f with a context bounded by --timeout, and
// closes the client.
func (a *app) withClient(cmd *cobra.Command, f func(ctx context.Context, c *client.Client) error) error {
	opts, err := a.options()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), a.timeout)
	defer cancel()
	c, err := a.connect(ctx, opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	return f(ctx, c)
}

// emit prints v as JSON with --json, else calls human.
func (a *app) emit(v any, human func(w io.Writer)) error {
	if a.jsonOut {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	human(a.stdout)
	return nil
}
