package label

import "errors"

// Sentinel errors. Every error this package returns is an *Error that
// matches one of them with errors.Is, so callers (tracectl, a print service)
// can tell a bad input from a symbol that does not fit without parsing text.
var (
	ErrCode      = errors.New("label: invalid code")                // identifier.Parse refused the code
	ErrDomain    = errors.New("label: invalid resolver domain")     // not an absolute http(s) URL without query
	ErrAttribute = errors.New("label: invalid data attribute")      // expiry or batch refused or contradicts the code
	ErrEncode    = errors.New("label: symbol cannot be encoded")    // the QR or DataMatrix encoder refused the data
	ErrLayout    = errors.New("label: invalid label or sheet size") // sizes that leave no room for the symbol
)

// Error says which input a label could not be built from and why. It
// unwraps both to its sentinel (Kind) and to the underlying cause, so
// errors.Is(err, identifier.ErrCheckDigit) still works for a bad code.
type Error struct {
	Input string // the code (or domain, attribute value) as given
	Kind  error  // one of the sentinels above
	Err   error  // the cause; may be nil
}

// Error formats as "<sentinel>: <input>: <cause>".
func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.Input != "" {
		s += ": " + e.Input
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
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

func fail(kind error, input string, err error) *Error {
	return &Error{Input: input, Kind: kind, Err: err}
}
