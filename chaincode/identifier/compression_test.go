package identifier

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The compressed vectors are GS1's own: the examples of GS1's reference
// implementation of Digital Link compression (github.com/gs1/GS1DigitalLinkCompressionPrototype,
// src/demo.html and the decompression tests of its Python port that GS1's
// README points to, github.com/Trust-Codes-Ltd/gs1-compression,
// tests/test_central_functions.py). The standard's own text (GS1 Digital
// Link Standard 1.1, "Compression") was not reachable offline; each vector
// is checked here bit for bit against the uncompressed form the reference
// gives.
var compressedVectors = []struct {
	name, in, want string
}{
	{"GTIN", "https://id.gs1.org/ARHKVAdpQg", "https://id.gs1.org/01/09780345418913"},
	{"GTIN, lot, expiry time and a non-GS1 pair", "http://example.org/AQnYUc1gmiERBhQ0ytiyZuAGOLc1TXgpNWCv1",
		"http://example.org/01/05412345000013/10/ABC%26%2B123?7003=1903061658&k1=v1"},
	{"optimisation code 0E (01 + 7003)", "http://example.org/DgnYUc1gmji3NU0IREGFDTK2LJm",
		"http://example.org/01/05412345000013/10/ABC%26%2B123?7003=1903061658"},
	{"SSCC", "https://id.gs1.org/ABeRcNWtKMPA", "https://id.gs1.org/00/106141412345678908"},
	{"SSCC 2", "https://id.gs1.org/AN2yxDhfaiaw", "https://id.gs1.org/00/998440410914660971"},
	{"GLN", "https://id.gs1.org/QUCO_anbfA", "https://id.gs1.org/414/0614141123452"},
	// Partially compressed: the key stays readable, 21=ABC is compressed
	// (AI 21, encoding 011 base64, length 3, "ABC", two padding bits).
	{"partially compressed", "https://example.com/01/09780345418913/IWMAEI",
		"https://example.com/01/09780345418913/21/ABC"},
	{"with a path prefix and a query", "https://example.com/r/ARHKVAdpQg?linkType=all",
		"https://example.com/r/01/09780345418913?linkType=all"},
}

func TestDecompressStandardExamples(t *testing.T) {
	for _, tc := range compressedVectors {
		t.Run(tc.name, func(t *testing.T) {
			dl, err := ParseDigitalLinkURI(tc.in)
			require.NoError(t, err)
			assert.True(t, dl.Compressed)
			assert.Equal(t, tc.want, dl.Uncompressed())
			plain, err := ParseDigitalLinkURI(tc.want)
			require.NoError(t, err)
			assert.False(t, plain.Compressed)
			assert.Equal(t, plain.CanonicalURI(), dl.CanonicalURI())
		})
	}
}

func TestParseAcceptsCompressed(t *testing.T) {
	c, err := Parse("https://id.gs1.org/ARHKVAdpQg")
	require.NoError(t, err)
	assert.Equal(t, "https://id.gs1.org/01/09780345418913", c.Canonical)
	c, err = Parse("https://example.com/01/09780345418913/IWMAEI")
	require.NoError(t, err)
	assert.Equal(t, "https://id.gs1.org/01/09780345418913/21/ABC", c.Canonical)
}

func TestDecompressErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		rule     Rule
		msg      string
	}{
		{"unknown optimisation code", "https://x.org/1A", RuleCompression, "unknown optimisation code D4"},
		{"truncated value", "https://id.gs1.org/ARHKVA", RuleCompression, "ends inside AI 01"},
		{"non-zero padding", "https://id.gs1.org/ARHKVAdpQh", RuleCompression, "padding"},
		{"truncated SSCC", "https://id.gs1.org/AA", RuleCompression, "ends inside AI 00"},
		{"decodes to a bad association", "https://id.gs1.org/JAaasHt_dNNt4ADESMALumsUfMAm34", RuleAI,
			"decodes to https://id.gs1.org/8003/09421012301014f9804dbf?240=qwe390023"},
		{"partially compressed, bad data", "https://example.com/01/09780345418913/1A", RuleCompression, "unknown optimisation code"},
		{"too long", "https://x.org/" + strings.Repeat("A", maxCompressedLen+1), RuleLength, "longer than"},
		{"not base64: old error kept", "https://x.org/a.b", RuleSyntax, noKeyMsg},
		{"uncompressed error kept", "https://x.org/01/09780345418913/21", RuleSyntax, "AI 21 has no value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDigitalLinkURI(tc.in)
			var e *Error
			require.True(t, errors.As(err, &e), "%v", err)
			assert.Equal(t, tc.rule, e.Rule, e.Error())
			assert.Contains(t, e.Msg, tc.msg)
			assert.True(t, e.Offset >= 0 && e.Offset <= len(tc.in))
		})
	}
}

func TestCompressFormat(t *testing.T) {
	for ai, want := range map[string][]packComp{
		"01":   {{true, true, 14}},
		"8003": {{true, true, 14}, {false, false, 16}},
		"8008": {{true, true, 8}, {true, false, 4}},
		"7007": {{true, true, 6}, {true, false, 6}},
		"7040": {{true, true, 1}, {false, true, 3}},
		"4309": {{true, true, 20}},
		"10":   {{false, false, 20}},
	} {
		d, ok := lookupAIDef(ai)
		require.True(t, ok)
		assert.Equal(t, want, compressFormat(d), ai)
	}
	// The standard's bit widths: ceil(n·log2 10 + 0.01) and ceil(log2 max + 0.01).
	assert.Equal(t, []int{4, 7, 10, 20, 47, 60}, []int{valueBits(1), valueBits(2), valueBits(3), valueBits(6), valueBits(14), valueBits(18)})
	assert.Equal(t, []int{1, 3, 4, 5, 5, 7}, []int{lengthBits(1), lengthBits(4), lengthBits(8), lengthBits(20), lengthBits(30), lengthBits(90)})
}

// FuzzCompressedDigitalLink feeds arbitrary compressed segments, alone and
// after a primary key: never a panic, only *Error, and an accepted link's
// uncompressed form parses to the same AIs.
func FuzzCompressedDigitalLink(f *testing.F) {
	for _, tc := range compressedVectors {
		f.Add(tc.in[strings.LastIndexByte(tc.in, '/')+1:])
	}
	f.Add("JAaasHt_dNNt4ADESMALumsUfMAm34")
	f.Fuzz(func(t *testing.T, seg string) {
		for _, in := range []string{"https://example.com/" + seg, "https://example.com/01/09780345418913/" + seg} {
			dl, err := ParseDigitalLinkURI(in)
			if err != nil {
				checkParsed(t, in, Code{}, err)
				continue
			}
			u := dl.Uncompressed()
			back, err := ParseDigitalLinkURI(u)
			if err != nil {
				t.Fatalf("%q: uncompressed %q rejected: %v", in, u, err)
			}
			if !reflect.DeepEqual(back.PrimaryKey, dl.PrimaryKey) || !reflect.DeepEqual(back.Qualifiers, dl.Qualifiers) ||
				!reflect.DeepEqual(back.Attributes, dl.Attributes) {
				t.Fatalf("%q: uncompressed %q parses to %+v, want %+v", in, u, back, dl)
			}
		}
	})
}

func TestCompressDigitalLink(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// GS1's examples, compressed without optimisation codes: the SSCC
		// and GLN have none to use, so they come out exactly as GS1's.
		{"https://id.gs1.org/00/106141412345678908", "https://id.gs1.org/ABeRcNWtKMPA"},
		{"https://id.gs1.org/414/0614141123452", "https://id.gs1.org/QUCO_anbfA"},
		{"https://id.gs1.org/01/09780345418913", "https://id.gs1.org/ARHKVAdpQg"},
	} {
		got, err := CompressDigitalLink(tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, tc := range compressedVectors {
		c, err := CompressDigitalLink(tc.want)
		require.NoError(t, err, tc.want)
		back, err := ParseDigitalLinkURI(c)
		require.NoError(t, err, c)
		assert.Equal(t, tc.want, back.Uncompressed(), "round trip through %s", c)
	}
	_, err := CompressDigitalLink("https://id.gs1.org/01/09780345418914")
	assert.ErrorIs(t, err, ErrCheckDigit)
}

// FuzzCompressRoundTrip compresses every Digital Link the parser accepts and
// checks that decompression gives the same link back.
func FuzzCompressRoundTrip(f *testing.F) {
	addSeeds(f)
	for _, tc := range compressedVectors {
		f.Add(tc.want)
	}
	f.Fuzz(func(t *testing.T, in string) {
		dl, err := ParseDigitalLinkURI(in)
		if err != nil {
			return
		}
		c, err := CompressDigitalLink(in)
		if errors.Is(err, ErrCompression) && dl.PathPrefix != "" {
			return // a prefix that makes the compressed form ambiguous: refused, typed
		}
		if errors.Is(err, ErrLength) {
			return // a compressed form longer than any Digital Link may be: refused, typed
		}
		if err != nil {
			t.Fatalf("%q: parsed but not compressed: %v", in, err)
		}
		back, err := ParseDigitalLinkURI(c)
		if err != nil {
			t.Fatalf("%q: compressed %q rejected: %v", in, c, err)
		}
		if !back.Compressed || !reflect.DeepEqual(back.PrimaryKey, dl.PrimaryKey) || !reflect.DeepEqual(back.Qualifiers, dl.Qualifiers) ||
			!reflect.DeepEqual(back.Attributes, dl.Attributes) || back.PathPrefix != dl.PathPrefix || back.OtherParams.Encode() != dl.OtherParams.Encode() {
			t.Fatalf("%q: compressed %q decompresses to %+v, want %+v", in, c, back, dl)
		}
	})
}

func TestAILengthByPrefix(t *testing.T) {
	// The prefix table of GS1's compression reference material ("tableP")
	// for the prefixes it lists; ours is derived from the AI table.
	for prefix, n := range map[string]int{
		"00": 2, "01": 2, "10": 2, "17": 2, "21": 2, "22": 2, "23": 3, "24": 3, "25": 3, "30": 2,
		"31": 4, "37": 2, "39": 4, "40": 3, "41": 3, "42": 3, "43": 4, "70": 4, "71": 3, "72": 4,
		"80": 4, "81": 4, "82": 4, "90": 2, "99": 2,
	} {
		assert.Equal(t, n, aiLenByPrefix[prefix], prefix)
	}
	for ai := range aiByCode {
		assert.Equal(t, len(ai), aiLenByPrefix[ai[:2]], ai)
	}
}

func TestDecodedURIIsQuotedShort(t *testing.T) {
	// A GTIN with a wrong check digit and long percent-encoded values: the
	// error quotes at most maxQuotedURI bytes of what the data decodes to.
	bad := compressDL(DigitalLink{Scheme: "https", Host: "id.gs1.org",
		PrimaryKey: AIValue{"01", "09780345418914"},
		Qualifiers: []AIValue{{"21", strings.Repeat("%", 20)}},
		Attributes: []AIValue{{"90", strings.Repeat("%", 30)}}})
	_, err := ParseDigitalLinkURI(bad)
	var e *Error
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Equal(t, RuleCheckDigit, e.Rule)
	assert.Contains(t, e.Msg, "…")
	assert.Less(t, len(e.Msg), maxQuotedURI+100, e.Msg)
}

// TestCompressBehindAKeyLikePrefix: a path prefix ending in a segment that
// reads as a primary key AI is kept apart from the compressed data after it
// (found by FuzzCompressRoundTrip).
func TestCompressBehindAKeyLikePrefix(t *testing.T) {
	in := "http://0A/00/01/95134352"
	c, err := CompressDigitalLink(in)
	require.NoError(t, err)
	back, err := ParseDigitalLinkURI(c)
	require.NoError(t, err, c)
	assert.True(t, back.Compressed)
	assert.Equal(t, "/00", back.PathPrefix)
	assert.Equal(t, "95134352", strings.TrimLeft(back.PrimaryKey.Value, "0"))
	_, err = ParseDigitalLinkURI("https://id.example/00/AQAAC1dFIA!")
	assert.ErrorIs(t, err, ErrInvalid, "neither reading: the keyed reading's error")
}

// TestCompressKeyBesideKey: a GTIN as a data attribute of an SSCC link is
// compressed after the SSCC, and read back as an attribute: the first key
// AI of compressed data is the primary key, as GS1's reference toolkit reads
// it (found by FuzzCompressRoundTrip in CI).
func TestCompressKeyBesideKey(t *testing.T) {
	in := "http://A/00/106141412345678908?01=41234500010000"
	c, err := CompressDigitalLink(in)
	require.NoError(t, err)
	back, err := ParseDigitalLinkURI(c)
	require.NoError(t, err, c)
	assert.Equal(t, in, back.Uncompressed())
}
