package identifier

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEcode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Code
	}{
		{"ecode:10001123456789", ecodeCode("10001123456789", "1", "0001", "123456789")},
		{"Ecode:10001123456789", ecodeCode("10001123456789", "1", "0001", "123456789")},
		{"ECODE:1000112345678901234567890", ecodeCode("1000112345678901234567890", "1", "0001", "12345678901234567890")},
		{"10001123456789", ecodeCode("10001123456789", "1", "0001", "123456789")},
		{"2100000011234567890", ecodeCode("2100000011234567890", "2", "10000001", "1234567890")},
		{"ecode:2" + "10000001" + strings.Repeat("9", 28), ecodeCode("210000001"+strings.Repeat("9", 28), "2", "10000001", strings.Repeat("9", 28))},
		{"ecode:310000001AB12CD", ecodeCode("310000001AB12CD", "3", "10000001", "AB12CD")},
		{"ecode:31000000" + "1" + strings.Repeat("Z", 39), ecodeCode("310000001"+strings.Repeat("Z", 39), "3", "10000001", strings.Repeat("Z", 39))},
		// A 16-digit V2 Ecode starting "20" needs the prefix: bare it reads as CCC.
		{"ecode:2016010901123456", ecodeCode("2016010901123456", "2", "01601090", "1123456")},
	} {
		t.Run(tc.in, func(t *testing.T) {
			c, err := ParseEcode(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c)
			c2, err := Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, c, c2)
			assert.Equal(t, c, c.Identity())
			requireRoundTrip(t, c)
		})
	}
	runErrCases(t, ParseEcode, []errCase{
		{"empty after prefix", "ecode:", ErrLength, 6},
		{"version letter", "ecode:A0001123", ErrCharset, 6},
		{"version 0", "ecode:00001123", ErrValue, 6},
		{"version 4", "ecode:4100000011", ErrValue, 6},
		{"version 9", "ecode:9100000011", ErrValue, 6},
		{"no MD", "ecode:10001", ErrLength, 11},
		{"short NSI", "10", ErrLength, 2},
		{"NSI letter", "ecode:100A1123", ErrCharset, 9},
		{"V1 MD too long", "ecode:10001" + strings.Repeat("1", 21), ErrLength, 31},
		{"V2 MD too long", "ecode:210000001" + strings.Repeat("1", 29), ErrLength, 43},
		{"V3 MD too long", "ecode:310000001" + strings.Repeat("A", 40), ErrLength, 54},
		{"V1 MD letter", "ecode:10001123A", ErrCharset, 14},
		{"V3 MD lower case", "ecode:310000001AbC", ErrCharset, 16},
		{"V3 MD symbol", "ecode:310000001A-C", ErrCharset, 16},
		{"separator", "ecode:1 0001 123", ErrCharset, 7},
	})
	_, err := Parse("5000112345")
	requireRuleErr(t, err, ErrValue, 0, "5000112345")
}

func ecodeCode(code, v, nsi, md string) Code {
	return Code{Kind: KindEcode, Canonical: "ecode:" + code,
		Attributes: map[string]string{"version": v, "nsi": nsi, "masterData": md}}
}

func TestCCC(t *testing.T) {
	want := Code{Kind: KindCCC, Canonical: "ccc:2016010901123456",
		Attributes: map[string]string{"year": "2016", "body": "01", "category": "0901", "sequence": "123456"}}
	for _, in := range []string{"2016010901123456", "ccc:2016010901123456", "CCC:2016010901123456", " CcC:2016010901123456 "} {
		c, err := ParseCCC(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, c)
		c2, err := Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, c2)
		requireRoundTrip(t, c)
	}
	runErrCases(t, ParseCCC, []errCase{
		{"short", "ccc:201601090112345", ErrLength, 19},
		{"long", "20160109011234567", ErrLength, 16},
		{"dash", "ccc:2016-010901123456", ErrCharset, 8},
		{"year too early", "ccc:2001010901123456", ErrDate, 4},
		{"year too late", "2100010901123456", ErrDate, 0},
		{"empty", "ccc:", ErrLength, 4},
	})
	// Bare: only 16 digits starting "20" are taken for CCC.
	_, err := Parse("2001010901123456")
	requireRuleErr(t, err, ErrDate, 0, "2001010901123456")
	_, err = Parse("ccc:1999010901123456")
	requireRuleErr(t, err, ErrDate, 4, "ccc:1999010901123456")
}

func TestDIC(t *testing.T) {
	want := Code{Kind: KindDIC, Canonical: "dic:" + usccA + "/Batch-7.unit_9~x",
		Attributes: map[string]string{"issuer": usccA, "code": "Batch-7.unit_9~x"}}
	for _, in := range []string{
		"dic:" + usccA + "/Batch-7.unit_9~x",
		"DIC:" + strings.ToLower(usccA) + "/Batch-7.unit_9~x",
	} {
		c, err := ParseDIC(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, c)
		c2, err := Parse(in)
		require.NoError(t, err)
		assert.Equal(t, want, c2)
		requireRoundTrip(t, c)
	}
	c, err := Parse("dic:" + usccB + "/" + strings.Repeat("a", 64))
	require.NoError(t, err)
	assert.Equal(t, usccB, c.Attributes["issuer"])

	runErrCases(t, ParseDIC, []errCase{
		{"no prefix", usccA + "/x", ErrSyntax, 0},
		{"no slash", "dic:" + usccA, ErrSyntax, 22},
		{"issuer check", "dic:91350100M000100Y44/x", ErrCheckDigit, 21},
		{"issuer short", "dic:91350100M000100Y4/x", ErrLength, 21},
		{"issuer charset", "dic:91350100M0001O0Y43/x", ErrCharset, 17},
		{"empty code", "dic:" + usccA + "/", ErrLength, 23},
		{"code too long", "dic:" + usccA + "/" + strings.Repeat("a", 65), ErrLength, 87},
		{"code slash", "dic:" + usccA + "/a/b", ErrCharset, 24},
		{"code space", "dic:" + usccA + "/a b", ErrCharset, 24},
		{"code percent", "dic:" + usccA + "/a%41", ErrCharset, 24},
		{"code non-ascii", "dic:" + usccA + "/码", ErrCharset, 23},
	})
}
