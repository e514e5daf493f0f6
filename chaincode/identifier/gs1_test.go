package identifier

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckDigit(t *testing.T) {
	for in, want := range map[string]byte{
		"0950600013435":     '2',
		"0690123456789":     '2',
		"10614141123456789": '7',
		"952123400000":      '6',
		"0000000000000":     '0',
		"9638507":           '4',
	} {
		got, err := CheckDigit(in)
		require.NoError(t, err)
		assert.Equal(t, want, got, in)
	}
	_, err := CheckDigit("")
	requireRuleErr(t, err, ErrLength, 0, "")
	_, err = CheckDigit("12a4")
	requireRuleErr(t, err, ErrCharset, 2, "12a4")
}

func TestNormalizeGTIN(t *testing.T) {
	for in, want := range map[string]string{
		gtin14: gtin14,
		gtin13: "0" + gtin13,
		gtin12: "00" + gtin12,
		gtin8:  "000000" + gtin8,
	} {
		got, err := NormalizeGTIN(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
	for _, tc := range []errCase{
		{"check digit", "06901234567891", ErrCheckDigit, 13},
		{"check digit GTIN-13", "6901234567891", ErrCheckDigit, 12},
		{"too short", "1234567", ErrLength, 7},
		{"GTIN-11", "12345678901", ErrLength, 11},
		{"too long", "095060001343521", ErrLength, 14},
		{"letter", "0950600013435X", ErrCharset, 13},
		{"empty", "", ErrLength, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NormalizeGTIN(tc.in)
			requireRuleErr(t, err, tc.sentinel, tc.off, tc.in)
		})
	}
}

func TestValidateSSCCAndGLN(t *testing.T) {
	require.NoError(t, ValidateSSCC(sscc18))
	require.NoError(t, ValidateGLN(gln13))
	require.NoError(t, ValidateGLN("0614141123452"))
	requireRuleErr(t, ValidateSSCC("106141411234567898"), ErrCheckDigit, 17, "106141411234567898")
	requireRuleErr(t, ValidateSSCC("10614141123456789"), ErrLength, 17, "10614141123456789")
	requireRuleErr(t, ValidateSSCC("1061414112345678970"), ErrLength, 18, "1061414112345678970")
	requireRuleErr(t, ValidateSSCC("10614141123456789X"), ErrCharset, 17, "10614141123456789X")
	requireRuleErr(t, ValidateGLN("9521234000007"), ErrCheckDigit, 12, "9521234000007")
	requireRuleErr(t, ValidateGLN("952123400000"), ErrLength, 12, "952123400000")
}

func TestCompanyPrefix(t *testing.T) {
	require.NoError(t, ValidateCompanyPrefix("614141"))
	require.NoError(t, ValidateCompanyPrefix("123456789012"))
	requireRuleErr(t, ValidateCompanyPrefix("61414"), ErrLength, 5, "61414")
	requireRuleErr(t, ValidateCompanyPrefix("1234567890123"), ErrLength, 12, "1234567890123")
	requireRuleErr(t, ValidateCompanyPrefix("61A141"), ErrCharset, 2, "61A141")

	assert.True(t, HasCompanyPrefix("10614141123459", "0614141"))
	assert.True(t, HasCompanyPrefix(gtin14, "9506000"))
	assert.True(t, HasCompanyPrefix(sscc18, "0614141"))
	assert.True(t, HasCompanyPrefix(gln13, "9521234"))
	assert.False(t, HasCompanyPrefix(gtin14, "9506001"))
	assert.False(t, HasCompanyPrefix(gtin14, "09506000"), "indicator digit is not part of the prefix")
	assert.False(t, HasCompanyPrefix(gtin14, "95060"), "prefix too short")
	assert.False(t, HasCompanyPrefix("952123400000", "952123"), "not a 13/14/18-digit key")
	assert.False(t, HasCompanyPrefix("00000096385074", "000009"), "GTIN-8 has no company prefix")
	assert.False(t, HasCompanyPrefix("0950600013435X", "950600"))
}

func TestBuilders(t *testing.T) {
	_, err := SGTIN(gtin13, "S/1 ")
	require.Error(t, err, "space is not in set 82")
	requireRuleErr(t, err, ErrCharset, 3, "S/1 ")

	c, err := SGTIN(gtin13, "S/1")
	require.NoError(t, err)
	assert.Equal(t, Code{Kind: KindSGTIN, Canonical: "https://id.gs1.org/01/06901234567892/21/S%2F1",
		GTIN: "06901234567892", Serial: "S/1"}, c)
	requireRoundTrip(t, c)

	c, err = LGTIN(gtin8, "LOT-7")
	require.NoError(t, err)
	assert.Equal(t, Code{Kind: KindLGTIN, Canonical: "https://id.gs1.org/01/00000096385074/10/LOT-7",
		GTIN: "00000096385074", Batch: "LOT-7"}, c)
	requireRoundTrip(t, c)

	c, err = SSCC(sscc18)
	require.NoError(t, err)
	assert.Equal(t, Code{Kind: KindSSCC, Canonical: dlSSCC, SSCC: sscc18}, c)

	_, err = SGTIN("6901234567891", "1")
	requireRuleErr(t, err, ErrCheckDigit, 12, "6901234567891")
	_, err = SGTIN(gtin14, "")
	requireRuleErr(t, err, ErrLength, 0, "")
	_, err = SGTIN(gtin14, "123456789012345678901")
	requireRuleErr(t, err, ErrLength, 20, "123456789012345678901")
	_, err = LGTIN("123", "A")
	requireRuleErr(t, err, ErrLength, 3, "123")
	_, err = LGTIN(gtin14, "A#")
	requireRuleErr(t, err, ErrCharset, 1, "A#")
	_, err = SSCC("106141411234567890")
	requireRuleErr(t, err, ErrCheckDigit, 17, "106141411234567890")
}

func TestCanonicalEncodesEverythingButUnreserved(t *testing.T) {
	c, err := SGTIN(gtin14, `!"%&'()*+,-./:;<=>?_`)
	require.NoError(t, err)
	assert.Equal(t, dlSGTIN+"%21%22%25%26%27%28%29%2A%2B%2C-.%2F%3A%3B%3C%3D%3E%3F_", c.Canonical)
	requireRoundTrip(t, c)
}

func TestGS1Dates(t *testing.T) {
	for in, want := range map[string]string{
		"250131": "2025-01-31",
		"250200": "2025-02-28", // day 00: last day of the month
		"240200": "2024-02-29", // leap year
		"000229": "2000-02-29", // 2000 is a leap year
		"751231": "2075-12-31", // 50 years ahead stays in this century
		"760101": "1976-01-01", // 51 years ahead is the previous century
		"991100": "1999-11-30",
	} {
		got, e := parseGS1Date(in, 0, AIExpiry)
		require.Nil(t, e, in)
		assert.Equal(t, want, got, in)
	}
	for in, off := range map[string]int{
		"251301": 2, // month 13
		"250001": 2, // month 00
		"250230": 4, // 30 February
		"230229": 4, // 2023 is not a leap year
		"250431": 4,
	} {
		_, e := parseGS1Date(in, 0, AIProductionDate)
		require.NotNil(t, e, in)
		assert.Equal(t, RuleDate, e.Rule, in)
		assert.Equal(t, off, e.Offset, in)
	}
}

func TestExpandYear(t *testing.T) {
	assert.Equal(t, 2000, expandYear(0))
	assert.Equal(t, 2024, expandYear(24))
	assert.Equal(t, 2075, expandYear(75))
	assert.Equal(t, 1976, expandYear(76))
	assert.Equal(t, 1999, expandYear(99))
}
