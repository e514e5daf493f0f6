package epcisapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tracechain/tracechain/client/eventindex"
)

// alternatives is n distinct |-separated values made by f.
func alternatives(n int, f func(i int) string) string {
	v := make([]string, n)
	for i := range v {
		v[i] = f(i)
	}
	return url.QueryEscape(strings.Join(v, "|"))
}

func epcAlt(i int) string { return fmt.Sprintf("https://id.gs1.org/01/06901234000016/21/X%d", i) }

// TestAlternativesAreBounded runs on the SQLite index: lists up to the
// bounds are answered, a longer list in one parameter is a 400
// QueryParameterException, too many over all parameters a 413
// QueryTooLargeException, and neither reaches the database.
func TestAlternativesAreBounded(t *testing.T) {
	s := newServer(t)
	six := []string{"EQ_eventID", "MATCH_epc", "MATCH_parentID", "MATCH_inputEPC", "MATCH_outputEPC", "MATCH_anyEPC"}
	query := func(params []string, n int) string {
		var q []string
		for _, p := range params {
			q = append(q, p+"="+alternatives(n, func(i int) string {
				if p == "EQ_eventID" {
					return fmt.Sprintf("ni:///sha-256;%064d?ver=CBV2.0", i)
				}
				return epcAlt(i)
			}))
		}
		return "/events?" + strings.Join(q, "&")
	}
	tests := []struct {
		name, path string
		status     int
		typ        string
	}{
		{"the bound of one parameter", "/events?MATCH_anyEPC=" + alternatives(MaxAlternatives, epcAlt), 200, ""},
		{"one above it", "/events?MATCH_anyEPC=" + alternatives(MaxAlternatives+1, epcAlt), 400, QueryParameterException},
		{"tens of thousands", "/events?MATCH_epc=" + alternatives(20000, func(int) string { return "a" }), 400, QueryParameterException},
		{"on a resource path too", "/bizSteps/shipping/events?MATCH_epc=" + alternatives(MaxAlternatives+1, epcAlt), 400, QueryParameterException},
		{"the total bound", query(six[:5], MaxAlternatives), 200, ""},
		{"above the total", query(six, MaxAlternatives), 413, QueryTooLargeException},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := s.get(t, tt.path)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", a.status, tt.status, a.body)
			}
			if tt.typ == "" {
				return
			}
			if a.problem.Type != tt.typ {
				t.Errorf("type %q, want %q", a.problem.Type, tt.typ)
			}
			if !strings.Contains(a.problem.Detail, "at most") {
				t.Errorf("the detail names the bound: %q", a.problem.Detail)
			}
			if strings.Contains(strings.ToLower(string(a.body)), "sql") {
				t.Errorf("database text in %s", a.body)
			}
		})
	}
}

// failingEvents is an index whose every read fails with the database's own
// words.
type failingEvents struct{}

const dbCause = `sqlite: SQL logic error: too many SQL variables (1): /var/lib/tracechain/epcis.db`

func (failingEvents) Query(context.Context, eventindex.Query) (eventindex.Page, error) {
	return eventindex.Page{}, errors.New(dbCause)
}

func (failingEvents) Event(context.Context, string) (eventindex.Record, error) {
	return eventindex.Record{}, fmt.Errorf("reading event: %w", errors.New(dbCause))
}

// TestInternalErrorsAreLoggedNotAnswered: a failing index is a 500
// ImplementationException with a generic detail and a reference; the
// database's text is in the log under that reference, never in the answer.
func TestInternalErrorsAreLoggedNotAnswered(t *testing.T) {
	var log bytes.Buffer
	h := New(failingEvents{}, WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	for _, path := range []string{"/events", "/events/" + url.PathEscape("ni:///sha-256;"+strings.Repeat("1", 64)+"?ver=CBV2.0"), "/epcs/x/events"} {
		log.Reset()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		if w.Code != http.StatusInternalServerError {
			t.Fatalf("%s: %d", path, w.Code)
		}
		body := w.Body.String()
		for _, f := range []string{"sqlite", "SQL", "epcis.db", "/var/lib"} {
			if strings.Contains(body, f) {
				t.Errorf("%s: the answer holds %q: %s", path, f, body)
			}
		}
		m := regexp.MustCompile(`ref=([0-9a-f]{16})`).FindStringSubmatch(log.String())
		if m == nil || !strings.Contains(log.String(), "too many SQL variables") {
			t.Fatalf("%s: the cause is not logged under a reference: %q", path, log.String())
		}
		if !strings.Contains(body, m[1]) || !strings.Contains(body, ImplementationException) {
			t.Errorf("%s: the answer lacks the reference %s: %s", path, m[1], body)
		}
	}
}
