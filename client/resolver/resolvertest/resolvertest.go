// Package resolvertest provides a Verifier for tests of the resolver and of
// code that embeds it, as net/http/httptest does for handlers.
package resolvertest

import (
	"context"
	"iter"
	"slices"
	"sync"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// Verifier is an in-memory ledger answer table: Verify looks the code's
// canonical form up in Answers. A valid code it does not hold is unknown,
// an invalid one invalid_code, as the chaincode answers. Err, when set, is
// returned instead (a ledger that cannot be reached). Calls counts the
// Verify calls, so tests can see the cache at work. It is safe for
// concurrent use; set the fields before the first call or under Lock.
//
// It is also a resolver.MemberSource: GetMember answers from Members (a
// member it does not hold is client.ErrNotFound), so tests can say which
// container issuers are manufacturers.
type Verifier struct {
	sync.Mutex
	Answers map[string]model.Verification // by canonical code
	Members map[string]model.Member       // by MSP ID
	Err     error
	calls   int
}

// GetMember answers mspID's record from Members.
func (f *Verifier) GetMember(_ context.Context, mspID string) (*model.Member, error) {
	f.Lock()
	defer f.Unlock()
	if f.Err != nil {
		return nil, f.Err
	}
	m, ok := f.Members[mspID]
	if !ok {
		return nil, client.ErrNotFound
	}
	return &m, nil
}

// New returns a Verifier holding answers, keyed by the canonical form of
// each answer's Code.
func New(answers ...model.Verification) *Verifier {
	f := &Verifier{Answers: map[string]model.Verification{}}
	for _, a := range answers {
		f.Set(a)
	}
	return f
}

// Set stores a (replacing the answer for its code).
func (f *Verifier) Set(a model.Verification) {
	f.Lock()
	defer f.Unlock()
	f.Answers[identifier.MustParse(a.Code).Canonical] = a
}

// Calls returns the number of Verify calls so far.
func (f *Verifier) Calls() int {
	f.Lock()
	defer f.Unlock()
	return f.calls
}

// Verify answers code from the table.
func (f *Verifier) Verify(_ context.Context, code string) (*model.Verification, error) {
	f.Lock()
	defer f.Unlock()
	f.calls++
	if f.Err != nil {
		return nil, f.Err
	}
	c, err := identifier.Parse(code)
	if err != nil {
		return &model.Verification{Input: code, Verdict: model.VerdictInvalidCode, Detail: err.Error()}, nil
	}
	a, ok := f.Answers[c.Canonical]
	if !ok {
		return &model.Verification{Input: code, Verdict: model.VerdictUnknown, Code: c.Canonical, Scheme: c.Kind.Scheme()}, nil
	}
	a.Input = code
	return &a, nil
}

// Events is an EventSource (resolver.Follow's) fed by the test: Send hands
// one committed event to the open stream and returns once the consumer's
// loop body has handled it, so a test needs no sleep to see its effect.
// Fail makes the open stream end with an error, as a broken connection to
// the peer does. Build it with NewEvents.
type Events struct {
	ch     chan sent
	opened chan struct{}
	once   sync.Once
	mu     sync.Mutex
	types  []string
}

type sent struct {
	e    client.Event
	err  error
	done chan struct{}
}

// NewEvents returns an Events with no stream open yet.
func NewEvents() *Events {
	return &Events{ch: make(chan sent), opened: make(chan struct{})}
}

// Opened is closed when the first stream opens.
func (s *Events) Opened() <-chan struct{} { return s.opened }

// Events yields what Send and Fail hand it until ctx ends.
func (s *Events) Events(ctx context.Context, opts client.EventOptions) iter.Seq2[client.Event, error] {
	return func(yield func(client.Event, error) bool) {
		s.mu.Lock()
		s.types = slices.Clone(opts.Types)
		s.mu.Unlock()
		s.once.Do(func() { close(s.opened) })
		for {
			select {
			case <-ctx.Done():
				return
			case m := <-s.ch:
				more := yield(m.e, m.err)
				close(m.done)
				if !more || m.err != nil {
					return
				}
			}
		}
	}
}

// Types are the event types the last stream opened asked for (all when
// empty).
func (s *Events) Types() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.types)
}

// Send delivers e and waits until it was handled, or ctx ends.
func (s *Events) Send(ctx context.Context, e model.Event) error {
	return s.deliver(ctx, sent{e: client.Event{Event: e}, done: make(chan struct{})})
}

// Fail ends the open stream with err and waits until the consumer saw it.
func (s *Events) Fail(ctx context.Context, err error) error {
	return s.deliver(ctx, sent{err: err, done: make(chan struct{})})
}

func (s *Events) deliver(ctx context.Context, m sent) error {
	select {
	case s.ch <- m:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-m.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
