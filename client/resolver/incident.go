package resolver

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
)

// RuleInternal is the rule of an answer to a failure of the service itself
// (an answer that cannot be encoded, a page that cannot be rendered).
const RuleInternal = "internal"

// WithLogger sets where the resolver logs its internal failures, each
// under the reference its answer gives the client (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *Resolver) { h.log = l } }

// IncidentRef is a fresh random reference for one failure: it ties what a
// client reports to the log line that holds the cause (logged as "ref"),
// and tells an attacker nothing. It is the services' one reference scheme:
// epciscapture's job reports use it too, and epcisapi.WriteIncident writes
// the same form (16 hex digits).
func IncidentRef() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// incident logs err, the cause of a failed answer, under a fresh
// reference, and returns the Problem the client gets: the rule, msg and the
// reference, never err's text. A cause names peers, TLS, gRPC codes,
// chaincode or database text: useful to an operator and to an attacker
// mapping the network, so it stays in the log.
func (h *Resolver) incident(r *http.Request, status int, rule, msg string, err error) *Problem {
	ref := IncidentRef()
	h.log.LogAttrs(r.Context(), slog.LevelError, "resolver: request failed",
		slog.String("ref", ref), slog.String("rule", rule), slog.String("method", r.Method),
		slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	p := problem(status, rule, msg)
	p.Ref = ref
	return p
}
