package identifier

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseUSCC(t *testing.T) {
	for in, want := range map[string]string{
		usccA:                "91350100M000100Y43",
		usccB:                "914403001922038216",
		"91350100m000100y43": "91350100M000100Y43",
		"12100000400000624D": "12100000400000624D", // public institution (1/2)
		"511000005000002544": "511000005000002544", // social organisation (5/1)
	} {
		got, err := ParseUSCC(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, tc := range []errCase{
		{"check char", "91350100M000100Y44", ErrCheckDigit, 17},
		{"check char lower", "91350100m000100y4a", ErrCheckDigit, 17},
		{"short", "91350100M000100Y4", ErrLength, 17},
		{"long", "91350100M000100Y431", ErrLength, 18},
		{"letter I", "91350100I000100Y43", ErrCharset, 8},
		{"letter O", "9135010OM000100Y43", ErrCharset, 7},
		{"letter S", "91350100M000100S43", ErrCharset, 15},
		{"letter Z lower", "91350100M000100z43", ErrCharset, 15},
		{"space", "91350100 000100Y43", ErrCharset, 8},
		{"unknown authority", "B1350100M000100Y4" + string(usccCheck("B1350100M000100Y4")), ErrValue, 0},
		{"category not defined for authority", "94350100M000100Y4" + string(usccCheck("94350100M000100Y4")), ErrValue, 1},
		{"category letter", "9A350100M000100Y4" + string(usccCheck("9A350100M000100Y4")), ErrValue, 1},
		{"letter in division code", "9135A100M000100Y4" + string(usccCheck("9135A100M000100Y4")), ErrCharset, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseUSCC(tc.in)
			requireRuleErr(t, err, tc.sentinel, tc.off, tc.in)
		})
	}
}

func TestUSCCCheckChar(t *testing.T) {
	for in, want := range map[string]byte{
		"91350100M000100Y4": '3',
		"91440300192203821": '6',
		"91350100m000100y4": '3',
	} {
		got, err := USCCCheckChar(in)
		require.NoError(t, err)
		assert.Equal(t, want, got, in)
	}
	_, err := USCCCheckChar("91350100M000100Y")
	requireRuleErr(t, err, ErrLength, 16, "91350100M000100Y")
	_, err = USCCCheckChar("91350100M000100Y43")
	requireRuleErr(t, err, ErrLength, 17, "91350100M000100Y43")
	_, err = USCCCheckChar("9135O100M000100Y4")
	requireRuleErr(t, err, ErrCharset, 4, "9135O100M000100Y4")
}

func TestUSCCWeights(t *testing.T) {
	w := 1
	for i := range usccWeights {
		assert.Equal(t, w, usccWeights[i], "weight %d", i+1)
		w = w * 3 % 31
	}
}
