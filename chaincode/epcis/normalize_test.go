package epcis

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCanonTime(t *testing.T) {
	for in, want := range map[string]string{
		"2023-01-18T11:04:03.1415Z":        "2023-01-18T11:04:03.142Z",
		"2023-01-18T11:04:03.1414Z":        "2023-01-18T11:04:03.141Z",
		"2023-01-18T11:04:03Z":             "2023-01-18T11:04:03.000Z",
		"2023-01-18T11:04:03.1Z":           "2023-01-18T11:04:03.100Z",
		"2022-02-16T20:33:31.116000-06:00": "2022-02-17T02:33:31.116Z",
		"2020-03-04T11:00:30.000+01:00":    "2020-03-04T10:00:30.000Z",
		"2023-02-12T11:04:03.9995+00:00":   "2023-02-12T11:04:04.000Z",
		" 2021-04-01T15:00:00+01:00 ":      "2021-04-01T14:00:00.000Z",
	} {
		got, ok := canonTime(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "2023-01-18", "2023-01-18T11:04:03", "2023-02-30T00:00:00Z", "2023-01-18T24:00:00Z",
		"2023-01-18T11:04:03.Z", "2023-01-18T11:04:03+1:00", "2023-01-18T11:04:03+15:00", "yesterdayyesterdayyesterday"} {
		_, ok := canonTime(in)
		assert.False(t, ok, in)
	}
}

func TestCanonNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1": "1", "1.0": "1", "452.0": "452", "0.3434": "0.3434", "0.34340": "0.3434", "+7": "7", "007": "7",
		"-0.0": "0", "1e2": "100", "15e-1": "1.5", "12.1": "12.1", "0.0001": "0.0001", "0.00001": "1e-05",
		"12345678901234567890": "12345678901234567168", ".5": "0.5", "5.": "5",
	} {
		got, ok := canonNumber(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "-", "1e", "0x10", "inf", "NaN", "1,5", "2023-10-09", "1e999", "1_000"} {
		_, ok := canonNumber(in)
		assert.False(t, ok, in)
	}
}

func TestCanonicalDL(t *testing.T) {
	for in, want := range map[string]string{
		"urn:epc:id:sgtin:0614141.107346.2017":                        "https://id.gs1.org/01/10614141073464/21/2017",
		"urn:epc:id:sgtin:4012345.011111.A(1)":                        "https://id.gs1.org/01/04012345111118/21/A%281%29",
		"urn:epc:id:sgtin:4012345.011111.a%2Fb":                       "https://id.gs1.org/01/04012345111118/21/a%2Fb",
		"urn:epc:id:sscc:4012345.0000000333":                          "https://id.gs1.org/00/040123450000003338",
		"urn:epc:id:sgln:4012345.00011.987":                           "https://id.gs1.org/414/4012345000115/254/987",
		"urn:epc:id:sgln:4012345.00000.0":                             "https://id.gs1.org/414/4012345000009",
		"urn:epc:id:pgln:4012345.00000":                               "https://id.gs1.org/417/4012345000009",
		"urn:epc:class:lgtin:4012345.022222.87545GHGH":                "https://id.gs1.org/01/04012345222227/10/87545GHGH",
		"urn:epc:idpat:sgtin:4012345.044444.*":                        "https://id.gs1.org/01/04012345444445",
		"urn:epc:id:giai:4000001.111":                                 "https://id.gs1.org/8004/4000001111",
		"urn:epc:id:cpi:4012345.ABC.123":                              "https://id.gs1.org/8010/4012345ABC/8011/123",
		"urn:epc:id:itip:4012345.012345.01.02.999":                    "https://id.gs1.org/8006/040123451234560102/21/999",
		"https://id.gs1.de/01/04012345999990/21/XYZ-1234":             "https://id.gs1.org/01/04012345999990/21/XYZ-1234",
		"https://example.com/shop/gtin/614141123452/cpv/2A/ser/9?x=1": "https://id.gs1.org/01/00614141123452/21/9",
		"https://id.example.com/253/4012345000054987":                 "https://id.gs1.org/253/4012345000054987",
	} {
		got, ok := canonicalDL(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{
		"urn:epc:id:sgtin:4012345.01111.1",    // item reference one digit short for this company prefix
		"urn:epc:id:sgtin:4012345.011111.",    // no serial
		"urn:epc:id:sgtin:4012345.011111.a b", // space not allowed
		"urn:epc:id:bogus:4012345.011111.1",
		"urn:epcglobal:cbv:bt:4012345000009:ASN1099",
		"http://transaction.acme.com/po/12345678",
		"https://id.gs1.org/01/09506000134352/21/a%2Fb", // escapes are outside the constrained form
		"https://id.gs1.org/01/09506000134352/7003/2601011200",
		"geo:50.9,6.9",
	} {
		_, ok := canonicalDL(in)
		assert.False(t, ok, in)
	}
}

func TestContextKeys(t *testing.T) {
	var c *Context
	assert.Equal(t, "{https://ref.gs1.org/cbv/}x", c.expandKey("cbv:x"))
	assert.Equal(t, "unknown:x", c.expandKey("unknown:x"))
	assert.Equal(t, "{https://ns.example.com/epcis/}f", c.expandKey("https://ns.example.com/epcis/f"))
	assert.Equal(t, "https://ref.gs1.org/cbv/BizStep-shipping", c.expandCURIE("cbv:BizStep-shipping"))
	assert.Equal(t, "https://x.example/cbv:a", c.expandCURIE("https://x.example/cbv:a"))
}
