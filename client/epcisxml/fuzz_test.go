package epcisxml

import (
	"errors"
	"slices"
	"testing"

	"github.com/tracechain/tracechain/chaincode/epcis"
)

// FuzzConvert: on any input the reader returns a document or an *Error,
// never panics, and never both; a document it returns is JSON the strict
// reading of the ledger takes or refuses with an *epcis.Error; and the
// events of a document that hashes keep their hashes when written as XML
// by FromJSON and read back.
func FuzzConvert(f *testing.F) {
	// Small seeds: a new input is minimised for up to a minute, and the
	// minimisation of a large one is what a fuzzing run would spend.
	f.Add([]byte(billionLaughs))
	f.Add([]byte(externalEntity))
	f.Add([]byte(doc(objectEvent(`<ex:x xmlns:ex="https://ex.example/"><ex:y>1</ex:y><ex:y>2</ex:y></ex:x>`))))
	f.Add([]byte(doc(objectEvent(`<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep><sourceList><source type="owning_party">urn:epc:id:pgln:6901234.00000</source></sourceList>
<sensorElementList><sensorElement><sensorMetadata time="2026-01-01T00:00:00Z"/><sensorReport type="Temperature" value="+1.50"/></sensorElement></sensorElementList>
<quantityList><quantityElement><epcClass>urn:epc:class:lgtin:6901234.000001.L1</epcClass><quantity>2</quantity></quantityElement></quantityList>
<extension><ilmd><cbvmda:lotNumber xmlns:cbvmda="urn:epcglobal:cbv:mda">L1</cbvmda:lotNumber></ilmd></extension>`))))
	f.Add([]byte(`<epcisq:EPCISQueryDocument xmlns:epcisq="urn:epcglobal:epcis-query:xsd:2" schemaVersion="2.0"><EPCISBody><epcisq:QueryResults><queryName>q</queryName><resultsBody><EventList>` +
		objectEvent("") + `</EventList></resultsBody></epcisq:QueryResults></EPCISBody></epcisq:EPCISQueryDocument>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := ConvertBytes(in, WithLimits(Limits{Bytes: 1 << 20, Events: 100}))
		if err != nil {
			if d != nil || !errors.Is(err, ErrInvalid) {
				t.Fatalf("%v with %v", d, err)
			}
			return
		}
		want, err := epcis.DocumentHashes(d.JSON)
		if err != nil {
			if !errors.Is(err, epcis.ErrInvalid) {
				t.Fatalf("the JSON form fails untyped: %v\n%s", err, d.JSON)
			}
			return
		}
		x, err := FromJSON(d.JSON)
		if err != nil {
			t.Fatalf("the JSON form does not write as XML: %v\n%s", err, d.JSON)
		}
		back, err := ConvertBytes(x)
		if err != nil {
			t.Fatalf("XML written by FromJSON does not read back: %v\n%s", err, x)
		}
		got, err := epcis.DocumentHashes(back.JSON)
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("hashes changed through XML (%v)\n%s\n%s", err, d.JSON, back.JSON)
		}
	})
}
