package identifier

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// at returns the offset of the last occurrence of sub in s, plus d.
func at(s, sub string, d int) int {
	i := strings.LastIndex(s, sub)
	if i < 0 {
		panic("fixture: " + sub + " not in " + s)
	}
	return i + d
}

func TestDigitalLinkValid(t *testing.T) {
	sgtin := Code{Kind: KindSGTIN, Canonical: dlSGTIN + "ABC123", GTIN: gtin14, Serial: "ABC123"}
	for _, tc := range []struct {
		name string
		in   string
		want Code
	}{
		{"canonical sgtin", dlSGTIN + "ABC123", sgtin},
		{"http and other host", "http://example.com/01/" + gtin14 + "/21/ABC123", sgtin},
		{"upper-case scheme", "HTTPS://Example.COM/01/" + gtin14 + "/21/ABC123", sgtin},
		{"host with port", "https://example.com:8443/01/" + gtin14 + "/21/ABC123", sgtin},
		{"path prefix", "https://brand.example/some/prefix/01/" + gtin14 + "/21/ABC123", sgtin},
		{"prefix with escapes and sub-delims", "https://x.example/a%20b/c;v=1/01/" + gtin14 + "/21/ABC123", sgtin},
		{"prefix with numeric segments", "https://x.example/00/01/" + gtin14 + "/21/ABC123", sgtin},
		{"ignored query and fragment", dlSGTIN + "ABC123?utm_source=qr&linkType=gs1:pip&x#top", sgtin},
		{"empty query", dlSGTIN + "ABC123?", sgtin},
		{"gtin-13", "https://example.com/01/" + gtin13,
			Code{Kind: KindGTIN, Canonical: "https://id.gs1.org/01/0" + gtin13, GTIN: "0" + gtin13}},
		{"gtin-12", "https://example.com/01/" + gtin12,
			Code{Kind: KindGTIN, Canonical: "https://id.gs1.org/01/00" + gtin12, GTIN: "00" + gtin12}},
		{"gtin-8", "https://example.com/01/" + gtin8 + "/21/1",
			Code{Kind: KindSGTIN, Canonical: "https://id.gs1.org/01/000000" + gtin8 + "/21/1", GTIN: "000000" + gtin8, Serial: "1"}},
		{"all qualifiers and dates", dlGTIN + "/22/V%2F2/10/L1/21/S%2F1?11=250115&17=270600",
			Code{Kind: KindSGTIN, Canonical: dlSGTIN + "S%2F1", GTIN: gtin14, Serial: "S/1", Batch: "L1",
				ProductionDate: "2025-01-15", ExpiryDate: "2027-06-30", Attributes: map[string]string{"22": "V/2"}}},
		{"lgtin", dlLGTIN + "L1",
			Code{Kind: KindLGTIN, Canonical: dlLGTIN + "L1", GTIN: gtin14, Batch: "L1"}},
		{"lgtin with cpv", dlGTIN + "/22/2A/10/L1",
			Code{Kind: KindLGTIN, Canonical: dlLGTIN + "L1", GTIN: gtin14, Batch: "L1", Attributes: map[string]string{"22": "2A"}}},
		{"gtin with cpv", dlGTIN + "/22/2A",
			Code{Kind: KindGTIN, Canonical: dlGTIN, GTIN: gtin14, Attributes: map[string]string{"22": "2A"}}},
		{"raw sub-delims and lower-case escapes", dlSGTIN + "a!(*)+,;=:'&%2f%3f",
			Code{Kind: KindSGTIN, Canonical: dlSGTIN + "a%21%28%2A%29%2B%2C%3B%3D%3A%27%26%2F%3F", GTIN: gtin14, Serial: "a!(*)+,;=:'&/?"}},
		{"serial that looks like an AI", dlSGTIN + "01",
			Code{Kind: KindSGTIN, Canonical: dlSGTIN + "01", GTIN: gtin14, Serial: "01"}},
		{"sscc", "https://example.com/00/" + sscc18, Code{Kind: KindSSCC, Canonical: dlSSCC, SSCC: sscc18}},
		{"gln", "https://example.com/414/" + gln13, Code{Kind: KindGLN, Canonical: dlGLN, GLN: gln13}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseDigitalLink(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c)
			c2, err := Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, c, c2)
			requireRoundTrip(t, c)
		})
	}
}

func TestDigitalLinkErrors(t *testing.T) {
	g := "https://ex.com/01/" + gtin14
	cases := []struct {
		name     string
		in       string
		sentinel error
		marker   string // error offset is the last occurrence of marker in in, plus d
		d        int
	}{
		{"not http", "ftp://ex.com/01/" + gtin14, ErrUnknownForm, "ftp", 0},
		{"missing host", "https:///01/" + gtin14, ErrSyntax, "///", 2},
		{"bad host char", "https://ex ample.com/01/" + gtin14, ErrCharset, " ", 0},
		{"no path", "https://ex.com", ErrSyntax, "ex.com", 6},
		{"root path", "https://ex.com/", ErrSyntax, "/", 0},
		{"trailing slash", g + "/", ErrSyntax, "/", 0},
		{"no primary key", "https://ex.com/products/shoes", ErrSyntax, "/products", 0},
		{"only value", "https://ex.com/" + gtin14, ErrSyntax, "/", 0},
		{"unsupported path AI", "https://ex.com/8004/ABC", ErrAI, "8004", 0},
		{"AI without value", g + "/21", ErrSyntax, "/21", 3},
		{"gtin check digit", "https://ex.com/01/06901234567891", ErrCheckDigit, "1", 0},
		{"gtin length", "https://ex.com/01/123456789", ErrLength, "123456789", 9},
		{"gtin escaped digit", "https://ex.com/01/%30" + gtin14[1:], ErrCharset, "%30", 0},
		{"sscc check digit", "https://ex.com/00/106141411234567898", ErrCheckDigit, "8", 0},
		{"gln length", "https://ex.com/414/952123400000", ErrLength, "952123400000", 12},
		{"order 21 before 10", g + "/21/S/10/B", ErrQualifierOrder, "/10/", 1},
		{"order 10 before 22", g + "/10/B/22/V", ErrQualifierOrder, "/22/", 1},
		{"repeated qualifier", g + "/21/S/21/T", ErrQualifierOrder, "/21/", 1},
		{"too many qualifiers", g + "/22/V/10/B/21/S/21/T", ErrQualifierOrder, "/22/", 1},
		{"qualifier on sscc", "https://ex.com/00/" + sscc18 + "/21/S", ErrQualifierOrder, "/21/", 1},
		{"qualifier on gln", "https://ex.com/414/" + gln13 + "/10/B", ErrQualifierOrder, "/10/", 1},
		{"serial too long", g + "/21/123456789012345678901", ErrLength, "1", 0},
		{"serial too long with escapes", g + "/21/%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F%2F", ErrLength, "%2F", 0},
		{"empty serial", g + "/21//x", ErrSyntax, "/21/", 4},
		{"bad escape", g + "/21/A%2", ErrSyntax, "%", 0},
		{"bad escape hex", g + "/21/A%G1", ErrSyntax, "%", 0},
		{"escape outside set 82", g + "/21/A%20B", ErrCharset, "%", 0},
		{"escaped utf-8", g + "/21/A%C3%A9", ErrCharset, "%C3", 0},
		{"raw char outside set 82", g + "/21/A$B", ErrCharset, "$", 0},
		{"raw char needing escape", g + "/21/A\"B", ErrCharset, "\"", 0},
		{"raw space", g + "/21/A B", ErrCharset, " ", 0},
		{"batch in query", g + "/21/S?10=B", ErrQualifierOrder, "10=", 0},
		{"serial in query", g + "?21=S", ErrQualifierOrder, "21=", 0},
		{"own primary key in query", g + "?01=" + gtin14, ErrAI, "01=", 0},
		{"unknown numeric query key", g + "?3106=000123", ErrAI, "3106", 0},
		{"percent-encoded digits are an AI key", g + "?%30", ErrAI, "%30", 0},
		{"percent-encoded serial key", g + "?%32%31=S", ErrQualifierOrder, "%32%31=", 0},
		{"query date bad", g + "?17=251301", ErrDate, "251301", 2},
		{"query date short", g + "?17=2512", ErrLength, "2512", 4},
		{"query date escaped", g + "?17=2512%301", ErrCharset, "%", 0},
		{"query date repeated", g + "?17=251231&17=251231", ErrAI, "17=", 0},
		{"query date on sscc", "https://ex.com/00/" + sscc18 + "?17=251231", ErrAI, "17=", 0},
		{"query bad escape", g + "?utm=%zz", ErrSyntax, "%", 0},
		{"query raw space", g + "?utm=a b", ErrCharset, " ", 0},
		{"fragment raw space", g + "#a b", ErrCharset, " ", 0},
		{"prefix raw space", "https://ex.com/a b/01/" + gtin14, ErrCharset, " ", 0},
		{"prefix bad escape", "https://ex.com/a%2/01/" + gtin14, ErrSyntax, "%", 0},
		{"path hash-less escape in AI", "https://ex.com/%30%31/" + gtin14, ErrSyntax, "/%30", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(tc.in)
			requireRuleErr(t, err, tc.sentinel, at(tc.in, tc.marker, tc.d), tc.in)
			assert.Equal(t, Code{}, c)
		})
	}
	_, err := ParseDigitalLink("ftp://ex.com/01/" + gtin14)
	requireRuleErr(t, err, ErrSyntax, 0, "ftp://ex.com/01/"+gtin14)
}

// TestQueryKeyIsReadDecoded: a query key of percent-encoded digits is the AI
// those digits name, so the link means what every reader of the URI reads.
func TestQueryKeyIsReadDecoded(t *testing.T) {
	dl, err := ParseDigitalLinkURI("https://ex.com/01/" + gtin14 + "/21/S?%31%37=271231&li%6Ek=x")
	require.NoError(t, err)
	assert.Equal(t, []AIValue{{AI: "17", Value: "271231"}}, dl.Attributes)
	assert.Equal(t, "x", dl.OtherParams.Get("link"))
}
