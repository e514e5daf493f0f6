//go:build integration

package faults_test

import (
	"errors"
	"sync"
	"time"

	"github.com/tracechain/tracechain/client"
)

// outcome is what a client knows about one of its writes when the SDK call returns.
type outcome string

const (
	acknowledged outcome = "acknowledged" // committed, as the SDK reported
	failed       outcome = "failed"       // definitively not applied: refused, invalid, or never sent
	unknown      outcome = "unknown"      // sent, but the SDK could not tell whether it committed
)

// outcomeOf classifies the error of an SDK write.
func outcomeOf(err error) outcome {
	switch {
	case err == nil:
		return acknowledged
	case errors.Is(err, client.ErrOutcomeUnknown):
		return unknown
	}
	return failed
}

// write is one write of the load, as its client saw it.
type write struct {
	Org     string
	Op      string // commission, pack, ship, receive, sell
	Subject string // the container, the unit sold, or a chunk's first code
	TxID    string
	Outcome outcome
	Err     error
	Start   time.Time
	End     time.Time
}

// journal records every write and read of a load, from all its clients at once.
type journal struct {
	mu       sync.Mutex
	writes   []write
	reads    int
	readErrs int
}

func (j *journal) record(w write) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.writes = append(j.writes, w)
}

func (j *journal) read(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.reads++
	if err != nil {
		j.readErrs++
	}
}

// tally is what a journal had recorded at one moment: its reads, the failed ones, and its
// failed writes.
type tally struct{ reads, readErrs, failedWrites int }

func (j *journal) tally() tally {
	j.mu.Lock()
	defer j.mu.Unlock()
	return tally{reads: j.reads, readErrs: j.readErrs, failedWrites: count(j.writes, failed)}
}

// since is what was recorded between an earlier tally and this one.
func (t tally) since(earlier tally) tally {
	return tally{reads: t.reads - earlier.reads, readErrs: t.readErrs - earlier.readErrs, failedWrites: t.failedWrites - earlier.failedWrites}
}

// snapshot returns a copy of the writes recorded so far.
func (j *journal) snapshot() []write {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]write(nil), j.writes...)
}

// count returns the number of writes with outcome o.
func count(ws []write, o outcome) int {
	n := 0
	for _, w := range ws {
		if w.Outcome == o {
			n++
		}
	}
	return n
}
