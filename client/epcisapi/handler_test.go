package epcisapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xeipuuv/gojsonschema"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client/eventindex"
)

const (
	unit   = "https://id.gs1.org/01/06901234000016/21/CA25-000901"
	lot    = "https://id.gs1.org/01/06901234000016/10/L1"
	case1  = "https://id.gs1.org/00/069012340000000016"
	site   = "https://id.gs1.org/414/6901234000016"
	door   = "https://id.gs1.org/414/6901234000016/254/door1"
	output = "https://id.gs1.org/01/06901234000023/21/K1"
	class2 = "https://id.gs1.org/01/06901234000023/10/K"
)

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// server is the handler over a SQLite index holding a unit's life as the
// ledger maps it, and a TransformationEvent the mapping does not produce;
// names maps eventIDs to the fixture's names.
type server struct {
	*httptest.Server
	ids   map[string]string
	names map[string]string
}

var fixtureNames = []string{"commission", "lot", "pack", "ship", "receive", "sell", "transform"}

func newServer(t *testing.T, opts ...Option) *server {
	t.Helper()
	ctx := context.Background()
	trace := []model.TraceEvent{
		{Subject: unit, Type: model.EventCommissioned, BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive, Time: at(0), TxID: "tx1"},
		{Subject: lot, Type: model.EventLotCommissioned, BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive, Time: at(1), TxID: "tx2", Quantity: 500},
		{Subject: unit, Type: model.EventPacked, BizStep: model.BizStepPacking, Disposition: model.DispositionActive, Time: at(2), TxID: "tx3", Parent: case1},
		{Subject: case1, Type: model.EventShipped, BizStep: model.BizStepShipping, Disposition: model.DispositionInTransit, Time: at(3), TxID: "tx4", From: "AMSP", To: "BMSP", Via: case1},
		{Subject: case1, Type: model.EventReceived, BizStep: model.BizStepReceiving, Disposition: model.DispositionActive, Time: at(4), TxID: "tx5", From: "AMSP", To: "BMSP", Via: case1},
		{Subject: unit, Type: model.EventSold, BizStep: model.BizStepRetailSelling, Disposition: model.DispositionRetailSold, Time: at(5), TxID: "tx6"},
	}
	doc, err := epcis.FromTrace(unit, trace, epcis.MapOptions{CreationDate: t0})
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	for _, ev := range doc.Body.EventList {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, b)
	}
	raws = append(raws, json.RawMessage(`{"type":"TransformationEvent","eventTime":"2026-03-01T08:06:00.000+08:00","eventTimeZoneOffset":"+08:00",
		"inputEPCList":["`+unit+`"],"outputEPCList":["`+output+`"],
		"inputQuantityList":[{"epcClass":"`+lot+`","quantity":2}],"outputQuantityList":[{"epcClass":"`+class2+`","quantity":1}],
		"readPoint":{"id":"`+door+`"},"bizLocation":{"id":"`+site+`"}}`))
	s, err := eventindex.OpenSQLite(ctx, filepath.Join(t.TempDir(), "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := &server{ids: map[string]string{}, names: map[string]string{}}
	for i, raw := range raws {
		// One block per event, recorded a second after it happened.
		var ev epcis.Event
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		when, _ := time.Parse(time.RFC3339, ev.EventTime)
		e := eventindex.Entry{TxID: "tx" + string(rune('1'+i)), Event: raw, Context: doc.Context, RecordTime: when.Add(time.Second)}
		if err := s.Index(ctx, uint64(10+i), []eventindex.Entry{e}); err != nil {
			t.Fatal(err)
		}
		c, _ := epcis.ParseContext(doc.Context)
		id, _ := epcis.EventHash(raw, c)
		srv.ids[fixtureNames[i]], srv.names[id] = id, fixtureNames[i]
	}
	opts = append([]Option{WithClock(func() time.Time { return t0 })}, opts...)
	srv.Server = httptest.NewServer(New(s, opts...))
	t.Cleanup(srv.Close)
	return srv
}

// answer is a decoded response.
type answer struct {
	status int
	header http.Header
	body   []byte
	doc    struct {
		Context json.RawMessage `json:"@context"`
		Body    struct {
			QueryResults struct {
				ResultsBody struct {
					EventList []json.RawMessage `json:"eventList"`
				} `json:"resultsBody"`
			} `json:"queryResults"`
		} `json:"epcisBody"`
	}
	problem Problem
}

func (s *server) get(t *testing.T, path string, header ...string) answer {
	t.Helper()
	return s.do(t, http.MethodGet, path, header...)
}

func (s *server) do(t *testing.T, method, path string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	a.body, _ = io.ReadAll(resp.Body)
	schema := "problem.schema.json"
	target := any(&a.problem)
	if resp.StatusCode == http.StatusOK {
		schema, target = "query-document.schema.json", &a.doc
	}
	if len(a.body) > 0 {
		validate(t, schema, a.body)
		if err := json.Unmarshal(a.body, target); err != nil {
			t.Fatalf("%s: %v", a.body, err)
		}
	}
	return a
}

func validate(t *testing.T, schema string, body []byte) {
	t.Helper()
	abs, _ := filepath.Abs(filepath.Join("testdata", schema))
	res, err := gojsonschema.Validate(gojsonschema.NewReferenceLoader("file://"+abs), gojsonschema.NewBytesLoader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Errors() {
		t.Errorf("%s: %s", schema, e)
	}
}

// events returns the answer's events by fixture name, and checks that each
// one, without its ledger fields, hashes to its eventID, and that the ledger
// fields name the block and transaction it was indexed from.
func (s *server) events(t *testing.T, a answer) []string {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	docCtx, err := epcis.ParseContext(a.doc.Context)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, raw := range a.doc.Body.QueryResults.ResultsBody.EventList {
		plain, ledger, err := Unannotate(raw)
		if err != nil {
			t.Fatal(err)
		}
		var ev epcis.Event
		_ = json.Unmarshal(plain, &ev)
		h, err := epcis.EventHash(plain, docCtx)
		if err != nil || h != ev.EventID {
			t.Errorf("event %s hashes to %s (%v)", ev.EventID, h, err)
		}
		name := s.names[ev.EventID]
		i := slices.Index(fixtureNames, name)
		if ledger.Block != uint64(10+i) || ledger.TxID != "tx"+string(rune('1'+i)) {
			t.Errorf("%s: ledger fields %+v", name, ledger)
		}
		out = append(out, name)
	}
	return out
}

func TestQueryParameters(t *testing.T) {
	s := newServer(t)
	esc := url.PathEscape
	qe := url.QueryEscape
	all := fixtureNames
	tests := []struct {
		path string
		want []string
	}{
		{"/events", all},
		{"/events?eventType=AggregationEvent|TransformationEvent", []string{"pack", "transform"}},
		{"/events?GE_eventTime=2026-03-01T00:02:00Z&LT_eventTime=2026-03-01T00:04:00Z", []string{"pack", "ship"}},
		{"/events?GE_eventTime=" + qe("2026-03-01T08:05:00+08:00"), []string{"sell", "transform"}},
		{"/events?GE_eventTime=2026-03-01T08:05:00+08:00", []string{"sell", "transform"}}, // '+' unencoded
		{"/events?GE_recordTime=2026-03-01T00:05:01Z", []string{"sell", "transform"}},
		{"/events?LT_recordTime=2026-03-01T00:01:00Z", []string{"commission"}},
		{"/events?EQ_action=ADD", []string{"commission", "lot", "pack"}},
		{"/events?EQ_bizStep=shipping|receiving", []string{"ship", "receive"}},
		{"/events?EQ_bizStep=" + qe("https://ref.gs1.org/cbv/BizStep-retail_selling"), []string{"sell"}},
		{"/events?EQ_disposition=in_transit", []string{"ship"}},
		{"/events?EQ_readPoint=" + qe(door), []string{"transform"}},
		{"/events?EQ_bizLocation=" + qe("urn:epc:id:sgln:6901234.00001.0"), []string{"transform"}},
		{"/events?EQ_eventID=" + qe(s.ids["ship"]+"|"+s.ids["sell"]), []string{"ship", "sell"}},
		{"/events?MATCH_epc=" + qe(unit), []string{"commission", "pack", "sell"}},
		{"/events?MATCH_epc=" + qe("urn:epc:id:sscc:6901234.0000000001"), []string{"ship", "receive"}},
		{"/events?MATCH_parentID=" + qe(case1), []string{"pack"}},
		{"/events?MATCH_inputEPC=" + qe(unit), []string{"transform"}},
		{"/events?MATCH_outputEPC=" + qe(output), []string{"transform"}},
		{"/events?MATCH_anyEPC=" + qe(case1), []string{"pack", "ship", "receive"}},
		{"/events?MATCH_epcClass=" + qe(lot), []string{"lot"}},
		{"/events?MATCH_inputEPCClass=" + qe(lot), []string{"transform"}},
		{"/events?MATCH_outputEPCClass=" + qe(class2), []string{"transform"}},
		{"/events?MATCH_anyEPCClass=" + qe(lot), []string{"lot", "transform"}},
		{"/events?EQ_bizStep=commissioning&MATCH_epc=" + qe(unit), []string{"commission"}},
		{"/events?orderBy=eventTime&EQ_action=ADD", []string{"pack", "lot", "commission"}},
		{"/events?orderBy=eventTime&orderDirection=ASC&EQ_action=ADD", []string{"commission", "lot", "pack"}},
		{"/events?perPage=2&EQ_action=ADD&GE_eventTime=2026-03-01T00:01:00Z", []string{"lot", "pack"}},
		{"/eventTypes/TransformationEvent/events", []string{"transform"}},
		{"/epcs/" + esc(unit) + "/events", []string{"commission", "pack", "sell", "transform"}},
		{"/epcs/" + esc(unit) + "/events?EQ_bizStep=packing", []string{"pack"}},
		{"/bizSteps/shipping/events", []string{"ship"}},
		{"/bizLocations/" + esc(site) + "/events", []string{"transform"}},
		{"/readPoints/" + esc(door) + "/events", []string{"transform"}},
		{"/dispositions/retail_sold/events", []string{"sell"}},
		{"/events/" + esc(s.ids["receive"]), []string{"receive"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			a := s.get(t, tt.path)
			if got := s.events(t, a); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if a.header.Get("GS1-EPCIS-Version") != "2.0.0" || a.header.Get("GS1-CBV-Version") != "2.0.0" {
				t.Errorf("version headers %v", a.header)
			}
			if a.header.Get("Link") != "" {
				t.Errorf("one page expected, Link %q", a.header.Get("Link"))
			}
		})
	}
}

var nextLink = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

func TestPaging(t *testing.T) {
	s := newServer(t)
	var got []string
	pages := 0
	path := "/events?perPage=3&GE_eventTime=2026-01-01T00:00:00Z"
	for path != "" {
		a := s.get(t, path)
		got = append(got, s.events(t, a)...)
		pages++
		path = ""
		if l := a.header.Get("Link"); l != "" {
			m := nextLink.FindStringSubmatch(l)
			if m == nil {
				t.Fatalf("Link %q", l)
			}
			path = m[1]
			if !strings.Contains(path, "perPage=3") || !strings.Contains(path, "GE_eventTime=") {
				t.Errorf("the next page must repeat the query: %s", path)
			}
		}
	}
	if pages != 3 || !slices.Equal(got, fixtureNames) {
		t.Errorf("%d pages: %v", pages, got)
	}
}

func TestErrors(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		name, method, path string
		header             []string
		status             int
		typ                string
	}{
		{"unknown parameter", "GET", "/events?EQ_quantity=5", nil, 400, QueryParameterException},
		{"bad action", "GET", "/events?EQ_action=MOVE", nil, 400, QueryParameterException},
		{"empty alternative", "GET", "/events?EQ_bizStep=shipping||", nil, 400, QueryParameterException},
		{"repeated parameter", "GET", "/events?EQ_bizStep=shipping&EQ_bizStep=receiving", nil, 400, QueryParameterException},
		{"time without offset", "GET", "/events?GE_eventTime=2026-03-01T00:00:00", nil, 400, QueryParameterException},
		{"perPage zero", "GET", "/events?perPage=0", nil, 400, QueryParameterException},
		{"perPage not a number", "GET", "/events?perPage=many", nil, 400, QueryParameterException},
		{"oversized perPage", "GET", "/events?perPage=5000", nil, 413, QueryTooLargeException},
		{"bad page token", "GET", "/events?nextPageToken=xyz", nil, 400, QueryParameterException},
		{"orderBy recordTime", "GET", "/events?orderBy=recordTime", nil, 400, QueryParameterException},
		{"path parameter repeated in the query", "GET", "/bizSteps/shipping/events?EQ_bizStep=receiving", nil, 400, QueryParameterException},
		{"unknown eventID", "GET", "/events/" + url.PathEscape("ni:///sha-256;"+strings.Repeat("0", 64)+"?ver=CBV2.0"), nil, 404, NoSuchResourceException},
		{"unknown resource", "GET", "/queries/x/events", nil, 404, NoSuchResourceException},
		{"no capture mounted", "GET", "/capture", nil, 404, NoSuchResourceException},
		{"HTML only", "GET", "/events", []string{"Accept", "text/html"}, 406, NotAcceptableException},
		{"JSON and XML refused", "GET", "/events", []string{"Accept", "application/json;q=0, application/xml;q=0"}, 406, NotAcceptableException},
		{"EPCIS 3 required", "GET", "/events", []string{"GS1-EPCIS-Min", "3.0.0"}, 406, NotAcceptableException},
		{"CBV 1.2 at most", "GET", "/events", []string{"GS1-CBV-Max", "1.2"}, 406, NotAcceptableException},
		{"capture on /events", "POST", "/events", nil, 405, "about:blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := s.do(t, tt.method, tt.path, tt.header...)
			if a.status != tt.status || a.problem.Type != tt.typ || a.problem.Status != tt.status {
				t.Errorf("got %d %+v, want %d %s", a.status, a.problem, tt.status, tt.typ)
			}
			if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
	// Accept lists that admit JSON are served.
	for _, accept := range []string{"application/ld+json", "application/xml;q=0.5, application/json", "application/xml, */*", "*/*"} {
		if a := s.get(t, "/events?perPage=1", "Accept", accept); a.status != 200 {
			t.Errorf("Accept %q: %d", accept, a.status)
		}
	}
}

func TestDiscoveryAndCapture(t *testing.T) {
	captured := ""
	capture := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		captured = r.Method + " " + r.URL.Path
		w.WriteHeader(http.StatusAccepted)
	})
	s := newServer(t, WithCapture(capture))
	a := s.do(t, http.MethodOptions, "/events")
	if a.status != http.StatusNoContent || a.header.Get("Allow") != "OPTIONS, GET, HEAD" || a.header.Get("GS1-EPCIS-Version") != "2.0.0" {
		t.Errorf("OPTIONS: %d %v", a.status, a.header)
	}
	for _, c := range []struct{ method, path string }{{"POST", "/capture"}, {"GET", "/capture/job-1"}, {"POST", "/events"}} {
		if a := s.do(t, c.method, c.path); a.status != http.StatusAccepted || captured != c.method+" "+c.path {
			t.Errorf("%s %s: %d, capture saw %q", c.method, c.path, a.status, captured)
		}
	}
}
