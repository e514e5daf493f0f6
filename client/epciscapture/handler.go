package epciscapture

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epcisxml"
	"github.com/tracechain/tracechain/client/eventindex"
)

// Exception types of the capture interface, as the EPCIS 2.0 OpenAPI names
// them.
const (
	ValidationException           = "epcisException:ValidationException"
	CaptureLimitExceededException = "epcisException:CaptureLimitExceededException"
)

// Headers of the capture interface.
const (
	HeaderErrorBehaviour = "GS1-Capture-Error-Behaviour"
	HeaderEventLimit     = "GS1-EPCIS-Capture-Limit"
	HeaderFileSizeLimit  = "GS1-EPCIS-Capture-File-Size-Limit"
	// The bounds of one transaction, which a rollback document must keep;
	// the OpenAPI has no header for them.
	HeaderTransactionEventLimit    = "Tracechain-Transaction-Capture-Limit"
	HeaderTransactionFileSizeLimit = "Tracechain-Transaction-File-Size-Limit"
)

// Ledger sends an EPCISDocument to the ledger as one CaptureEvents
// transaction, and awaits its commit separately, so that the parts of a
// document can be in flight together; *client.Client satisfies it.
type Ledger interface {
	SendCaptureDocument(ctx context.Context, doc []byte, opts ...client.CaptureOption) (client.AwaitCapture, error)
}

// Index keeps the verbatim copies of captured events, which the feeder
// (package epcisfeed) indexes when it reaches their block, and says how far
// it got; *eventindex.Store satisfies it. The handler never indexes itself:
// the feeder is the index's only writer, so the checkpoint is the feeder's.
type Index interface {
	Keep(ctx context.Context, events []eventindex.Kept) error
	Checkpoint(ctx context.Context) (block uint64, indexed bool, err error)
}

// Handler is the EPCIS capture interface over a member's ledger identity.
// Jobs run one at a time, in the order they were posted, so that the blocks
// they commit only grow; the parts of one job are pipelined (WithInFlight).
type Handler struct {
	ledger  Ledger
	index   Index
	limits  Limits
	jobs    *jobs
	maxWait time.Duration
	now     func() time.Time
	log     *slog.Logger
	// inFlight bounds the parts of a job sent and awaiting their commit.
	inFlight int
	// budget bounds the document bytes read or held by unfinished jobs
	// (WithMemoryBudget; budgetBytes is the option's value).
	budget      *budget
	budgetBytes int64

	turn   chan struct{} // held by the running job
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns the capture handler over ledger.
func New(ledger Ledger, opts ...Option) *Handler {
	h := &Handler{ledger: ledger, limits: DefaultLimits, jobs: newJobs(1000), maxWait: time.Minute,
		now: time.Now, log: slog.Default(), inFlight: client.DefaultInFlight, turn: make(chan struct{}, 1)}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	for _, o := range opts {
		o(h)
	}
	if h.budgetBytes <= 0 {
		h.budgetBytes = 4 * h.limits.DocumentBytes
	}
	h.limits.DocumentBytes = min(h.limits.DocumentBytes, h.budgetBytes)
	h.budget = &budget{max: h.budgetBytes}
	return h
}

// retryAfter is the Retry-After, in seconds, of a capture refused because
// the service is full (of running jobs, or of documents' bytes): a job
// commits in a few seconds.
const retryAfter = "5"

// WithLogger sets where failures of the handler and its index are logged,
// each under the reference its answer carries (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *Handler) { h.log = l } }

// Close stops the jobs in progress and waits for them: a part already sent
// to the ledger then ends as unknown.
func (h *Handler) Close() {
	h.cancel()
	h.wg.Wait()
}

// ServeHTTP serves /capture, /capture/{captureID} and POST /events.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, isJob := strings.CutPrefix(r.URL.Path, "/capture/")
	switch {
	case r.URL.Path == "/capture" && r.Method == http.MethodPost:
		h.post(w, r)
	case r.URL.Path == "/capture" && r.Method == http.MethodOptions:
		h.options(w)
	case r.URL.Path == "/capture" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		list := []Job{}
		upTo := h.indexedUpTo(r.Context()) // one checkpoint read for every job listed
		for _, j := range h.jobs.all() {
			list = append(list, reported(j, upTo))
		}
		h.writeJSON(w, r, http.StatusOK, list)
	case isJob && id != "" && !strings.Contains(id, "/") && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		h.get(w, r, id)
	case isJob && r.Method == http.MethodOptions:
		setVersions(w.Header())
		w.Header().Set("Allow", "OPTIONS, GET, HEAD")
		w.WriteHeader(http.StatusNoContent)
	case r.URL.Path == "/events":
		// POST /events captures one event in the OpenAPI; here every capture
		// is a document, so that its context and its job are explicit.
		w.Header().Set("Allow", "OPTIONS, GET, HEAD")
		epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: "about:blank", Title: epcisapi.MethodNotAllowedTitle, Status: http.StatusMethodNotAllowed,
			Detail: "events are captured as an EPCISDocument with POST /capture"})
	case r.URL.Path == "/capture" || isJob && id != "":
		allow := "OPTIONS, POST, GET, HEAD"
		if isJob {
			allow = "OPTIONS, GET, HEAD"
		}
		w.Header().Set("Allow", allow)
		epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: "about:blank", Title: epcisapi.MethodNotAllowedTitle, Status: http.StatusMethodNotAllowed,
			Detail: r.Method + " is not served on " + r.URL.Path})
	default:
		epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: epcisapi.NoSuchResourceException, Title: "Resource not found", Status: http.StatusNotFound,
			Detail: "no capture resource at " + r.URL.Path})
	}
}

// options advertises the capture limits and behaviours.
func (h *Handler) options(w http.ResponseWriter) {
	hd := w.Header()
	setVersions(hd)
	hd.Set("Allow", "OPTIONS, POST, GET, HEAD")
	h.setLimits(hd)
	hd.Set(HeaderErrorBehaviour, "all")
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) setLimits(hd http.Header) {
	hd.Set(HeaderEventLimit, strconv.Itoa(h.limits.DocumentEvents))
	hd.Set(HeaderFileSizeLimit, strconv.FormatInt(h.limits.DocumentBytes, 10))
	hd.Set(HeaderTransactionEventLimit, strconv.Itoa(h.limits.TransactionEvents))
	hd.Set(HeaderTransactionFileSizeLimit, strconv.Itoa(h.limits.TransactionBytes))
}

// post validates a document and starts its job.
func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	isXML := false
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		isXML = err == nil && (mt == "application/xml" || mt == "text/xml")
		if err != nil || mt != "application/json" && mt != "application/ld+json" && !isXML {
			epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: "about:blank", Title: "Unsupported media type", Status: http.StatusUnsupportedMediaType,
				Detail: "capture takes application/ld+json, application/json, application/xml or text/xml, not " + excerpt(ct)})
			return
		}
	}
	behaviour := Behaviour(strings.ToLower(strings.TrimSpace(r.Header.Get(HeaderErrorBehaviour))))
	switch behaviour {
	case "":
		behaviour = Rollback
	case Rollback, Proceed:
	default:
		epcisapi.WriteProblem(w, r, invalid(HeaderErrorBehaviour+" must be rollback or proceed, not "+string(behaviour)))
		return
	}
	if r.ContentLength > h.limits.DocumentBytes {
		// Refused before a byte of it is read or counted.
		h.tooLarge(w, r, &LimitError{What: "bytes", Have: r.ContentLength, Max: h.limits.DocumentBytes})
		return
	}
	// The body's bytes are counted before they are read: its length when
	// it says, else the most a document may have.
	held := h.limits.DocumentBytes
	if r.ContentLength >= 0 {
		held = r.ContentLength
	}
	if !h.budget.reserve(held) {
		w.Header().Set("Retry-After", retryAfter)
		epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: epcisapi.ImplementationException, Title: "Capture service busy", Status: http.StatusServiceUnavailable,
			Detail: "the documents being captured fill this service's memory; try again"})
		return
	}
	defer func() { h.budget.release(held) }() // until a job takes it over
	doc, err := readDocument(w, r, held)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		h.tooLarge(w, r, &LimitError{What: "bytes", Have: r.ContentLength, Max: h.limits.DocumentBytes})
		return
	}
	if err != nil {
		// The read error is the connection's (a reset, a timeout): it says
		// nothing the client needs, and may name this server's address.
		epcisapi.WriteProblem(w, r, invalid("the document could not be read to its end"))
		return
	}
	if isXML {
		// EPCIS 2.0 or 1.2 XML becomes the EPCIS 2.0 JSON-LD document
		// that is captured, anchored and kept (docs/epcis.md, "EPCIS XML").
		doc, err = h.fromXML(doc)
		var xe *epcisxml.Error
		switch {
		case errors.As(err, &xe) && xe.Code == epcisxml.CodeTooManyEvents:
			h.tooLarge(w, r, &LimitError{What: "events", Have: int64(h.limits.DocumentEvents) + 1, Max: int64(h.limits.DocumentEvents)})
			return
		case err != nil:
			epcisapi.WriteProblem(w, r, invalid(err.Error()))
			return
		}
	}
	// A chunked body reserved the most a document may have: keep what it
	// has. An XML document's JSON form may be larger than what was
	// reserved: the difference is reserved too.
	if grow := int64(len(doc)) - held; grow > 0 && !h.budget.reserve(grow) {
		w.Header().Set("Retry-After", retryAfter)
		epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: epcisapi.ImplementationException, Title: "Capture service busy", Status: http.StatusServiceUnavailable,
			Detail: "the documents being captured fill this service's memory; try again"})
		return
	}
	h.budget.release(held - int64(len(doc)))
	held = int64(len(doc))
	if n := countEvents(doc); n > h.limits.DocumentEvents {
		h.tooLarge(w, r, &LimitError{What: "events", Have: int64(n), Max: int64(h.limits.DocumentEvents)})
		return
	}
	d, caps, err := epcis.ParseCaptureDocument(doc, h.limits.DocumentEvents)
	var ee *epcis.Error
	if errors.As(err, &ee) {
		// The detail names the first error by its JSON pointer; a sale is
		// refused here too (UNSUPPORTED at .../bizStep), as the chaincode
		// would: it goes through Sell, so buyer data never enters an event.
		epcisapi.WriteProblem(w, r, invalid(ee.Error()))
		return
	}
	if err != nil {
		epcisapi.WriteProblem(w, r, invalid(err.Error()))
		return
	}
	parts, err := plan(doc, d, caps, h.limits, behaviour == Proceed)
	var le *LimitError
	if errors.As(err, &le) {
		h.tooLarge(w, r, le)
		return
	}
	if err != nil {
		epcisapi.WriteIncident(w, r, h.log, epcisapi.Problem{Type: epcisapi.ImplementationException, Title: "Internal error", Status: http.StatusInternalServerError}, err)
		return
	}
	if err := h.keep(r.Context(), d, caps); err != nil {
		// The index's error is database text: logged, not answered.
		epcisapi.WriteIncident(w, r, h.log, epcisapi.Problem{Type: epcisapi.ImplementationException, Title: "Index unavailable", Status: http.StatusServiceUnavailable}, err)
		return
	}
	j := h.newJob(r, behaviour, len(caps), parts)
	if !h.jobs.add(j) {
		w.Header().Set("Retry-After", retryAfter)
		epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: epcisapi.ImplementationException, Title: "Too many capture jobs", Status: http.StatusServiceUnavailable,
			Detail: "every capture job held is still running; try again"})
		return
	}
	h.wg.Add(1)
	kept := held
	held = 0 // the job releases it when it finishes
	go func() {
		defer h.wg.Done()
		h.run(j, parts, kept)
	}()
	w.Header().Set("Location", "/capture/"+j.view.CaptureID)
	h.writeJSON(w, r, http.StatusAccepted, j.snapshot())
}

// readDocument reads the body of r, n bytes reserved for it: exactly its
// Content-Length into a buffer of that size (no growing copies beyond the
// reservation), or, without one, at most n bytes (a *http.MaxBytesError
// beyond them).
func readDocument(w http.ResponseWriter, r *http.Request, n int64) ([]byte, error) {
	if r.ContentLength < 0 {
		return io.ReadAll(http.MaxBytesReader(w, r.Body, n))
	}
	doc := make([]byte, n)
	if _, err := io.ReadFull(r.Body, doc); err != nil {
		return nil, err
	}
	return doc, nil
}

func (h *Handler) newJob(r *http.Request, b Behaviour, events int, parts []part) *job {
	var id [12]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails
	j := &job{done: make(chan struct{}), view: Job{
		CaptureID: "id" + hex.EncodeToString(id[:]), CreatedAt: h.stamp(), Running: true, Success: true,
		CaptureErrorBehaviour: b, Errors: []JobError{}, CapturedBy: clientSubject(r), Events: events, EventIDs: []string{},
	}}
	for _, p := range parts {
		j.view.Parts = append(j.view.Parts, Part{FirstEvent: p.first, Events: len(p.events), Status: PartPending})
	}
	return j
}

// get reports a job; ?wait=DURATION (or seconds) blocks until it finishes,
// at most maxWait, so that a client need not poll.
func (h *Handler) get(w http.ResponseWriter, r *http.Request, id string) {
	j, ok := h.jobs.get(id)
	if !ok {
		epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: epcisapi.NoSuchResourceException, Title: "Capture job not found", Status: http.StatusNotFound,
			Detail: "no capture job " + id + " (jobs are kept in memory, the most recent ones only)"})
		return
	}
	if s := r.URL.Query().Get("wait"); s != "" {
		d, err := parseWait(s)
		if err != nil {
			epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: epcisapi.QueryParameterException, Title: "Invalid query parameter", Status: http.StatusBadRequest,
				Detail: "wait: " + err.Error()})
			return
		}
		t := time.NewTimer(min(d, h.maxWait))
		select {
		case <-j.done:
		case <-t.C:
		case <-r.Context().Done():
		}
		t.Stop()
	}
	h.writeJSON(w, r, http.StatusOK, h.report(r.Context(), j))
}

func parseWait(s string) (time.Duration, error) {
	if n, err := strconv.Atoi(s); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is neither seconds nor a duration such as 30s", s)
	}
	return d, nil
}

func (h *Handler) tooLarge(w http.ResponseWriter, r *http.Request, e *LimitError) {
	h.setLimits(w.Header())
	epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: CaptureLimitExceededException, Title: "Capture payload too large", Status: http.StatusRequestEntityTooLarge,
		Detail: e.Error()})
}

func (h *Handler) stamp() string { return h.now().UTC().Format(time.RFC3339Nano) }

func invalid(detail string) epcisapi.Problem {
	return epcisapi.Problem{Type: ValidationException, Title: "Invalid EPCIS document", Status: http.StatusBadRequest, Detail: detail}
}

// countEvents counts the events of a document without decoding them, so
// that an oversized document is refused before it is parsed; -1 when it is
// not a document (ParseCapture then says why).
func countEvents(doc []byte) int {
	var d struct {
		Body struct {
			EventList []json.RawMessage `json:"eventList"`
		} `json:"epcisBody"`
	}
	if json.Unmarshal(doc, &d) != nil {
		return -1
	}
	return len(d.Body.EventList)
}

// clientSubject is the subject of the verified client certificate.
func clientSubject(r *http.Request) string {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return ""
	}
	return r.TLS.PeerCertificates[0].Subject.String()
}

func setVersions(hd http.Header) {
	hd.Set("GS1-EPCIS-Version", epcisapi.EPCISVersion)
	hd.Set("GS1-CBV-Version", epcisapi.CBVVersion)
}

func (h *Handler) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		epcisapi.WriteIncident(w, r, h.log, epcisapi.Problem{Type: epcisapi.ImplementationException, Title: "Internal error", Status: http.StatusInternalServerError}, err)
		return
	}
	setVersions(w.Header())
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}
