package identifier

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKindScheme(t *testing.T) {
	for k, want := range map[Kind]string{
		KindSGTIN: "gs1", KindLGTIN: "gs1", KindGTIN: "gs1", KindSSCC: "gs1", KindGLN: "gs1",
		KindEcode: "ecode", KindDIC: "dic", KindCCC: "ccc", Kind("other"): "",
	} {
		assert.Equal(t, want, k.Scheme(), k)
	}
}

// Every accepted form of one serialised unit yields the same ledger key.
func TestAllFormsOfOneUnitAgree(t *testing.T) {
	forms := []string{
		"(01)" + gtin14 + "(21)A7",
		"(01)" + gtin14 + "(10)L1(17)261231(21)A7",
		"01" + gtin14 + "21A7",
		"]d201" + gtin14 + "10L1" + gsSep + "21A7",
		"]Q321A7" + gsSep + "01" + gtin14,
		"]C101" + gtin14 + "21A7",
		dlSGTIN + "A7",
		"http://example.com/x/y/01/" + gtin14 + "/10/L1/21/A7?17=261231",
		"https://example.com/01/" + gtin14[1:] + "/21/A%37",
		"urn:epc:id:sgtin:9506000.013435.A7",
		"urn:epc:id:sgtin:950600013.0435.A%37",
	}
	want := dlSGTIN + "A7"
	for _, in := range forms {
		c, err := Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, c.Canonical, in)
		assert.Equal(t, Code{Kind: KindSGTIN, Canonical: want, GTIN: gtin14, Serial: "A7"}, c.Identity(), in)
		requireRoundTrip(t, c)
	}
}

func TestParseDetection(t *testing.T) {
	for in, kind := range map[string]Kind{
		"(01)" + gtin14:                      KindGTIN,
		"01" + gtin14:                        KindGTIN,
		"00" + sscc18:                        KindSSCC,
		"414" + gln13:                        KindGLN,
		"21X" + gsSep + "01" + gtin14:        KindSGTIN,
		dlGTIN:                               KindGTIN,
		"urn:epc:id:sscc:0614141.1234567890": KindSSCC,
		"ecode:10001123":                     KindEcode,
		"10001123":                           KindEcode,
		"2016010901123456":                   KindCCC,
		"ccc:2016010901123456":               KindCCC,
		"dic:" + usccA + "/x":                KindDIC,
	} {
		c, err := Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, kind, c.Kind, in)
		assert.Equal(t, c.Canonical, c.String())
	}
}

func TestParseRejectsUnknownForms(t *testing.T) {
	runErrCases(t, Parse, []errCase{
		{"empty", "", ErrLength, 0},
		{"blank", " \t\n", ErrLength, 3},
		{"letters", "hello", ErrUnknownForm, 0},
		{"leading zero not a key", "0212345678901231", ErrUnknownForm, 0},
		{"mailto", "mailto:a@b.c", ErrUnknownForm, 0},
		{"too long", "https://ex.com/01/" + strings.Repeat("1", 3000), ErrLength, 2048},
		{"too long after whitespace", "  " + strings.Repeat("1", 3000), ErrLength, 2050},
		// 11/17/10/21-led strings without GS or symbology identifier read as Ecode.
		{"date-led element string", "11250101" + "01" + gtin14 + "21X", ErrCharset, 26},
	})
}

func TestElementStringHintOnEcodeFailure(t *testing.T) {
	_, err := Parse("11250101" + "01" + gtin14 + "21X")
	require.ErrorContains(t, err, "]d2")
	_, err = Parse("5000112345")
	require.NotContains(t, err.Error(), "]d2")
}

func TestIdentityDropsNonIdentityFields(t *testing.T) {
	c := MustParse(dlGTIN + "/22/V/10/L1/21/S1?11=250101&17=261231")
	assert.Equal(t, "L1", c.Batch)
	assert.Equal(t, map[string]string{"22": "V"}, c.Attributes)
	id := c.Identity()
	assert.Equal(t, Code{Kind: KindSGTIN, Canonical: dlSGTIN + "S1", GTIN: gtin14, Serial: "S1"}, id)
	assert.Equal(t, id, id.Identity())

	l := MustParse("urn:epc:class:lgtin:9506000.013435.L1")
	assert.Equal(t, Code{Kind: KindLGTIN, Canonical: dlLGTIN + "L1", GTIN: gtin14, Batch: "L1"}, l.Identity())
	assert.Equal(t, Code{Kind: KindSSCC, Canonical: dlSSCC, SSCC: sscc18}, MustParse("urn:epc:id:sscc:0614141.1123456789").Identity())
	assert.Equal(t, Code{Kind: KindGLN, Canonical: dlGLN, GLN: gln13}, MustParse("urn:epc:id:sgln:9521234.00000.0").Identity())
}

func TestMustParsePanics(t *testing.T) {
	assert.Panics(t, func() { MustParse("nope") })
	assert.NotPanics(t, func() { MustParse(dlGTIN) })
}

func TestCodeJSON(t *testing.T) {
	c := MustParse(dlGTIN + "/10/L1/21/S1?17=261231")
	b, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"sgtin","canonical":"https://id.gs1.org/01/09506000134352/21/S1",
		"gtin":"09506000134352","serial":"S1","batch":"L1","expiryDate":"2026-12-31"}`, string(b))
	var back Code
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, c, back)
}

func BenchmarkParse(b *testing.B) {
	for _, in := range []string{
		dlSGTIN + "ABC123",
		"https://brand.example/p/01/" + gtin14 + "/10/L1/21/S%2F1?17=261231",
		"]d201" + gtin14 + "17261231" + "10L1" + gsSep + "21ABC123",
		"urn:epc:id:sgtin:0614141.812345.6789",
		"dic:" + usccA + "/unit-1",
	} {
		b.Run(in[:12], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
