package identifier

import (
	"errors"
	"fmt"
	"strconv"
)

// Rule names the validation rule an input broke. Callers switch on it (or use
// errors.Is with the sentinels below) instead of parsing error text.
type Rule string

// Rules reported in Error.Rule.
const (
	RuleSyntax         Rule = "syntax"          // structure of the form (separators, prefixes, escapes)
	RuleCheckDigit     Rule = "check digit"     // GS1 mod-10 or GB 32100 mod-31 check character
	RuleLength         Rule = "length"          // field or input too short / too long
	RuleCharset        Rule = "charset"         // character outside the field's permitted set
	RuleUnknownForm    Rule = "unknown form"    // input matches none of the accepted forms
	RuleDate           Rule = "date"            // YYMMDD date or year out of range
	RuleQualifierOrder Rule = "qualifier order" // Digital Link key qualifiers out of order or misplaced
	RuleAI             Rule = "application identifier"
	RuleValue          Rule = "value"       // well-formed field holding a value the scheme does not allow
	RuleCompression    Rule = "compression" // compressed Digital Link whose binary data does not decode
)

// Sentinel errors. Every *Error matches ErrInvalid; each also matches the
// sentinel of its Rule, so callers can write errors.Is(err, ErrCheckDigit).
var (
	ErrInvalid        = errors.New("identifier: invalid code")
	ErrSyntax         = errors.New("identifier: syntax")
	ErrCheckDigit     = errors.New("identifier: check digit")
	ErrLength         = errors.New("identifier: length")
	ErrCharset        = errors.New("identifier: charset")
	ErrUnknownForm    = errors.New("identifier: unknown form")
	ErrDate           = errors.New("identifier: date")
	ErrQualifierOrder = errors.New("identifier: qualifier order")
	ErrAI             = errors.New("identifier: application identifier")
	ErrValue          = errors.New("identifier: value")
	ErrCompression    = errors.New("identifier: compression")
)

var ruleSentinel = map[Rule]error{
	RuleSyntax:         ErrSyntax,
	RuleCheckDigit:     ErrCheckDigit,
	RuleLength:         ErrLength,
	RuleCharset:        ErrCharset,
	RuleUnknownForm:    ErrUnknownForm,
	RuleDate:           ErrDate,
	RuleQualifierOrder: ErrQualifierOrder,
	RuleAI:             ErrAI,
	RuleValue:          ErrValue,
	RuleCompression:    ErrCompression,
}

// Error reports why an input was rejected: the rule that failed and the byte
// offset in Input where it failed, so a UI can point at the offending character.
type Error struct {
	Input  string // the input as given to the parser (before trimming)
	Offset int    // byte offset into Input
	Rule   Rule
	Msg    string
}

// Error formats as "identifier: <rule>: <msg> (offset N)".
func (e *Error) Error() string {
	return "identifier: " + string(e.Rule) + ": " + e.Msg + " (offset " + strconv.Itoa(e.Offset) + ")"
}

// Is matches ErrInvalid and the sentinel belonging to e.Rule.
func (e *Error) Is(target error) bool {
	if target == ErrInvalid {
		return true
	}
	s, ok := ruleSentinel[e.Rule]
	return ok && s == target
}

// errAt builds an *Error; Input is filled in by the public entry point, which
// knows the untrimmed input and shifts Offset by the trimmed prefix.
func errAt(off int, rule Rule, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Offset: off, Rule: rule, Msg: msg}
}
