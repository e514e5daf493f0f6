package epcisapi

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a Handler.
type Option func(*Handler)

// WithCapture mounts h at /capture, /capture/{captureID} and POST /events,
// the EPCIS capture interface, which needs the ledger and so is provided
// by the caller.
func WithCapture(h http.Handler) Option { return func(x *Handler) { x.capture = h } }

// WithClock sets the clock of the documents' creationDate; tests pass a
// fixed one.
func WithClock(now func() time.Time) Option { return func(x *Handler) { x.now = now } }

// WithLogger sets where internal failures are logged, each under the
// reference its answer carries (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(x *Handler) { x.log = l } }

// WithQueries mounts h at /queries and below it: the named queries and
// their subscriptions, which need a store of their own and so are
// provided by the caller (client/epcissubscribe).
func WithQueries(h http.Handler) Option { return func(x *Handler) { x.queries = h } }
