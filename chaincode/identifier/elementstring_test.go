package identifier

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestElementStringValid(t *testing.T) {
	sgtin := Code{Kind: KindSGTIN, Canonical: dlSGTIN + "ABC123", GTIN: gtin14, Serial: "ABC123"}
	full := Code{Kind: KindSGTIN, Canonical: dlSGTIN + "S%2F1", GTIN: gtin14, Serial: "S/1", Batch: "L1",
		ProductionDate: "2025-01-15", ExpiryDate: "2027-06-30"}
	for _, tc := range []struct {
		name string
		in   string
		want Code
	}{
		{"bracketed 01+21", "(01)" + gtin14 + "(21)ABC123", sgtin},
		{"unbracketed 01+21", "01" + gtin14 + "21ABC123", sgtin},
		{"unbracketed, serial first", "21ABC123" + gsSep + "01" + gtin14, sgtin},
		{"]d2", "]d201" + gtin14 + "21ABC123", sgtin},
		{"]Q3", "]Q301" + gtin14 + "21ABC123", sgtin},
		{"]C1", "]C101" + gtin14 + "21ABC123", sgtin},
		{"]e0", "]e001" + gtin14 + "21ABC123", sgtin},
		{"]d2 serial first", "]d221ABC123" + gsSep + "01" + gtin14, sgtin},
		{"leading GS", gsSep + "01" + gtin14 + "21ABC123", sgtin},
		{"]d2 then leading GS", "]d2" + gsSep + "01" + gtin14 + "21ABC123", sgtin},
		{"superfluous GS after fixed field", "01" + gtin14 + gsSep + "21ABC123", sgtin},
		{"surrounding whitespace", " \t(01)" + gtin14 + "(21)ABC123\r\n", sgtin},
		{"all AIs bracketed", "(01)" + gtin14 + "(11)250115(17)270600(10)L1(21)S/1", full},
		{"all AIs unbracketed", "01" + gtin14 + "11250115" + "17270600" + "10L1" + gsSep + "21S/1", full},
		{"all AIs any order", "]d210L1" + gsSep + "17270600" + "21S/1" + gsSep + "11250115" + "01" + gtin14, full},
		{"lgtin", "(01)" + gtin14 + "(10)LOT1",
			Code{Kind: KindLGTIN, Canonical: dlLGTIN + "LOT1", GTIN: gtin14, Batch: "LOT1"}},
		{"lgtin with expiry", "01" + gtin14 + "17251200" + "10B-7",
			Code{Kind: KindLGTIN, Canonical: dlLGTIN + "B-7", GTIN: gtin14, Batch: "B-7", ExpiryDate: "2025-12-31"}},
		{"gtin", "(01)" + gtin14, Code{Kind: KindGTIN, Canonical: dlGTIN, GTIN: gtin14}},
		{"gtin with date", "(01)" + gtin14 + "(11)240200",
			Code{Kind: KindGTIN, Canonical: dlGTIN, GTIN: gtin14, ProductionDate: "2024-02-29"}},
		{"sscc", "(00)" + sscc18, Code{Kind: KindSSCC, Canonical: dlSSCC, SSCC: sscc18}},
		{"sscc unbracketed", "00" + sscc18, Code{Kind: KindSSCC, Canonical: dlSSCC, SSCC: sscc18}},
		{"gln", "(414)" + gln13, Code{Kind: KindGLN, Canonical: dlGLN, GLN: gln13}},
		{"gln unbracketed", "414" + gln13, Code{Kind: KindGLN, Canonical: dlGLN, GLN: gln13}},
		{"serial of 20", "(01)" + gtin14 + "(21)12345678901234567890",
			Code{Kind: KindSGTIN, Canonical: dlSGTIN + "12345678901234567890", GTIN: gtin14, Serial: "12345678901234567890"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseElementString(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c)
			c2, err := Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, c, c2)
			requireRoundTrip(t, c)
		})
	}
}

func TestElementStringErrors(t *testing.T) {
	p := "(01)" + gtin14
	u := "01" + gtin14
	runErrCases(t, ParseElementString, []errCase{
		{"check digit bracketed", "(01)06901234567891", ErrCheckDigit, 17},
		{"check digit unbracketed", "0106901234567891", ErrCheckDigit, 15},
		{"sscc check digit", "(00)106141411234567898", ErrCheckDigit, 21},
		{"gln check digit", "(414)9521234000007", ErrCheckDigit, 17},
		{"gtin short bracketed", "(01)9506000134352", ErrLength, 17},
		{"gtin long bracketed", "(01)095060001343520", ErrLength, 18},
		{"gtin truncated unbracketed", "01950600013435", ErrLength, 14},
		{"gtin letter", "(01)0950600013435A", ErrCharset, 17},
		{"serial too long", p + "(21)123456789012345678901", ErrLength, 42},
		{"serial empty", p + "(21)", ErrLength, 22},
		{"serial space", p + "(21)A B", ErrCharset, 23},
		{"serial non-ascii", p + "(21)A\xc3\xa9", ErrCharset, 23},
		{"batch hash", u + "10A#" + gsSep + "21X", ErrCharset, 19},
		{"date month", p + "(17)251301", ErrDate, 24},
		{"date day", p + "(11)250230", ErrDate, 26},
		{"date length", p + "(17)25123", ErrLength, 27},
		{"date letters", u + "1725O231", ErrCharset, 20},
		{"unknown AI bracketed", p + "(19)250101", ErrAI, 19},
		{"AI 22 without GTIN", "(00)" + sscc18 + "(22)V1", ErrAI, 23},
		{"unknown AI unbracketed", u + "19000123", ErrAI, 16},
		{"decimal point out of range", u + "3106000123", ErrAI, 16},
		{"repeated AI", p + "(21)A(21)B", ErrAI, 24},
		{"two primary keys", p + "(00)" + sscc18, ErrAI, 19},
		{"no primary key", "(21)ABC", ErrAI, 0},
		{"no primary key ]d2", "]d221ABC", ErrAI, 3},
		{"serial with sscc", "(00)" + sscc18 + "(21)ABC", ErrAI, 23},
		{"expiry with gln", "(414)" + gln13 + "(17)250101", ErrAI, 19},
		{"trailing GS", u + "21ABC" + gsSep, ErrSyntax, 21},
		{"trailing GS after fixed", u + gsSep, ErrSyntax, 16},
		{"only GS", gsSep, ErrLength, 1},
		{"two leading GS", gsSep + gsSep + u, ErrSyntax, 1},
		{"double GS", u + "10A" + gsSep + gsSep + "21B", ErrSyntax, 20},
		{"unclosed bracket", "(01" + gtin14, ErrSyntax, 0},
		{"empty AI", "()" + gtin14, ErrSyntax, 1},
		{"letters in AI", "(0A)" + gtin14, ErrSyntax, 1},
		{"text before bracket", "x(01)" + gtin14, ErrSyntax, 0},
		{"GS in bracketed", p + "(21)A" + gsSep + "B", ErrCharset, 23},
		{"bad symbology id", "]d1" + u, ErrUnknownForm, 3},
		{"other symbology id", "]E0" + u, ErrUnknownForm, 0},
		{"truncated symbology id", "]d", ErrSyntax, 2},
		{"symbology id only", "]d2", ErrLength, 3},
		{"non-digit after symbology id", "]d2x", ErrSyntax, 3},
	})
}

func TestElementStringEntryPointRejectsOtherForms(t *testing.T) {
	_, err := ParseElementString("x" + gtin14)
	requireRuleErr(t, err, ErrSyntax, 0, "x"+gtin14)
	_, err = ParseElementString("")
	requireRuleErr(t, err, ErrLength, 0, "")
}

func TestSymbologyQRWithDigitalLink(t *testing.T) {
	c, err := Parse("]Q1https://example.org/01/" + gtin14 + "/21/7")
	require.NoError(t, err)
	assert.Equal(t, dlSGTIN+"7", c.Canonical)
	_, err = Parse("]Q1https://example.org/01/06901234567891")
	requireRuleErr(t, err, ErrCheckDigit, 3+23+13, "]Q1https://example.org/01/06901234567891")
}
