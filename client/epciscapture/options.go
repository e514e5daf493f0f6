package epciscapture

import "time"

// Option configures a Handler.
type Option func(*Handler)

// WithIndex keeps every posted event verbatim in idx, for the feeder that
// indexes it, and reports a part indexed once idx's checkpoint passes its
// block.
func WithIndex(idx Index) Option { return func(h *Handler) { h.index = idx } }

// WithLimits replaces DefaultLimits.
func WithLimits(l Limits) Option { return func(h *Handler) { h.limits = l } }

// WithMaxJobs bounds the jobs kept in memory (default 1000).
func WithMaxJobs(n int) Option { return func(h *Handler) { h.jobs = newJobs(n) } }

// WithMaxWait bounds how long GET /capture/{captureID}?wait= blocks
// (default 60 s); the server's write timeout must be longer.
func WithMaxWait(d time.Duration) Option { return func(h *Handler) { h.maxWait = d } }

// WithClock sets the clock of createdAt and finishedAt; tests pass a fixed
// one.
func WithClock(now func() time.Time) Option { return func(h *Handler) { h.now = now } }

// WithInFlight bounds the parts of a proceed-mode job that are sent and
// awaiting their commit at once (default client.DefaultInFlight, as for
// CommissionBulk); 1 sends each part after the previous one committed.
func WithInFlight(n int) Option {
	return func(h *Handler) { h.inFlight = max(n, 1) }
}

// WithMemoryBudget bounds the bytes of documents being read or held by a
// job that has not finished, over all clients (default 4 × the limits'
// DocumentBytes); a POST /capture beyond it is answered 503 with
// Retry-After. Each body is counted before it is read: its Content-Length,
// or DocumentBytes when it has none (chunked), cut to its size once read.
// A budget below DocumentBytes lowers the document limit to it, so that
// what the handler advertises it takes it can take.
func WithMemoryBudget(bytes int64) Option { return func(h *Handler) { h.budgetBytes = bytes } }
