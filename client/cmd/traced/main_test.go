package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/resolver/resolvertest"
)

func TestParseFlags(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	t.Setenv("TRACECHAIN_RUN_DIR", "/run")
	c, err := parseFlags([]string{"--org", "Regulator"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:8080", c.listen)
	assert.Equal(t, "http://127.0.0.1:8080", c.domain)
	assert.Equal(t, filepath.Join("/run", "connection", "regulator.json"), c.profilePath)
	assert.Equal(t, 10.0, c.rateLimit)

	c, err = parseFlags([]string{"--profile", "p.json", "--listen", ":9000", "--domain", "https://id.tracechain.example/",
		"--tls-cert", "c.pem", "--tls-key", "k.pem", "--rate-limit", "0", "--trust-proxy"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "p.json", c.profilePath)
	assert.Equal(t, "https://id.tracechain.example/", c.domain)
	assert.Zero(t, c.rateLimit)
	assert.True(t, c.trustProxy)

	c, err = parseFlags([]string{"--org", "ManufacturerA", "--epcis-listen", "127.0.0.1:9443", "--epcis-index", "postgres://u@127.0.0.1/epcis",
		"--epcis-tls-cert", "c.pem", "--epcis-tls-key", "k.pem", "--epcis-client-ca", "ca.pem"}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, epcisConfig{listen: "127.0.0.1:9443", index: "postgres://u@127.0.0.1/epcis", tlsCert: "c.pem", tlsKey: "k.pem", clientCA: "ca.pem"}, c.epcis)

	c, err = parseFlags([]string{"--org", "ManufacturerA", "--epcis-listen", "127.0.0.1:9443", "--epcis-index", "x.db",
		"--epcis-tls-cert", "c.pem", "--epcis-tls-key", "k.pem", "--epcis-client-ca", "ca.pem",
		"--epcis-webhook-allow", "127.0.0.1/8, ::1/128", "--epcis-webhook-http"}, io.Discard)
	require.NoError(t, err)
	assert.True(t, c.epcis.policy.AllowHTTP)
	assert.Equal(t, "[127.0.0.0/8 ::1/128]", fmt.Sprint(c.epcis.policy.Allow))

	t.Setenv("TRACECHAIN_ORG", "ManufacturerA")
	c, err = parseFlags([]string{"--profile", "p.json"}, io.Discard)
	require.NoError(t, err, "the environment's org yields to --profile")
	assert.Equal(t, "p.json", c.profilePath)
	t.Setenv("TRACECHAIN_ORG", "")
}

func TestConfigErrors(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	for name, args := range map[string][]string{
		"no identity":            {},
		"org and profile":        {"--org", "A", "--profile", "p.json"},
		"bad listen":             {"--org", "A", "--listen", "8080"},
		"cert without key":       {"--org", "A", "--tls-cert", "c.pem"},
		"relative domain":        {"--org", "A", "--domain", "id.tracechain.example"},
		"domain with query":      {"--org", "A", "--domain", "https://x.example/?a=1"},
		"negative rate":          {"--org", "A", "--rate-limit", "-1"},
		"zero burst":             {"--org", "A", "--rate-burst", "0"},
		"negative cache TTL":     {"--org", "A", "--cache-ttl", "-1s"},
		"unknown flag":           {"--org", "A", "--nope"},
		"positional argument":    {"--org", "A", "extra"},
		"EPCIS without mTLS":     {"--org", "A", "--epcis-listen", "127.0.0.1:9443", "--epcis-index", "x.db", "--epcis-tls-cert", "c.pem", "--epcis-tls-key", "k.pem"},
		"EPCIS without index":    {"--org", "A", "--epcis-listen", "127.0.0.1:9443", "--epcis-tls-cert", "c.pem", "--epcis-tls-key", "k.pem", "--epcis-client-ca", "ca.pem"},
		"EPCIS bad listen":       {"--org", "A", "--epcis-listen", "9443", "--epcis-index", "x.db", "--epcis-tls-cert", "c.pem", "--epcis-tls-key", "k.pem", "--epcis-client-ca", "ca.pem"},
		"EPCIS index alone":      {"--org", "A", "--epcis-index", "x.db"},
		"EPCIS rebuild alone":    {"--org", "A", "--epcis-rebuild"},
		"webhook policy alone":   {"--org", "A", "--epcis-webhook-http"},
		"signals as reader":      {"--org", "A", "--signal-identity", "reader"},
		"signals never fire":     {"--org", "A", "--signal-identity", "user", "--signal-sold-scans", "0"},
		"no signal filings":      {"--org", "A", "--signal-identity", "user", "--signal-filings", "0"},
		"signal window too long": {"--org", "A", "--signal-identity", "user", "--signal-unknown-window", "745h"},
		"bad webhook network": {"--org", "A", "--epcis-listen", "127.0.0.1:9443", "--epcis-index", "x.db", "--epcis-tls-cert", "c.pem",
			"--epcis-tls-key", "k.pem", "--epcis-client-ca", "ca.pem", "--epcis-webhook-allow", "localhost"},
	} {
		_, err := parseFlags(args, io.Discard)
		var ce *ConfigError
		assert.True(t, errors.As(err, &ce), "%s: %v", name, err)

		var stderr bytes.Buffer
		code := run(context.Background(), args, io.Discard, &stderr, func(context.Context, string, string) (ledger, error) {
			t.Fatal("no connection for a bad configuration")
			return nil, nil
		})
		assert.Equal(t, exitUsage, code, name)
		assert.Contains(t, stderr.String(), "traced: ", name)
	}
}

func TestRunReportsAMissingProfile(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--profile", filepath.Join(t.TempDir(), "none.json")}, io.Discard, &stderr, connect)
	assert.Equal(t, exitError, code)
	assert.Contains(t, stderr.String(), "connection profile")
}

type fakeLedger struct {
	*resolvertest.Verifier
	events chan client.Event
	closed bool
}

func (f *fakeLedger) Close() error { f.closed = true; return nil }

// Events yields what the test sends on f.events until ctx ends.
func (f *fakeLedger) Events(ctx context.Context, _ client.EventOptions) iter.Seq2[client.Event, error] {
	return func(yield func(client.Event, error) bool) {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-f.events:
				if !yield(e, nil) {
					return
				}
			}
		}
	}
}

// syncBuffer is a bytes.Buffer safe to read while run writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestServeAndShutDown serves on a loopback port with a fake ledger, answers
// one request and stops on cancellation as on SIGTERM.
func TestServeAndShutDown(t *testing.T) {
	f := &fakeLedger{Verifier: resolvertest.New(model.Verification{Code: "https://id.gs1.org/01/09506000134352/21/1", Verdict: model.VerdictGenuine}), events: make(chan client.Event)}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--profile", "unused.json", "--listen", "127.0.0.1:0", "--domain", "https://id.tracechain.example"},
			&out, os.Stderr, func(_ context.Context, path, identity string) (ledger, error) {
				assert.Equal(t, "unused.json", path)
				assert.Equal(t, client.IdentityReader, identity, "the read-only identity by default")
				return f, nil
			})
	}()
	var base string
	require.Eventually(t, func() bool {
		line, _, _ := strings.Cut(out.String(), "\n")
		var ok bool
		base, ok = strings.CutPrefix(line, "Verification service: ")
		return ok
	}, 5*time.Second, 10*time.Millisecond)
	assert.Contains(t, out.String(), "Public base URL: https://id.tracechain.example")

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(base + "01/09506000134352/21/1")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusTemporaryRedirect, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "https://id.tracechain.example/verify?code="))

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(shutdownGrace + time.Second):
		t.Fatal("no shutdown")
	}
	assert.True(t, f.closed)
}

// TestSignalsNeedAFiler: with --signal-identity traced connects a second
// time, as that identity, and refuses to start when that client cannot file.
func TestSignalsNeedAFiler(t *testing.T) {
	var opened []string
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--profile", "unused.json", "--listen", "127.0.0.1:0", "--signal-identity", "user"},
		io.Discard, &stderr, func(_ context.Context, _, identity string) (ledger, error) {
			opened = append(opened, identity)
			return &fakeLedger{Verifier: resolvertest.New(), events: make(chan client.Event)}, nil
		})
	assert.Equal(t, exitError, code)
	assert.Equal(t, []string{client.IdentityReader, client.IdentityUser}, opened, "answers as the reader, files as the user")
	assert.Contains(t, stderr.String(), "cannot file signals")
}

// TestPublicServerBoundsEveryPhase: the internet-facing server gives up on a
// client that sends its headers slowly (slowloris), and refuses oversized
// headers, instead of holding a connection and its memory.
func TestPublicServerBoundsEveryPhase(t *testing.T) {
	srv := publicServer(http.NotFoundHandler())
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		assert.Positive(t, d, name)
		assert.LessOrEqual(t, d, time.Minute, name)
	}
	assert.LessOrEqual(t, srv.ReadHeaderTimeout, 10*time.Second)
	assert.Equal(t, 16<<10, srv.MaxHeaderBytes)

	// On a real connection, with the header timeout shortened for the test.
	srv.ReadHeaderTimeout = 200 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "))
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	start := time.Now()
	_, err = io.ReadAll(conn)
	require.NoError(t, err, "the server closed the connection")
	assert.Less(t, time.Since(start), 3*time.Second, "a slow header is dropped after ReadHeaderTimeout")

	req, err := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+"/", nil)
	require.NoError(t, err)
	req.Header.Set("X-Big", strings.Repeat("a", 64<<10))
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
}
