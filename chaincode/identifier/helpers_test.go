package identifier

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// Fixtures with verified check digits.
const (
	gtin14  = "09506000134352"
	gtin13  = "6901234567892"
	gtin12  = "036000291452"
	gtin8   = "96385074"
	sscc18  = "106141411234567897"
	gln13   = "9521234000006"
	usccA   = "91350100M000100Y43"
	usccB   = "914403001922038216"
	dlGTIN  = "https://id.gs1.org/01/09506000134352"
	dlSGTIN = dlGTIN + "/21/"
	dlLGTIN = dlGTIN + "/10/"
	dlSSCC  = "https://id.gs1.org/00/" + sscc18
	dlGLN   = "https://id.gs1.org/414/" + gln13
	gsSep   = "\x1d"
)

// errCase is a rejected input: the sentinel it must match and where.
type errCase struct {
	name     string
	in       string
	sentinel error
	off      int
}

func requireRuleErr(t *testing.T, err error, sentinel error, off int, input string) {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, ErrInvalid)
	require.ErrorIs(t, err, sentinel, "got %v", err)
	var e *Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, off, e.Offset, "offset of %v", err)
	require.Equal(t, input, e.Input)
	require.LessOrEqual(t, e.Offset, len(e.Input))
}

func runErrCases(t *testing.T, parse func(string) (Code, error), cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(tc.in)
			requireRuleErr(t, err, tc.sentinel, tc.off, tc.in)
			require.Equal(t, Code{}, c)
		})
	}
}

// requireRoundTrip checks that c's canonical form parses back to c's identity
// and is a fixed point.
func requireRoundTrip(t *testing.T, c Code) {
	t.Helper()
	back, err := Parse(c.Canonical)
	require.NoError(t, err, "canonical %q", c.Canonical)
	require.Equal(t, c.Identity(), back)
	require.Equal(t, c.Canonical, back.Canonical)
	require.Equal(t, back, back.Identity())
}
