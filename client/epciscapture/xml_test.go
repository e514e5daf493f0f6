package epciscapture_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/client/epciscapture"
)

// commissioningXML is the document of units(n) in EPCIS 1.2 XML: the ILMD
// in 1.2's extension wrapper, the business step as a 1.x URN.
func commissioningXML(version string, serials ...string) string {
	ns := map[string]string{"1.2": "urn:epcglobal:epcis:xsd:1", "2.0": "urn:epcglobal:epcis:xsd:2"}[version]
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><epcis:EPCISDocument xmlns:epcis="` + ns + `" schemaVersion="` + version +
		`" creationDate="2026-03-01T00:00:00Z" xmlns:example="https://ns.example.com/epcis/" xmlns:cbvmda="urn:epcglobal:cbv:mda"><EPCISBody><EventList>`)
	for _, s := range serials {
		b.WriteString(`<ObjectEvent><eventTime>2026-03-01T08:00:00.000+08:00</eventTime><eventTimeZoneOffset>+08:00</eventTimeZoneOffset>` +
			`<epcList><epc>https://id.gs1.org/01/06901234000016/21/` + s + `</epc></epcList><action>ADD</action>` +
			`<bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep>` +
			`<extension><ilmd><cbvmda:lotNumber>L1</cbvmda:lotNumber></ilmd></extension><example:site>north</example:site></ObjectEvent>`)
	}
	b.WriteString(`</EventList></EPCISBody></epcis:EPCISDocument>`)
	return b.String()
}

// TestCaptureXML: an EPCIS 1.2 or 2.0 XML document posted as
// application/xml or text/xml is captured as its EPCIS 2.0 JSON-LD form:
// that is the document the ledger receives and the copies kept, and its
// events have the hashes of the same events posted as JSON-LD.
func TestCaptureXML(t *testing.T) {
	want, err := epcis.DocumentHashes([]byte(document(units(3)...)))
	require.NoError(t, err)
	for _, tc := range []struct{ version, contentType string }{{"1.2", "application/xml"}, {"2.0", "text/xml; charset=utf-8"}} {
		t.Run(tc.version, func(t *testing.T) {
			s := newService(t, &ledger{})
			j := s.capture(t, commissioningXML(tc.version, "S0", "S1", "S2"), map[string]string{"Content-Type": tc.contentType})
			require.True(t, j.Success, "%+v", j.Errors)
			assert.Equal(t, want, j.EventIDs, "the hashes of the JSON-LD events")
			require.Len(t, s.ledger.docs, 1)
			sent := s.ledger.docs[0]
			assert.True(t, strings.HasPrefix(string(sent), `{"@context":`), "the ledger receives JSON-LD: %s", sent)
			_, caps, err := epcis.ParseCaptureDocument(sent, 10)
			require.NoError(t, err)
			assert.Equal(t, "L1", caps[0].LotNumber, "the 1.2 ILMD lot number reaches the ledger")
			_, ok, err := s.index.KeptEvent(context.Background(), want[0])
			require.NoError(t, err)
			assert.True(t, ok, "the JSON-LD form is kept")
		})
	}
}

// TestCaptureXMLRefused: an XML bomb, an external entity, a malformed or
// non-EPCIS document and one over the event limit are refused before
// anything is kept or sent.
func TestCaptureXMLRefused(t *testing.T) {
	limits := epciscapture.DefaultLimits
	limits.DocumentEvents = 2
	bomb := `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` +
		`<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"><EPCISBody><EventList/></EPCISBody></epcis:EPCISDocument>`
	ids, err := epcis.DocumentHashes([]byte(document(units(3)...)))
	require.NoError(t, err)
	xxe := `<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><e>&x;</e>`
	for _, tc := range []struct {
		name, doc, detail string
		status            int
	}{
		{"billion laughs", bomb, "XML_DTD", http.StatusBadRequest},
		{"external entity", xxe, "XML_DTD", http.StatusBadRequest},
		{"entity without a DTD", strings.Replace(commissioningXML("2.0", "S0"), "north", "&x;", 1), "XML_ENTITY", http.StatusBadRequest},
		{"unknown field", strings.Replace(commissioningXML("2.0", "S0"), "<action>", "<akshun>ADD</akshun><action>", 1), "XML_UNKNOWN_ELEMENT", http.StatusBadRequest},
		{"JSON posted as XML", document(units(1)...), "XML_SYNTAX", http.StatusBadRequest},
		{"too many events", commissioningXML("2.0", "S0", "S1", "S2"), "events", http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newService(t, &ledger{}, epciscapture.WithLimits(limits))
			resp := s.post(t, tc.doc, map[string]string{"Content-Type": "application/xml"})
			require.Equal(t, tc.status, resp.StatusCode)
			p := problem(t, resp)
			assert.Contains(t, p.Detail, tc.detail)
			assert.Less(t, len(p.Detail), 400, "the detail quotes no more than an excerpt")
			assert.Empty(t, s.ledger.docs, "nothing was sent")
			for _, id := range ids {
				_, ok, err := s.index.KeptEvent(context.Background(), id)
				require.NoError(t, err)
				assert.False(t, ok, "nothing was kept")
			}
		})
	}
}
