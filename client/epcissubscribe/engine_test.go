package epcissubscribe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/eventindex/pgtest"
)

const token = "0123456789abcdef-secret"

// clock is a fake clock the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// receiver is a webhook subscriber: it checks every delivery's signature
// and records the events, or answers status when it is not 200.
type receiver struct {
	t          *testing.T
	mu         sync.Mutex
	status     int
	events     []string // eventIDs, in delivery order
	deliveries int
	bad        int
	sizes      []int
	ranges     []string // the accepted deliveries' "start-end" positions
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.status != 0 && rc.status != 200 {
		w.WriteHeader(rc.status)
		return
	}
	d, err := ReadDelivery(r, token, 16<<20)
	if errors.Is(err, ErrSignature) {
		rc.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if err != nil || d.SubscriptionID == "" || !strings.HasPrefix(d.ID, d.SubscriptionID+"/") {
		rc.t.Errorf("a delivery that is not an EPCISQueryDocument of a subscription: %v %+v", err, d)
	}
	rc.deliveries++
	rc.ranges = append(rc.ranges, d.ID[len(d.SubscriptionID)+1:])
	rc.sizes = append(rc.sizes, len(d.Events))
	for _, ev := range d.Events {
		var e struct {
			EventID string `json:"eventID"`
		}
		_ = json.Unmarshal(ev, &e)
		rc.events = append(rc.events, e.EventID)
	}
}

func (rc *receiver) set(status int) { rc.mu.Lock(); rc.status = status; rc.mu.Unlock() }

func (rc *receiver) got() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.events...)
}

type fixture struct {
	t     *testing.T
	dir   string
	dsn   string // a PostgreSQL database instead of SQLite
	idx   *eventindex.Store
	store *Store
	eng   *Engine
	clk   *clock
	api   http.Handler
	block uint64
	ids   []string
}

var testPolicy = DestPolicy{AllowHTTP: true, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}

func newFixture(t *testing.T, opts ...Option) *fixture { return newFixtureOn(t, "", opts...) }

// newFixtureOn opens the fixture on the PostgreSQL database dsn, or on
// SQLite when dsn is empty.
func newFixtureOn(t *testing.T, dsn string, opts ...Option) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir(), dsn: dsn, clk: &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}}
	f.open(opts...)
	return f
}

// databases are the databases the store is tested on: SQLite, and a real
// PostgreSQL unless -short or EVENTINDEX_NO_POSTGRES (as eventindex's tests).
func databases(t *testing.T) map[string]string {
	dbs := map[string]string{"sqlite": ""}
	if testing.Short() || os.Getenv("EVENTINDEX_NO_POSTGRES") != "" {
		return dbs
	}
	srv, err := pgtest.Start(context.Background())
	if err != nil {
		t.Logf("PostgreSQL skipped: %v", err)
		return dbs
	}
	t.Cleanup(srv.Close)
	dsn, err := srv.NewDatabase(context.Background(), "subs")
	if err != nil {
		t.Fatal(err)
	}
	dbs["postgres"] = dsn
	return dbs
}

// open opens the index and the engine on the fixture's database (SQLite
// in its directory unless dbs says otherwise): called again, it is a
// restart of the service.
func (f *fixture) open(opts ...Option) {
	ctx := context.Background()
	var idx *eventindex.Store
	var st *Store
	var err error
	if f.dsn != "" {
		idx, err = eventindex.OpenPostgres(ctx, f.dsn)
		if err == nil {
			st, err = OpenPostgres(ctx, f.dsn)
		}
	} else {
		path := filepath.Join(f.dir, "index.db")
		idx, err = eventindex.OpenSQLite(ctx, path)
		if err == nil {
			st, err = OpenSQLite(ctx, path)
		}
	}
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { st.Close(); idx.Close() })
	f.idx, f.store = idx, st
	opts = append([]Option{WithClock(f.clk.now), WithDestPolicy(testPolicy),
		WithClientID(func(r *http.Request) (string, error) {
			if c := r.Header.Get("X-Client"); c != "" {
				return c, nil
			}
			return "", fmt.Errorf("anonymous")
		})}, opts...)
	f.eng = New(idx, st, opts...)
	f.api = epcisapi.New(idx, epcisapi.WithQueries(f.eng.Handler()))
}

// index indexes n shipping events in the next block.
func (f *fixture) index(n int, bizStep string) {
	f.t.Helper()
	f.block++
	var entries []eventindex.Entry
	for i := range n {
		ev := fmt.Sprintf(`{"type":"ObjectEvent","eventTime":"2026-11-30T%02d:%02d:00.000Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE",`+
			`"bizStep":%q,"epcList":["https://id.gs1.org/01/10614141073464/21/%d-%d"]}`, i/60%24, i%60, bizStep, f.block, i)
		id, err := epcis.EventHash([]byte(ev), nil)
		if err != nil {
			f.t.Fatal(err)
		}
		f.ids = append(f.ids, id)
		entries = append(entries, eventindex.Entry{TxID: fmt.Sprintf("tx%d", f.block), Event: json.RawMessage(ev), RecordTime: f.clk.now()})
	}
	if err := f.idx.Index(context.Background(), f.block, entries); err != nil {
		f.t.Fatal(err)
	}
}

// do sends a request to the EPCIS interface as client.
func (f *fixture) do(client, method, target, body string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if client != "" {
		r.Header.Set("X-Client", client)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	f.api.ServeHTTP(w, r)
	return w
}

func (f *fixture) subscribe(client, target, dest string, extra string) string {
	f.t.Helper()
	w := f.do(client, "POST", target, `{"dest":"`+dest+`","signatureToken":"`+token+`"`+extra+`}`)
	if w.Code != http.StatusCreated {
		f.t.Fatalf("subscribe: %d %s", w.Code, w.Body)
	}
	var v struct {
		ID string `json:"subscriptionID"`
	}
	_ = json.Unmarshal(w.Body.Bytes(), &v)
	return v.ID
}

// drain steps until no subscription is due now.
func (f *fixture) drain() {
	for range 100 {
		if f.eng.Step(context.Background()) == 0 {
			return
		}
	}
	f.t.Fatal("subscriptions stay due")
}

func equal(a, b []string) bool { return strings.Join(a, " ") == strings.Join(b, " ") }

// TestStreamResumesWithNoGapAndNoRepeat: a stream subscription from
// initialRecordTime receives every event once; while its receiver fails,
// deliveries are retried with backoff from the same position, new events
// wait, and the service restarts; then the receiver gets the missed events
// exactly once, each delivery signed.
func TestStreamResumesWithNoGapAndNoRepeat(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) { streamResumes(t, dsn) })
	}
}

func streamResumes(t *testing.T, dsn string) {
	f := newFixtureOn(t, dsn, WithLimits(Limits{EventsPerDelivery: 3}))
	rc := &receiver{t: t}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	f.index(2, "commissioning")
	f.subscribe("platform", "/queries/SimpleEventQuery/subscriptions", srv.URL, `,"stream":true,"initialRecordTime":"2026-01-01T00:00:00Z"`)
	f.drain()
	if !equal(rc.got(), f.ids) {
		t.Fatalf("first delivery: %d events, want %d", len(rc.got()), len(f.ids))
	}
	rc.set(http.StatusServiceUnavailable)
	f.index(4, "shipping")
	f.clk.add(time.Second)
	f.drain() // fails: retried in 1 s, then 2 s, 4 s
	for _, d := range []time.Duration{time.Second, 2 * time.Second} {
		f.clk.add(d - time.Millisecond)
		if n := f.eng.Step(context.Background()); n != 0 {
			t.Fatalf("a retry came %v early", time.Millisecond)
		}
		f.clk.add(time.Millisecond)
		if n := f.eng.Step(context.Background()); n != 1 {
			t.Fatalf("no retry after %v", d)
		}
	}
	f.index(3, "receiving")
	f.open(WithLimits(Limits{EventsPerDelivery: 3})) // a restart of traced
	rc.set(200)
	f.clk.add(4 * time.Second)
	f.drain()
	if got := rc.got(); !equal(got, f.ids) {
		t.Fatalf("after the outage: %d events (%d distinct), want each of %d once", len(got), len(distinct(got)), len(f.ids))
	}
	for _, s := range rc.sizes {
		if s > 3 {
			t.Fatalf("a delivery of %d events, above the bound of 3", s)
		}
	}
	if rc.bad != 0 {
		t.Fatalf("%d deliveries with a bad signature", rc.bad)
	}
	// Each accepted delivery starts where the one before it ended.
	for i := 1; i < len(rc.ranges); i++ {
		prevEnd := rc.ranges[i-1][strings.Index(rc.ranges[i-1], "-")+1:]
		if start := rc.ranges[i][:strings.Index(rc.ranges[i], "-")]; start != prevEnd {
			t.Fatalf("deliveries %v: %s does not start at %s", rc.ranges, rc.ranges[i], prevEnd)
		}
	}
	// Nothing new: the stream sends nothing.
	before := rc.deliveries
	f.clk.add(time.Hour)
	f.drain()
	if rc.deliveries != before {
		t.Fatal("an empty stream delivered")
	}
}

func distinct(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}

// TestNamedQueryScheduleAndFilter: a named query's scheduled subscription
// fires at its times only, with only the matching events, and with
// reportIfEmpty an empty document; a subscription without
// initialRecordTime starts after what is indexed when it is made.
func TestNamedQueryScheduleAndFilter(t *testing.T) {
	f := newFixture(t)
	rc := &receiver{t: t}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	f.index(2, "shipping") // before the subscription: not delivered
	w := f.do("platform", "POST", "/queries", `{"name":"shipments","query":{"EQ_bizStep":["shipping"]}}`)
	if w.Code != http.StatusCreated || w.Header().Get("Location") != "/queries/shipments" {
		t.Fatalf("create query: %d %s", w.Code, w.Body)
	}
	if w := f.do("other", "GET", "/queries/shipments", ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"EQ_bizStep":["shipping"]`) {
		t.Fatalf("get query: %d %s", w.Code, w.Body)
	}
	f.subscribe("platform", "/queries/shipments/subscriptions", srv.URL, `,"reportIfEmpty":true,"schedule":{"hour":"1","minute":"5"}`)
	f.index(1, "receiving")
	f.index(2, "shipping")
	want := f.ids[3:] // the two later shipments
	f.drain()
	if rc.deliveries != 0 {
		t.Fatal("a schedule fired before its time")
	}
	f.clk.add(65 * time.Minute) // 01:05
	f.drain()
	if !equal(rc.got(), want) || rc.deliveries != 1 {
		t.Fatalf("at 01:05: %v in %d deliveries, want %v", rc.got(), rc.deliveries, want)
	}
	f.clk.add(24 * time.Hour)
	f.drain()
	if rc.deliveries != 2 || len(rc.sizes) != 2 || rc.sizes[1] != 0 {
		t.Fatalf("the next day: %d deliveries %v, want an empty report", rc.deliveries, rc.sizes)
	}
	// Deleting the query ends its subscriptions.
	if w := f.do("other", "DELETE", "/queries/shipments", ""); w.Code != http.StatusForbidden {
		t.Fatalf("another client deletes the query: %d", w.Code)
	}
	if w := f.do("platform", "DELETE", "/queries/shipments", ""); w.Code != http.StatusNoContent {
		t.Fatalf("delete: %d", w.Code)
	}
	f.clk.add(24 * time.Hour)
	f.drain()
	if rc.deliveries != 2 {
		t.Fatal("a deleted query's subscription delivered")
	}
}

// TestLargeDeliveriesAreCut: a body above the byte bound is halved, and a
// receiver's 413 halves the batch; no event is lost or repeated.
func TestLargeDeliveriesAreCut(t *testing.T) {
	f := newFixture(t, WithLimits(Limits{EventsPerDelivery: 8, DeliveryBytes: 2500}))
	rc := &receiver{t: t}
	var mu sync.Mutex
	first := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		tooLarge := first
		first = false
		mu.Unlock()
		if tooLarge {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		rc.ServeHTTP(w, r)
	}))
	defer srv.Close()
	f.subscribe("platform", "/queries/SimpleEventQuery/subscriptions?EQ_bizStep=shipping", srv.URL, `,"stream":true`)
	f.index(10, "shipping")
	f.index(3, "receiving")
	f.drain()
	if !equal(rc.got(), f.ids[:10]) {
		t.Fatalf("got %d events, want the 10 shipments once", len(rc.got()))
	}
	for _, s := range rc.sizes {
		if s > 4 {
			t.Fatalf("sizes %v: the 413 did not halve the batch", rc.sizes)
		}
	}
}

// TestRetryHorizonSuspendsAndResumeContinues: past the horizon the
// subscription stops, keeps its position, and resumes from it.
func TestRetryHorizonSuspendsAndResumeContinues(t *testing.T) {
	f := newFixture(t, WithLimits(Limits{RetryHorizon: time.Hour, BackoffMax: 10 * time.Minute}))
	rc := &receiver{t: t, status: 500}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	id := f.subscribe("platform", "/queries/SimpleEventQuery/subscriptions", srv.URL, `,"stream":true`)
	f.index(2, "shipping")
	for range 30 {
		f.drain()
		f.clk.add(10 * time.Minute)
	}
	w := f.do("platform", "GET", "/queries/SimpleEventQuery/subscriptions/"+id, "")
	if !strings.Contains(w.Body.String(), `"tracechain:state":"suspended"`) || strings.Contains(w.Body.String(), token) {
		t.Fatalf("after the horizon: %s", w.Body)
	}
	rc.set(200)
	f.drain()
	if len(rc.got()) != 0 {
		t.Fatal("a suspended subscription delivered")
	}
	if w := f.do("platform", "POST", "/queries/SimpleEventQuery/subscriptions/"+id+"/resume", ""); w.Code != 200 {
		t.Fatalf("resume: %d %s", w.Code, w.Body)
	}
	f.drain()
	if !equal(rc.got(), f.ids) {
		t.Fatalf("after resume: %v", rc.got())
	}
}

func TestScheduleNext(t *testing.T) {
	base := time.Date(2026, 12, 1, 10, 30, 0, 0, time.UTC) // a Tuesday
	for _, c := range []struct {
		s    Schedule
		want string
	}{
		{Schedule{Hour: "1", Minute: "5"}, "2026-12-02T01:05:00Z"},
		{Schedule{Minute: "0,30"}, "2026-12-01T11:00:00Z"},
		{Schedule{Second: "[10-12]"}, "2026-12-01T10:30:10Z"},
		{Schedule{DayOfWeek: "7"}, "2026-12-06T00:00:00Z"},
		{Schedule{Month: "2", DayOfMonth: "29"}, "2028-02-29T00:00:00Z"},
	} {
		x, err := c.s.parse()
		if err != nil {
			t.Fatal(err)
		}
		n, ok := x.next(base)
		if !ok || n.Format(time.RFC3339) != c.want {
			t.Errorf("%+v: %v %v, want %s", c.s, n, ok, c.want)
		}
	}
	for _, s := range []Schedule{{}, {Hour: "24"}, {Minute: "[5-1]"}, {Second: "x"}} {
		if _, err := s.parse(); err == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	x, _ := Schedule{Month: "2", DayOfMonth: "31"}.parse()
	if _, ok := x.next(base); ok {
		t.Error("the 31st of February fires")
	}
}

// TestReadDeliveryChecksTheSignature: a body changed on the way, or signed
// with another token, is refused before it is read.
func TestReadDeliveryChecksTheSignature(t *testing.T) {
	body := []byte(`{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"subscriptionID":"s","queryName":"q","resultsBody":{"eventList":[{"eventID":"e"}]}}}}`)
	req := func(b []byte, sig string) *http.Request {
		r := httptest.NewRequest("POST", "/hook", strings.NewReader(string(b)))
		r.Header.Set("GS1-Signature", sig)
		r.Header.Set(DeliveryHeader, "s/3.0")
		return r
	}
	d, err := ReadDelivery(req(body, Signature(token, body)), token, 1<<20)
	if err != nil || d.ID != "s/3.0" || d.SubscriptionID != "s" || len(d.Events) != 1 {
		t.Fatalf("%+v %v", d, err)
	}
	tampered := []byte(strings.Replace(string(body), `"e"`, `"f"`, 1))
	for name, r := range map[string]*http.Request{
		"tampered body":   req(tampered, Signature(token, body)),
		"another token":   req(body, Signature("another token, 16+ chars", body)),
		"no signature":    req(body, ""),
		"a bare hex HMAC": req(body, strings.TrimPrefix(Signature(token, body), "sha256=")),
	} {
		if _, err := ReadDelivery(r, token, 1<<20); !errors.Is(err, ErrSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ReadDelivery(req(body, Signature(token, body)), token, 10); err == nil {
		t.Error("a body above the bound was read")
	}
}

// TestA413ShrinksBatchesNoFurtherThanTheFloor: a receiver that answers 413
// to everything halves the batches down to MinEventsPerDelivery only; then
// its 413 is a failed delivery, retried with backoff. Batches of one would
// make the service read a block's n matching events n²/2 times.
func TestA413ShrinksBatchesNoFurtherThanTheFloor(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	var sizes []int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var doc epcisapi.QueryDocument
		_ = json.NewDecoder(r.Body).Decode(&doc)
		mu.Lock()
		sizes = append(sizes, len(doc.Body.QueryResults.ResultsBody.EventList))
		mu.Unlock()
		w.WriteHeader(http.StatusRequestEntityTooLarge)
	}))
	defer srv.Close()
	id := f.subscribe("platform", "/queries/SimpleEventQuery/subscriptions", srv.URL, `,"stream":true`)
	f.index(600, "shipping")
	for range 3 {
		f.drain()
		f.clk.add(time.Hour)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []int{500, 250, 125, 62, 32, 32, 32}; !slices.Equal(sizes, want) {
		t.Fatalf("batches posted %v, want %v", sizes, want)
	}
	w := f.do("platform", "GET", "/queries/SimpleEventQuery/subscriptions/"+id, "")
	if !strings.Contains(w.Body.String(), `"tracechain:state":"retrying"`) || !strings.Contains(w.Body.String(), `answered 413`) {
		t.Fatalf("the subscriber's view: %s", w.Body)
	}
}
