package model

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorRendersCodeMessageAndSubject(t *testing.T) {
	assert.Equal(t, "tracechain/NOT_FOUND: no such item", Errorf(CodeNotFound, "no such item").Error())
	assert.Equal(t, `tracechain/DUPLICATE: codes[3] repeats codes[1] (subject: "https://id.gs1.org/01/06901234567892/21/A\"1")`,
		SubjectErrorf(CodeDuplicate, `https://id.gs1.org/01/06901234567892/21/A"1`, "codes[3] repeats codes[1]").Error())
}

func TestParseErrorFindsErrorInsideWrappedText(t *testing.T) {
	orig := SubjectErrorf(CodeDuplicate, `dic:91350100M000100Y43/X "q"`, "codes[2] %q is already commissioned", "x")
	tests := []struct {
		name string
		text string
		want *Error
	}{
		{"bare", orig.Error(), orig},
		{"gateway", "chaincode response 500, " + orig.Error(), orig},
		{"grpc details", "rpc error: code = Aborted desc = failed to endorse: chaincode response 500, " + orig.Error() + "\nmore", orig},
		{"no subject", "x tracechain/NOT_MEMBER: OrgXMSP is not a member", &Error{Code: CodeNotMember, Message: "OrgXMSP is not a member"}},
		{"empty message", "tracechain/INTERNAL: ", &Error{Code: CodeInternal}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseError(tc.text)
			require.True(t, ok)
			assert.Equal(t, tc.want, got)
		})
	}
	for _, text := range []string{"", "chaincode response 500, boom", "tracechain/lower: x", "tracechain/NOT_FOUND no colon"} {
		_, ok := ParseError(text)
		assert.False(t, ok, text)
	}
}

func TestErrorIsMatchesByCode(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", Errorf(CodeRecalled, "batch recalled"))
	assert.True(t, errors.Is(err, &Error{Code: CodeRecalled}))
	assert.False(t, errors.Is(err, &Error{Code: CodeBadState}))
	assert.Equal(t, CodeRecalled, CodeOf(err))
	assert.Equal(t, Code(""), CodeOf(errors.New("plain")))
}
