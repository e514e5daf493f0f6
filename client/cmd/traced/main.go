// Command traced serves tracechain's GS1-Conformant Resolver and public
// verification service (package client/resolver) over HTTP, answering from
// the ledger through one organisation's gateway peer. It acts as the
// organisation's read-only identity (certificate attribute
// tracechain.reader=true), which the chaincode refuses every write and every
// read of buyer data; --identity user is for organisations that have none.
//
//	traced --org Regulator --domain https://id.tracechain.example
//
// Without --tls-cert and --tls-key it speaks plain HTTP, for a reverse proxy
// that terminates TLS in front of it (the conformance list requires HTTPS);
// docs/resolver.md shows such a setup.
//
// With --signal-identity user (or admin) it counts the public's scans and
// files clone signals for the Regulator as that identity (package
// client/scansignal; docs/resolver.md "Counting scans for clone signals");
// it still
// answers as --identity.
//
// With --epcis-listen it also serves the member-facing EPCIS 2.0 interface
// (capture and query, docs/epcis.md) on a second listener, with mutual TLS
// only, capturing as the profile's user identity; its query index is fed
// from the ledger's blocks by the same identity (--epcis-rebuild rebuilds it
// from block 0):
//
//	traced --org ManufacturerA --epcis-listen 127.0.0.1:9443 --epcis-index epcis.db \
//	    --epcis-tls-cert srv.pem --epcis-tls-key srv.key --epcis-client-ca member-ca.pem
//
// With --console-listen, for the Regulator or a provincial regulator only
// (checked on the ledger at start), it also serves the regulator's console
// (package client/console, docs/regulator.md) on a third listener, with
// mutual TLS against the organisation's own CA, over an EPCIS index of its
// own fed from the blocks; admin staff decide reports as the profile's
// administrator:
//
//	traced --org Regulator --console-listen 127.0.0.1:9444 --console-index console.db \
//	    --console-tls-cert srv.pem --console-tls-key srv.key --console-client-ca regulator-ca.pem
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/resolver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, connect)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1 // the ledger could not be reached, the listener failed, ...
	exitUsage = 2 // wrong command line or configuration
)

// ConfigError is a wrong command line or configuration.
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return e.Msg }

func configErrorf(format string, args ...any) error {
	return &ConfigError{Msg: fmt.Sprintf(format, args...)}
}

// config is the parsed command line.
type config struct {
	listen      string
	domain      string
	profilePath string
	identity    string
	tlsCert     string
	tlsKey      string
	rateLimit   float64
	rateBurst   int
	trustProxy  bool
	cacheTTL    time.Duration
	epcis       epcisConfig
	signals     signalConfig
	console     consoleConfig
}

// runDir is where the test network keeps its connection material, as for
// tracectl.
func runDir() string {
	if d := os.Getenv("TRACECHAIN_RUN_DIR"); d != "" {
		return d
	}
	return filepath.Join("test-network", "run")
}

// parseFlags reads and checks the command line; it opens no file and no
// connection.
func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("traced", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var org string
	fs.StringVar(&c.listen, "listen", "127.0.0.1:8080", "address to listen on, host:port")
	fs.StringVar(&c.domain, "domain", "", "public base URL of the resolver, e.g. https://id.tracechain.example (default http://LISTEN)")
	fs.StringVar(&org, "org", os.Getenv("TRACECHAIN_ORG"), "organisation whose test-network connection material to use ($TRACECHAIN_RUN_DIR/connection/<org>.json)")
	fs.StringVar(&c.profilePath, "profile", "", "Fabric common connection profile (JSON) to connect with")
	fs.StringVar(&c.identity, "identity", client.IdentityReader, "the profile's identity to act as: reader (read-only, the default), user or admin")
	fs.StringVar(&c.tlsCert, "tls-cert", "", "PEM certificate to serve HTTPS with (needs --tls-key)")
	fs.StringVar(&c.tlsKey, "tls-key", "", "PEM private key of --tls-cert")
	fs.Float64Var(&c.rateLimit, "rate-limit", 10, "requests per second allowed per client IP on average; 0 turns the limit off")
	fs.IntVar(&c.rateBurst, "rate-burst", 20, "requests a client may send at once")
	fs.BoolVar(&c.trustProxy, "trust-proxy", false, "tell clients apart by the last X-Forwarded-For address (only behind a reverse proxy)")
	fs.DurationVar(&c.cacheTTL, "cache-ttl", defaultCacheTTL, "how long a verdict is reused at most; block events invalidate it as soon as it changes; 0 disables the cache")
	c.epcis.flags(fs)
	c.signals.flags(fs)
	c.console.flags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: traced (--org NAME | --profile FILE) [--listen ADDR] [--domain URL] [--tls-cert FILE --tls-key FILE] [--rate-limit N]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, &ConfigError{Msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return nil, configErrorf("unexpected argument %q", fs.Arg(0))
	}
	orgSet := false
	fs.Visit(func(f *flag.Flag) { orgSet = orgSet || f.Name == "org" })
	switch {
	case c.profilePath != "" && orgSet:
		return nil, configErrorf("--org and --profile exclude each other")
	case c.profilePath == "" && org == "":
		return nil, configErrorf("--org or --profile is required")
	case c.profilePath == "":
		c.profilePath = filepath.Join(runDir(), "connection", strings.ToLower(org)+".json")
	}
	if _, _, err := net.SplitHostPort(c.listen); err != nil {
		return nil, configErrorf("--listen %q: %v", c.listen, err)
	}
	if (c.tlsCert == "") != (c.tlsKey == "") {
		return nil, configErrorf("--tls-cert and --tls-key go together")
	}
	if c.domain == "" {
		scheme := "http"
		if c.tlsCert != "" {
			scheme = "https"
		}
		c.domain = scheme + "://" + c.listen
	}
	if err := resolver.ValidateDomain(c.domain); err != nil {
		return nil, configErrorf("--domain: %v", err)
	}
	switch c.identity {
	case client.IdentityReader, client.IdentityUser, client.IdentityAdmin:
	default:
		return nil, configErrorf("--identity must be reader, user or admin, got %q", c.identity)
	}
	if c.rateLimit < 0 || c.rateBurst < 1 {
		return nil, configErrorf("--rate-limit must be 0 or more and --rate-burst 1 or more")
	}
	if c.cacheTTL < 0 {
		return nil, configErrorf("--cache-ttl must not be negative")
	}
	if err := c.epcis.check(); err != nil {
		return nil, err
	}
	if err := c.signals.check(); err != nil {
		return nil, err
	}
	if err := c.console.check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// ledger is what traced needs of a client: the resolver's Verifier, the
// block events that keep its cache true, closed on exit.
type ledger interface {
	resolver.Verifier
	resolver.EventSource
	Close() error
}

// connect opens the ledger client as the profile's identity.
func connect(ctx context.Context, profilePath, identity string) (ledger, error) {
	p, err := client.LoadProfile(profilePath)
	if err != nil {
		return nil, err
	}
	return client.Connect(ctx, client.WithProfileAs(p, identity))
}

// handler builds the resolver of c on v; it logs its internal failures to
// log, each under the reference its answer gives the client, and shows its
// scans to scans when not nil.
func (c *config) handler(v resolver.Verifier, log *slog.Logger, scans resolver.ScanObserver) *resolver.Resolver {
	opts := []resolver.Option{resolver.WithDomain(c.domain), resolver.WithCacheTTL(c.cacheTTL), resolver.WithRateLimit(c.rateLimit, c.rateBurst),
		resolver.WithLogger(log)}
	if scans != nil {
		opts = append(opts, resolver.WithScanObserver(scans))
	}
	if c.trustProxy {
		opts = append(opts, resolver.WithClientIP(resolver.ForwardedIP))
	}
	return resolver.New(v, opts...)
}

// defaultCacheTTL bounds how long a verdict is kept. Block events make a
// change show as soon as its block commits, and the cache is cleared
// whenever the event stream reopens (Resolver.Follow), so the TTL only
// bounds memory and the rare change no event names.
const defaultCacheTTL = 10 * time.Minute

// publicServer is the internet-facing server of h. Every phase of a
// request is bounded, so that a client that sends or reads slowly
// (slowloris) holds a connection for seconds, not for ever: the headers in
// 5 s, the whole request in 10 s (the resolver reads no body), the answer in
// 30 s (a ledger query is bounded at 10 s), an idle keep-alive 60 s.
func publicServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10, // a Digital Link is at most 2 KiB; nothing needs large headers
	}
}

// shutdownGrace is how long in-flight requests may finish after a signal.
const shutdownGrace = 10 * time.Second

func run(ctx context.Context, args []string, stdout, stderr io.Writer,
	open func(ctx context.Context, profilePath, identity string) (ledger, error)) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if err.Error() != flag.ErrHelp.Error() {
			fmt.Fprintf(stderr, "traced: %v\n", err)
		}
		return exitUsage
	}
	var cert tls.Certificate
	if c.tlsCert != "" {
		if cert, err = tls.LoadX509KeyPair(c.tlsCert, c.tlsKey); err != nil {
			fmt.Fprintf(stderr, "traced: TLS certificate: %v\n", err)
			return exitUsage
		}
	}
	v, err := open(ctx, c.profilePath, c.identity)
	if err != nil {
		fmt.Fprintf(stderr, "traced: %v\n", err)
		return exitError
	}
	defer v.Close()

	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		fmt.Fprintf(stderr, "traced: %v\n", err)
		return exitError
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	fctx, stopFollowing := context.WithCancel(ctx)
	defer stopFollowing()
	detector, closeSignals, err := c.signals.start(fctx, c.profilePath, open, log)
	if err != nil {
		_ = ln.Close()
		fmt.Fprintf(stderr, "traced: clone signals: %v\n", err)
		var ce *ConfigError
		if errors.As(err, &ce) {
			return exitUsage
		}
		return exitError
	}
	defer func() { stopFollowing(); _ = closeSignals() }() // the detector stops filing before its client closes
	var scans resolver.ScanObserver
	if detector != nil {
		scans = detector
		fmt.Fprintf(stdout, "Clone signals from scans: filed as the %s identity\n", c.signals.identity)
	}
	h := c.handler(v, log, scans)
	go h.Follow(fctx, v, stderr)
	srv := publicServer(h)
	scheme := "http"
	if c.tlsCert != "" {
		scheme = "https"
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	fmt.Fprintf(stdout, "Verification service: %s://%s/\n", scheme, ln.Addr())
	if c.domain != scheme+"://"+c.listen {
		fmt.Fprintf(stdout, "Public base URL: %s\n", c.domain)
	}

	served := make(chan error, 3)
	go func() { served <- srv.Serve(ln) }()
	var member *epcisService
	if c.epcis.listen != "" {
		if member, err = c.epcis.start(ctx, c.profilePath, open, stderr, log); err != nil {
			fmt.Fprintf(stderr, "traced: EPCIS interface: %v\n", err)
			_ = srv.Close()
			var ce *ConfigError
			if errors.As(err, &ce) {
				return exitUsage
			}
			return exitError
		}
		go func() { served <- member.serve() }()
		fmt.Fprintf(stdout, "EPCIS capture and query (mutual TLS): https://%s/\n", member.ln.Addr())
	}
	var staff *consoleService
	if c.console.listen != "" {
		if staff, err = c.console.start(ctx, c.profilePath, open, stderr, log); err != nil {
			fmt.Fprintf(stderr, "traced: console: %v\n", err)
			_ = srv.Close()
			if member != nil {
				_ = member.stop(context.Background())
			}
			var ce *ConfigError
			if errors.As(err, &ce) {
				return exitUsage
			}
			return exitError
		}
		go func() { served <- staff.serve() }()
		fmt.Fprintf(stdout, "Regulator console (mutual TLS): https://%s%s\n", staff.ln.Addr(), staff.consoleH.BasePath())
	}
	failed := false
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "traced: %v\n", err)
		failed = true // a listener failed: still stop the feeder and the other listener
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if staff != nil {
		if err := staff.shutdown(sctx); err != nil {
			fmt.Fprintf(stderr, "traced: console shutdown: %v\n", err)
		}
	}
	if member != nil {
		if err := member.stop(sctx); err != nil {
			fmt.Fprintf(stderr, "traced: EPCIS shutdown: %v\n", err)
		}
	}
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintf(stderr, "traced: shutdown: %v\n", err)
		return exitError
	}
	if failed {
		return exitError
	}
	return exitOK
}
