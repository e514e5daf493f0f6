package identifier

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The table must be prefix-free (unbracketed element strings find the AI by
// trying 2, 3 and 4 digits), predefined-length AIs must have a fixed length,
// and every AI named in a rule must exist.
func TestAITable(t *testing.T) {
	require.Greater(t, len(aiByCode), 400)
	for ai, d := range aiByCode {
		require.True(t, allDigits(ai) && len(ai) >= 2 && len(ai) <= 4, ai)
		for n := 2; n < len(ai); n++ {
			_, clash := aiByCode[ai[:n]]
			require.False(t, clash, "AI %s has AI %s as prefix", ai, ai[:n])
		}
		if d.predefined() {
			require.NotZero(t, d.fixed, "predefined AI %s without fixed length", ai)
		}
		var patterns []string
		for _, alt := range d.req {
			patterns = append(patterns, alt...)
		}
		patterns = append(patterns, d.ex...)
		for _, p := range patterns {
			found := false
			for other := range aiByCode {
				if aiPatternMatch(p, other) {
					found = true
					break
				}
			}
			require.True(t, found, "AI %s: pattern %s matches no AI", ai, p)
		}
		for _, alt := range d.quals {
			require.True(t, d.dlKey(), "AI %s has qualifiers but is no primary key", ai)
			for _, q := range alt {
				_, ok := aiByCode[q]
				require.True(t, ok, "AI %s: qualifier %s unknown", ai, q)
			}
		}
	}
	// Spot checks against the GS1 General Specifications.
	for ai, want := range map[string]string{
		"00": "N18:csum", "3103": "N6", "3955": "N6", "7007": "N6:yymmdd+[N6:yymmdd]",
		"8006": "N14:csum+N4:pieceoftotal", "91": "X..90", "99": "X..90", "717": "X..20",
	} {
		require.Equal(t, want, aiByCode[ai].format, ai)
	}
	for _, ai := range []string{"3106", "3944", "3956", "04", "19", "23", "718", "9"} {
		_, ok := aiByCode[ai]
		require.False(t, ok, ai)
	}
	assert.Equal(t, [][]string{{"22", "10", "21"}, {"235"}}, aiByCode["01"].quals)
	assert.Equal(t, 3, maxDLQuals)
}

func TestCheckAlphaPair(t *testing.T) {
	for _, ok := range []string{"22", "!22", "1987654Ad4X4bL5ttr2310c2K", "12345678901234567890123NT", "7907665Bm8v2AB"} {
		assert.Empty(t, checkAlphaPair(ok), ok)
	}
	for _, bad := range []string{"2", "33", "1987654Ad4X4bL5ttr2310cXK", "1987654Ad4X4bL5ttr2310c2X"} {
		assert.NotEmpty(t, checkAlphaPair(bad), bad)
	}
}

// The cases the change was made for.
func TestDataAttributesAccepted(t *testing.T) {
	c, err := ParseDigitalLink("https://id.gs1.org/01/09520123456788/21/S1?3103=000195&17=201225")
	require.NoError(t, err)
	assert.Equal(t, Code{Kind: KindSGTIN, Canonical: "https://id.gs1.org/01/09520123456788/21/S1",
		GTIN: "09520123456788", Serial: "S1", ExpiryDate: "2020-12-25",
		Attributes: map[string]string{"3103": "000195"}}, c)
	requireRoundTrip(t, c)

	c, err = Parse("(01)09506000134352(21)ABC123(3103)000195")
	require.NoError(t, err)
	assert.Equal(t, Code{Kind: KindSGTIN, Canonical: dlSGTIN + "ABC123", GTIN: gtin14, Serial: "ABC123",
		Attributes: map[string]string{"3103": "000195"}}, c)

	_, err = Parse("https://$a/01/" + gtin14)
	requireRuleErr(t, err, ErrCharset, 8, "https://$a/01/"+gtin14)
}

func TestElementStringAllAIs(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    string
		kind  Kind
		attrs map[string]string
	}{
		{"net weight unbracketed, no GS after predefined", "01" + gtin14 + "3103000195" + "21ABC", KindSGTIN, map[string]string{"3103": "000195"}},
		{"best before", "(01)" + gtin14 + "(15)251231", KindGTIN, map[string]string{"15": "251231"}},
		{"cpv", "(01)" + gtin14 + "(22)V1(10)L", KindLGTIN, map[string]string{"22": "V1"}},
		{"cpv unbracketed", "01" + gtin14 + "22V1", KindGTIN, map[string]string{"22": "V1"}},
		{"fixed but not predefined needs GS", "01" + gtin14 + "70019520123456788" + gsSep + "21ABC", KindSGTIN, map[string]string{"7001": "9520123456788"}},
		{"sscc with content, count and lot", "(00)" + sscc18 + "(02)" + gtin14 + "(37)25(10)L1", KindSSCC,
			map[string]string{"02": gtin14, "37": "25", "10": "L1"}},
		{"sscc with ship-to address", "(00)" + sscc18 + "(4302)1%20Main%20St(4321)1", KindSSCC,
			map[string]string{"4302": "1%20Main%20St", "4321": "1"}},
		{"production time without seconds", "(01)" + gtin14 + "(8008)2501151230", KindGTIN, map[string]string{"8008": "2501151230"}},
		{"GMN with check pair", "(01)" + gtin14 + "(8013)1987654Ad4X4bL5ttr2310c2K", KindGTIN,
			map[string]string{"8013": "1987654Ad4X4bL5ttr2310c2K"}},
		{"harvest date range", "(01)" + gtin14 + "(7007)250101250131", KindGTIN, map[string]string{"7007": "250101250131"}},
		{"price with ISO currency", "(01)" + gtin14 + "(30)2(3932)978123", KindGTIN, map[string]string{"30": "2", "3932": "978123"}},
		{"internal", "(01)" + gtin14 + "(91)x/y(99)Z", KindGTIN, map[string]string{"91": "x/y", "99": "Z"}},
		{"gln with extension", "(414)" + gln13 + "(254)A1", KindGLN, map[string]string{"254": "A1"}},
		{"digital signature", "(01)" + gtin14 + "(21)S(8030)AbC-_09==", KindSGTIN, map[string]string{"8030": "AbC-_09=="}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.kind, c.Kind)
			for k, v := range tc.attrs {
				assert.Equal(t, v, c.Attributes[k], k)
			}
			requireRoundTrip(t, c)
		})
	}
	p := "(01)" + gtin14
	runErrCases(t, ParseElementString, []errCase{
		{"measure too short", p + "(3103)00019", ErrLength, 29},
		{"measure not digits", p + "(3103)00019A", ErrCharset, 29},
		{"two net weights", p + "(3103)000195(3102)001950", ErrAI, 31},
		{"content with gtin", p + "(02)" + gtin14, ErrAI, 19},
		{"content check digit", "(00)" + sscc18 + "(02)06901234567891(37)1", ErrCheckDigit, 39},
		{"ship-to field without sscc", p + "(4321)1", ErrAI, 19},
		{"yes/no out of range", "(00)" + sscc18 + "(4321)2", ErrValue, 28},
		{"day 00 not allowed", p + "(7006)250100", ErrDate, 28},
		{"hour out of range", p + "(8008)2501152400", ErrDate, 30},
		{"GMN check pair", p + "(8013)1987654Ad4X4bL5ttr2310cXK", ErrCheckDigit, 47},
		{"cset 64 padding inside", p + "(21)S(8030)Ab=C", ErrCharset, 31},
		{"piece of total", "(01)" + gtin14 + "(8026)095201234567880302(37)1", ErrValue, 38},
		{"ITIP is no ledger key", "(8006)095201234567880102", ErrAI, 0},
		{"lot needs a trade item", "(00)" + sscc18 + "(10)L", ErrAI, 23},
		{"pcenc escape", "(00)" + sscc18 + "(4302)A%2", ErrSyntax, 29},
		{"unknown 4-digit", p + "(3944)0001", ErrAI, 19},
		{"unbracketed unknown", "01" + gtin14 + "0400", ErrAI, 16},
		{"value too long for variable AI", p + "(240)" + strings.Repeat("A", 31), ErrLength, 53},
	})
}

func TestDigitalLinkAttributesAndKeys(t *testing.T) {
	g := "https://example.com/01/" + gtin14
	for _, tc := range []struct {
		name  string
		in    string
		attrs map[string]string
	}{
		{"net weight", g + "?3103=000195", map[string]string{"3103": "000195"}},
		{"standard example: sscc with content", "https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25&10=ABC123",
			map[string]string{"02": "00614141123452", "37": "25", "10": "ABC123"}},
		{"other primary key as data attribute", g + "?00=" + sscc18, map[string]string{"00": sscc18}},
		{"encoded attribute", g + "?240=A%2FB&linkType=gs1:pip", map[string]string{"240": "A/B"}},
		{"non-AI params only", g + "?linkType=all&context=x&lang=en", nil},
		{"singleton non-AI param", g + "?linkset", nil},
		{"ipv4 host", "https://192.0.2.1/01/" + gtin14 + "?15=251231", map[string]string{"15": "251231"}},
		{"ipv6 host with port", "https://[2001:db8::1]:8443/01/" + gtin14, nil},
		{"empty port", "https://example.com:/01/" + gtin14, nil},
		{"idn in punycode", "https://xn--bcher-kva.example/01/" + gtin14, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseDigitalLink(tc.in)
			require.NoError(t, err)
			if tc.attrs == nil {
				assert.Nil(t, c.Attributes)
			} else {
				assert.Equal(t, tc.attrs, c.Attributes)
			}
			requireRoundTrip(t, c)
		})
	}

	for _, tc := range []struct {
		name     string
		in       string
		sentinel error
		marker   string
		d        int
	}{
		{"underscore in host", "https://a_b.example/01/" + gtin14, ErrCharset, "_", 0},
		{"userinfo", "https://u@example.com/01/" + gtin14, ErrCharset, "@", 0},
		{"escaped host", "https://ex%41.com/01/" + gtin14, ErrCharset, "%", 0},
		{"label starts with hyphen", "https://-ex.com/01/" + gtin14, ErrSyntax, "-", 0},
		{"empty label", "https://ex..com/01/" + gtin14, ErrSyntax, "..", 1},
		{"bad ipv4", "https://256.1.1.1/01/" + gtin14, ErrSyntax, "256", 0},
		{"numeric tld", "https://1.2.3/01/" + gtin14, ErrSyntax, "1.2.3", 0},
		{"bad ipv6", "https://[zz]/01/" + gtin14, ErrSyntax, "zz", 0},
		{"ipv6 zone", "https://[fe80::1%25eth0]/01/" + gtin14, ErrSyntax, "fe80", 0},
		{"port out of range", "https://ex.com:65536/01/" + gtin14, ErrSyntax, "65536", 0},
		{"port not digits", "https://ex.com:8a/01/" + gtin14, ErrCharset, "a/", 0},
		{"not a data attribute", g + "?7040=1ABC", ErrAI, "7040", 0},
		{"attribute too short", g + "?3103=00019", ErrLength, "00019", 5},
		{"escaped digit", g + "?3103=0001%395", ErrCharset, "%39", 0},
		{"plus is a space", g + "?240=A+B", ErrCharset, "+", 0},
		{"yes/no value", "https://ex.com/00/" + sscc18 + "?4321=2", ErrValue, "2", 0},
		{"repeated attribute", g + "?3103=000195&3103=000195", ErrAI, "3103", 0},
		{"invalid pairing", g + "?3103=000195&3102=001950", ErrAI, "3102", 0},
		{"mandatory association", "https://ex.com/00/" + sscc18 + "?3103=000195", ErrAI, "3103", 0},
		{"tpx qualifier in query", g + "?235=X", ErrQualifierOrder, "235", 0},
		{"tpx combined with serial", g + "/235/T/21/S", ErrQualifierOrder, "/21/", 1},
		{"gln extension: valid DL, no ledger kind", "https://ex.com/414/" + gln13 + "/254/A1", ErrAI, "254", 0},
		{"giai: valid DL, no ledger kind", "https://ex.com/8004/0614141ABC", ErrAI, "8004", 0},
		{"empty attribute value", g + "?3103=", ErrLength, "=", 1},
		{"data AI in path", "https://ex.com/01/" + gtin14 + "/3103/000195", ErrAI, "3103", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseDigitalLink(tc.in)
			requireRuleErr(t, err, tc.sentinel, at(tc.in, tc.marker, tc.d), tc.in)
			assert.Equal(t, Code{}, c)
		})
	}
}

func TestParseDigitalLinkURI(t *testing.T) {
	dl, err := ParseDigitalLinkURI("HTTPS://Brand.example:8443/p/x/01/9506000134352/10/L%2F1/21/S1?3103=000195&linkType=gs1%3Apip&17=261231#top")
	require.NoError(t, err)
	assert.Equal(t, DigitalLink{
		Scheme: "https", Host: "Brand.example:8443", PathPrefix: "/p/x",
		PrimaryKey:  AIValue{"01", gtin14},
		Qualifiers:  []AIValue{{"10", "L/1"}, {"21", "S1"}},
		Attributes:  []AIValue{{"3103", "000195"}, {"17", "261231"}},
		OtherParams: url.Values{"linkType": {"gs1:pip"}},
	}, dl)
	assert.Equal(t, dlGTIN+"/10/L%2F1/21/S1?3103=000195&17=261231", dl.CanonicalURI())
	assert.Equal(t, []string{dlGTIN + "/10/L%2F1/21/S1", dlGTIN + "/10/L%2F1", dlGTIN}, dl.Levels())

	// Examples from the GS1 Digital Link standard and resolver test suite:
	// every primary key with its qualifiers.
	for in, levels := range map[string][]string{
		"https://id.gs1.org/414/9520123456788/254/32a%2Fb": {"https://id.gs1.org/414/9520123456788/254/32a%2Fb", "https://id.gs1.org/414/9520123456788"},
		"https://id.gs1.org/8004/9520614141234567":         {"https://id.gs1.org/8004/9520614141234567"},
		// 8006 takes 22, 10, 21 in the path, but 22 requires AI 01 (Syntax Dictionary), so no 22 here.
		"https://id.gs1.org/8006/095201234567880102/10/L/21/S": {
			"https://id.gs1.org/8006/095201234567880102/10/L/21/S", "https://id.gs1.org/8006/095201234567880102/10/L",
			"https://id.gs1.org/8006/095201234567880102"},
		"https://id.gs1.org/01/09520123456788/235/TPX1":                    {"https://id.gs1.org/01/09520123456788/235/TPX1", "https://id.gs1.org/01/09520123456788"},
		"https://id.gs1.org/8010/95201234%2F/8011/12":                      {"https://id.gs1.org/8010/95201234%2F/8011/12", "https://id.gs1.org/8010/95201234%2F"},
		"https://id.gs1.org/8018/952012345678901233/8019/9":                {"https://id.gs1.org/8018/952012345678901233/8019/9", "https://id.gs1.org/8018/952012345678901233"},
		"https://id.gs1.org/253/9520123456788ABC":                          {"https://id.gs1.org/253/9520123456788ABC"},
		"https://id.gs1.org/255/9520123456788123":                          {"https://id.gs1.org/255/9520123456788123"},
		"https://id.gs1.org/415/9520123456788/8020/REF1":                   {"https://id.gs1.org/415/9520123456788/8020/REF1", "https://id.gs1.org/415/9520123456788"},
		"https://id.gs1.org/417/9520123456788/7040/1ABC":                   {"https://id.gs1.org/417/9520123456788/7040/1ABC", "https://id.gs1.org/417/9520123456788"},
		"https://id.gs1.org/8003/09520123456788A1":                         {"https://id.gs1.org/8003/09520123456788A1"},
		"https://id.gs1.org/8013/1987654Ad4X4bL5ttr2310c2K":                {"https://id.gs1.org/8013/1987654Ad4X4bL5ttr2310c2K"},
		"https://id.gs1.org/402/95201234567890122":                         {"https://id.gs1.org/402/95201234567890122"},
		"https://id.gs1.org/401/952012345ABC%2F1":                          {"https://id.gs1.org/401/952012345ABC%2F1"},
		"https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25": {"https://id.gs1.org/00/106141412345678908"},
	} {
		dl, err := ParseDigitalLinkURI(in)
		require.NoError(t, err, in)
		assert.Equal(t, levels, dl.Levels(), in)
		again, err := ParseDigitalLinkURI(dl.CanonicalURI())
		require.NoError(t, err, in)
		assert.Equal(t, dl.CanonicalURI(), again.CanonicalURI(), in)
	}

	for in, sentinel := range map[string]error{
		"https://id.gs1.org/8006/095201234567880302":             ErrValue,          // piece 03 of 02
		"https://id.gs1.org/415/9520123456788":                   ErrAI,             // 415 requires 8020
		"https://id.gs1.org/414/9520123456788/254/A/7040/1ABC":   ErrQualifierOrder, // alternatives do not mix
		"https://id.gs1.org/00/106141412345678908/10/L":          ErrQualifierOrder,
		"https://id.gs1.org/8013/1987654Ad4X4bL5ttr2310cXK":      ErrCheckDigit,
		"https://id.gs1.org/8010/abc":                            ErrCharset, // CSET 39 is upper case
		"https://id.gs1.org/8006/095201234567880102/22/V":        ErrAI,      // 22 requires 01
		"https://id.gs1.org/01/09520123456788?99=ABC&999=faux":   ErrAI,
		"https://id.gs1.org/01/09520123456788/21/S?8200=x%2Fy":   nil,
		"https://id.gs1.org/AQnYUc1gwsGJNx6rFbQ":                 ErrCompression, // truncated compressed data
		"https://id.gs1.org/01/09520123456788/10/L?7004=12&21=1": ErrQualifierOrder,
	} {
		_, err := ParseDigitalLinkURI(in)
		if sentinel == nil {
			assert.ErrorIs(t, err, ErrAI, in) // 8200 is not a data attribute
			continue
		}
		assert.ErrorIs(t, err, sentinel, in)
	}
}
