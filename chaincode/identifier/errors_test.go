package identifier

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorFormat(t *testing.T) {
	_, err := NormalizeGTIN("06901234567891")
	require.EqualError(t, err, "identifier: check digit: GTIN 06901234567891: expected 2, got 1 (offset 13)")
}

func TestErrorIs(t *testing.T) {
	sentinels := map[Rule]error{
		RuleSyntax: ErrSyntax, RuleCheckDigit: ErrCheckDigit, RuleLength: ErrLength,
		RuleCharset: ErrCharset, RuleUnknownForm: ErrUnknownForm, RuleDate: ErrDate,
		RuleQualifierOrder: ErrQualifierOrder, RuleAI: ErrAI, RuleValue: ErrValue, RuleCompression: ErrCompression,
	}
	for rule, want := range sentinels {
		e := &Error{Rule: rule}
		assert.ErrorIs(t, e, ErrInvalid, rule)
		assert.ErrorIs(t, e, want, rule)
		for other, s := range sentinels {
			if other != rule {
				assert.NotErrorIs(t, e, s, "%s must not match %s", rule, other)
			}
		}
	}
	// Wrapped errors still match.
	_, err := Parse("(01)06901234567891")
	wrapped := errors.Join(errors.New("tx"), err)
	assert.ErrorIs(t, wrapped, ErrCheckDigit)
	assert.NotErrorIs(t, errors.New("other"), ErrInvalid)
}

func TestErrorOffsetAccountsForTrimmedWhitespace(t *testing.T) {
	in := "  \t(01)06901234567891 \n"
	_, err := Parse(in)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, in, e.Input)
	assert.Equal(t, 3+17, e.Offset)
	assert.Equal(t, byte('1'), in[e.Offset])
}
