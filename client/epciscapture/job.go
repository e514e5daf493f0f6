package epciscapture

import (
	"slices"
	"sync"
)

// Behaviour is the GS1-Capture-Error-Behaviour of a job.
type Behaviour string

// The capture error behaviours of the EPCIS 2.0 REST binding.
const (
	Rollback Behaviour = "rollback" // all or nothing: one transaction
	Proceed  Behaviour = "proceed"  // parts in order, each all or nothing, later parts go on after a failure
)

// PartStatus says what happened to one part of a job.
type PartStatus string

// Part statuses.
const (
	PartPending   PartStatus = "pending"   // not sent yet
	PartCommitted PartStatus = "committed" // its events are on the ledger
	PartFailed    PartStatus = "failed"    // refused: none of its events is on the ledger
	PartUnknown   PartStatus = "unknown"   // sent, but whether it committed is not known
)

// Part is one CaptureEvents transaction of a job: events
// [FirstEvent, FirstEvent+Events) of the posted document.
type Part struct {
	FirstEvent int        `json:"firstEvent"`
	Events     int        `json:"events"`
	Status     PartStatus `json:"status"`
	EventIDs   []string   `json:"eventIDs,omitempty"` // the anchored hashes, in document order
	Block      *uint64    `json:"block,omitempty"`
	TxID       string     `json:"txID,omitempty"`
	// Indexed says the feeder has indexed the part's block, so GET /events
	// finds its events; a committed part that is not yet is on the ledger
	// and will be found once the feeder gets there.
	Indexed bool      `json:"indexed"`
	Error   *JobError `json:"error,omitempty"`
}

// JobError is an RFC 7807 problem in a job's errors, with the ledger's
// refusal when there is one.
type JobError struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	Status  int    `json:"status"`
	Detail  string `json:"detail,omitempty"`
	Code    string `json:"code,omitempty"`    // the chaincode's model.Code: NOT_HOLDER, FORBIDDEN, DUPLICATE, ...
	Subject string `json:"subject,omitempty"` // what it refused: a code, MSP ID or the JSON pointer of a field in the posted document
	TxID    string `json:"txID,omitempty"`
}

// Job is a capture job as GET /capture/{captureID} reports it: the
// OpenAPI's CaptureJob (captureID, createdAt, finishedAt, running, success,
// captureErrorBehaviour, errors) and what the ledger made of it.
type Job struct {
	CaptureID             string     `json:"captureID"`
	CreatedAt             string     `json:"createdAt"`
	FinishedAt            string     `json:"finishedAt,omitempty"`
	Running               bool       `json:"running"`
	Success               bool       `json:"success"`
	CaptureErrorBehaviour Behaviour  `json:"captureErrorBehaviour"`
	Errors                []JobError `json:"errors"`
	// CapturedBy is the subject of the client certificate that posted the
	// document ("" over a connection without one).
	CapturedBy string `json:"capturedBy,omitempty"`
	Events     int    `json:"events"`
	// EventIDs are the hashes of the events on the ledger, in document
	// order; Block and TxID are those of the job's transaction when it has
	// one part.
	EventIDs []string `json:"eventIDs"`
	Block    *uint64  `json:"block,omitempty"`
	TxID     string   `json:"txID,omitempty"`
	Parts    []Part   `json:"parts"`
}

// job is a Job being run, with a channel closed when it finishes.
type job struct {
	mu   sync.Mutex
	view Job
	done chan struct{}
}

func (j *job) snapshot() Job {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := j.view
	v.Errors = slices.Clone(v.Errors)
	v.EventIDs = slices.Clone(v.EventIDs)
	v.Parts = slices.Clone(v.Parts)
	return v
}

func (j *job) update(f func(*Job)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	f(&j.view)
}

// jobs keeps the most recent jobs in memory, at most max: the oldest
// finished job makes room for a new one, and when every job held is still
// running a new one is refused.
type jobs struct {
	mu    sync.Mutex
	max   int
	order []string
	byID  map[string]*job
}

func newJobs(max int) *jobs { return &jobs{max: max, byID: map[string]*job{}} }

// add registers j, reporting false when the table is full of running jobs.
func (s *jobs) add(j *job) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.order) >= s.max {
		evicted := false
		for i, id := range s.order {
			select {
			case <-s.byID[id].done:
				delete(s.byID, id)
				s.order = slices.Delete(s.order, i, i+1)
				evicted = true
			default:
				continue
			}
			break
		}
		if !evicted {
			return false
		}
	}
	s.order = append(s.order, j.view.CaptureID)
	s.byID[j.view.CaptureID] = j
	return true
}

func (s *jobs) get(id string) (*job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.byID[id]
	return j, ok
}

// all returns the jobs held, oldest first.
func (s *jobs) all() []*job {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*job, len(s.order))
	for i, id := range s.order {
		out[i] = s.byID[id]
	}
	return out
}
