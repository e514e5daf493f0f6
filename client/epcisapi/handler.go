package epcisapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tracechain/tracechain/client/eventindex"
)

// Events is what the handler serves from; *eventindex.Store satisfies it.
type Events interface {
	Query(ctx context.Context, q eventindex.Query) (eventindex.Page, error)
	Event(ctx context.Context, eventID string) (eventindex.Record, error)
}

// Versions this repository speaks, sent in GS1-EPCIS-Version and
// GS1-CBV-Version.
const (
	EPCISVersion = "2.0.0"
	CBVVersion   = "2.0.0"
)

// Handler is the EPCIS 2.0 REST query interface.
type Handler struct {
	events  Events
	capture http.Handler
	queries http.Handler
	now     func() time.Time
	log     *slog.Logger
	mux     *http.ServeMux
}

// resource is a per-resource event list: the path value fills the query
// parameter that the resource stands for.
type resource struct {
	pattern, param string
}

// resources are the /{resource}/{value}/events paths. /epcs/{epc}/events
// lists every event naming the EPC in any role (MATCH_anyEPC), the
// OpenAPI's "events matching the specified electronic product code".
var resources = []resource{
	{"/eventTypes/{v}/events", "eventType"},
	{"/epcs/{v}/events", "MATCH_anyEPC"},
	{"/bizSteps/{v}/events", "EQ_bizStep"},
	{"/bizLocations/{v}/events", "EQ_bizLocation"},
	{"/readPoints/{v}/events", "EQ_readPoint"},
	{"/dispositions/{v}/events", "EQ_disposition"},
}

// New returns the handler over events.
func New(events Events, opts ...Option) *Handler {
	h := &Handler{events: events, now: time.Now, log: slog.Default(), mux: http.NewServeMux()}
	for _, o := range opts {
		o(h)
	}
	h.mux.HandleFunc("/events", h.list(""))
	h.mux.HandleFunc("/events/{eventID}", h.event)
	for _, r := range resources {
		h.mux.HandleFunc(r.pattern, h.list(r.param))
	}
	h.mux.HandleFunc("/capture", h.captureOrNotFound)
	if h.queries != nil {
		h.mux.Handle("/queries", h.queries)
		h.mux.Handle("/queries/", h.queries)
	}
	h.mux.HandleFunc("/capture/", h.captureOrNotFound)
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, Problem{Type: NoSuchResourceException, Title: "Resource not found", Status: http.StatusNotFound,
			Detail: "no EPCIS resource at " + r.URL.Path})
	})
	return h
}

// ServeHTTP routes the request. Paths are matched escaped, so an eventID or
// EPC with '/' in it travels as one %2F-escaped path segment.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) captureOrNotFound(w http.ResponseWriter, r *http.Request) {
	if h.capture != nil {
		h.capture.ServeHTTP(w, r)
		return
	}
	writeProblem(w, r, Problem{Type: NoSuchResourceException, Title: "Resource not found", Status: http.StatusNotFound,
		Detail: "this repository serves queries only; capture goes through the ledger"})
}

// allow answers OPTIONS and refuses methods other than GET and HEAD; POST
// /events is a capture. It reports whether the request is to be served.
func (h *Handler) allow(w http.ResponseWriter, r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return h.negotiate(w, r)
	case http.MethodPost:
		if r.URL.Path == "/events" && h.capture != nil {
			h.capture.ServeHTTP(w, r)
			return false
		}
	case http.MethodOptions:
		setVersions(w.Header())
		w.Header().Set("Allow", "OPTIONS, GET, HEAD")
		w.WriteHeader(http.StatusNoContent)
		return false
	}
	w.Header().Set("Allow", "OPTIONS, GET, HEAD")
	writeProblem(w, r, Problem{Type: "about:blank", Title: MethodNotAllowedTitle, Status: http.StatusMethodNotAllowed,
		Detail: r.Method + " is not served on " + r.URL.Path})
	return false
}

// negotiate refuses (406) a request for a media type or an EPCIS/CBV version
// range this repository cannot answer with.
func (h *Handler) negotiate(w http.ResponseWriter, r *http.Request) bool {
	if a := r.Header.Get("Accept"); a != "" && answerFormat(a) == formatNone {
		writeProblem(w, r, Problem{Type: NotAcceptableException, Title: "Not acceptable", Status: http.StatusNotAcceptable,
			Detail: "answers are application/json, application/ld+json, application/xml or text/xml, not " + strconv.Quote(clipHeader(a))})
		return false
	}
	for _, v := range []struct{ min, max, have string }{
		{"GS1-EPCIS-Min", "GS1-EPCIS-Max", EPCISVersion}, {"GS1-CBV-Min", "GS1-CBV-Max", CBVVersion},
	} {
		lo, hi := r.Header.Get(v.min), r.Header.Get(v.max)
		if lo != "" && compareVersions(v.have, lo) < 0 || hi != "" && compareVersions(v.have, hi) > 0 {
			writeProblem(w, r, Problem{Type: NotAcceptableException, Title: "Not acceptable", Status: http.StatusNotAcceptable,
				Detail: "this repository speaks EPCIS " + EPCISVersion + " and CBV " + CBVVersion})
			return false
		}
	}
	return true
}

func (h *Handler) event(w http.ResponseWriter, r *http.Request) {
	if !h.allow(w, r) {
		return
	}
	id := r.PathValue("eventID")
	if len(r.URL.Query()) > 0 {
		writeProblem(w, r, badParameter("/events/{eventID} takes no query parameters"))
		return
	}
	rec, err := h.events.Event(r.Context(), id)
	if errors.Is(err, eventindex.ErrNotFound) {
		writeProblem(w, r, Problem{Type: NoSuchResourceException, Title: "Event not found", Status: http.StatusNotFound,
			Detail: "no event " + id})
		return
	}
	if err != nil {
		h.internal(w, r, err)
		return
	}
	h.writeDocument(w, r, []eventindex.Record{rec}, "")
}

// list serves /events and the per-resource lists; param is the query
// parameter the path value stands for ("" for /events).
func (h *Handler) list(param string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !h.allow(w, r) {
			return
		}
		values := r.URL.Query()
		if param != "" {
			if _, ok := values[param]; ok {
				writeProblem(w, r, badParameter(param+" is given by the path"))
				return
			}
			values = cloneValues(values)
			values.Set(param, r.PathValue("v"))
		}
		q, err := parseQuery(values)
		var ae *AlternativesError
		switch {
		case errors.As(err, &ae) && ae.Total:
			writeProblem(w, r, Problem{Type: QueryTooLargeException, Title: "Query too large", Status: http.StatusRequestEntityTooLarge,
				Detail: ae.Error()})
			return
		case err != nil:
			writeProblem(w, r, badParameter(err.Error()))
			return
		}
		if param != "" { // the path value is one value, even if it holds a '|'
			*listParams[param](&q) = []string{r.PathValue("v")}
		}
		page, err := h.events.Query(r.Context(), q)
		var qe *eventindex.QueryError
		var pe *eventindex.PerPageError
		switch {
		case errors.As(err, &pe):
			writeProblem(w, r, Problem{Type: QueryTooLargeException, Title: "Page too large", Status: http.StatusRequestEntityTooLarge,
				Detail: fmt.Sprintf("perPage %d exceeds this repository's maximum of %d", pe.PerPage, pe.Max)})
			return
		case errors.As(err, &qe):
			writeProblem(w, r, badParameter(qe.Param+": "+qe.Msg))
			return
		case err != nil:
			h.internal(w, r, err)
			return
		}
		next := ""
		if page.NextPageToken != "" {
			v := cloneValues(r.URL.Query())
			v.Set("nextPageToken", page.NextPageToken)
			next = r.URL.EscapedPath() + "?" + v.Encode()
		}
		h.writeDocument(w, r, page.Events, next)
	}
}

// internal answers a failure of the index or of the handler itself: see
// WriteIncident.
func (h *Handler) internal(w http.ResponseWriter, r *http.Request, err error) {
	WriteIncident(w, r, h.log, Problem{Type: ImplementationException, Title: "Internal error", Status: http.StatusInternalServerError}, err)
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func setVersions(h http.Header) {
	h.Set("GS1-EPCIS-Version", EPCISVersion)
	h.Set("GS1-CBV-Version", CBVVersion)
}

// compareVersions compares dotted versions numerically: 2.0 equals 2.0.0.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		x, y := versionPart(as, i), versionPart(bs, i)
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func versionPart(p []string, i int) int {
	n := 0
	if i < len(p) {
		for _, c := range p[i] {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
	}
	return n
}
