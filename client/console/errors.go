package console

import (
	"fmt"
	"strconv"
)

// InputError is a request the console refuses as it stands: a wrong
// parameter, said in a short message that quotes at most a short escaped
// excerpt of the input.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return "console: " + e.Msg }

// inputErrorf builds an *InputError.
func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// excerpt is at most 40 characters of s, quoted and escaped.
func excerpt(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return strconv.Quote(string(r[:40])) + "…"
	}
	return strconv.Quote(s)
}
