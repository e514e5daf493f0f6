package epcis

import (
	"errors"
	"fmt"
)

// Code classifies an Error so callers can switch on it instead of parsing
// the message.
type Code string

// Codes reported in Error.Code.
const (
	CodeSyntax         Code = "SYNTAX"          // not valid JSON, or data after the top-level value
	CodeDuplicateKey   Code = "DUPLICATE_KEY"   // a key given twice in one object
	CodeKeyCase        Code = "KEY_CASE"        // a standard key in another case, or two keys of one object that differ only by case
	CodeNotObject      Code = "NOT_OBJECT"      // an object was expected (document, event, list element)
	CodeNoEvents       Code = "NO_EVENT_LIST"   // the document has no eventList where one is required
	CodeUnknownType    Code = "UNKNOWN_TYPE"    // document or event type is missing or not an EPCIS 2.0 type
	CodeInvalidTime    Code = "INVALID_TIME"    // a timestamp is not an xsd:dateTimeStamp with a UTC offset
	CodeInvalidValue   Code = "INVALID_VALUE"   // a standard field holds a value of the wrong JSON kind; nesting deeper than 64
	CodeInvalidContext Code = "INVALID_CONTEXT" // @context is neither a string, an object nor a list of them
	CodeUnsupported    Code = "UNSUPPORTED"     // valid EPCIS that ParseCapture cannot map to a ledger operation
	CodeUnknownKey     Code = "UNKNOWN_KEY"     // a captured event's key that is neither an EPCIS 2.0 field nor a namespaced extension
)

// ErrInvalid is matched by every *Error (errors.Is(err, epcis.ErrInvalid)).
var ErrInvalid = errors.New("epcis: invalid input")

// Error reports why an input could not be hashed: a Code, the JSON pointer
// (RFC 6901) of the offending value in the input document or event, e.g.
// /epcisBody/eventList/3/bizStep, and a human-readable message.
type Error struct {
	Code    Code
	Pointer string
	Msg     string
}

// Error formats as "epcis: CODE at /pointer: msg".
func (e *Error) Error() string {
	at := e.Pointer
	if at == "" {
		at = "/"
	}
	return fmt.Sprintf("epcis: %s at %s: %s", e.Code, at, e.Msg)
}

// Is makes every *Error match ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

func errorf(code Code, ptr string, format string, args ...any) *Error {
	return &Error{Code: code, Pointer: ptr, Msg: fmt.Sprintf(format, args...)}
}
