package eventindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/client/eventindex/pgtest"
)

// Identifiers of the fixture, in the forms the events write them.
const (
	unitA   = "urn:epc:id:sgtin:0614141.107346.2017" // https://id.gs1.org/01/10614141073464/21/2017
	unitB   = "https://id.gs1.org/01/10614141073464/21/2018"
	unitD   = "https://example.com/01/10614141073464/21/2019" // a brand's own Digital Link domain
	pallet  = "urn:epc:id:sscc:0614141.1234567890"
	classC1 = "https://id.gs1.org/01/10614141073464/10/LOT1"
	classC2 = "https://id.gs1.org/01/10614141073464/10/LOT2"
	siteL1  = "https://id.gs1.org/414/0614141000012"
	siteL2  = "urn:epc:id:sgln:0614141.00002.0"
	pointR1 = "https://id.gs1.org/414/0614141000012/254/door1"
)

// fixture is a small supply chain: name -> event, in block order.
var fixture = []struct {
	name  string
	block uint64
	event map[string]any
}{
	{"commission", 3, map[string]any{"type": "ObjectEvent", "eventTime": "2026-01-01T00:00:00.000Z", "eventTimeZoneOffset": "+00:00",
		"action": "ADD", "bizStep": "commissioning", "disposition": "active", "epcList": []string{unitA},
		"bizLocation": map[string]string{"id": siteL1}, "readPoint": map[string]string{"id": pointR1}}},
	{"pack", 3, map[string]any{"type": "AggregationEvent", "eventTime": "2026-01-01T01:00:00.000Z", "eventTimeZoneOffset": "+00:00",
		"action": "ADD", "bizStep": "packing", "parentID": pallet, "childEPCs": []string{unitA, unitB},
		"childQuantityList": []map[string]any{{"epcClass": classC1, "quantity": 5}}}},
	{"ship", 4, map[string]any{"type": "ObjectEvent", "eventTime": "2026-01-01T02:00:00.000Z", "eventTimeZoneOffset": "+00:00",
		"action": "OBSERVE", "bizStep": "cbv:BizStep-shipping", "disposition": "in_transit", "epcList": []string{pallet},
		"bizLocation": map[string]string{"id": siteL1}}},
	{"receive", 6, map[string]any{"type": "ObjectEvent", "eventTime": "2026-01-01T04:00:00.000+01:00", "eventTimeZoneOffset": "+01:00",
		"action": "OBSERVE", "bizStep": "urn:epcglobal:cbv:bizstep:receiving", "disposition": "active", "epcList": []string{pallet},
		"bizLocation": map[string]string{"id": siteL2}}},
	{"transform", 6, map[string]any{"type": "TransformationEvent", "eventTime": "2026-01-01T04:00:00.000Z", "eventTimeZoneOffset": "+00:00",
		"inputEPCList": []string{unitB}, "outputEPCList": []string{unitD},
		"inputQuantityList":  []map[string]any{{"epcClass": classC1, "quantity": 1}},
		"outputQuantityList": []map[string]any{{"epcClass": classC2, "quantity": 1}}}},
	{"shipLot", 6, map[string]any{"type": "ObjectEvent", "eventTime": "2026-01-01T04:00:00.000Z", "eventTimeZoneOffset": "+00:00",
		"action": "OBSERVE", "bizStep": "shipping", "quantityList": []map[string]any{{"epcClass": classC1, "quantity": 2}}}},
	{"destroy", 7, map[string]any{"type": "ObjectEvent", "eventTime": "2026-01-01T05:00:00.000Z", "eventTimeZoneOffset": "+00:00",
		"recordTime": "2026-01-02T00:00:00.000Z", "action": "DELETE", "bizStep": "decommissioning", "disposition": "destroyed",
		"epcList": []string{unitD}}},
}

// loaded is an index holding the fixture, with the eventIDs by name.
type loaded struct {
	s     *Store
	ids   map[string]string
	names map[string]string // eventID -> name
}

func load(t *testing.T, s *Store) loaded {
	t.Helper()
	l := loaded{s: s, ids: map[string]string{}, names: map[string]string{}}
	byBlock := map[uint64][]Entry{}
	var blocks []uint64
	for i, f := range fixture {
		raw, err := json.Marshal(f.event)
		if err != nil {
			t.Fatal(err)
		}
		id, err := epcis.EventHash(raw, nil)
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		l.ids[f.name], l.names[id] = id, f.name
		if len(byBlock[f.block]) == 0 {
			blocks = append(blocks, f.block)
		}
		byBlock[f.block] = append(byBlock[f.block], Entry{TxID: fmt.Sprintf("tx%d", i), Event: raw})
	}
	for _, b := range blocks {
		if err := s.Index(context.Background(), b, byBlock[b]); err != nil {
			t.Fatalf("block %d: %v", b, err)
		}
	}
	return l
}

func (l loaded) namesOf(recs []Record) []string {
	out := []string{}
	for _, r := range recs {
		out = append(out, l.names[r.EventID])
	}
	return out
}

// backends returns a fresh empty Store on every database the test can
// reach: SQLite always, PostgreSQL when pgtest can start it.
func backends(t *testing.T) map[string]*Store {
	t.Helper()
	ctx := context.Background()
	out := map[string]*Store{"sqlite": sqliteStore(t)}
	srv, err := postgres()
	if err != nil {
		t.Logf("PostgreSQL skipped: %v", err)
		return out
	}
	dbs.Lock()
	dbs.n++
	name := fmt.Sprintf("t%d", dbs.n)
	dbs.Unlock()
	dsn, err := srv.NewDatabase(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	out["postgres"] = pg
	return out
}

func sqliteStore(t *testing.T) *Store {
	t.Helper()
	s, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// One PostgreSQL server serves the whole package run, each test in its own
// database.
var (
	pgOnce sync.Once
	pgSrv  *pgtest.Server
	pgErr  error
	dbs    struct {
		sync.Mutex
		n int
	}
)

func postgres() (*pgtest.Server, error) {
	pgOnce.Do(func() {
		switch {
		case os.Getenv("EVENTINDEX_NO_POSTGRES") != "":
			pgErr = errors.New("EVENTINDEX_NO_POSTGRES is set")
			return
		case testing.Short():
			pgErr = errors.New("-short")
			return
		}
		pgSrv, pgErr = pgtest.Start(context.Background())
	})
	return pgSrv, pgErr
}

func TestMain(m *testing.M) {
	code := m.Run()
	if pgSrv != nil {
		pgSrv.Close()
	}
	os.Exit(code)
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestQuerySemantics(t *testing.T) {
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"everything in eventTime order, ties in index order", Query{},
			[]string{"commission", "pack", "ship", "receive", "transform", "shipLot", "destroy"}},
		{"eventType", Query{EventTypes: []string{"AggregationEvent", "TransformationEvent"}}, []string{"pack", "transform"}},
		{"GE and LT eventTime", Query{GEEventTime: at("2026-01-01T01:00:00Z"), LTEventTime: at("2026-01-01T04:00:00Z")},
			[]string{"pack", "ship", "receive"}},
		{"time bound in another zone", Query{GEEventTime: at("2026-01-01T05:00:00+01:00")}, []string{"transform", "shipLot", "destroy"}},
		{"recordTime needs the field", Query{GERecordTime: at("2026-01-01T00:00:00Z")}, []string{"destroy"}},
		{"LT recordTime", Query{LTRecordTime: at("2026-01-02T00:00:00Z")}, []string{}},
		{"EQ_action OR", Query{Actions: []string{"ADD", "DELETE"}}, []string{"commission", "pack", "destroy"}},
		{"bizStep bare word matches CURIE and bare", Query{BizSteps: []string{"shipping"}}, []string{"ship", "shipLot"}},
		{"bizStep URN matches URN", Query{BizSteps: []string{"urn:epcglobal:cbv:bizstep:receiving"}}, []string{"receive"}},
		{"bizStep web URI", Query{BizSteps: []string{"https://ref.gs1.org/cbv/BizStep-receiving"}}, []string{"receive"}},
		{"bizStep OR", Query{BizSteps: []string{"packing", "decommissioning"}}, []string{"pack", "destroy"}},
		{"bizStep AND time", Query{BizSteps: []string{"shipping"}, LTEventTime: at("2026-01-01T03:00:00Z")}, []string{"ship"}},
		{"disposition", Query{Dispositions: []string{"active"}}, []string{"commission", "receive"}},
		{"readPoint", Query{ReadPoints: []string{pointR1}}, []string{"commission"}},
		{"bizLocation URN and DL", Query{BizLocations: []string{"https://id.gs1.org/414/0614141000029"}}, []string{"receive"}},
		{"bizLocation OR", Query{BizLocations: []string{siteL1, siteL2}}, []string{"commission", "ship", "receive"}},
		{"eventID", Query{EventIDs: []string{"commission", "destroy"}}, []string{"commission", "destroy"}},
		{"MATCH_epc: epcList and childEPCs", Query{EPCs: []string{"https://id.gs1.org/01/10614141073464/21/2017"}},
			[]string{"commission", "pack"}},
		{"MATCH_epc: not parentID", Query{EPCs: []string{pallet}}, []string{"ship", "receive"}},
		{"MATCH_epc: not input or output", Query{EPCs: []string{unitB}}, []string{"pack"}},
		{"MATCH_epc: other DL domain", Query{EPCs: []string{"https://id.gs1.org/01/10614141073464/21/2019"}}, []string{"destroy"}},
		{"MATCH_parentID", Query{ParentIDs: []string{pallet}}, []string{"pack"}},
		{"MATCH_inputEPC", Query{InputEPCs: []string{unitB}}, []string{"transform"}},
		{"MATCH_outputEPC", Query{OutputEPCs: []string{unitD}}, []string{"transform"}},
		{"MATCH_anyEPC", Query{AnyEPCs: []string{unitB, pallet}}, []string{"pack", "ship", "receive", "transform"}},
		{"MATCH_epcClass: quantityList and childQuantityList", Query{EPCClasses: []string{classC1}}, []string{"pack", "shipLot"}},
		{"MATCH_inputEPCClass", Query{InputEPCClasses: []string{classC1}}, []string{"transform"}},
		{"MATCH_outputEPCClass", Query{OutputEPCClasses: []string{classC2}}, []string{"transform"}},
		{"MATCH_anyEPCClass", Query{AnyEPCClasses: []string{classC1, classC2}}, []string{"pack", "transform", "shipLot"}},
		{"filters AND", Query{EPCs: []string{pallet}, BizLocations: []string{siteL1}}, []string{"ship"}},
		{"two MATCH filters AND", Query{EPCs: []string{unitA}, ParentIDs: []string{pallet}}, []string{"pack"}},
		{"no match", Query{BizSteps: []string{"shipping"}, EPCs: []string{unitA}}, []string{}},
		{"descending", Query{Descending: true, BizSteps: []string{"shipping", "packing"}}, []string{"shipLot", "ship", "pack"}},
		// Values are bound, never part of the statement: SQL in them matches nothing.
		{"SQL in an EQ_ value", Query{ReadPoints: []string{"x' OR '1'='1"}}, []string{}},
		{"SQL in a MATCH_ value", Query{EPCs: []string{"x') OR 1=1 --"}}, []string{}},
		{"SQL in an eventType", Query{EventTypes: []string{"ObjectEvent' OR event_type <> '"}}, []string{}},
	}
	for backend, s := range backends(t) {
		l := load(t, s)
		for _, tt := range tests {
			t.Run(backend+"/"+tt.name, func(t *testing.T) {
				q := tt.q
				for i, id := range q.EventIDs {
					q.EventIDs = slices.Clone(q.EventIDs)
					q.EventIDs[i] = l.ids[id]
				}
				page, err := s.Query(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				if got := l.namesOf(page.Events); !slices.Equal(got, tt.want) {
					t.Errorf("got %v, want %v", got, tt.want)
				}
				if page.NextPageToken != "" {
					t.Errorf("one page expected, got token %q", page.NextPageToken)
				}
			})
		}
	}
}

func TestPaging(t *testing.T) {
	for backend, s := range backends(t) {
		l := load(t, s)
		for _, desc := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/descending=%v", backend, desc), func(t *testing.T) {
				all, err := s.Query(context.Background(), Query{Descending: desc})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				pages := 0
				q := Query{Descending: desc, PerPage: 3}
				for {
					page, err := s.Query(context.Background(), q)
					if err != nil {
						t.Fatal(err)
					}
					pages++
					got = append(got, l.namesOf(page.Events)...)
					if page.NextPageToken == "" {
						break
					}
					q.PageToken = page.NextPageToken
				}
				if want := l.namesOf(all.Events); !slices.Equal(got, want) || pages != 3 {
					t.Errorf("%d pages %v, want 3 pages %v", pages, got, want)
				}
			})
		}
	}
}

// TestPageTokenSortKey round-trips sort keys through a page token,
// including eventTimes before 1970, which are negative.
func TestPageTokenSortKey(t *testing.T) {
	p, err := prepare(Query{BizSteps: []string{"shipping"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []cursor{{0, 1}, {at("2026-01-01T00:00:00Z").UnixMicro(), 42}, {at("1969-12-31T23:59:59Z").UnixMicro(), 7}, {math.MinInt64, math.MaxInt64}} {
		got, err := decodeToken(p.token(c), p.fingerprint())
		if err != nil || got != c {
			t.Errorf("%+v: got %+v, %v", c, got, err)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	s := sqliteStore(t)
	load(t, s)
	first, err := s.Query(context.Background(), Query{PerPage: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		q     Query
		param string // "" for *PerPageError
	}{
		{"perPage above the maximum", Query{PerPage: MaxPerPage + 1}, ""},
		{"negative perPage", Query{PerPage: -1}, "perPage"},
		{"unknown action", Query{Actions: []string{"OBSERVE", "MOVE"}}, "EQ_action"},
		{"garbage token", Query{PageToken: "not-a-token"}, "nextPageToken"},
		{"token of another query", Query{PerPage: 1, PageToken: first.NextPageToken, BizSteps: []string{"shipping"}}, "nextPageToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Query(context.Background(), tt.q)
			if !errors.Is(err, ErrInvalidQuery) {
				t.Fatalf("got %v, want ErrInvalidQuery", err)
			}
			var qe *QueryError
			var pe *PerPageError
			switch {
			case tt.param == "" && !errors.As(err, &pe):
				t.Errorf("got %T, want *PerPageError", err)
			case tt.param != "" && (!errors.As(err, &qe) || qe.Param != tt.param):
				t.Errorf("got %v, want a *QueryError on %s", err, tt.param)
			}
		})
	}
	// The token continues its own query, whatever the page size.
	if _, err := s.Query(context.Background(), Query{PerPage: 5, PageToken: first.NextPageToken}); err != nil {
		t.Errorf("token with another perPage: %v", err)
	}
}

func TestEvent(t *testing.T) {
	for backend, s := range backends(t) {
		t.Run(backend, func(t *testing.T) {
			l := load(t, s)
			r, err := s.Event(context.Background(), l.ids["receive"])
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(fixture[3].event)
			if string(r.Event) != string(want) || r.Block != 6 || r.TxID != "tx3" {
				t.Errorf("got block %d tx %s %s", r.Block, r.TxID, r.Event)
			}
			if !r.EventTime.Equal(at("2026-01-01T03:00:00Z")) || r.EventTime.Location() != time.UTC {
				t.Errorf("eventTime %v, want 03:00 UTC", r.EventTime)
			}
			if h, _ := epcis.EventHash(r.Event, nil); h != r.EventID {
				t.Errorf("stored event hashes to %s, not its eventID %s", h, r.EventID)
			}
			d, err := s.Event(context.Background(), l.ids["destroy"])
			if err != nil || !d.RecordTime.Equal(at("2026-01-02T00:00:00Z")) {
				t.Errorf("recordTime %v, %v", d.RecordTime, err)
			}
			for _, id := range []string{"ni:///sha-256;00?ver=CBV2.0", "x' OR '1'='1"} {
				if _, err := s.Event(context.Background(), id); !errors.Is(err, ErrNotFound) {
					t.Errorf("unknown event %q: %v, want ErrNotFound", id, err)
				}
			}
		})
	}
}

func TestCheckpoint(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	s, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Checkpoint(ctx); ok || err != nil {
		t.Fatalf("new index: indexed=%v, %v", ok, err)
	}
	l := load(t, s)
	count := func() int {
		page, err := s.Query(ctx, Query{PerPage: MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Events)
	}
	extra := Entry{TxID: "txX", Event: json.RawMessage(`{"type":"ObjectEvent","eventTime":"2026-02-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["` + unitA + `"]}`)}
	steps := []struct {
		name   string
		block  uint64
		events []Entry
		err    bool
		want   int
		check  uint64
	}{
		{"replay of the last block is a no-op", 7, []Entry{extra}, false, 7, 7},
		{"an older block is a no-op", 2, []Entry{extra}, false, 7, 7},
		{"a bad event applies nothing", 9, []Entry{extra, {TxID: "txBad", Event: json.RawMessage(`{"type":"ObjectEvent","eventTime":"soon"}`)}}, true, 7, 7},
		{"a wrong eventID applies nothing", 9, []Entry{{TxID: "txBad", Event: json.RawMessage(`{"type":"ObjectEvent","eventID":"ni:///sha-256;00?ver=CBV2.0","eventTime":"2026-02-01T00:00:00Z"}`)}}, true, 7, 7},
		{"a gap is allowed", 9, []Entry{extra}, false, 8, 9},
		{"a known eventID keeps its first record", 10, []Entry{{TxID: "txAgain", Event: extra.Event}}, false, 8, 10},
		{"a block without events advances", 11, nil, false, 8, 11},
	}
	for _, st := range steps {
		err := s.Index(ctx, st.block, st.events)
		var ee *EntryError
		if st.err != errors.As(err, &ee) {
			t.Fatalf("%s: error %v", st.name, err)
		}
		if st.err && ee.Block != st.block {
			t.Errorf("%s: EntryError names block %d", st.name, ee.Block)
		}
		if n := count(); n != st.want {
			t.Errorf("%s: %d events, want %d", st.name, n, st.want)
		}
		if b, _, _ := s.Checkpoint(ctx); b != st.check {
			t.Errorf("%s: checkpoint %d, want %d", st.name, b, st.check)
		}
	}
	id, _ := epcis.EventHash(extra.Event, nil)
	if r, _ := s.Event(ctx, id); r.TxID != "txX" || r.Block != 9 {
		t.Errorf("duplicate eventID replaced the first record: %s in %d", r.TxID, r.Block)
	}
	// A restart resumes from the checkpoint on disk.
	s.Close()
	if s, err = OpenSQLite(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if b, ok, _ := s.Checkpoint(ctx); !ok || b != 11 {
		t.Errorf("after reopen: checkpoint %d %v", b, ok)
	}
	if r, err := s.Event(ctx, l.ids["pack"]); err != nil || r.Block != 3 {
		t.Errorf("after reopen: %v", err)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Checkpoint(ctx); ok || count() != 0 {
		t.Errorf("after Reset: indexed=%v, %d events", ok, count())
	}
	load(t, s) // rebuild
	if b, _, _ := s.Checkpoint(ctx); b != 7 || count() != 7 {
		t.Errorf("after rebuild: checkpoint %d, %d events", b, count())
	}
}

func TestContextOfExtensions(t *testing.T) {
	s := sqliteStore(t)
	ctx := context.Background()
	docCtx := json.RawMessage(`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ns.example.com/"}]`)
	raw := json.RawMessage(`{"type":"ObjectEvent","eventTime":"2026-03-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["` + unitA + `"],"ex:colour":"red"}`)
	if err := s.Index(ctx, 1, []Entry{{TxID: "tx1", Event: raw, Context: docCtx}}); err != nil {
		t.Fatal(err)
	}
	c, _ := epcis.ParseContext(docCtx)
	want, _ := epcis.EventHash(raw, c)
	r, err := s.Event(ctx, want)
	if err != nil {
		t.Fatalf("the eventID must be the hash under the document's context: %v", err)
	}
	if string(r.Context) != string(docCtx) {
		t.Errorf("context %s", r.Context)
	}
}
