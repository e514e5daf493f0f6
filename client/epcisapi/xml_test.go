package epcisapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/client/epcisxml"
	"github.com/tracechain/tracechain/client/eventindex"
)

// getXML asks for path in the XML binding and returns the answer with its
// document converted back to JSON-LD by epcisxml, the reader captures use.
func (s *server) getXML(t *testing.T, path, accept string) answer {
	t.Helper()
	resp, body := getAccepting(t, s.URL+path, accept)
	a := answer{status: resp.StatusCode, header: resp.Header, body: body}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, a.body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != epcisxml.MediaType {
		t.Fatalf("Content-Type %q", ct)
	}
	d, err := epcisxml.ConvertBytes(a.body)
	if err != nil {
		t.Fatalf("the XML answer does not read back: %v\n%s", err, a.body)
	}
	if d.Type != "EPCISQueryDocument" || d.Version != "2.0" {
		t.Errorf("type %s, version %s", d.Type, d.Version)
	}
	// Not validated against the JSON schema: XML text is untyped, so
	// tracechain:ledgerBlock reads back as a string (Unannotate takes both).
	if err := json.Unmarshal(d.JSON, &a.doc); err != nil {
		t.Fatal(err)
	}
	return a
}

// getAccepting GETs url with an Accept header and returns the answer and
// its body.
func getAccepting(t *testing.T, url, accept string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestXMLAnswers: Accept: application/xml (or text/xml preferred over
// JSON) gets the same events in EPCIS 2.0 XML, each of which, read back,
// hashes to its eventID with its ledger fields intact; JSON stays the
// default.
func TestXMLAnswers(t *testing.T) {
	s := newServer(t)
	want := s.events(t, s.get(t, "/events"))
	if len(want) != len(fixtureNames) {
		t.Fatalf("JSON answer: %v", want)
	}
	for _, accept := range []string{"application/xml", "text/xml", "application/json;q=0.4, application/xml;q=0.9"} {
		got := s.events(t, s.getXML(t, "/events", accept))
		if !slices.Equal(got, want) {
			t.Errorf("Accept %q: %v, want %v", accept, got, want)
		}
	}
	one := s.events(t, s.getXML(t, "/events/"+url.PathEscape(s.ids["transform"]), "application/xml"))
	if !slices.Equal(one, []string{"transform"}) {
		t.Errorf("one event: %v", one)
	}
	if a := s.get(t, "/events?perPage=1"); a.header.Get("Content-Type") != "application/ld+json" {
		t.Errorf("default answer %q", a.header.Get("Content-Type"))
	}
}

func TestAnswerFormat(t *testing.T) {
	tests := []struct {
		accept string
		want   format
	}{
		{"", formatNone},
		{"*/*", formatJSON},
		{"application/json", formatJSON},
		{"application/xml", formatXML},
		{"text/xml", formatXML},
		{"application/xml, application/json", formatJSON},
		{"application/xml, */*;q=0.1", formatXML},
		{"application/ld+json;q=0.5, text/xml", formatXML},
		{"application/xml;q=0", formatNone},
		{"text/html", formatNone},
	}
	for _, tt := range tests {
		if got := answerFormat(tt.accept); got != tt.want {
			t.Errorf("%q: %d, want %d", tt.accept, got, tt.want)
		}
	}
}

// TestXMLAnswerOfAnEventXMLCannotWrite: an event whose extension holds a
// list of lists is answered 406 in XML, and in JSON-LD as ever.
func TestXMLAnswerOfAnEventXMLCannotWrite(t *testing.T) {
	idx := newIndexWith(t, `{"type":"ObjectEvent","eventTime":"2026-03-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE",
		"epcList":["https://id.gs1.org/01/06901234000016/21/N1"],"tracechain:grid":[[1,2],[3,4]]}`)
	srv := httptest.NewServer(New(idx))
	t.Cleanup(srv.Close)
	for accept, want := range map[string]int{"application/xml": http.StatusNotAcceptable, "application/ld+json": http.StatusOK} {
		if resp, _ := getAccepting(t, srv.URL+"/events", accept); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", accept, resp.StatusCode, want)
		}
	}
}

// newIndexWith is an index holding one event under the export context.
func newIndexWith(t *testing.T, event string) *eventindex.Store {
	t.Helper()
	s, err := eventindex.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e := eventindex.Entry{TxID: "tx1", Event: json.RawMessage(event), Context: epcis.ExportContext(), RecordTime: t0}
	if err := s.Index(context.Background(), 1, []eventindex.Entry{e}); err != nil {
		t.Fatal(err)
	}
	return s
}
