//go:build integration

package client_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epcissubscribe"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/masterdata"
	"github.com/tracechain/tracechain/test-network/testnet"
)

const webhookToken = "national-platform-signature-token"

// webhook is the national platform's subscriber: a real HTTP server on
// 127.0.0.1 that checks every delivery's GS1-Signature and counts each
// event it receives. It can be stopped and started again on the same
// address.
type webhook struct {
	t        *testing.T
	addr     string
	srv      *http.Server
	mu       sync.Mutex
	count    map[string]int             // eventID -> deliveries that carried it
	steps    map[string]json.RawMessage // eventID -> the event
	bad      int
	received int
}

func startWebhook(t *testing.T) *webhook {
	w := &webhook{t: t, addr: "127.0.0.1:0", count: map[string]int{}, steps: map[string]json.RawMessage{}}
	w.start()
	t.Cleanup(w.stop)
	return w
}

func (w *webhook) start() {
	ln, err := net.Listen("tcp", w.addr)
	require.NoError(w.t, err)
	w.addr = ln.Addr().String()
	w.srv = &http.Server{Handler: w, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = w.srv.Serve(ln) }()
}

func (w *webhook) stop() {
	if w.srv != nil {
		_ = w.srv.Close()
		w.srv = nil
	}
}

func (w *webhook) url() string { return "http://" + w.addr + "/epcis/callback" }

func (w *webhook) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	d, err := epcissubscribe.ReadDelivery(r, webhookToken, 16<<20)
	w.mu.Lock()
	defer w.mu.Unlock()
	if errors.Is(err, epcissubscribe.ErrSignature) {
		w.bad++
		rw.WriteHeader(http.StatusUnauthorized)
		return
	}
	if err != nil {
		w.t.Errorf("a delivery that is not an EPCISQueryDocument: %v", err)
		rw.WriteHeader(http.StatusBadRequest)
		return
	}
	w.received++
	for _, ev := range d.Events {
		var e struct {
			EventID string `json:"eventID"`
		}
		require.NoError(w.t, json.Unmarshal(ev, &e))
		w.count[e.EventID]++
		w.steps[e.EventID] = ev
	}
	rw.WriteHeader(http.StatusNoContent)
}

// has says whether every one of ids was received.
func (w *webhook) has(ids []string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range ids {
		if w.count[id] == 0 {
			return false
		}
	}
	return true
}

// subscribedService is a member's EPCIS interface with subscriptions, as
// traced serves it; restart stops and reopens everything but the listener,
// as a restart of traced does.
type subscribedService struct {
	*epcisMember
	path      string
	mu        sync.Mutex
	api       http.Handler
	subs      *epcissubscribe.Store
	catalogue *masterdata.Catalogue
	stopRun   func()
}

func startSubscribedService(t *testing.T, org string) *subscribedService {
	s := &subscribedService{path: filepath.Join(t.TempDir(), "epcis.db")}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		h := s.api
		s.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	m := tlsOf(org)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: testnet.CertPool(t, m.ca), MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	s.epcisMember = &epcisMember{srv: srv, http: httpsClient(t, srv, &m), source: testOrg(t, org)}
	s.open(t)
	t.Cleanup(func() { srv.Close(); s.close() })
	return s
}

// testOrg is org, which the parameter named org hides above.
func testOrg(t *testing.T, name string) *client.Client { return org(t, name) }

func (s *subscribedService) open(t *testing.T) {
	ctx := testnet.Context(t)
	idx, err := eventindex.OpenSQLite(ctx, s.path)
	require.NoError(t, err)
	subs, err := epcissubscribe.OpenSQLite(ctx, s.path)
	require.NoError(t, err)
	engine := epcissubscribe.New(idx, subs,
		epcissubscribe.WithDestPolicy(epcissubscribe.DestPolicy{AllowHTTP: true, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}),
		epcissubscribe.WithLimits(epcissubscribe.Limits{Poll: 200 * time.Millisecond, BackoffMin: 200 * time.Millisecond, BackoffMax: 2 * time.Second,
			EventsPerDelivery: 4}))
	cat := masterdata.NewCatalogue()
	member := s.source.(*client.Client)
	mux := http.NewServeMux()
	mux.Handle("/masterdata", masterdata.NewPublisher(member, cat, nil))
	mux.Handle("/", epcisapi.New(idx, epcisapi.WithQueries(engine.Handler())))
	s.mu.Lock()
	s.api = mux
	s.mu.Unlock()
	s.index, s.subs, s.catalogue = idx, subs, cat
	s.startFeeder(t)
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); engine.Run(rctx) }()
	go func() { _ = cat.Follow(rctx, member) }()
	s.stopRun = func() { cancel(); <-done }
}

func (s *subscribedService) close() {
	if s.stopRun == nil {
		return
	}
	s.stopRun()
	s.stop()
	_ = s.subs.Close()
	_ = s.index.Close()
	s.stopRun = nil
}

// do sends a request with the member's client certificate.
func (s *subscribedService) do(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(testnet.Context(t), method, s.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// storyEvents are the eventIDs of every indexed event naming one of codes.
func storyEvents(t *testing.T, idx *eventindex.Store, codes []string) ([]string, map[string]bool) {
	t.Helper()
	page, err := idx.Query(testnet.Context(t), eventindex.Query{AnyEPCs: codes, PerPage: 1000})
	require.NoError(t, err)
	var ids []string
	steps := map[string]bool{}
	for _, r := range page.Events {
		ids = append(ids, r.EventID)
		var e struct {
			BizStep string `json:"bizStep"`
		}
		require.NoError(t, json.Unmarshal(r.Event, &e))
		steps[e.BizStep] = true
	}
	return ids, steps
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestEPCISSubscriptionFeedsTheNationalPlatform: the national platform
// subscribes to a member's EPCIS interface with a webhook (a real HTTP
// server) and receives every event of a commission, pack, ship, receive and
// sell story. It is away while the goods are shipped, received and sold,
// and traced restarts meanwhile; when it is back it receives the missed
// events, each exactly once, and every delivery's signature checks.
func TestEPCISSubscriptionFeedsTheNationalPlatform(t *testing.T) {
	ctx := testnet.Context(t)
	f := testnet.NewProduct(t)
	A, R := org(t, mfrA), org(t, ret)
	hook := startWebhook(t)
	svc := startSubscribedService(t, ret)

	start := time.Now().UTC().Add(-time.Second).Format(time.RFC3339Nano)
	status, body := svc.do(t, "POST", "/queries/SimpleEventQuery/subscriptions",
		`{"dest":"`+hook.url()+`","signatureToken":"`+webhookToken+`","stream":true,"initialRecordTime":"`+start+`"}`)
	require.Equal(t, http.StatusCreated, status, body)
	var sub struct {
		ID string `json:"subscriptionID"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &sub))
	subPath := "/queries/SimpleEventQuery/subscriptions/" + sub.ID

	units := f.Units(0, 3)
	_, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format("2006-01-02"), Codes: units})
	require.NoError(t, err)
	caseCode := testnet.NewSSCC(f.Prefix)
	_, err = A.Pack(ctx, model.PackRequest{Container: caseCode, Children: units[:2]})
	require.NoError(t, err)
	codes := []string{testnet.Canonical(t, caseCode)}
	for _, u := range units {
		codes = append(codes, testnet.Canonical(t, u))
	}
	svc.caughtUp(t)
	first, _ := storyEvents(t, svc.index, codes)
	waitFor(t, "the commissioning and packing are delivered", func() bool { return hook.has(first) })

	// The platform goes away; the goods move and are sold; traced restarts.
	hook.stop()
	testnet.Deliver(t, A, R, []string{caseCode})
	svc.caughtUp(t)
	waitFor(t, "a delivery has failed", func() bool {
		_, b := svc.do(t, "GET", subPath, "")
		return strings.Contains(b, `"tracechain:state":"retrying"`)
	})
	svc.close()
	_, err = R.Sell(ctx, model.SellRequest{Code: units[0]}, testnet.Buyer)
	require.NoError(t, err)
	svc.open(t)
	svc.caughtUp(t)
	time.Sleep(time.Second) // a few more failed attempts, with backoff

	hook.start()
	all, steps := storyEvents(t, svc.index, codes)
	for _, step := range []string{"commissioning", "packing", "shipping", "receiving", "retail_selling"} {
		assert.True(t, steps[step], "the story has a %s event", step) // and unpacking: a unit sold from its case leaves it
	}
	waitFor(t, "every event of the story is delivered", func() bool { return hook.has(all) })
	time.Sleep(time.Second) // room for a duplicate to arrive, if one were sent

	hook.mu.Lock()
	for id, n := range hook.count {
		assert.Equal(t, 1, n, "event %s delivered %d times", id, n)
	}
	assert.Zero(t, hook.bad, "deliveries with a bad signature")
	for _, id := range all {
		assert.NotContains(t, string(hook.steps[id]), "Li Xiaoming", "no testnet.Buyer data in any delivery")
	}
	t.Logf("%d story events of %d received in %d deliveries", len(all), len(hook.count), hook.received)
	hook.mu.Unlock()

	t.Run("the master data names the story's product and maker, and validates against its schema", func(t *testing.T) {
		waitFor(t, "the catalogue has the product", func() bool {
			g, _, _ := svc.catalogue.GTINs()
			return slices.Contains(g, f.GTIN)
		})
		status, body := svc.do(t, "GET", "/masterdata", "")
		require.Equal(t, http.StatusOK, status, body)
		abs, err := filepath.Abs("../docs/schemas/masterdata.schema.json")
		require.NoError(t, err)
		res, err := gojsonschema.Validate(gojsonschema.NewReferenceLoader("file://"+abs), gojsonschema.NewStringLoader(body))
		require.NoError(t, err)
		require.True(t, res.Valid(), "%v", res.Errors())
		var doc masterdata.Document
		require.NoError(t, json.Unmarshal([]byte(body), &doc))
		var found bool
		for _, p := range doc.Products {
			found = found || p.GTIN == f.GTIN && p.Manufacturer == A.MSPID() && p.Licence == f.Licence
		}
		assert.True(t, found, "the story's product is listed")
		var maker bool
		for _, u := range doc.ProductionUnits {
			maker = maker || u.MSPID == A.MSPID() && slices.Contains(u.ProductionLicences, f.Licence)
		}
		assert.True(t, maker, "its maker is a production unit with its licence")
		assert.NotContains(t, body, testnet.Buyer.BuyerName, "no testnet.Buyer data")
	})
}
