package epcisxml

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Code classifies an Error so callers can switch on it.
type Code string

// Codes reported in Error.Code.
const (
	CodeSyntax         Code = "XML_SYNTAX"          // not well-formed XML, or not UTF-8
	CodeDTD            Code = "XML_DTD"             // a DOCTYPE or any other DTD declaration
	CodeEntity         Code = "XML_ENTITY"          // a reference to an entity other than the five XML predefines
	CodeProcInst       Code = "XML_PROC_INST"       // a processing instruction other than the XML declaration
	CodeDepth          Code = "XML_DEPTH"           // elements nested deeper than Limits.Depth
	CodeAttributes     Code = "XML_ATTRIBUTES"      // an element with more attributes than Limits.Attributes
	CodeTooLarge       Code = "XML_TOO_LARGE"       // more bytes than Limits.Bytes
	CodeTooManyEvents  Code = "XML_TOO_MANY_EVENTS" // more events than Limits.Events
	CodeNotEPCIS       Code = "XML_NOT_EPCIS"       // the root is not an EPCIS 1.x or 2.0 document of a kind read here
	CodeUnknownElement Code = "XML_UNKNOWN_ELEMENT" // an element of the EPCIS binding (no namespace) where the binding has none of that name
	CodeUnknownAttr    Code = "XML_UNKNOWN_ATTRIBUTE"
	CodeDuplicate      Code = "XML_DUPLICATE" // a standard field or attribute given twice
	CodeInvalidValue   Code = "XML_INVALID_VALUE"
	CodeUnsupported    Code = "XML_UNSUPPORTED" // valid EPCIS XML with no EPCIS 2.0 JSON-LD form here (QuantityEvent, mixed content, ...)
)

// ErrInvalid is matched by every *Error (errors.Is(err, epcisxml.ErrInvalid)).
var ErrInvalid = errors.New("epcisxml: invalid EPCIS XML")

// Error reports why an XML document was refused: its Code, the path of the
// offending element (/EPCISDocument/EPCISBody/EventList/ObjectEvent[3]/bizStep,
// positions 1-based among all events), the input line when known, and a
// message that quotes at most a short, escaped excerpt of the input.
type Error struct {
	Code Code
	Path string
	Line int
	Msg  string
}

// Error formats as "epcisxml: CODE at PATH (line N): msg".
func (e *Error) Error() string {
	at := e.Path
	if at == "" {
		at = "/"
	}
	if e.Line > 0 {
		at += " (line " + strconv.Itoa(e.Line) + ")"
	}
	return fmt.Sprintf("epcisxml: %s at %s: %s", e.Code, at, e.Msg)
}

// Is makes every *Error match ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// excerptMax is the most runes of input an error message quotes.
const excerptMax = 40

// excerpt quotes s for an error message: at most excerptMax runes, control
// and non-printing characters escaped by %q, and an ellipsis when cut.
func excerpt(s string) string {
	if utf8.RuneCountInString(s) <= excerptMax {
		return strconv.Quote(s)
	}
	n := 0
	for i := range s {
		if n == excerptMax {
			return strconv.Quote(s[:i]) + "..."
		}
		n++
	}
	return strconv.Quote(s)
}
