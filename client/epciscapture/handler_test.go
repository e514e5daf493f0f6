package epciscapture_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epciscapture"
	"github.com/tracechain/tracechain/client/eventindex"
)

// ledger is a fake CaptureEvents: it commits each document in the next
// block when its commit is awaited, or refuses the documents that refuse
// says when they are sent. With hold set, the commit of send n waits until
// hold(n) is closed (or the context ends, leaving its outcome unknown).
type ledger struct {
	mu     sync.Mutex
	block  uint64
	docs   [][]byte
	refuse func(n int, doc []byte) error // n: 0-based send number
	hold   func(n int) <-chan struct{}
	// sameBlock puts every commit in block 1, as a block that holds
	// several parts in flight together.
	sameBlock bool
	// lost makes the commit of send n end unknown, as a commit status that
	// never came.
	lost func(n int) bool
	// sends and commits, when set, receive the number of each send and of
	// each commit.
	sends, commits chan int
}

func (l *ledger) SendCaptureDocument(_ context.Context, doc []byte, _ ...client.CaptureOption) (client.AwaitCapture, error) {
	l.mu.Lock()
	n := len(l.docs)
	l.docs = append(l.docs, doc)
	l.mu.Unlock()
	if l.sends != nil {
		l.sends <- n
	}
	if l.refuse != nil {
		if err := l.refuse(n, doc); err != nil {
			return nil, err
		}
	}
	ids, err := epcis.DocumentHashes(doc)
	if err != nil {
		return nil, err
	}
	txID := fmt.Sprintf("tx%d", n+1)
	return func(ctx context.Context) (*client.CaptureCommit, error) {
		if l.hold != nil {
			select {
			case <-l.hold(n):
			case <-ctx.Done():
				return nil, &client.OutcomeUnknownError{TxID: txID, Err: ctx.Err()}
			}
		}
		if l.lost != nil && l.lost(n) {
			return nil, &client.OutcomeUnknownError{TxID: txID, Err: errors.New("no commit status before the deadline")}
		}
		l.mu.Lock()
		if !l.sameBlock || l.block == 0 {
			l.block++
		}
		block := l.block
		l.mu.Unlock()
		if l.commits != nil {
			l.commits <- n
		}
		return &client.CaptureCommit{CaptureResult: model.CaptureResult{EventIDs: ids, TxID: txID}, BlockNumber: block}, nil
	}, nil
}

func commissioning(serial string) string {
	return `{"type":"ObjectEvent","eventTime":"2026-03-01T08:00:00.000+08:00","eventTimeZoneOffset":"+08:00",` +
		`"epcList":["https://id.gs1.org/01/06901234000016/21/` + serial + `"],"action":"ADD","bizStep":"commissioning",` +
		`"ilmd":{"cbvmda:lotNumber":"L1"},"example:site":"north"}`
}

func document(events ...string) string {
	return `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"https://ns.example.com/epcis/"}],` +
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-01T00:00:00Z","epcisBody":{"eventList":[` +
		strings.Join(events, ",") + `]}}`
}

func units(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = commissioning(fmt.Sprintf("S%d", i))
	}
	return out
}

type service struct {
	srv     *httptest.Server
	ledger  *ledger
	index   *eventindex.Store
	handler *epciscapture.Handler
}

func newService(t *testing.T, l *ledger, opts ...epciscapture.Option) *service {
	t.Helper()
	idx, err := eventindex.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "epcis.db"))
	require.NoError(t, err)
	h := epciscapture.New(l, append([]epciscapture.Option{epciscapture.WithIndex(idx)}, opts...)...)
	srv := httptest.NewServer(epcisapi.New(idx, epcisapi.WithCapture(h)))
	t.Cleanup(func() { srv.Close(); h.Close(); _ = idx.Close() })
	return &service{srv: srv, ledger: l, index: idx, handler: h}
}

func (s *service) post(t *testing.T, doc string, header map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/capture", strings.NewReader(doc))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/ld+json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := s.srv.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// capture posts doc and waits for its job.
func (s *service) capture(t *testing.T, doc string, header map[string]string) epciscapture.Job {
	t.Helper()
	resp := s.post(t, doc, header)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, body(t, resp))
	loc := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, "/capture/id"), loc)
	return s.job(t, loc+"?wait=10s")
}

func (s *service) job(t *testing.T, path string) epciscapture.Job {
	t.Helper()
	resp, err := s.srv.Client().Get(s.srv.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var j epciscapture.Job
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&j))
	require.False(t, j.Running, "?wait returns the finished job")
	return j
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func problem(t *testing.T, resp *http.Response) epcisapi.Problem {
	t.Helper()
	assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	var p epcisapi.Problem
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
	return p
}

// feed stands in for the feeder (package epcisfeed, which has its own
// tests): it indexes the kept copies of eventIDs as block's events and
// moves the checkpoint there.
func (s *service) feed(t *testing.T, block uint64, txID string, eventIDs ...string) {
	t.Helper()
	ctx := context.Background()
	var entries []eventindex.Entry
	for _, id := range eventIDs {
		k, ok, err := s.index.KeptEvent(ctx, id)
		require.NoError(t, err)
		require.True(t, ok, "%s is kept", id)
		entries = append(entries, eventindex.Entry{TxID: txID, Event: k.Event, Context: k.Context})
	}
	require.NoError(t, s.index.Index(ctx, block, entries))
}

func TestCaptureCommitsAndKeeps(t *testing.T) {
	s := newService(t, &ledger{})
	doc := document(units(3)...)
	j := s.capture(t, doc, nil)
	want, err := epcis.DocumentHashes([]byte(doc))
	require.NoError(t, err)
	assert.True(t, j.Success)
	assert.Equal(t, epciscapture.Rollback, j.CaptureErrorBehaviour)
	assert.Equal(t, want, j.EventIDs)
	require.NotNil(t, j.Block)
	assert.Equal(t, uint64(1), *j.Block)
	assert.Equal(t, "tx1", j.TxID)
	assert.Empty(t, j.Errors)
	require.Len(t, j.Parts, 1)
	assert.False(t, j.Parts[0].Indexed, "the feeder has not reached block 1")
	assert.Equal(t, []string{doc}, []string{string(s.ledger.docs[0])}, "a document that fits one transaction goes to the ledger as posted")

	k, ok, err := s.index.KeptEvent(context.Background(), want[1])
	require.NoError(t, err)
	require.True(t, ok)
	assert.JSONEq(t, units(3)[1], string(k.Event), "the event is kept as posted")
	_, indexed, err := s.index.Checkpoint(context.Background())
	require.NoError(t, err)
	assert.False(t, indexed, "the handler never moves the feeder's checkpoint")

	// Once the feeder has passed the block, the job says so, and the query
	// side finds the kept event and proves it.
	s.feed(t, 1, "tx1", want...)
	j = s.job(t, "/capture/"+j.CaptureID)
	assert.True(t, j.Parts[0].Indexed)
	resp, err := s.srv.Client().Get(s.srv.URL + "/events?EQ_bizStep=commissioning&MATCH_epc=" + "https://id.gs1.org/01/06901234000016/21/S2")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	qd, err := epcis.ParseDocument(b)
	require.NoError(t, err)
	list := qd.Events()
	require.Len(t, list, 1)
	ev, at, err := epcisapi.Unannotate(list[0].Raw)
	require.NoError(t, err)
	assert.Equal(t, epcisapi.Ledger{Block: 1, TxID: "tx1"}, at)
	ctx, err := epcis.ParseContext(qd.Context)
	require.NoError(t, err)
	id, err := epcis.EventHash(ev, ctx)
	require.NoError(t, err)
	assert.Equal(t, want[2], id)

	all := s.job(t, "/capture/"+j.CaptureID)
	assert.Equal(t, j, all, "the job is kept")
}

func TestCaptureRefusals(t *testing.T) {
	sale := `{"type":"ObjectEvent","eventTime":"2026-03-01T08:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/06901234000016/21/S1"],"action":"OBSERVE","bizStep":"retail_selling"}`
	transformation := `{"type":"TransformationEvent","eventTime":"2026-03-01T08:00:00Z","eventTimeZoneOffset":"+00:00"}`
	limits := epciscapture.DefaultLimits
	limits.DocumentBytes, limits.DocumentEvents = 5000, 5
	for _, tc := range []struct {
		name, doc string
		header    map[string]string
		status    int
		typ       string
		detail    string
	}{
		{"not JSON", `{"type":`, nil, 400, epciscapture.ValidationException, "SYNTAX"},
		{"a bad eventTime", document(strings.Replace(commissioning("A"), "2026-03-01T08:00:00.000+08:00", "yesterday", 1)), nil, 400,
			epciscapture.ValidationException, "INVALID_TIME at /epcisBody/eventList/0/eventTime"},
		{"the first of two errors", document(commissioning("A"), transformation, transformation), nil, 400,
			epciscapture.ValidationException, "/epcisBody/eventList/1/type"},
		{"a sale", document(sale), nil, 400, epciscapture.ValidationException, "record it with Sell"},
		{"a query document", strings.Replace(document(commissioning("A")), `"EPCISDocument"`, `"EPCISQueryDocument"`, 1), nil, 400, epciscapture.ValidationException, "/type"},
		{"an unknown behaviour", document(commissioning("A")), map[string]string{"GS1-Capture-Error-Behaviour": "maybe"}, 400, epciscapture.ValidationException, "rollback or proceed"},
		{"too many bytes", document(units(30)...), nil, 413, epciscapture.CaptureLimitExceededException, "at most 5000 per document"},
		{"too many events", document(units(6)...), nil, 413, epciscapture.CaptureLimitExceededException, "6 events"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newService(t, &ledger{}, epciscapture.WithLimits(limits))
			resp := s.post(t, tc.doc, tc.header)
			require.Equal(t, tc.status, resp.StatusCode)
			p := problem(t, resp)
			assert.Equal(t, tc.typ, p.Type)
			assert.Contains(t, p.Detail, tc.detail)
			if tc.status == 413 {
				assert.Equal(t, "5", resp.Header.Get("GS1-EPCIS-Capture-Limit"))
			}
			assert.Empty(t, s.ledger.docs, "nothing reaches the ledger")
		})
	}
}

func TestCaptureOptions(t *testing.T) {
	s := newService(t, &ledger{})
	req, err := http.NewRequest(http.MethodOptions, s.srv.URL+"/capture", nil)
	require.NoError(t, err)
	resp, err := s.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	for k, v := range map[string]string{
		"GS1-EPCIS-Capture-Limit": "10000", "GS1-EPCIS-Capture-File-Size-Limit": "67108864", "GS1-Capture-Error-Behaviour": "all",
		"Tracechain-Transaction-Capture-Limit": "1000", "Tracechain-Transaction-File-Size-Limit": "4194304",
		"GS1-EPCIS-Version": "2.0.0", "Allow": "OPTIONS, POST, GET, HEAD",
	} {
		assert.Equal(t, v, resp.Header.Get(k), k)
	}
	resp2, err := s.srv.Client().Get(s.srv.URL + "/capture/idnope")
	require.NoError(t, err)
	defer resp2.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp2.StatusCode)
	assert.Equal(t, epcisapi.NoSuchResourceException, problem(t, resp2).Type)
}

func TestCaptureLedgerRefusal(t *testing.T) {
	l := &ledger{refuse: func(int, []byte) error {
		return &client.ChaincodeError{Code: model.CodeNotHolder, Message: "event 1 (/epcisBody/eventList/1, Ship): not the holder", Subject: "/epcisBody/eventList/1/epcList/0", TxID: "tx9"}
	}}
	s := newService(t, l)
	j := s.capture(t, document(units(2)...), nil)
	assert.False(t, j.Success)
	require.Len(t, j.Errors, 1)
	e := j.Errors[0]
	assert.Equal(t, epciscapture.ValidationException, e.Type)
	assert.Equal(t, http.StatusForbidden, e.Status)
	assert.Equal(t, "NOT_HOLDER", e.Code)
	assert.Equal(t, "/epcisBody/eventList/1/epcList/0", e.Subject)
	assert.Empty(t, j.EventIDs)
	assert.Equal(t, epciscapture.PartFailed, j.Parts[0].Status)
	assert.False(t, j.Parts[0].Indexed)
}

func TestCaptureSplits(t *testing.T) {
	limits := epciscapture.DefaultLimits
	limits.TransactionEvents = 4
	doc := document(units(10)...)
	want, err := epcis.DocumentHashes([]byte(doc))
	require.NoError(t, err)

	t.Run("rollback refuses a document above one transaction", func(t *testing.T) {
		s := newService(t, &ledger{}, epciscapture.WithLimits(limits))
		resp := s.post(t, doc, nil)
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		p := problem(t, resp)
		assert.Equal(t, epciscapture.CaptureLimitExceededException, p.Type)
		assert.Contains(t, p.Detail, "10 events, one transaction takes at most 4")
		assert.Empty(t, s.ledger.docs)
	})
	t.Run("proceed splits in order", func(t *testing.T) {
		s := newService(t, &ledger{}, epciscapture.WithLimits(limits))
		j := s.capture(t, doc, map[string]string{"GS1-Capture-Error-Behaviour": "proceed"})
		assert.True(t, j.Success)
		assert.Equal(t, want, j.EventIDs)
		require.Len(t, j.Parts, 3)
		blocks := map[uint64]bool{}
		for i, p := range j.Parts {
			assert.Equal(t, 4*i, p.FirstEvent)
			require.NotNil(t, p.Block)
			blocks[*p.Block] = true
		}
		assert.Len(t, blocks, 3, "one block per part")
		assert.Equal(t, 2, j.Parts[2].Events)
		assert.Nil(t, j.Block, "several transactions: see the parts")
		for _, id := range want {
			_, ok, err := s.index.KeptEvent(context.Background(), id)
			assert.NoError(t, err)
			assert.True(t, ok, "every event is kept before its part is sent")
		}
		s.feed(t, 2, "tx2")
		j = s.job(t, "/capture/"+j.CaptureID)
		for i, p := range j.Parts {
			assert.Equal(t, *p.Block <= 2, p.Indexed, "part %d in block %d: indexed once the feeder has passed its block", i, *p.Block)
		}
	})
	t.Run("proceed goes on after a failed part", func(t *testing.T) {
		l := &ledger{refuse: func(n int, _ []byte) error {
			if n == 1 {
				return &client.ChaincodeError{Code: model.CodeDuplicate, Message: "event 2: already captured", Subject: "/epcisBody/eventList/2"}
			}
			return nil
		}}
		s := newService(t, l, epciscapture.WithLimits(limits))
		j := s.capture(t, doc, map[string]string{"GS1-Capture-Error-Behaviour": "proceed"})
		assert.False(t, j.Success)
		assert.Equal(t, []epciscapture.PartStatus{epciscapture.PartCommitted, epciscapture.PartFailed, epciscapture.PartCommitted},
			[]epciscapture.PartStatus{j.Parts[0].Status, j.Parts[1].Status, j.Parts[2].Status})
		assert.Equal(t, "/epcisBody/eventList/6", j.Errors[0].Subject, "the pointer names the event in the posted document")
		assert.Equal(t, http.StatusConflict, j.Errors[0].Status)
		assert.Equal(t, append(append([]string{}, want[:4]...), want[8:]...), j.EventIDs)
		s.feed(t, 3, "tx3")
		j = s.job(t, "/capture/"+j.CaptureID)
		assert.False(t, j.Parts[1].Indexed, "a failed part is never indexed")
	})
}

// brokenIndex cannot keep anything.
type brokenIndex struct{}

func (brokenIndex) Keep(context.Context, []eventindex.Kept) error { return errors.New("disk full") }
func (brokenIndex) Checkpoint(context.Context) (uint64, bool, error) {
	return 0, false, errors.New("disk full")
}

// TestCaptureNeedsTheKeptCopy sends nothing when the verbatim copy cannot
// be kept: the feeder would index the ledger's summary in its place.
func TestCaptureNeedsTheKeptCopy(t *testing.T) {
	l := &ledger{}
	var log bytes.Buffer
	h := epciscapture.New(l, epciscapture.WithIndex(brokenIndex{}), epciscapture.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	s := &service{srv: srv, ledger: l}
	resp := s.post(t, document(units(1)...), nil)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	p := problem(t, resp)
	assert.Equal(t, epcisapi.ImplementationException, p.Type)
	// The index's own words are logged under a reference, and only the
	// reference is answered.
	assert.NotContains(t, p.Detail, "disk full")
	ref := regexp.MustCompile(`ref=([0-9a-f]{16})`).FindStringSubmatch(log.String())
	require.NotNil(t, ref, "logged with a reference: %q", log.String())
	assert.Contains(t, log.String(), "disk full")
	assert.Contains(t, p.Detail, ref[1])
	assert.Empty(t, l.docs, "nothing was sent to the ledger")
}

// sentCount is the number of documents sent so far.
func (l *ledger) sentCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.docs)
}
