package epcissubscribe

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// TestASlowReceiverHoldsBackNoOtherClient: a client whose receivers answer
// only at the last moment (2xx, so backoff never slows them) holds at most
// half of the delivery slots, and its deliveries under way hold back no
// other subscription: another client's stream is delivered, again and
// again, while they hang.
func TestASlowReceiverHoldsBackNoOtherClient(t *testing.T) {
	f := newFixture(t, WithClock(time.Now), WithLogger(slog.New(slog.DiscardHandler)), WithLimits(Limits{Concurrent: 4, Poll: 20 * time.Millisecond, DeliveryTimeout: 20 * time.Second}))
	release := make(chan struct{})
	var mu sync.Mutex
	hanging, most := 0, 0
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		hanging++
		most = max(most, hanging)
		mu.Unlock()
		<-release
		mu.Lock()
		hanging--
		mu.Unlock()
	}))
	defer slow.Close()
	rc := &receiver{t: t}
	fast := httptest.NewServer(rc)
	defer fast.Close()
	const adhoc = "/queries/SimpleEventQuery/subscriptions"
	for range 4 {
		f.subscribe("slowpoke", adhoc, slow.URL, `,"stream":true`)
	}
	f.subscribe("platform", adhoc, fast.URL, `,"stream":true`)

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { f.eng.Run(ctx); close(stopped) }()
	defer func() { close(release); cancel(); <-stopped }()
	waitFor := func(events int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for len(rc.got()) < events {
			if time.Now().After(deadline) {
				t.Fatalf("the platform got %d events while the slow receivers hang, want %d", len(rc.got()), events)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	f.index(1, "shipping")
	waitFor(1)
	f.index(1, "shipping")
	waitFor(2)
	mu.Lock()
	defer mu.Unlock()
	if most > 2 {
		t.Fatalf("one client's deliveries held %d of 4 slots at once", most)
	}
}
