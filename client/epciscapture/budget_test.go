package epciscapture_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epciscapture"
)

// TestCaptureMemoryIsBounded: the documents being read or held by
// unfinished jobs stay within the memory budget; beyond it a POST is
// answered 503 with Retry-After, and once a job finishes its bytes are
// free for the next one.
func TestCaptureMemoryIsBounded(t *testing.T) {
	docs := []string{document(commissioning("A")), document(commissioning("B")), document(commissioning("C"))}
	size := int64(len(docs[0]))
	g := newGates(3)
	l := &ledger{hold: g.hold, sends: make(chan int, 3)}
	s := newService(t, l, epciscapture.WithMemoryBudget(2*size))

	first := s.postJob(t, docs[0], nil)
	received(t, l.sends, 1) // it runs, and its commit is held
	second := s.postJob(t, docs[1], nil)
	// Two documents fill the budget: the first awaits its commit, the
	// second its turn.
	resp := s.post(t, docs[2], nil)
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	p := problem(t, resp)
	assert.Equal(t, epcisapi.ImplementationException, p.Type)
	assert.Equal(t, http.StatusServiceUnavailable, p.Status)
	assert.Equal(t, "/capture", p.Instance)
	assert.Equal(t, 1, l.sentCount(), "the refused document went nowhere")

	close(g[0])
	assert.True(t, s.job(t, first+"?wait=10s").Success)
	third := s.postJob(t, docs[2], nil) // the first job's bytes are free
	close(g[1])
	close(g[2])
	assert.True(t, s.job(t, second+"?wait=10s").Success)
	assert.True(t, s.job(t, third+"?wait=10s").Success)

	t.Run("a_refused_document_takes_nothing", func(t *testing.T) {
		// Refusals at every step give their bytes back: a full budget's
		// worth of invalid documents leaves room for a valid one.
		s := newService(t, &ledger{}, epciscapture.WithMemoryBudget(size))
		for range 3 {
			assert.Equal(t, http.StatusBadRequest, s.post(t, docs[0][:size-1], nil).StatusCode)
		}
		assert.True(t, s.capture(t, docs[0], nil).Success)
	})

	t.Run("a_body_without_a_length_holds_a_whole_document_while_it_is_read", func(t *testing.T) {
		limits := epciscapture.DefaultLimits
		limits.DocumentBytes = 4 * size
		g := newGates(3)
		l := &ledger{hold: g.hold, sends: make(chan int, 3)}
		s := newService(t, l, epciscapture.WithLimits(limits), epciscapture.WithMemoryBudget(limits.DocumentBytes+size))
		reading, proceed := make(chan struct{}), make(chan struct{})
		chunked := httptest.NewRequest(http.MethodPost, "/capture", &gatedReader{doc: docs[0], reading: reading, proceed: proceed})
		require.EqualValues(t, -1, chunked.ContentLength)
		w := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { defer close(done); s.handler.ServeHTTP(w, chunked) }()
		<-reading
		// DocumentBytes are held for the body being read: room for one
		// byte less than another document.
		small := s.post(t, docs[1], nil)
		assert.Equal(t, http.StatusAccepted, small.StatusCode, "size bytes fit beside it")
		received(t, l.sends, 1)
		assert.Equal(t, http.StatusServiceUnavailable, s.post(t, docs[2], nil).StatusCode, "the budget is full")
		close(proceed)
		<-done
		require.Equal(t, http.StatusAccepted, w.Code, w.Body.String())
		// Once read, the chunked document holds its own size only.
		assert.Equal(t, http.StatusAccepted, s.post(t, docs[2], nil).StatusCode)
		for _, c := range g {
			close(c)
		}
	})

	t.Run("a_budget_below_the_document_limit_lowers_it", func(t *testing.T) {
		s := newService(t, &ledger{}, epciscapture.WithMemoryBudget(size-1))
		resp := s.post(t, docs[0], nil)
		require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "never a 503 that no wait can cure")
		assert.Equal(t, epciscapture.CaptureLimitExceededException, problem(t, resp).Type)
		assert.Equal(t, strconv.FormatInt(size-1, 10), resp.Header.Get("GS1-EPCIS-Capture-File-Size-Limit"))
	})
}

// gatedReader is a request body without a length that, on its first read,
// says so on reading and waits for proceed before giving doc.
type gatedReader struct {
	doc              string
	off              int
	reading, proceed chan struct{}
}

func (r *gatedReader) Read(p []byte) (int, error) {
	if r.off == 0 {
		close(r.reading)
		select {
		case <-r.proceed:
		case <-time.After(10 * time.Second):
			return 0, io.ErrUnexpectedEOF
		}
	}
	if r.off >= len(r.doc) {
		return 0, io.EOF
	}
	n := copy(p, r.doc[r.off:])
	r.off += n
	return n, nil
}
