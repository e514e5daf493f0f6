package epcissubscribe

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/eventindex"
)

// Events is what the engine reads; *eventindex.Store satisfies it.
type Events interface {
	Follow(ctx context.Context, q eventindex.Query, from eventindex.Position, limit int) ([]eventindex.Record, eventindex.Position, error)
	Checkpoint(ctx context.Context) (block uint64, indexed bool, err error)
}

// Limits bounds what subscribers can make the service do.
type Limits struct {
	SubscriptionsPerClient int           // default 20
	Subscriptions          int           // of the whole service; default 1000
	QueriesPerClient       int           // named queries; default 50
	EventsPerDelivery      int           // default 500, at most eventindex.MaxPerPage
	DeliveryBytes          int           // a delivery's body; default 8 MiB
	DeliveryTimeout        time.Duration // one POST, connect to answer; default 30 s
	BackoffMin, BackoffMax time.Duration // default 1 s and 10 min
	RetryHorizon           time.Duration // failing longer suspends; default 72 h
	Poll                   time.Duration // how often a stream looks for new events; default 1 s
	Concurrent             int           // deliveries at once, half of them at most for one client's subscriptions; default 8
}

func (l *Limits) defaults() {
	set := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	setD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	set(&l.SubscriptionsPerClient, 20)
	set(&l.Subscriptions, 1000)
	set(&l.QueriesPerClient, 50)
	set(&l.EventsPerDelivery, 500)
	l.EventsPerDelivery = min(l.EventsPerDelivery, eventindex.MaxPerPage)
	set(&l.DeliveryBytes, 8<<20)
	set(&l.Concurrent, 8)
	setD(&l.DeliveryTimeout, 30*time.Second)
	setD(&l.BackoffMin, time.Second)
	setD(&l.BackoffMax, 10*time.Minute)
	setD(&l.RetryHorizon, 72*time.Hour)
	setD(&l.Poll, time.Second)
}

// Engine keeps the subscriptions, serves their resources (Handler) and
// delivers their events (Step, Run).
type Engine struct {
	store    *Store
	events   Events
	limits   Limits
	policy   DestPolicy
	client   *http.Client
	dispatch *dispatch
	now      func() time.Time
	log      *slog.Logger
	who      func(*http.Request) (string, error)
	mu       sync.Mutex // serialises creations and query deletions, so the per-client bounds and ownership hold
}

// Option configures an Engine.
type Option func(*Engine)

// WithLimits sets the bounds; zero fields keep their defaults.
func WithLimits(l Limits) Option { return func(e *Engine) { e.limits = l } }

// WithDestPolicy sets which webhook destinations are allowed.
func WithDestPolicy(p DestPolicy) Option { return func(e *Engine) { e.policy = p } }

// WithClock sets the clock (tests pass a fake one).
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// WithLogger sets where failures are logged.
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// WithClientID sets how a request's client is named (default: ClientCert,
// the client certificate of mutual TLS).
func WithClientID(f func(*http.Request) (string, error)) Option { return func(e *Engine) { e.who = f } }

// New returns the engine over the index events and the store.
func New(events Events, store *Store, opts ...Option) *Engine {
	e := &Engine{store: store, events: events, now: time.Now, log: slog.Default(), who: ClientCert}
	for _, o := range opts {
		o(e)
	}
	e.limits.defaults()
	e.client = e.policy.Client(e.limits.DeliveryTimeout)
	e.dispatch = newDispatch(e.limits.Concurrent)
	return e
}

// Run starts the deliveries of the subscriptions due, every poll interval
// and whenever a delivery ends (a backlog is delivered in batches, the next
// one due at once), without waiting for those still under way (dispatch),
// until ctx ends; then it waits for them.
func (e *Engine) Run(ctx context.Context) {
	t := time.NewTicker(e.limits.Poll)
	defer t.Stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	finished := make(chan struct{}, 1)
	for {
		e.launch(ctx, &wg, finished)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-finished:
		}
	}
}

// MinEventsPerDelivery is the smallest batch a receiver's 413 answers can
// shrink a subscription's deliveries to, or half of
// Limits.EventsPerDelivery when that is smaller (a delivery cut by
// DeliveryBytes, or of one event larger than that, may hold fewer). Why a floor: each delivery
// reads again the events of its block that come before its position, so a
// receiver that asked for batches of one would make the service read a
// block of n matching events n²/2 times, one delivery per event, for as
// long as it likes (a CommissionBulk block holds tens of thousands).
const MinEventsPerDelivery = 32

// minBatch is the floor of a subscription's batch under these limits.
func (l *Limits) minBatch() int { return min(MinEventsPerDelivery, max(1, l.EventsPerDelivery/2)) }

// stepBatch is how many due subscriptions one look at the store takes on.
const stepBatch = 100

// Step delivers, and waits for, what is due now, as Run does at each tick:
// for each subscription due, the events a stream has not yet delivered, a
// schedule's firing, or a failed delivery's retry, within the shares of
// dispatch. It returns how many it started (tests drive the engine with it).
func (e *Engine) Step(ctx context.Context) int {
	var wg sync.WaitGroup
	n := e.launch(ctx, &wg, nil)
	wg.Wait()
	return n
}

// Signature is the GS1-Signature of a delivery body under token:
// "sha256=" and the lower-case hex HMAC-SHA256 of the body's bytes, keyed
// with the token's UTF-8 bytes.
func Signature(token string, body []byte) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifySignature checks a delivery's GS1-Signature header in constant time.
func VerifySignature(token string, body []byte, header string) bool {
	return hmac.Equal([]byte(Signature(token, body)), []byte(header))
}

// DeliveryHeader names a delivery: "{subscriptionID}/{block}.{offset}-{block}.{offset}",
// the positions its events start after and end at. Delivery is at least
// once: after a lost answer the events from the same start are sent again
// (with any that arrived since, so the end may be later). A receiver that
// keeps the end of the last delivery it accepted drops a delivery that
// ends at or before it, and drops the events it already holds, by eventID,
// from one that overlaps it.
const DeliveryHeader = "Tracechain-Delivery"

func (e *Engine) process(ctx context.Context, sub *Subscription) {
	now := e.now()
	q, err := subscriptionQuery(sub)
	if err != nil { // stored queries were checked at creation
		sub.Suspended, sub.LastError = true, "the query no longer parses"
		e.saveOrLog(ctx, sub)
		return
	}
	batch := max(e.limits.minBatch(), min(sub.Batch, e.limits.EventsPerDelivery))
	recs, next, err := e.events.Follow(ctx, q, sub.Position, batch)
	if err != nil {
		e.log.Error("epcis subscriptions: reading the index", "subscription", sub.ID, "error", err)
		sub.Due = now.Add(e.limits.Poll)
		e.saveOrLog(ctx, sub)
		return
	}
	full := next.Partial() // a full batch, or one cut at eventindex.MaxPageBytes: more waits
	if len(recs) == 0 && (sub.Stream || !sub.ReportIfEmpty) {
		sub.Position = next
		e.reschedule(sub, now, false)
		e.saveOrLog(ctx, sub)
		return
	}
	body, err := epcisapi.MarshalQueryDocument(recs, now, sub.QueryName, sub.ID)
	for err == nil && len(body) > e.limits.DeliveryBytes && len(recs) > 1 {
		recs = recs[:len(recs)/2]
		next, full = eventindex.After(sub.Position, recs), true
		body, err = epcisapi.MarshalQueryDocument(recs, now, sub.QueryName, sub.ID)
	}
	if err != nil {
		e.log.Error("epcis subscriptions: rendering a delivery", "subscription", sub.ID, "error", err)
		sub.Due = now.Add(e.limits.Poll)
		e.saveOrLog(ctx, sub)
		return
	}
	status, err := e.post(ctx, sub, body, next)
	switch {
	case err == nil && status/100 == 2:
		sub.Position = next
		sub.Attempts, sub.FailingSince, sub.LastError = 0, nil, ""
		sub.LastNotified = &now
		e.reschedule(sub, now, full)
	case err == nil && status == http.StatusRequestEntityTooLarge && batch > e.limits.minBatch():
		// The receiver asks for smaller batches (the binding's 413), down to
		// the floor; there a 413 is a failed delivery.
		sub.Batch = max(batch/2, e.limits.minBatch())
		sub.Due = now
	default:
		sub.Attempts++
		if sub.FailingSince == nil {
			sub.FailingSince = &now
		}
		sub.LastError = fmt.Sprintf("the destination answered %d", status)
		if err != nil {
			sub.LastError = "no answer from the destination"
		}
		if now.Sub(*sub.FailingSince) >= e.limits.RetryHorizon {
			sub.Suspended = true
		}
		sub.Due = now.Add(e.backoff(sub.Attempts))
	}
	e.saveOrLog(ctx, sub)
}

// reschedule sets when the subscription is next looked at after a
// delivery or an empty read: at once while a full batch suggests more
// events wait, else at the next poll (stream) or the next firing.
func (e *Engine) reschedule(sub *Subscription, now time.Time, more bool) {
	switch {
	case more:
		sub.Due = now
	case sub.Schedule != nil:
		x, err := sub.Schedule.parse()
		n, ok := time.Time{}, false
		if err == nil {
			n, ok = x.next(now)
		}
		if !ok {
			sub.Suspended, sub.LastError = true, "the schedule never fires again"
			return
		}
		sub.Due = n
	default:
		sub.Due = now.Add(e.limits.Poll)
	}
}

// backoff is BackoffMin doubled per failed attempt, at most BackoffMax.
func (e *Engine) backoff(attempts int) time.Duration {
	d := e.limits.BackoffMin
	for i := 1; i < attempts && d < e.limits.BackoffMax; i++ {
		d *= 2
	}
	return min(d, e.limits.BackoffMax)
}

// post sends one delivery; the answer's body is read up to 64 KiB and dropped.
func (e *Engine) post(ctx context.Context, sub *Subscription, body []byte, end eventindex.Position) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Dest, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("GS1-EPCIS-Version", epcisapi.EPCISVersion)
	req.Header.Set("GS1-CBV-Version", epcisapi.CBVVersion)
	req.Header.Set("GS1-Signature", Signature(sub.Token, body))
	req.Header.Set(DeliveryHeader, fmt.Sprintf("%s/%d.%d-%d.%d", sub.ID, sub.Position.Block, sub.Position.Offset, end.Block, end.Offset))
	resp, err := e.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

func (e *Engine) saveOrLog(ctx context.Context, sub *Subscription) {
	if err := e.store.save(ctx, sub); err != nil {
		e.log.Error("epcis subscriptions: saving a subscription", "subscription", sub.ID, "error", err)
	}
}
