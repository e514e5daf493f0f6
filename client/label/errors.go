package label

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// Sentinel errors. Every error this package returns is an *Error that
// matches one of them with errors.Is, so callers (tracectl, a print service)
// can tell a bad input from a symbol that does not fit without parsing text.
var (
	ErrCode      = errors.New("label: invalid code")                // identifier.Parse refused the code
	ErrDomain    = errors.New("label: invalid resolver domain")     // not an absolute http(s) URL without query
	ErrAttribute = errors.New("label: invalid data attribute")      // expiry or batch refused or contradicts the code
	ErrEncode    = errors.New("label: symbol cannot be encoded")    // the QR or DataMatrix encoder refused the data
	ErrLayout    = errors.New("label: invalid label or sheet size") // sizes that leave no room for the symbol
	// ErrFont: no font draws a title or line (a glyph is missing from the
	// --font file, or no CJK font is installed), or the font file cannot be
	// used. A label never silently leaves a line out.
	ErrFont = errors.New("label: no font for the text")
)

// Error says which input a label could not be built from and why. It
// unwraps both to its sentinel (Kind) and to the underlying cause, so
// errors.Is(err, identifier.ErrCheckDigit) still works for a bad code.
type Error struct {
	// Input is a short excerpt of the code (or domain, attribute value, text
	// line) as given: at most excerptRunes runes, so a 5,000-character code
	// is not echoed whole into logs and terminals. Error quotes it escaped.
	Input string
	Kind  error // one of the sentinels above
	Err   error // the cause; may be nil
}

// Error formats as "<sentinel>: <input>: <cause>", the input quoted with
// control characters escaped and the cause's text cut short too: a cause
// (identifier's, a font parser's) may quote the input in turn.
func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.Input != "" {
		s += ": " + strconv.Quote(e.Input)
	}
	if e.Err != nil {
		s += ": " + safeText(e.Err.Error(), causeRunes)
	}
	return s
}

// Unwrap returns the sentinel and the cause.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// How much of bad input an error repeats.
const (
	excerptRunes = 64
	causeRunes   = 240
)

func fail(kind error, input string, err error) *Error {
	return &Error{Input: excerpt(input, excerptRunes), Kind: kind, Err: err}
}

// excerpt returns s cut to at most n runes, with "…" where it was cut;
// invalid UTF-8 is replaced so that the excerpt itself is valid text.
func excerpt(s string, n int) string {
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // invalid bytes become U+FFFD
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// safeText is excerpt with control characters escaped, for text that is
// not quoted as a whole.
func safeText(s string, n int) string {
	q := strconv.Quote(excerpt(s, n))
	return q[1 : len(q)-1]
}
