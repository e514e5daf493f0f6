package resolver

import (
	"errors"
	"net/http"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

// Rules of a Problem that are not identifier rules. Identifier errors keep
// their identifier.Rule ("syntax", "check digit", ...).
const (
	RuleURITooLong        = "uri too long"
	RuleQueryTooLong      = "query too long"
	RuleUnsupportedKey    = "unsupported key"   // valid Digital Link whose key the ledger has no kind for
	RuleUnknownLinkType   = "unknown link type" // linkType names no link offered for the item
	RuleMissingCode       = "missing code"
	RuleMethod            = "method not allowed"
	RuleRateLimited       = "rate limited"
	RuleLedgerUnavailable = "ledger unavailable"
	RuleNotFound          = "not found"
)

// Problem is the JSON body of every error answer: what went wrong, the rule
// that failed and, for a code that did not parse, the byte offset in the
// request URI (or in the code parameter of /verify) where it failed. It is
// also an error, so handlers return it and one place writes it.
type Problem struct {
	Status int    `json:"-"`
	Err    string `json:"error"`
	Rule   string `json:"rule"`
	Offset *int   `json:"offset,omitempty"`
	// Ref is the reference of a failure of the service, under which its
	// cause is logged; the answer carries nothing else of the cause.
	Ref string `json:"ref,omitempty"`
}

// Error returns the message.
func (p *Problem) Error() string { return p.Rule + ": " + p.Err }

func problem(status int, rule, msg string) *Problem {
	return &Problem{Status: status, Err: msg, Rule: rule}
}

// badCode turns a parse error into a 400 Problem. shift moves the parser's
// offset into the caller's coordinates; a negative result drops the offset.
func badCode(err error, shift func(int) int) *Problem {
	var ie *identifier.Error
	if !errors.As(err, &ie) {
		return problem(http.StatusBadRequest, string(identifier.RuleSyntax), err.Error())
	}
	p := problem(http.StatusBadRequest, string(ie.Rule), ie.Msg)
	off := ie.Offset
	if shift != nil {
		off = shift(off)
	}
	if off >= 0 {
		p.Offset = &off
	}
	return p
}
