package epciscapture_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epciscapture"
)

var proceed = map[string]string{"GS1-Capture-Error-Behaviour": "proceed"}

// gates holds the commit of each send until its channel is closed.
type gates []chan struct{}

func newGates(n int) gates {
	g := make(gates, n)
	for i := range g {
		g[i] = make(chan struct{})
	}
	return g
}

func (g gates) hold(n int) <-chan struct{} { return g[n] }

// pipelined is a service whose ledger reports each send and holds each
// commit, over a 10-event document cut into parts of 4, 4 and 2 events.
func pipelined(t *testing.T, inFlight int, l *ledger) (*service, string) {
	t.Helper()
	limits := epciscapture.DefaultLimits
	limits.TransactionEvents = 4
	l.sends = make(chan int, 3)
	return newService(t, l, epciscapture.WithLimits(limits), epciscapture.WithInFlight(inFlight)), document(units(10)...)
}

// postJob posts doc and returns the path of its job.
func (s *service) postJob(t *testing.T, doc string, header map[string]string) string {
	t.Helper()
	resp := s.post(t, doc, header)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, body(t, resp))
	return resp.Header.Get("Location")
}

func received(t *testing.T, sends <-chan int, n int) {
	t.Helper()
	for range n {
		select {
		case <-sends:
		case <-time.After(10 * time.Second):
			t.Fatal("a part was not sent or committed")
		}
	}
}

// notSent fails when a part is sent within a moment.
func notSent(t *testing.T, sends <-chan int, when string) {
	t.Helper()
	select {
	case n := <-sends:
		t.Fatalf("part %d sent %s", n, when)
	case <-time.After(50 * time.Millisecond):
	}
}

func statuses(j epciscapture.Job) []epciscapture.PartStatus {
	out := make([]epciscapture.PartStatus, len(j.Parts))
	for i, p := range j.Parts {
		out[i] = p.Status
	}
	return out
}

func TestCapturePipelinesPartsAndReportsThemInOrder(t *testing.T) {
	g := newGates(3)
	l := &ledger{hold: g.hold, commits: make(chan int, 3)}
	s, doc := pipelined(t, 3, l)
	want, err := epcis.DocumentHashes([]byte(doc))
	require.NoError(t, err)
	loc := s.postJob(t, doc, proceed)
	received(t, l.sends, 3) // all three are in flight before any commits
	// The commits arrive last part first.
	for _, i := range []int{2, 1, 0} {
		close(g[i])
		received(t, l.commits, 1)
	}
	j := s.job(t, loc+"?wait=10s")
	assert.True(t, j.Success)
	assert.Equal(t, want, j.EventIDs, "the eventIDs in document order")
	var blocks []uint64
	for i, p := range j.Parts {
		assert.Equal(t, 4*i, p.FirstEvent)
		assert.Equal(t, want[4*i:4*i+p.Events], p.EventIDs)
		blocks = append(blocks, *p.Block)
	}
	assert.Equal(t, []uint64{3, 2, 1}, blocks)
}

func TestCaptureKeepsAtMostInFlightPartsSent(t *testing.T) {
	g := newGates(3)
	l := &ledger{hold: g.hold}
	s, doc := pipelined(t, 2, l)
	loc := s.postJob(t, doc, proceed)
	received(t, l.sends, 2)
	notSent(t, l.sends, "while two were awaiting their commit")
	close(g[1])
	received(t, l.sends, 1) // a commit frees a place in the window
	close(g[0])
	close(g[2])
	assert.True(t, s.job(t, loc+"?wait=10s").Success)
}

// TestCapturePartsSharingABlockAreIndexedTogether: parts in flight together
// may commit in one block; once the feeder passes it, every part is indexed.
func TestCapturePartsSharingABlockAreIndexedTogether(t *testing.T) {
	s, doc := pipelined(t, 3, &ledger{sameBlock: true})
	want, err := epcis.DocumentHashes([]byte(doc))
	require.NoError(t, err)
	j := s.capture(t, doc, proceed)
	assert.True(t, j.Success)
	for _, p := range j.Parts {
		assert.Equal(t, uint64(1), *p.Block)
		assert.False(t, p.Indexed, "the feeder has not reached block 1")
	}
	s.feed(t, 1, "tx1", want...)
	j = s.job(t, "/capture/"+j.CaptureID)
	for i, p := range j.Parts {
		assert.True(t, p.Indexed, "part %d", i)
	}
	for _, id := range want {
		_, err := s.index.Event(context.Background(), id)
		assert.NoError(t, err, "every part of the block is in the index, not only the first")
	}
}

func TestCaptureReportsAnUnknownOutcome(t *testing.T) {
	s, doc := pipelined(t, 3, &ledger{lost: func(n int) bool { return n == 1 }})
	want, err := epcis.DocumentHashes([]byte(doc))
	require.NoError(t, err)
	j := s.capture(t, doc, proceed)
	assert.False(t, j.Success)
	assert.Equal(t, []epciscapture.PartStatus{epciscapture.PartCommitted, epciscapture.PartUnknown, epciscapture.PartCommitted}, statuses(j))
	require.Len(t, j.Errors, 1)
	e := j.Errors[0]
	assert.Equal(t, "Outcome unknown", e.Title)
	assert.Equal(t, http.StatusGatewayTimeout, e.Status)
	assert.Equal(t, "tx2", e.TxID, "the transaction to look up")
	assert.Equal(t, epcisapi.ImplementationException, e.Type)
	assert.Equal(t, append(append([]string{}, want[:4]...), want[8:]...), j.EventIDs, "the parts after it went on")
	assert.False(t, j.Parts[1].Indexed)
}

func TestCaptureCloseDuringARun(t *testing.T) {
	l := &ledger{hold: newGates(3).hold} // no commit ever arrives
	s, doc := pipelined(t, 2, l)
	loc := s.postJob(t, doc, proceed)
	received(t, l.sends, 2)
	s.handler.Close() // returns once the job has settled
	j := s.job(t, loc)
	assert.False(t, j.Success)
	assert.Equal(t, []epciscapture.PartStatus{epciscapture.PartUnknown, epciscapture.PartUnknown, epciscapture.PartPending}, statuses(j),
		"sent parts may have committed; the unsent one did not")
	require.NotNil(t, j.Parts[2].Error)
	assert.Contains(t, j.Parts[2].Error.Detail, "before this part was sent")
	assert.Equal(t, 2, l.sentCount(), "nothing is sent after Close")
	assert.NotEmpty(t, j.FinishedAt)
	assert.False(t, strings.Contains(j.Parts[0].Error.Detail, "before this part was sent"))
}

// TestCaptureSendsADependentPartAfterTheOthers: a part with other events
// than commissioning may need what earlier parts do, and endorsers see only
// committed state, so it waits for every earlier part.
func TestCaptureSendsADependentPartAfterTheOthers(t *testing.T) {
	g := newGates(3)
	l := &ledger{hold: g.hold, commits: make(chan int, 3)}
	s, _ := pipelined(t, 3, l)
	decommission := `{"type":"ObjectEvent","eventTime":"2026-03-01T09:00:00.000+08:00","eventTimeZoneOffset":"+08:00",` +
		`"epcList":["https://id.gs1.org/01/06901234000016/21/S0"],"action":"DELETE","bizStep":"decommissioning","disposition":"destroyed"}`
	loc := s.postJob(t, document(append(units(8), decommission)...), proceed)
	received(t, l.sends, 2)
	close(g[1])
	received(t, l.commits, 1)
	notSent(t, l.sends, "before part 0 committed")
	close(g[0])
	received(t, l.commits, 1)
	received(t, l.sends, 1)
	close(g[2])
	j := s.job(t, loc+"?wait=10s")
	assert.True(t, j.Success, "%+v", j.Errors)
	assert.Len(t, j.Parts, 3)
}
