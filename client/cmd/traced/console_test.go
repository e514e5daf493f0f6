package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"iter"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/resolver/resolvertest"
)

func TestConsoleConfigErrors(t *testing.T) {
	full := []string{"--org", "A", "--console-listen", "127.0.0.1:9444", "--console-index", "c.db", "--console-tls-cert", "c.pem",
		"--console-tls-key", "k.pem", "--console-client-ca", "ca.pem"}
	without := func(flag string) []string {
		var out []string
		for i := 0; i < len(full); i += 2 {
			if full[i] != flag {
				out = append(out, full[i], full[i+1])
			}
		}
		return out
	}
	for name, args := range map[string][]string{
		"console without client CA": without("--console-client-ca"),
		"console without TLS key":   without("--console-tls-key"),
		"console without index":     without("--console-index"),
		"console bad listen":        append(without("--console-listen"), "--console-listen", "9444"),
		"console relative path":     append(full, "--console-path", "console"),
		"console path wildcard":     append(full, "--console-path", "/{x}/"),
		"console path space":        append(full, "--console-path", "/a b/"),
		"console path dot-dot":      append(full, "--console-path", "/a/../"),
		"console root path":         append(full, "--console-path", "/"),
		"console index alone":       {"--org", "A", "--console-index", "c.db"},
	} {
		_, err := parseFlags(args, io.Discard)
		var ce *ConfigError
		assert.True(t, errors.As(err, &ce), "%s: %v", name, err)
	}
	c, err := parseFlags(full, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, "/console/", c.console.path)
	for _, p := range []string{"/staff", "/regulator/console/", "/console-v2.1/"} {
		_, err := parseFlags(append(full, "--console-path", p), io.Discard)
		assert.NoError(t, err, p)
	}
}

// pki is a CA and the certificates it issues, written as PEM files.
type pki struct {
	t    *testing.T
	dir  string
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newPKI(t *testing.T, name string) *pki {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ca." + name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	p := &pki{t: t, dir: t.TempDir(), cert: cert, key: key}
	p.write("ca.pem", "CERTIFICATE", der)
	return p
}

func (p *pki) write(name, typ string, der []byte) string {
	path := filepath.Join(p.dir, name)
	require.NoError(p.t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600))
	return path
}

// issue returns a TLS certificate of cn with the NodeOU ou, and writes it
// and its key as name.pem and name.key.
func (p *pki) issue(name, cn, ou string, server bool) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(p.t, err)
	n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	require.NoError(p.t, err)
	tmpl := &x509.Certificate{SerialNumber: n, Subject: pkix.Name{CommonName: cn, OrganizationalUnit: []string{ou}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if server {
		tmpl.ExtKeyUsage, tmpl.DNSNames = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.cert, &key.PublicKey, p.key)
	require.NoError(p.t, err)
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(p.t, err)
	p.write(name+".pem", "CERTIFICATE", der)
	p.write(name+".key", "PRIVATE KEY", kder)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// consoleFake is a ledger client of a member of the given role, with no
// recall, alert or block.
type consoleFake struct {
	*fakeLedger
	role model.Role
}

func (f *consoleFake) MSPID() string { return "RegulatorMSP" }
func (f *consoleFake) GetMember(_ context.Context, id string) (*model.Member, error) {
	return &model.Member{MSPID: id, Role: f.role, Name: "Regulator"}, nil
}
func (f *consoleFake) Members(context.Context) iter.Seq2[model.Member, error] {
	return func(func(model.Member, error) bool) {}
}
func (f *consoleFake) GetProduct(context.Context, string) (*model.Product, error) {
	return nil, client.ErrNotFound
}
func (f *consoleFake) AlertsPage(context.Context, int32, string) (*model.AlertPage, error) {
	return &model.AlertPage{}, nil
}
func (f *consoleFake) GetRecall(context.Context, string) (*model.Recall, error) {
	return nil, client.ErrNotFound
}
func (f *consoleFake) RecallReach(context.Context, string) (*client.RecallReach, error) {
	return nil, client.ErrNotFound
}
func (f *consoleFake) TracePage(context.Context, string, int32, string) (*model.TracePage, error) {
	return nil, client.ErrNotFound
}
func (f *consoleFake) GetItem(context.Context, string) (*model.ItemStatus, error) {
	return nil, client.ErrNotFound
}
func (f *consoleFake) DecideAlert(context.Context, model.DecideAlertRequest) (*model.Alert, error) {
	return nil, client.ErrBadState
}
func (f *consoleFake) Blocks(ctx context.Context, _ uint64) iter.Seq2[client.Block, error] {
	return func(func(client.Block, error) bool) { <-ctx.Done() }
}

// TestConsoleServesOwnStaffOnly runs traced with the console over real
// TLS: the organisation's staff are served, a certificate of another
// organisation's CA fails the handshake, and a member that is not a
// regulator cannot start the console at all.
func TestConsoleServesOwnStaffOnly(t *testing.T) {
	own, other := newPKI(t, "regulator"), newPKI(t, "manufacturera")
	own.issue("server", "localhost", "peer", true)
	staff := own.issue("staff", "Admin@regulator.example", "admin", false)
	node := own.issue("node", "peer0.regulator.example", "peer", false)
	stranger := other.issue("stranger", "Admin@manufacturera.example", "admin", false)
	args := []string{"--profile", "unused.json", "--listen", "127.0.0.1:0", "--console-listen", "127.0.0.1:0",
		"--console-index", filepath.Join(t.TempDir(), "console.db"), "--console-tls-cert", filepath.Join(own.dir, "server.pem"),
		"--console-tls-key", filepath.Join(own.dir, "server.key"), "--console-client-ca", filepath.Join(own.dir, "ca.pem")}
	opener := func(role model.Role) func(context.Context, string, string) (ledger, error) {
		return func(context.Context, string, string) (ledger, error) {
			return &consoleFake{fakeLedger: &fakeLedger{Verifier: resolvertest.New(), events: make(chan client.Event)}, role: role}, nil
		}
	}

	var stderr bytes.Buffer
	code := run(context.Background(), args, io.Discard, &stderr, opener(model.RoleManufacturer))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), "only for the Regulator or a provincial regulator")

	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, &out, io.Discard, opener(model.RoleRegulator)) }()
	var base string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if b, ok := strings.CutPrefix(line, "Regulator console (mutual TLS): "); ok {
				base = b
				return true
			}
		}
		return false
	}, 10*time.Second, 10*time.Millisecond)
	roots := x509.NewCertPool()
	roots.AddCert(own.cert)
	get := func(cert tls.Certificate) (*http.Response, error) {
		tc := &tls.Config{RootCAs: roots, ServerName: "localhost", MinVersion: tls.VersionTLS12}
		if cert.Certificate != nil {
			tc.Certificates = []tls.Certificate{cert}
		}
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}
		defer c.CloseIdleConnections()
		return c.Get(base + "?lang=en")
	}
	resp, err := get(staff)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "Admin@regulator.example")
	for name, cert := range map[string]tls.Certificate{"another organisation's CA": stranger, "a node's certificate": node, "no certificate": {}} {
		_, err := get(cert)
		assert.Error(t, err, name)
	}
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(shutdownGrace + 5*time.Second):
		t.Fatal("no shutdown")
	}
}
