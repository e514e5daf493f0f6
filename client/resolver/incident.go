package resolver

import (
	"log/slog"
	"net/http"

	"github.com/tracechain/tracechain/client/internal/incident"
)

// RuleInternal is the rule of an answer to a failure of the service itself
// (an answer that cannot be encoded, a page that cannot be rendered).
const RuleInternal = "internal"

// WithLogger sets where the resolver logs its internal failures, each
// under the reference its answer gives the client (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *Resolver) { h.log = l } }

// incident logs err, the cause of a failed answer, under a fresh
// reference, and returns the Problem the client gets: the rule, msg and the
// reference, never err's text. A cause names peers, TLS, gRPC codes,
// chaincode or database text: useful to an operator and to an attacker
// mapping the network, so it stays in the log.
func (h *Resolver) incident(r *http.Request, status int, rule, msg string, err error) *Problem {
	ref := incident.Ref()
	h.log.LogAttrs(r.Context(), slog.LevelError, "resolver: request failed",
		slog.String("ref", ref), slog.String("rule", rule), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	p := problem(status, rule, msg)
	p.Ref = ref
	return p
}
