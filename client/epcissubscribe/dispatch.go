package epcissubscribe

import (
	"context"
	"sync"
)

// dispatch runs deliveries in at most Limits.Concurrent slots, at most half
// of them (Limits.Concurrent / 2, at least one) for the subscriptions of one
// client, and never two of one subscription at once.
//
// Why: a delivery may take up to Limits.DeliveryTimeout, and a receiver that
// answers 2xx just before it never fails, so backoff never slows it down. If
// a step waited for all its deliveries, and one client's subscriptions could
// take every slot, that client would hold back every other subscription of
// the service by the slowest of its receivers; here a slow delivery holds
// only its own slot, and one client at most half of them.
type dispatch struct {
	slots    chan struct{}
	perOwner int

	mu       sync.Mutex
	inflight map[string]bool // subscription IDs being delivered
	owners   map[string]int  // deliveries in flight per owner
}

func newDispatch(concurrent int) *dispatch {
	return &dispatch{slots: make(chan struct{}, concurrent), perOwner: max(1, concurrent/2),
		inflight: map[string]bool{}, owners: map[string]int{}}
}

// claim marks sub as being delivered, unless it already is or its owner
// has its share of the slots in flight.
func (d *dispatch) claim(sub *Subscription) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.inflight[sub.ID] || d.owners[sub.Owner] >= d.perOwner {
		return false
	}
	d.inflight[sub.ID] = true
	d.owners[sub.Owner]++
	return true
}

func (d *dispatch) done(sub *Subscription) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.inflight, sub.ID)
	if d.owners[sub.Owner]--; d.owners[sub.Owner] <= 0 {
		delete(d.owners, sub.Owner)
	}
}

// launch starts, in due order, the deliveries of the subscriptions due now
// that the shares allow, each in its own goroutine once a slot is free
// (waiting for one), and returns how many it started; wg counts them and
// finished, when not nil, hears of each as it ends.
func (e *Engine) launch(ctx context.Context, wg *sync.WaitGroup, finished chan<- struct{}) int {
	subs, err := e.store.due(ctx, e.now(), stepBatch)
	if err != nil {
		e.log.Error("epcis subscriptions: reading due subscriptions", "error", err)
		return 0
	}
	n := 0
	for i := range subs {
		sub := &subs[i]
		if !e.dispatch.claim(sub) {
			continue
		}
		select {
		case e.dispatch.slots <- struct{}{}:
		case <-ctx.Done():
			e.dispatch.done(sub)
			return n
		}
		n++
		wg.Go(func() {
			delivered := false
			defer func() {
				<-e.dispatch.slots
				e.dispatch.done(sub)
				if delivered && finished != nil { // a look that delivered nothing is no reason to look again at once
					select {
					case finished <- struct{}{}:
					default:
					}
				}
			}()
			delivered = e.deliverIfDue(ctx, sub.ID)
		})
	}
	return n
}

// deliverIfDue processes the subscription as it is stored now: the list
// launch read may be older than a delivery of it that ended since, or than
// its owner's delete or resume. It reports whether it processed it.
func (e *Engine) deliverIfDue(ctx context.Context, id string) bool {
	sub, ok, err := e.store.subscription(ctx, id)
	if err != nil {
		e.log.Error("epcis subscriptions: reading a subscription", "subscription", id, "error", err)
		return false
	}
	if !ok || sub.Suspended || sub.Due.After(e.now()) {
		return false
	}
	e.process(ctx, &sub)
	return true
}
