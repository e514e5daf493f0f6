package epcisapi

import (
	"encoding/json"
	"net/http"
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
