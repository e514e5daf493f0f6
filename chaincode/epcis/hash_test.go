package epcis

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReferenceCases checks every testdata document against the hashes the
// reference implementation publishes for the same events. The documents are
// written with their keys in reverse order, so they also show that key order
// does not matter (bizTransaction before its type, for instance).
func TestReferenceCases(t *testing.T) {
	docs, err := filepath.Glob("testdata/*.jsonld")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(docs), 10)
	n := 0
	for _, f := range docs {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".jsonld"), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			require.NoError(t, err)
			want, err := os.ReadFile(strings.TrimSuffix(f, ".jsonld") + ".hashes")
			require.NoError(t, err)
			got, err := DocumentHashes(doc)
			require.NoError(t, err)
			assert.Equal(t, strings.Fields(string(want)), got)
			n += len(got)
		})
	}
	t.Logf("%d events in %d documents", n, len(docs))
}

const stdContext = `"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"https://ns.example.com/epcis/"}]`

func preHashOf(t *testing.T, event string) string {
	t.Helper()
	ctx, err := ParseContext(json.RawMessage(`{"example":"https://ns.example.com/epcis/"}`))
	require.NoError(t, err)
	p, err := PreHash(json.RawMessage(event), ctx)
	require.NoError(t, err)
	return p
}

func TestPreHashRules(t *testing.T) {
	for _, tc := range []struct {
		name, event, want string
	}{
		{"bare words, CBV URNs and CURIEs give the same web URI",
			`{"type":"ObjectEvent","action":"OBSERVE","bizStep":"urn:epcglobal:cbv:bizstep:shipping","disposition":"cbv:Disp-in_transit"}`,
			"eventType=ObjectEventaction=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shippingdisposition=https://ref.gs1.org/cbv/Disp-in_transit"},
		{"unknown bare words and private vocabularies stay as they are",
			`{"type":"ObjectEvent","bizStep":"exampling","disposition":"https://ns.example.com/disp/odd"}`,
			"eventType=ObjectEventbizStep=exampling" + "disposition=https://ns.example.com/disp/odd"},
		{"recordTime, eventID and errorDeclaration are outside the pre-hash; eventTime in UTC ms",
			`{"type":"ObjectEvent","eventTime":"2020-03-04T11:00:30+01:00","eventTimeZoneOffset":"+01:00","recordTime":"2021-01-01T00:00:00Z","eventID":"urn:uuid:1","errorDeclaration":{"declarationTime":"2021-01-01T00:00:00Z","reason":"incorrect_data"}}`,
			"eventType=ObjectEventeventTime=2020-03-04T10:00:30.000ZeventTimeZoneOffset=+01:00"},
		{"millisecond rounding carries into the seconds and the date",
			`{"type":"ObjectEvent","eventTime":"2023-12-31T23:59:59.9996Z"}`,
			"eventType=ObjectEventeventTime=2024-01-01T00:00:00.000Z"},
		{"quantities without trailing zeros; empty lists left out",
			`{"type":"ObjectEvent","epcList":[],"quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":200.50,"uom":"KGM"}]}`,
			"eventType=ObjectEventquantityListquantityElementepcClass=https://id.gs1.org/01/04012345123456/10/998877quantity=200.5uom=KGM"},
		{"AssociationEvent: parentID before childEPCs, bizLocation, sensor booleans",
			`{"type":"AssociationEvent","childEPCs":["urn:epc:id:giai:4000001.12345"],"parentID":"urn:epc:id:grai:4012345.55555.987","action":"ADD","bizStep":"assembling","bizLocation":{"id":"urn:epc:id:sgln:4012345.00001.0"},
			  "sensorElementList":[{"sensorReport":[{"type":"Temperature","booleanValue":true}]}]}`,
			"eventType=AssociationEventparentID=https://id.gs1.org/8003/04012345555554987childEPCsepc=https://id.gs1.org/8004/400000112345action=ADDbizStep=https://ref.gs1.org/cbv/BizStep-assemblingbizLocationid=https://id.gs1.org/414/4012345000016sensorElementListsensorElementsensorReporttype=https://gs1.org/voc/TemperaturebooleanValue=true"},
		{"sensor metadata times and report fields in canonical order, extensions last",
			`{"type":"ObjectEvent","sensorElementList":[{"example:note":"x","sensorMetadata":{"endTime":"2022-01-01T01:00:00Z","startTime":"2022-01-01T00:00:00.5Z"},
			  "sensorReport":[{"uom":"CEL","minValue":1.0,"maxValue":3,"type":"gs1:Temperature","component":"x","exception":"ERROR_CONDITION"}]}]}`,
			"eventType=ObjectEventsensorElementListsensorElementsensorMetadatastartTime=2022-01-01T00:00:00.500ZendTime=2022-01-01T01:00:00.000Z" +
				"sensorReporttype=https://gs1.org/voc/Temperatureexception=https://gs1.org/voc/ERROR_CONDITIONcomponent=https://ref.gs1.org/cbv/Comp-xminValue=1maxValue=3uom=CEL{https://ns.example.com/epcis/}note=x"},
		{"ILMD and extensions as {namespace}local, sorted after the standard fields",
			`{"type":"ObjectEvent","example:b":"2","ilmd":{"example:lot":"L1","cbvmda:bestBeforeDate":"2026-05-01"},"example:a":{"example:y":"1","example:x":["b","a"]}}`,
			"eventType=ObjectEventilmd{https://ns.example.com/epcis/}lot=L1{urn:epcglobal:cbv:mda:}bestBeforeDate=2026-05-01" +
				"{https://ns.example.com/epcis/}a{https://ns.example.com/epcis/}x=a{https://ns.example.com/epcis/}x=b{https://ns.example.com/epcis/}y=1{https://ns.example.com/epcis/}b=2"},
		{"Digital Link: custom domain, short names, query string, lot beside serial",
			`{"type":"ObjectEvent","epcList":["https://brand.example.com/gtin/9506000134352/lot/L1/ser/S1?17=261231","http://id.gs1.org/sscc/106141412345678908"]}`,
			"eventType=ObjectEventepcListepc=https://id.gs1.org/00/106141412345678908epc=https://id.gs1.org/01/09506000134352/21/S1"},
		{"type-carrying lists: type first whatever the key order, items sorted, an untyped item alone",
			`{"type":"ObjectEvent","sourceList":[{"source":"urn:epc:id:pgln:4012345.00000","type":"owning_party"}],"bizTransactionList":[{"bizTransaction":"urn:epcglobal:cbv:bt:4012345000009:2"},{"bizTransaction":"urn:epcglobal:cbv:bt:4012345000009:1","type":"po"}]}`,
			"eventType=ObjectEventbizTransactionListbizTransaction=urn:epcglobal:cbv:bt:4012345000009:2type=https://ref.gs1.org/cbv/BTT-pobizTransaction=urn:epcglobal:cbv:bt:4012345000009:1" +
				"sourceListtype=https://ref.gs1.org/cbv/SDT-owning_partysource=https://id.gs1.org/417/4012345000009"},
		{"comments ignored, readPoint extension after its id",
			`{"type":"ObjectEvent","rdfs:comment":"hello","readPoint":{"example:door":"3","id":"urn:epc:id:sgln:4012345.00001.12"}}`,
			"eventType=ObjectEventreadPointid=https://id.gs1.org/414/4012345000016/254/12{https://ns.example.com/epcis/}door=3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, preHashOf(t, tc.event))
		})
	}
}

func TestEventHashFormat(t *testing.T) {
	h, err := EventHash(json.RawMessage(`{"type":"ObjectEvent"}`), nil)
	require.NoError(t, err)
	assert.Equal(t, HashPreHash("eventType=ObjectEvent"), h)
	assert.Regexp(t, `^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$`, h)
}

func TestErrorsAreTypedWithPointers(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		code Code
		ptr  string
	}{
		{`{` + stdContext + `,"epcisBody":{"eventList":[{"type":"ObjectEvent"},{"type":"ObjectEvent","eventTime":"yesterday"}]}}`, CodeInvalidTime, "/epcisBody/eventList/1/eventTime"},
		{`{"epcisBody":{"eventList":[{"type":"ObjectEvent","bizStep":{"id":"x"}}]}}`, CodeInvalidValue, "/epcisBody/eventList/0/bizStep"},
		{`{"epcisBody":{"queryResults":{"resultsBody":{"eventList":[{"type":"Nonsense"}]}}}}`, CodeUnknownType, "/epcisBody/queryResults/resultsBody/eventList/0/type"},
		{`{"epcisBody":{"eventList":[{"type":"ObjectEvent","epcList":"urn:epc:id:sgtin:4012345.011111.1"}]}}`, CodeInvalidValue, "/epcisBody/eventList/0/epcList"},
		{`{"epcisBody":{"eventList":[{"type":"ObjectEvent","sensorElementList":[{"sensorReport":[{"time":"2022-01-01T00:00:00"}]}]}]}}`, CodeInvalidTime, "/epcisBody/eventList/0/sensorElementList/0/sensorReport/0/time"},
		{`{"epcisBody":{"eventList":[{"type":"ObjectEvent","example:a/b":{"x":1},"readPoint":"urn:x"}]}}`, CodeNotObject, "/epcisBody/eventList/0/readPoint"},
		{`{"epcisBody":{"eventList":[{"type":"ObjectEvent","bizTransactionList":["po"]}]}}`, CodeNotObject, "/epcisBody/eventList/0/bizTransactionList/0"},
		{`{"epcisBody":{}}`, CodeNoEvents, "/epcisBody"},
		{`{"epcisBody":`, CodeSyntax, ""},
		{`[]`, CodeNotObject, ""},
	} {
		_, err := DocumentHashes([]byte(tc.doc))
		var e *Error
		require.True(t, errors.As(err, &e), "%s: %v", tc.doc, err)
		assert.Equal(t, tc.code, e.Code, tc.doc)
		assert.Equal(t, tc.ptr, e.Pointer, tc.doc)
		assert.ErrorIs(t, err, ErrInvalid)
	}
}

func TestDocumentHashesKeepsDocumentOrder(t *testing.T) {
	doc := `{` + stdContext + `,"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"TransactionEvent"},{"type":"ObjectEvent"}]}}`
	got, err := DocumentHashes([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, []string{HashPreHash("eventType=TransactionEvent"), HashPreHash("eventType=ObjectEvent")}, got)
}

func TestEventContextAddsPrefixes(t *testing.T) {
	p, err := PreHash(json.RawMessage(`{"@context":[{"acme":"https://acme.example/ns/"}],"type":"ObjectEvent","acme:batch":"acme:B1"}`), nil)
	require.NoError(t, err)
	assert.Equal(t, "eventType=ObjectEvent{https://acme.example/ns/}batch=https://acme.example/ns/B1", p)
}
