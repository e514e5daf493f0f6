package identifier

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEPCValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want Code
	}{
		{"sgtin", "urn:epc:id:sgtin:0614141.812345.6789",
			Code{Kind: KindSGTIN, Canonical: "https://id.gs1.org/01/80614141123458/21/6789",
				GTIN: "80614141123458", Serial: "6789", CompanyPrefix: "0614141"}},
		{"sgtin escaped serial", "urn:epc:id:sgtin:0614141.112345.A%2FB%25C.D%3F!",
			Code{Kind: KindSGTIN, Canonical: "https://id.gs1.org/01/10614141123459/21/A%2FB%25C.D%3F%21",
				GTIN: "10614141123459", Serial: "A/B%C.D?!", CompanyPrefix: "0614141"}},
		{"sgtin 12-digit prefix", "urn:epc:id:sgtin:950600013435.0.1",
			Code{Kind: KindSGTIN, Canonical: dlSGTIN + "1", GTIN: gtin14, Serial: "1", CompanyPrefix: "950600013435"}},
		{"sgtin 6-digit prefix", "urn:epc:id:sgtin:950600.0013435.X",
			Code{Kind: KindSGTIN, Canonical: dlSGTIN + "X", GTIN: gtin14, Serial: "X", CompanyPrefix: "950600"}},
		{"upper-case urn prefix", "URN:EPC:ID:SGTIN:9506000.013435.X",
			Code{Kind: KindSGTIN, Canonical: dlSGTIN + "X", GTIN: gtin14, Serial: "X", CompanyPrefix: "9506000"}},
		{"sscc", "urn:epc:id:sscc:0614141.1234567890",
			Code{Kind: KindSSCC, Canonical: "https://id.gs1.org/00/106141412345678908", SSCC: "106141412345678908", CompanyPrefix: "0614141"}},
		{"sgln", "urn:epc:id:sgln:0614141.12345.0",
			Code{Kind: KindGLN, Canonical: "https://id.gs1.org/414/0614141123452", GLN: "0614141123452", CompanyPrefix: "0614141"}},
		{"sgln 12-digit prefix", "urn:epc:id:sgln:952123400000..0",
			Code{Kind: KindGLN, Canonical: dlGLN, GLN: gln13, CompanyPrefix: "952123400000"}},
		{"lgtin class", "urn:epc:class:lgtin:9506000.013435.LOT%2F1",
			Code{Kind: KindLGTIN, Canonical: dlLGTIN + "LOT%2F1", GTIN: gtin14, Batch: "LOT/1", CompanyPrefix: "9506000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseEPC(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, c)
			c2, err := Parse(tc.in)
			require.NoError(t, err)
			assert.Equal(t, c, c2)
			requireRoundTrip(t, c)
		})
	}
	// Same unit through EPC and Digital Link: same ledger key.
	a := MustParse("urn:epc:id:sgtin:0614141.812345.6789")
	b := MustParse("https://example.com/01/80614141123458/21/6789")
	assert.Equal(t, a.Identity(), b.Identity())
}

func TestEPCErrors(t *testing.T) {
	p := "urn:epc:id:sgtin:"
	runErrCases(t, Parse, []errCase{
		{"prefix too short", p + "06141.8123456.1", ErrLength, 22},
		{"prefix too long", p + "0614141234567.8.1", ErrLength, 29},
		{"prefix letter", p + "06141A1.812345.1", ErrCharset, 22},
		{"item ref length", p + "0614141.81234.1", ErrLength, 30},
		{"item ref too long", p + "0614141.8123456.1", ErrLength, 31},
		{"item ref letter", p + "0614141.8123X5.1", ErrCharset, 29},
		{"missing dot", p + "0614141", ErrSyntax, 24},
		{"missing serial dot", p + "0614141.812345", ErrSyntax, 31},
		{"empty serial", p + "0614141.812345.", ErrLength, 32},
		{"serial too long", p + "0614141.812345.123456789012345678901", ErrLength, 52},
		{"serial raw slash", p + "0614141.812345.A/B", ErrCharset, 33},
		{"serial raw percent", p + "0614141.812345.A%", ErrSyntax, 33},
		{"serial bad escape", p + "0614141.812345.A%4", ErrSyntax, 33},
		{"serial escape outside set", p + "0614141.812345.A%7E", ErrCharset, 33},
		{"serial space", p + "0614141.812345.A B", ErrCharset, 33},
		{"sscc ref length", "urn:epc:id:sscc:0614141.123456789", ErrLength, 33},
		{"sscc extra field", "urn:epc:id:sscc:0614141.1234567890.1", ErrSyntax, 34},
		{"sgln extension", "urn:epc:id:sgln:0614141.12345.7", ErrAI, 30},
		{"sgln missing extension", "urn:epc:id:sgln:0614141.12345", ErrSyntax, 29},
		{"unsupported scheme", "urn:epc:id:grai:0614141.12345.400", ErrUnknownForm, 11},
		{"tag uri", "urn:epc:tag:sgtin-96:3.0614141.812345.6789", ErrUnknownForm, 8},
		{"other urn", "urn:isbn:9780306406157", ErrUnknownForm, 0},
	})
}
