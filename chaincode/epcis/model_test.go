package epcis

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDocumentKeepsExtensionsAndRaw(t *testing.T) {
	b, err := os.ReadFile("testdata/user_extensions_nested.jsonld")
	require.NoError(t, err)
	d, err := ParseDocument(b)
	require.NoError(t, err)
	evs := d.Events()
	require.Len(t, evs, 1)
	e := evs[0]
	assert.Equal(t, "ObjectEvent", e.Type)
	assert.Equal(t, "OBSERVE", e.Action)
	assert.Len(t, e.EPCList, 3)
	assert.Equal(t, "urn:epc:id:sgln:4012345.00011.987", e.ReadPoint.ID)
	assert.Contains(t, e.Extensions, "example:myField1")
	assert.JSONEq(t, `"0"`, string(e.Extensions["example:myField2"]))

	// Re-encoding is faithful, and the typed Event hashes like the document.
	out, err := json.Marshal(e)
	require.NoError(t, err)
	assert.JSONEq(t, string(e.Raw), string(out))
	ctx, err := d.ParseContext()
	require.NoError(t, err)
	h, err := e.Hash(ctx)
	require.NoError(t, err)
	want, err := DocumentHashes(b)
	require.NoError(t, err)
	assert.Equal(t, want[0], h)
}

func TestQueryDocumentEvents(t *testing.T) {
	b, err := os.ReadFile("testdata/query_document.jsonld")
	require.NoError(t, err)
	d, err := ParseDocument(b)
	require.NoError(t, err)
	assert.Equal(t, "EPCISQueryDocument", d.Type)
	assert.Len(t, d.Events(), 2)
}

func TestEventBuiltInGoEncodesFieldsAndExtensions(t *testing.T) {
	q := json.Number("452.0")
	e := Event{
		Type: "TransformationEvent", EventTime: "2020-01-14T00:00:00.000+01:00", EventTimeZoneOffset: "+01:00",
		InputEPCList:       []string{"urn:epc:id:sgtin:4012345.011111.987"},
		OutputQuantityList: []QuantityElement{{EPCClass: "urn:epc:idpat:sgtin:4012345.044444.*", Quantity: &q, UOM: "KGM"}},
		Extensions:         map[string]json.RawMessage{"example:f": json.RawMessage(`"v"`)},
	}
	b, err := json.Marshal(e)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"quantity":452.0`)
	assert.Contains(t, string(b), `"example:f":"v"`)
	p, err := PreHash(b, nil)
	require.NoError(t, err)
	assert.Equal(t, "eventType=TransformationEventeventTime=2020-01-13T23:00:00.000ZeventTimeZoneOffset=+01:00"+
		"inputEPCListepc=https://id.gs1.org/01/04012345111118/21/987"+
		"outputQuantityListquantityElementepcClass=https://id.gs1.org/01/04012345444445quantity=452uom=KGM"+
		"example:f=v", p) // "example" is not declared: the key stays a CURIE
}

func TestParseDocumentRejectsOtherTypes(t *testing.T) {
	_, err := ParseDocument([]byte(`{"type":"Nope","epcisBody":{}}`))
	assert.ErrorIs(t, err, ErrInvalid)
}
