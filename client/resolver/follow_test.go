package resolver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/client/resolver/resolvertest"
)

// TestFollowAnswersAPackedContainerOnceItsBlockCommits: a case scanned
// before Pack created it is cached as unknown; the Packed event of the
// block that creates it makes the next scan ask the ledger again, long
// before the cache's TTL. Unpack does the same for the children.
func TestFollowAnswersAPackedContainerOnceItsBlockCommits(t *testing.T) {
	container := "https://id.gs1.org/00/" + sscc
	v := resolvertest.New(model.Verification{Code: unitURI, Verdict: model.VerdictGenuine, Class: model.ClassUnit})
	h := newResolver(v, resolver.WithCacheTTL(time.Hour))
	src := resolvertest.NewEvents()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		h.Follow(ctx, src, io.Discard)
	}()
	<-src.Opened()

	verdict := func(code string) model.Verdict {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/verify?code="+url.QueryEscape(code), nil))
		require.Equal(t, http.StatusOK, w.Code)
		a, _ := decodeAnswer(t, w)
		return a.Verdict
	}
	assert.Equal(t, model.VerdictUnknown, verdict(container), "scanned before it was packed")
	v.Set(model.Verification{Code: container, Verdict: model.VerdictGenuine, Class: model.ClassContainer})
	assert.Equal(t, model.VerdictUnknown, verdict(container), "cached")

	require.NoError(t, src.Send(ctx, model.Event{Type: model.EventPacked, Container: container, Count: 1, Codes: []string{unitURI}}))
	assert.Equal(t, model.VerdictGenuine, verdict(container), "the Packed event forgot the cached unknown")

	calls := v.Calls()
	verdict(unitURI)
	require.NoError(t, src.Send(ctx, model.Event{Type: model.EventUnpacked, Container: container, Count: 1, Codes: []string{unitURI}}))
	verdict(unitURI)
	verdict(container)
	assert.Equal(t, calls+3, v.Calls(), "Unpacked forgot the child and its container")

	// A broken stream reopens with an empty cache: a missed Packed event
	// cannot leave a stale unknown behind.
	v.Set(model.Verification{Code: container, Verdict: model.VerdictDecommissioned, Class: model.ClassContainer})
	require.NoError(t, src.Fail(ctx, errors.New("stream broken")))
	require.Eventually(t, func() bool { return verdict(container) == model.VerdictDecommissioned }, 5*time.Second, 50*time.Millisecond)

	cancel()
	<-followed
}

// TestFollowSubscribesToEveryEventThatChangesAnAnswer: the stream asks for
// the event types Invalidates acts on, Packed and Unpacked among them.
func TestFollowSubscribesToEveryEventThatChangesAnAnswer(t *testing.T) {
	h := resolver.New(resolvertest.New())
	src := resolvertest.NewEvents()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.Follow(ctx, src, io.Discard) }()
	<-src.Opened()
	types := src.Types()
	cancel()
	<-done
	for _, typ := range []string{model.EventCommissioned, model.EventLotCommissioned, model.EventLotSplit, model.EventPacked,
		model.EventUnpacked, model.EventShipped, model.EventReceived, model.EventRejected, model.EventSold, model.EventRecalled,
		model.EventDecommissioned, model.EventAlertDecided, model.EventCaptured, model.EventMemberUpdated, model.EventProductUpdated} {
		assert.True(t, slices.Contains(types, typ), typ)
	}
	assert.NotContains(t, types, model.EventCloneAlert, "a report changes no verdict until it is decided")
}
