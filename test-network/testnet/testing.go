package testnet

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/resolver"
)

// The helpers below are the steps that the suites of several packages (the SDK's and its
// services') take on the network that Main started: each fails its test at once when the step
// fails.

// Context is a context for one step of t: cancelled when t ends, and after three minutes.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// ClientOf returns the network's shared client of org's identity (User, Admin or Reader).
// Ordinary work (commission, move, sell, read) needs no more than a User; privileged calls
// (member registration, recalls, alert decisions, sale records) need the Admin.
func ClientOf(t testing.TB, org, identity string) *client.Client {
	t.Helper()
	c, err := Current().Client(org, identity)
	if err != nil {
		t.Fatalf("client of %s %s: %v", org, identity, err)
	}
	return c
}

// Settled waits until every organisation's peer has committed the same blocks (Settle). A
// commit is reported by the submitter's own peer; another organisation's peer may be a block
// behind for a moment, so a read there must wait for it.
func Settled(t testing.TB) {
	t.Helper()
	if err := Current().Settle(Context(t)); err != nil {
		t.Fatalf("settle: %v", err)
	}
}

var (
	membersOnce sync.Once
	membersErr  error
)

// Members registers the consortium's members (RegisterMembers, through the Regulator's
// administrator) once per test binary, and waits until every peer has them: members act
// through their own peers. A network shared with other suites holds the same members.
func Members(t testing.TB) {
	t.Helper()
	membersOnce.Do(func() {
		membersErr = RegisterMembers(Context(t), ClientOf(t, Regulator, Admin))
		if membersErr == nil {
			membersErr = Current().Settle(Context(t))
		}
	})
	if membersErr != nil {
		t.Fatalf("register the members: %v", membersErr)
	}
}

// Product is one test's registered product and its codes under a manufacturer's prefix.
type Product struct {
	Prefix, Licence string // the manufacturer's first company prefix and production licence
	GTIN, Batch     string
	Run             string // random digits, unique to the test, in Batch and in every code
}

// NewProduct registers the members (Members) and a fresh product of maker (ManufacturerA
// unless given), as its user.
func NewProduct(t testing.TB, maker ...string) *Product {
	t.Helper()
	Members(t)
	mo := ManufacturerA
	if len(maker) > 0 {
		mo = maker[0]
	}
	c := ClientOf(t, mo, User)
	m, err := c.GetMember(Context(t), c.MSPID())
	if err != nil || len(m.CompanyPrefixes) == 0 || len(m.ProductionLicences) == 0 {
		t.Fatalf("member %s with a company prefix and a production licence: %+v, %v", c.MSPID(), m, err)
	}
	p := &Product{Prefix: m.CompanyPrefixes[0], Licence: m.ProductionLicences[0], Run: RandDigits(6)}
	for range 5 {
		p.GTIN = NewGTIN(p.Prefix)
		_, err = c.RegisterProduct(Context(t), model.ProductRequest{GTIN: p.GTIN, Name: "test cable " + p.Run, Type: "electric wire and cable", Licence: p.Licence, WarrantyMonths: 12})
		if !errors.Is(err, client.ErrDuplicate) {
			break
		}
	}
	if err != nil {
		t.Fatalf("register product %s: %v", p.GTIN, err)
	}
	p.Batch = "B" + p.Run
	return p
}

// Unit is the product's unit code number i, a GS1 element string.
func (p *Product) Unit(i int) string { return fmt.Sprintf("(01)%s(21)T%s-%06d", p.GTIN, p.Run, i) }

// Units are the unit codes from..to-1.
func (p *Product) Units(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, p.Unit(i))
	}
	return out
}

// SoldAndOther commissions two units of the product at ManufacturerA, delivers them to the
// Retailer, which sells the first to Buyer.
func (p *Product) SoldAndOther(t testing.TB) (sold, other string) {
	t.Helper()
	A, R := ClientOf(t, ManufacturerA, User), ClientOf(t, Retailer, User)
	units := p.Units(0, 2)
	_, err := A.Commission(Context(t), model.CommissionRequest{GTIN: p.GTIN, Batch: p.Batch, ProductionDate: "2025-05-06", Codes: units})
	if err != nil {
		t.Fatalf("commission: %v", err)
	}
	Deliver(t, A, R, units)
	sr, err := R.Sell(Context(t), model.SellRequest{Code: units[0]}, Buyer)
	if err != nil || sr.Outcome != model.OutcomeSold {
		t.Fatalf("sell %s: %+v, %v", units[0], sr, err)
	}
	return units[0], units[1]
}

// Deliver ships codes from one member to another, waits until the receiver's peer has the
// shipment, and receives them there.
func Deliver(t testing.TB, from, to *client.Client, codes []string) {
	t.Helper()
	if _, err := from.Ship(Context(t), model.ShipRequest{To: to.MSPID(), Codes: codes}); err != nil {
		t.Fatalf("ship to %s: %v", to.MSPID(), err)
	}
	Settled(t)
	if _, err := to.Receive(Context(t), model.MoveRequest{Codes: codes}); err != nil {
		t.Fatalf("receive at %s: %v", to.MSPID(), err)
	}
}

// Buyer is the buyer of the suites' sales.
var Buyer = model.SaleData{BuyerName: "Li Xiaoming", BuyerAddress: "12 Chaoyang Road, Beijing", BuyerContact: "+86 138 0000 0000"}

// FindAlert returns the alert id as the Regulator (a client of it) lists it.
func FindAlert(t testing.TB, regulator *client.Client, id string) model.Alert {
	t.Helper()
	for a, err := range regulator.Alerts(Context(t)) {
		if err != nil {
			t.Fatalf("list alerts: %v", err)
		}
		if a.ID == id {
			return a
		}
	}
	t.Fatalf("alert %s not listed", id)
	return model.Alert{}
}

// Canonical is the canonical form of code (identifier.Parse).
func Canonical(t testing.TB, code string) string {
	t.Helper()
	c, err := identifier.Parse(code)
	if err != nil {
		t.Fatalf("parse %q: %v", code, err)
	}
	return c.Canonical
}

// CertPool is a pool of the certificates in a PEM file.
func CertPool(t testing.TB, pemFile string) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(pemFile) //nolint:gosec // the network's own certificate files
	if err != nil {
		t.Fatal(err)
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(b) {
		t.Fatalf("no certificate in %s", pemFile)
	}
	return p
}

// Scan resolves code on the verification service at base as a shopper's phone would
// (following the redirect of a Digital Link) and returns the HTTP status and the public
// answer (empty unless 200).
func Scan(t testing.TB, base, code string) (int, resolver.Answer) {
	t.Helper()
	target := base + "/verify?code=" + url.QueryEscape(code)
	if c, err := identifier.Parse(code); err == nil && c.Kind.Scheme() == "gs1" && strings.HasPrefix(c.Canonical, "https://id.gs1.org/") {
		target = base + strings.TrimPrefix(c.Canonical, "https://id.gs1.org")
	}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("scan %s: %v", code, err)
	}
	defer resp.Body.Close()
	var a resolver.Answer
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			t.Fatalf("scan %s: answer: %v", code, err)
		}
	}
	return resp.StatusCode, a
}

// LogWriter writes to t's log, one entry a write: a service's logger in a test.
func LogWriter(t testing.TB) io.Writer { return logWriter{t} }

type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// ChromiumPath is Chromium's path, or t fails.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	p, err := Chromium()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ScreenshotDir is where a browser test saves its screenshots: TRACECHAIN_SCREENSHOTS (made if
// missing; a relative path is relative to the test's package), or else a temporary directory.
func ScreenshotDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("TRACECHAIN_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil { //nolint:gosec // screenshots for the docs, readable by all
		t.Fatal(err)
	}
	return dir
}
