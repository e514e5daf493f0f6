package epcisapi

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/tracechain/tracechain/client/internal/incident"
)

// Exception types of the EPCIS 2.0 REST binding used by this handler.
const (
	QueryParameterException = "epcisException:QueryParameterException"
	QueryTooLargeException  = "epcisException:QueryTooLargeException"
	NoSuchResourceException = "epcisException:NoSuchResourceException"
	NotAcceptableException  = "epcisException:NotAcceptableException"
	ImplementationException = "epcisException:ImplementationException"
	MethodNotAllowedTitle   = "Method not allowed"
	problemContentType      = "application/problem+json"
)

// Problem is an RFC 7807 problem document, the body of every error answer.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	p.Instance = r.URL.RequestURI()
	setVersions(w.Header())
	w.Header().Set("Content-Type", problemContentType)
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func badParameter(detail string) Problem {
	return Problem{Type: QueryParameterException, Title: "Invalid query parameter", Status: http.StatusBadRequest, Detail: detail}
}

// WriteProblem writes p as the answer to r, with the version headers of
// every answer; the capture handler mounted with WithCapture answers its
// errors with it.
func WriteProblem(w http.ResponseWriter, r *http.Request, p Problem) { writeProblem(w, r, p) }

// WriteIncident answers a failure of the service itself (the index, the
// ledger, the handler) with p, whose Detail it sets to a generic sentence
// and a fresh reference, and logs err, the cause, under that reference. The
// cause's text (SQL, database, Fabric, gRPC, file system) never reaches the
// client: it would map the service's insides for an attacker, and the
// reference is all an operator needs to find it.
func WriteIncident(w http.ResponseWriter, r *http.Request, log *slog.Logger, p Problem, err error) {
	ref := incident.Ref()
	if log == nil {
		log = slog.Default()
	}
	log.LogAttrs(r.Context(), slog.LevelError, "epcis: request failed", slog.String("ref", ref),
		slog.Int("status", p.Status), slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("error", err.Error()))
	p.Detail = "the request failed inside this service; reference " + ref
	writeProblem(w, r, p)
}
