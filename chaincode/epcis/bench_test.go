package epcis

import (
	"fmt"
	"strings"
	"testing"
)

// benchDocument is a capture document of n events as a member's service
// posts them: commissioning with ILMD, shipping with both lists, receiving.
func benchDocument(n int) []byte {
	events := make([]string, n)
	for i := range events {
		epc := fmt.Sprintf(`"urn:epc:id:sgtin:6901234.000001.S%d"`, i)
		switch i % 3 {
		case 0:
			events[i] = `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + epc + `],"action":"ADD","bizStep":"commissioning",` +
				`"readPoint":{"id":"urn:epc:id:sgln:6901234.00002.0"},"ilmd":{"cbvmda:lotNumber":"B1","cbvmda:productionDate":"2026-02-01"}}`
		case 1:
			events[i] = `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + epc + `],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",` +
				`"sourceList":[{"type":"owning_party","source":"https://id.gs1.org/417/6901234000016"}],` +
				`"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/6907777000012"},{"type":"location","destination":"https://id.gs1.org/414/6907777000050"}],` +
				`"bizTransactionList":[{"type":"desadv","bizTransaction":"urn:epcglobal:cbv:bt:6901234000016:D1"}],"ex:note":"pallet 7"}`
		default:
			events[i] = `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + epc + `],"action":"OBSERVE","bizStep":"receiving","disposition":"active"}`
		}
	}
	return captureDoc(strings.Join(events, ","))
}

// BenchmarkParseCaptureDocument is the work every endorser does for a
// 10,000-event capture document before the ledger rules run.
func BenchmarkParseCaptureDocument(b *testing.B) {
	doc := benchDocument(10000)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseCaptureDocument(doc, 10000); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDocumentHashes hashes the same document.
func BenchmarkDocumentHashes(b *testing.B) {
	doc := benchDocument(10000)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DocumentHashes(doc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDocument decodes the same document into Events.
func BenchmarkParseDocument(b *testing.B) {
	doc := benchDocument(10000)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDocument(doc); err != nil {
			b.Fatal(err)
		}
	}
}
