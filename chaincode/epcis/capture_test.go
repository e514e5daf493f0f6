package epcis

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func captureDoc(events ...string) []byte {
	return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ns.example.com/"}],` +
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-01T00:00:00Z","epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`)
}

const capTime = `"eventTime":"2026-03-01T10:00:00.123+08:00","eventTimeZoneOffset":"+08:00"`

func TestParseCapture(t *testing.T) {
	const u1 = "https://id.gs1.org/01/06901234000016/21/A1"
	tests := []struct {
		name  string
		event string
		want  Capture
	}{
		{"units from EPC URNs", `{"type":"ObjectEvent",` + capTime + `,"epcList":["urn:epc:id:sgtin:6901234.000001.A1"],"action":"ADD","bizStep":"cbv:BizStep-commissioning",
			"ilmd":{"cbvmda:lotNumber":"B1","cbvmda:itemExpirationDate":"2028-01-01"},"readPoint":{"id":"urn:epc:id:sgln:6901234.00002.0"}}`,
			Capture{Action: CaptureCommission, EPCs: []string{u1}, GTIN: "06901234000016", LotNumber: "B1", ProductionDate: "2026-03-01",
				ExpiryDate: "2028-01-01", ReadPoint: "https://id.gs1.org/414/6901234000023"}},
		{"a lot", `{"type":"ObjectEvent",` + capTime + `,"quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.000001.L7","quantity":500}],"action":"ADD","bizStep":"commissioning",
			"ilmd":{"urn:epcglobal:cbv:mda:productionDate":"2026-02-01"}}`,
			Capture{Action: CaptureCommissionLot, Class: "https://id.gs1.org/01/06901234000016/10/L7", Quantity: 500, GTIN: "06901234000016", LotNumber: "L7", ProductionDate: "2026-02-01"}},
		{"packing", `{"type":"AggregationEvent",` + capTime + `,"parentID":"urn:epc:id:sscc:6901234.0000000011","childEPCs":["` + u1 + `"],"action":"ADD"}`,
			Capture{Action: CapturePack, ParentID: "https://id.gs1.org/00/069012340000000115", EPCs: []string{u1}}},
		{"unpacking", `{"type":"AggregationEvent",` + capTime + `,"parentID":"https://id.gs1.org/00/069012340000000115","childEPCs":["` + u1 + `"],"action":"DELETE","bizStep":"unpacking","disposition":"active"}`,
			Capture{Action: CaptureUnpack, ParentID: "https://id.gs1.org/00/069012340000000115", EPCs: []string{u1}, Disposition: "active"}},
		{"shipping", `{"type":"ObjectEvent",` + capTime + `,"epcList":["` + u1 + `"],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",
			"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:6901234.00001"}],
			"destinationList":[{"type":"possessing_party","destination":"https://id.gs1.org/417/6907777000012"},{"type":"location","destination":"https://id.gs1.org/414/6907777000050"}]}`,
			Capture{Action: CaptureShip, EPCs: []string{u1}, Disposition: "in_transit", Source: "https://id.gs1.org/417/6901234000016", Destination: "https://id.gs1.org/417/6907777000012",
				DestinationLocation: "https://id.gs1.org/414/6907777000050"}},
		{"receiving at a location, from a location", `{"type":"ObjectEvent",` + capTime + `,"epcList":["` + u1 + `"],"action":"OBSERVE","bizStep":"receiving",
			"sourceList":[{"type":"cbv:SDT-location","source":"urn:epc:id:sgln:6901234.00002.0"},{"type":"owning_party","source":"https://id.gs1.org/417/6901234000016"},{"type":"location","source":"https://id.gs1.org/414/6901234000023"}],
			"destinationList":[{"type":"urn:epcglobal:cbv:sdt:location","destination":"https://id.gs1.org/414/6907777000050"},{"type":"possessing_party","destination":"https://id.gs1.org/417/6907777000012"}]}`,
			Capture{Action: CaptureReceive, EPCs: []string{u1}, Source: "https://id.gs1.org/417/6901234000016", SourceLocation: "https://id.gs1.org/414/6901234000023",
				Destination: "https://id.gs1.org/417/6907777000012", DestinationLocation: "https://id.gs1.org/414/6907777000050"}},
		{"receiving", `{"type":"ObjectEvent",` + capTime + `,"epcList":["` + u1 + `"],"action":"OBSERVE","bizStep":"urn:epcglobal:cbv:bizstep:receiving"}`,
			Capture{Action: CaptureReceive, EPCs: []string{u1}}},
		{"rejecting", `{"type":"ObjectEvent",` + capTime + `,"epcList":["` + u1 + `"],"action":"OBSERVE","bizStep":"void_shipping"}`,
			Capture{Action: CaptureReject, EPCs: []string{u1}}},
		{"decommissioning", `{"type":"ObjectEvent",` + capTime + `,"epcList":["` + u1 + `"],"action":"DELETE","bizStep":"decommissioning","disposition":"stolen"}`,
			Capture{Action: CaptureDecommission, EPCs: []string{u1}, Disposition: "stolen"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := captureDoc(tc.event)
			got, err := ParseCapture(doc, 10)
			require.NoError(t, err)
			hashes, err := DocumentHashes(doc)
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, hashes[0], got[0].EventID, "the hash of the whole event")
			assert.Equal(t, "2026-03-01T02:00:00.123Z", got[0].EventTime.Format("2006-01-02T15:04:05.000Z"))
			tc.want.Pointer, tc.want.EventID, tc.want.EventTime = "/epcisBody/eventList/0", got[0].EventID, got[0].EventTime
			assert.Equal(t, tc.want, got[0])
		})
	}
}

func TestParseCaptureRefusals(t *testing.T) {
	const u1 = `"https://id.gs1.org/01/06901234000016/21/A1"`
	tests := []struct {
		name, event string
		code        Code
		pointer     string
	}{
		{"transformation", `{"type":"TransformationEvent",` + capTime + `,"inputEPCList":[` + u1 + `]}`, CodeUnsupported, "/type"},
		{"association", `{"type":"AssociationEvent",` + capTime + `,"parentID":` + u1 + `,"action":"ADD"}`, CodeUnsupported, "/type"},
		{"transaction", `{"type":"TransactionEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"ADD"}`, CodeUnsupported, "/type"},
		{"retail selling", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"retail_selling"}`, CodeUnsupported, "/bizStep"},
		{"no bizStep", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE"}`, CodeUnsupported, "/bizStep"},
		{"commissioning a lot part", `{"type":"ObjectEvent",` + capTime + `,"epcList":["https://id.gs1.org/01/06901234000016/10/L1"],"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:lotNumber":"L1"}}`, CodeInvalidValue, "/epcList/0"},
		{"two GTINs", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `,"https://id.gs1.org/01/06901234000023/21/A1"],"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:lotNumber":"L1"}}`, CodeInvalidValue, "/epcList/1"},
		{"no lot number", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"ADD","bizStep":"commissioning"}`, CodeInvalidValue, "/ilmd"},
		{"bad production date", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:lotNumber":"L1","cbvmda:productionDate":"1 March"}}`, CodeInvalidValue, "/ilmd"},
		{"lot with a fractional quantity", `{"type":"ObjectEvent",` + capTime + `,"quantityList":[{"epcClass":"https://id.gs1.org/01/06901234000016/10/L1","quantity":1.5}],"action":"ADD","bizStep":"commissioning"}`, CodeInvalidValue, "/quantityList/0/quantity"},
		{"lot in kilograms", `{"type":"ObjectEvent",` + capTime + `,"quantityList":[{"epcClass":"https://id.gs1.org/01/06901234000016/10/L1","quantity":2,"uom":"KGM"}],"action":"ADD","bizStep":"commissioning"}`, CodeInvalidValue, "/quantityList/0/uom"},
		{"shipping nowhere", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"shipping"}`, CodeInvalidValue, "/destinationList"},
		{"shipping quantities", `{"type":"ObjectEvent",` + capTime + `,"quantityList":[{"epcClass":"https://id.gs1.org/01/06901234000016/10/L1","quantity":2}],"action":"OBSERVE","bizStep":"shipping"}`, CodeUnsupported, "/quantityList"},
		{"decommissioned as active", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"DELETE","bizStep":"decommissioning","disposition":"active"}`, CodeInvalidValue, "/disposition"},
		{"aggregation without children", `{"type":"AggregationEvent",` + capTime + `,"parentID":"https://id.gs1.org/00/069012340000000115","action":"DELETE"}`, CodeInvalidValue, "/childEPCs"},
		{"aggregation of quantities", `{"type":"AggregationEvent",` + capTime + `,"parentID":"https://id.gs1.org/00/069012340000000115","childQuantityList":[{"epcClass":"https://id.gs1.org/01/06901234000016/10/L1","quantity":2}],"action":"ADD"}`, CodeUnsupported, "/childQuantityList"},
		{"aggregation observed", `{"type":"AggregationEvent",` + capTime + `,"parentID":"https://id.gs1.org/00/069012340000000115","childEPCs":[` + u1 + `],"action":"OBSERVE"}`, CodeUnsupported, "/bizStep"},
		{"foreign eventID", `{"type":"ObjectEvent",` + capTime + `,"eventID":"urn:uuid:1","epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving"}`, CodeInvalidValue, "/eventID"},
		{"error declaration", `{"type":"ObjectEvent",` + capTime + `,"errorDeclaration":{"declarationTime":"2026-03-01T00:00:00Z"},"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving"}`, CodeUnsupported, "/errorDeclaration"},
		{"no offset", `{"type":"ObjectEvent","eventTime":"2026-03-01T10:00:00","epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving"}`, CodeInvalidTime, "/eventTime"},
		{"a time before the year 1 in UTC", `{"type":"ObjectEvent","eventTime":"0000-01-01T00:00:00+01:00","epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving"}`, CodeInvalidTime, "/eventTime"},
		{"a time after 9999 in UTC", `{"type":"ObjectEvent","eventTime":"9999-12-31T23:30:00-01:00","epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving"}`, CodeInvalidTime, "/eventTime"},
		{"persistentDisposition unsetting recalled", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","persistentDisposition":{"unset":["recalled"]}}`, CodeUnsupported, "/persistentDisposition"},
		{"persistentDisposition setting", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","persistentDisposition":{"set":["completeness_verified"]}}`, CodeUnsupported, "/persistentDisposition"},
		{"a source of another type", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","sourceList":[{"type":"ex:broker","source":"https://id.gs1.org/417/6901234000016"}]}`, CodeUnsupported, "/sourceList/0/type"},
		{"a destination without a type", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","destinationList":[{"destination":"https://id.gs1.org/417/6907777000012"}]}`, CodeUnsupported, "/destinationList/0/type"},
		{"a source without its source", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","sourceList":[{"type":"location","source":" "}]}`, CodeInvalidValue, "/sourceList/0/source"},
		{"two source locations", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","sourceList":[{"type":"location","source":"https://id.gs1.org/414/6901234000023"},{"type":"location","source":"https://id.gs1.org/414/6901234000030"}]}`, CodeInvalidValue, "/sourceList/1"},
		{"two destination parties", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"shipping","destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/6907777000012"},{"type":"possessing_party","destination":"https://id.gs1.org/417/6901234000016"}]}`, CodeInvalidValue, "/destinationList/1"},
		{"an ObjectEvent with an inputEPCList", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"inputEPCList":["https://id.gs1.org/01/06901234000016/21/B2"],"action":"OBSERVE","bizStep":"receiving"}`, CodeInvalidValue, "/inputEPCList"},
		{"an ObjectEvent with a transformationID", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"transformationID":"urn:x:1","action":"OBSERVE","bizStep":"receiving"}`, CodeInvalidValue, "/transformationID"},
		{"an aggregation with an outputQuantityList", `{"type":"AggregationEvent",` + capTime + `,"parentID":"https://id.gs1.org/00/069012340000000115","childEPCs":[` + u1 + `],"outputQuantityList":[{"epcClass":"https://id.gs1.org/01/06901234000016/10/L1","quantity":2}],"action":"ADD"}`, CodeInvalidValue, "/outputQuantityList"},
		{"a lot quantity the hash cannot hold", `{"type":"ObjectEvent",` + capTime + `,"quantityList":[{"epcClass":"https://id.gs1.org/01/06901234000016/10/L1","quantity":9007199254740993}],"action":"ADD","bizStep":"commissioning"}`, CodeInvalidValue, "/quantityList/0/quantity"},
		{"an EPC that is a number", `{"type":"ObjectEvent",` + capTime + `,"epcList":[6901234],"action":"OBSERVE","bizStep":"receiving"}`, CodeInvalidValue, "/epcList/0"},
		{"a bizStep that is a list", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":["receiving"]}`, CodeInvalidValue, "/bizStep"},
		{"a recordTime of its own", `{"type":"ObjectEvent",` + capTime + `,"recordTime":"2026-03-01T10:00:00Z","epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving"}`, CodeUnsupported, "/recordTime"},
		{"the ledger's own annotation", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","tracechain:ledgerTxId":"abc"}`, CodeUnsupported, "/tracechain:ledgerTxId"},
		{"the ledger's namespace under another prefix", `{"@context":{"tc":"https://ns.tracechain.example/epcis/"},"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","tc:txId":"abc"}`, CodeUnsupported, "/tc:txId"},
		{"a bare key beside the location (found by FuzzCaptureIsWhatWasHashed)", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","bizLocation0":{}}`, CodeUnknownKey, "/bizLocation0"},
		{"an extension whose prefix no context declares", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","bizLocation:id":"https://id.gs1.org/414/6901234000023"}`, CodeUnknownKey, "/bizLocation:id"},
		{"an ilmd that is not an object", `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"ADD","bizStep":"commissioning","ilmd":"L1"}`, CodeNotObject, "/ilmd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCapture(captureDoc(`{"type":"ObjectEvent",`+capTime+`,"epcList":[`+u1+`],"action":"OBSERVE","bizStep":"receiving"}`, tc.event), 10)
			var e *Error
			require.True(t, errors.As(err, &e), "%v", err)
			assert.Equal(t, tc.code, e.Code, e.Error())
			assert.Equal(t, "/epcisBody/eventList/1"+tc.pointer, e.Pointer, e.Error())
		})
	}
	_, err := ParseCapture(captureDoc(), 10)
	assert.ErrorIs(t, err, ErrInvalid, "no events")
	_, err = ParseCapture([]byte(`{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"resultsBody":{"eventList":[]}}}}`), 10)
	assert.ErrorIs(t, err, ErrInvalid, "a query document")
	ev := `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving"}`
	_, err = ParseCapture(captureDoc(ev, ev, ev), 2)
	assert.ErrorIs(t, err, ErrInvalid, "more than the maximum")
}

// TestParseCaptureILMDKeyOrder parses ILMD whose keys name one attribute
// twice, or are invalid twice, many times: Go's map order changes each time,
// and every endorser must still give the same refusal, at the second key in
// document order (the hash covers both values; no key order may choose the
// ledger's).
func TestParseCaptureILMDKeyOrder(t *testing.T) {
	tests := []struct {
		name, context, ilmd string
		at                  string // the pointer of the refusal, under the ilmd
		in                  string // in the refusal
	}{
		{"the lot number twice", "", `{"cbvmda:lotNumber":"B1","urn:epcglobal:cbv:mda:lotNumber":"B2","cbvmda:productionDate":"2026-02-01"}`,
			"/urn:epcglobal:cbv:mda:lotNumber", "a second time"},
		{"the lot number twice, the other way round", "", `{"urn:epcglobal:cbv:mda:lotNumber":"B2","cbvmda:productionDate":"2026-02-01","cbvmda:lotNumber":"B1"}`,
			"/cbvmda:lotNumber", "a second time"},
		{"two prefixes of one namespace", `,{"mda":"urn:epcglobal:cbv:mda:"}`, `{"mda:lotNumber":"B2","cbvmda:lotNumber":"B1"}`,
			"/cbvmda:lotNumber", "a second time"},
		{"two values that are not strings", "", `{"cbvmda:productionDate":1,"cbvmda:lotNumber":2,"cbvmda:itemExpirationDate":3}`,
			"/cbvmda:productionDate", "cbvmda:productionDate must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := captureDoc(`{"type":"ObjectEvent",` + capTime + `,"epcList":["urn:epc:id:sgtin:6901234.000001.A1"],"action":"ADD","bizStep":"commissioning","ilmd":` + tt.ilmd + `}`)
			if tt.context != "" {
				doc = []byte(strings.Replace(string(doc), `{"ex":"https://ns.example.com/"}`, `{"ex":"https://ns.example.com/"}`+tt.context, 1))
			}
			for range 50 {
				_, err := ParseCapture(doc, 1)
				var e *Error
				require.True(t, errors.As(err, &e), "%v", err)
				assert.Equal(t, CodeInvalidValue, e.Code)
				assert.Equal(t, "/epcisBody/eventList/0/ilmd"+tt.at, e.Pointer)
				assert.Contains(t, e.Msg, tt.in)
			}
		})
	}
}

// FuzzParseCapture checks that the mapping never panics, is deterministic,
// and that every accepted event maps to an operation with what it needs.
func FuzzParseCapture(f *testing.F) {
	for _, ev := range []string{
		`{"type":"ObjectEvent",` + capTime + `,"epcList":["urn:epc:id:sgtin:6901234.000001.A1"],"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:lotNumber":"B1"}}`,
		`{"type":"AggregationEvent",` + capTime + `,"parentID":"urn:epc:id:sscc:6901234.0000000011","childEPCs":["urn:epc:id:sgtin:6901234.000001.A1"],"action":"ADD"}`,
		`{"type":"ObjectEvent",` + capTime + `,"epcList":["urn:epc:id:sgtin:6901234.000001.A1"],"action":"OBSERVE","bizStep":"shipping","destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/6907777000012"}]}`,
		`{"type":"ObjectEvent",` + capTime + `,"quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.000001.L7","quantity":5}],"action":"ADD","bizStep":"commissioning"}`,
	} {
		f.Add(captureDoc(ev))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		c1, err1 := ParseCapture(doc, 20)
		c2, err2 := ParseCapture(doc, 20)
		if errString(err1) != errString(err2) || !reflect.DeepEqual(c1, c2) {
			t.Fatalf("not deterministic: %v / %v", err1, err2)
		}
		if err1 != nil {
			if !errors.Is(err1, ErrInvalid) {
				t.Fatalf("untyped error %T: %v", err1, err1)
			}
			return
		}
		for _, c := range c1 {
			if c.EventID == "" || c.Action == "" {
				t.Fatalf("incomplete capture %+v", c)
			}
			switch c.Action {
			case CaptureCommissionLot:
				if c.Class == "" || c.Quantity <= 0 || c.LotNumber == "" {
					t.Fatalf("lot without class, quantity or lot number: %+v", c)
				}
			case CapturePack, CaptureUnpack:
				if c.ParentID == "" || len(c.EPCs) == 0 {
					t.Fatalf("aggregation without parent or children: %+v", c)
				}
			default:
				if len(c.EPCs) == 0 {
					t.Fatalf("%s without EPCs: %+v", c.Action, c)
				}
			}
		}
	})
}
