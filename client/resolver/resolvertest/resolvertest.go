// Package resolvertest provides a Verifier for tests of the resolver and of
// code that embeds it, as net/http/httptest does for handlers.
package resolvertest

import (
	"context"
	"sync"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// Verifier is an in-memory ledger answer table: Verify looks the code's
// canonical form up in Answers. A valid code it does not hold is unknown,
// an invalid one invalid_code, as the chaincode answers. Err, when set, is
// returned instead (a ledger that cannot be reached). Calls counts the
// Verify calls, so tests can see the cache at work. It is safe for
// concurrent use; set the fields before the first call or under Lock.
type Verifier struct {
	sync.Mutex
	Answers map[string]model.Verification // by canonical code
	Err     error
	calls   int
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
