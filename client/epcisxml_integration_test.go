//go:build integration

package client_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/epciscapture"
	"github.com/tracechain/tracechain/client/epcisxml"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// acmeNamespace is the namespace of the story's user extension.
const acmeNamespace = "https://ns.acme.example/epcis/"

// acmeContext is the @context of the story's JSON-LD documents.
var acmeContext = json.RawMessage(`["` + epcis.StandardContextURL + `",{"acme":"` + acmeNamespace + `"}]`)

// acmeDocument is an EPCISDocument of events under acmeContext.
func acmeDocument(t *testing.T, events ...json.RawMessage) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"@context": acmeContext, "type": "EPCISDocument", "schemaVersion": "2.0",
		"creationDate": time.Now().UTC().Format(time.RFC3339), "epcisBody": map[string]any{"eventList": events}})
	require.NoError(t, err)
	return b
}

// bindingStory is the story of TestEPCISXMLCaptureAndQuery on codes of its
// own: three units commissioned, packed into a case, the case shipped by
// the maker and received by the distributor.
type bindingStory struct {
	units                []string
	caseCode, now, batch string
	partyA, siteA        string
	partyD, siteD        string
}

// json is the story's events in EPCIS 2.0 JSON-LD: the maker's and the
// distributor's.
func (s *bindingStory) json(t *testing.T) (maker, distributor []json.RawMessage) {
	codes, err := json.Marshal(s.units)
	require.NoError(t, err)
	ev := rawEvent
	maker = []json.RawMessage{
		ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":%s,"action":"ADD","bizStep":"commissioning","disposition":"active",
			"readPoint":{"id":"https://id.gs1.org/414/%s"},"bizTransactionList":[{"type":"prodorder","bizTransaction":"urn:example:mo:1"}],
			"ilmd":{"cbvmda:lotNumber":%q},"acme:line":"L2"}`, s.now, codes, s.siteA, s.batch),
		ev(`{"type":"AggregationEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","parentID":%q,"childEPCs":%s,"action":"ADD","bizStep":"packing"}`,
			s.now, s.caseCode, codes),
		ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":[%q],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",
			"sourceList":[{"type":"owning_party","source":"https://id.gs1.org/417/%s"}],"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/%s"}],
			"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":21.5,"uom":"CEL"}]}]}`, s.now, s.caseCode, s.partyA, s.partyD),
	}
	distributor = []json.RawMessage{
		ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":[%q],"action":"OBSERVE","bizStep":"receiving","disposition":"active",
			"bizLocation":{"id":"https://id.gs1.org/414/%s"},"sourceList":[{"type":"owning_party","source":"https://id.gs1.org/417/%s"}]}`, s.now, s.caseCode, s.siteD, s.partyA),
	}
	return maker, distributor
}

// xml is the same events written by hand in EPCIS 2.0 XML, or in EPCIS 1.2
// XML (1.x CBV URNs, 1.2's extension wrappers around sourceList,
// destinationList, ILMD and sensor data).
func (s *bindingStory) xml(v12 bool) (maker, distributor []byte) {
	word := func(vocab, w string) string {
		if v12 {
			return "urn:epcglobal:cbv:" + vocab + ":" + w
		}
		return w
	}
	wrap := func(inner string, levels int) string {
		if !v12 {
			return inner
		}
		return strings.Repeat("<extension>", levels) + inner + strings.Repeat("</extension>", levels)
	}
	var epcs strings.Builder
	for _, u := range s.units {
		epcs.WriteString("<epc>" + u + "</epc>")
	}
	head := `<eventTime>` + s.now + `</eventTime><eventTimeZoneOffset>+08:00</eventTimeZoneOffset>`
	doc := func(events string) []byte {
		ns, version := "urn:epcglobal:epcis:xsd:2", "2.0"
		if v12 {
			ns, version = "urn:epcglobal:epcis:xsd:1", "1.2"
		}
		return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="` + ns + `" schemaVersion="` + version + `" creationDate="` + s.now + `"
  xmlns:cbvmda="urn:epcglobal:cbv:mda" xmlns:a="` + acmeNamespace + `"><EPCISBody><EventList>` + events + `</EventList></EPCISBody></epcis:EPCISDocument>`)
	}
	maker = doc(`<ObjectEvent>` + head + `<epcList>` + epcs.String() + `</epcList><action>ADD</action>
<bizStep>` + word("bizstep", "commissioning") + `</bizStep><disposition>` + word("disp", "active") + `</disposition>
<readPoint><id>https://id.gs1.org/414/` + s.siteA + `</id></readPoint>
<bizTransactionList><bizTransaction type="` + word("btt", "prodorder") + `">urn:example:mo:1</bizTransaction></bizTransactionList>
` + wrap(`<ilmd><cbvmda:lotNumber>`+s.batch+`</cbvmda:lotNumber></ilmd>`, 1) + `<a:line>L2</a:line></ObjectEvent>
<AggregationEvent>` + head + `<parentID>` + s.caseCode + `</parentID><childEPCs>` + epcs.String() + `</childEPCs><action>ADD</action>
<bizStep>` + word("bizstep", "packing") + `</bizStep></AggregationEvent>
<ObjectEvent>` + head + `<epcList><epc>` + s.caseCode + `</epc></epcList><action>OBSERVE</action>
<bizStep>` + word("bizstep", "shipping") + `</bizStep><disposition>` + word("disp", "in_transit") + `</disposition>
` + wrap(`<sourceList><source type="`+word("sdt", "owning_party")+`">https://id.gs1.org/417/`+s.partyA+`</source></sourceList>
<destinationList><destination type="`+word("sdt", "owning_party")+`">https://id.gs1.org/417/`+s.partyD+`</destination></destinationList>`+
		wrap(`<sensorElementList><sensorElement><sensorReport type="Temperature" value="21.5" uom="CEL"/></sensorElement></sensorElementList>`, 1), 1) + `
</ObjectEvent>`)
	distributor = doc(`<ObjectEvent>` + head + `<epcList><epc>` + s.caseCode + `</epc></epcList><action>OBSERVE</action>
<bizStep>` + word("bizstep", "receiving") + `</bizStep><disposition>` + word("disp", "active") + `</disposition>
<bizLocation><id>https://id.gs1.org/414/` + s.siteD + `</id></bizLocation>
` + wrap(`<sourceList><source type="`+word("sdt", "owning_party")+`">https://id.gs1.org/417/`+s.partyA+`</source></sourceList>`, 1) + `</ObjectEvent>`)
	return maker, distributor
}

// postAs posts doc to /capture with a Content-Type.
func (e *epcisMember) postAs(t *testing.T, doc []byte, contentType string) *http.Response {
	t.Helper()
	resp, err := e.http.Post(e.srv.URL+"/capture", contentType, bytes.NewReader(doc))
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// captureAs posts doc with a Content-Type and waits for its job.
func (e *epcisMember) captureAs(t *testing.T, doc []byte, contentType string) epciscapture.Job {
	t.Helper()
	resp := e.postAs(t, doc, contentType)
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(b))
	var j epciscapture.Job
	e.get(t, resp.Header.Get("Location")+"?wait=60s", &j)
	require.False(t, j.Running)
	return j
}

// eventsIn queries /events in a binding (Accept) and returns each event's
// hash, as the query answer's reader recomputes it, by eventID: the JSON
// answer as it comes, the XML answer read back by epcisxml.
func (e *epcisMember) eventsIn(t *testing.T, query url.Values, accept string) map[string]string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/events?"+query.Encode(), nil)
	require.NoError(t, err)
	req.Header.Set("Accept", accept)
	resp, err := e.http.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	if strings.Contains(accept, "xml") {
		require.Equal(t, epcisxml.MediaType, resp.Header.Get("Content-Type"))
		require.True(t, bytes.HasPrefix(b, []byte("<?xml")), "an XML answer")
		d, err := epcisxml.ConvertBytes(b)
		require.NoError(t, err)
		b = d.JSON
	}
	doc, err := epcis.ParseDocument(b)
	require.NoError(t, err)
	ctx, err := doc.ParseContext()
	require.NoError(t, err)
	out := map[string]string{}
	for _, ev := range doc.Events() {
		plain, _, err := epcisapi.Unannotate(ev.Raw)
		require.NoError(t, err)
		h, err := epcis.EventHash(plain, ctx)
		require.NoError(t, err)
		out[ev.EventID] = h
	}
	return out
}

// TestEPCISXMLCaptureAndQuery captures the same story (commission, pack,
// ship, receive) once as EPCIS 2.0 JSON-LD, once as EPCIS 2.0 XML and once
// as EPCIS 1.2 XML, each on codes of its own, through two members' real
// capture interfaces; queries the events back in both bindings and proves
// that the XML and the JSON form of each event have the hash the ledger
// anchored, which is the hash of the event written in JSON-LD; and posts an
// XML bomb and an external entity, which are refused and write nothing.
func TestEPCISXMLCaptureAndQuery(t *testing.T) {
	ctx := testnet.Context(t)
	A, D := org(t, mfrA), org(t, dist)
	f := testnet.NewProduct(t)
	partyA, siteA := withCheck(t, testnet.PrefixA+"00001"), withCheck(t, testnet.PrefixA+"00002")
	partyD, siteD := withCheck(t, testnet.PrefixD+"00001"), withCheck(t, testnet.PrefixD+"00005")
	withGLNs(t, map[string][2]string{A.MSPID(): {partyA, siteA}, D.MSPID(): {partyD, siteD}})
	svcA, svcD := epcisService(t, mfrA, A), epcisService(t, dist, D)

	for i, binding := range []string{"JSON-LD 2.0", "XML 2.0", "XML 1.2"} {
		t.Run(binding, func(t *testing.T) {
			start := time.Now()
			g := *f
			g.Run = fmt.Sprintf("%s%d", f.Run[:5], i) // codes of this binding's own
			s := &bindingStory{units: g.Units(0, 3), caseCode: testnet.Canonical(t, testnet.NewSSCC(g.Prefix)), now: captureNow(), batch: f.Batch,
				partyA: partyA, siteA: siteA, partyD: partyD, siteD: siteD}
			for j, u := range s.units {
				s.units[j] = testnet.Canonical(t, u)
			}
			makerJSON, distJSON := s.json(t)
			want, err := epcis.DocumentHashes(acmeDocument(t, append(append([]json.RawMessage{}, makerJSON...), distJSON...)...))
			require.NoError(t, err)
			var maker, distributor []byte
			contentType := "application/xml"
			switch binding {
			case "JSON-LD 2.0":
				maker, distributor, contentType = acmeDocument(t, makerJSON...), acmeDocument(t, distJSON...), "application/ld+json"
			case "XML 2.0":
				maker, distributor = s.xml(false)
			case "XML 1.2":
				maker, distributor = s.xml(true)
				contentType = "text/xml"
			}
			jm := svcA.captureAs(t, maker, contentType)
			require.True(t, jm.Success, "%+v", jm.Errors)
			testnet.Settled(t)
			jd := svcD.captureAs(t, distributor, contentType)
			require.True(t, jd.Success, "%+v", jd.Errors)
			assert.Equal(t, want, append(append([]string{}, jm.EventIDs...), jd.EventIDs...),
				"the ledger anchors the hashes of the events written in JSON-LD")

			// The ledger's own events carry those hashes.
			trace, err := client.Collect(D.Trace(ctx, s.caseCode))
			require.NoError(t, err)
			byType := map[string]string{}
			for _, e := range trace {
				byType[e.Type] = e.EventID
			}
			assert.Equal(t, want[2], byType[model.EventShipped])
			assert.Equal(t, want[3], byType[model.EventReceived])
			item, err := A.GetItem(ctx, s.units[0])
			require.NoError(t, err)
			assert.Equal(t, f.Batch, item.Item.Batch, "the lot number of the ILMD reached the ledger")

			// Both bindings of the query answer give every event its hash,
			// at the maker's service (its own captures of pack and ship
			// verbatim, the receipt as the ledger renders it) and at the
			// distributor's (its capture of the receipt verbatim).
			testnet.Settled(t)
			q := url.Values{"MATCH_anyEPC": {s.caseCode}}
			for _, svc := range []struct {
				name     string
				e        *epcisMember
				captured []string
			}{{"maker", svcA, want[1:3]}, {"distributor", svcD, want[3:]}} {
				svc.e.indexed(t, *jd.Block)
				inJSON := svc.e.eventsIn(t, q, "application/ld+json")
				inXML := svc.e.eventsIn(t, q, "application/xml")
				// pack, ship and receive name the case; the ledger's renderings
				// (the other member's events) are one per unit packed.
				require.GreaterOrEqual(t, len(inJSON), 3, svc.name)
				assert.Equal(t, inJSON, inXML, "%s: each event's XML form hashes as its JSON form", svc.name)
				for id, h := range inJSON {
					assert.Equal(t, id, h, "%s: and that hash is its eventID", svc.name)
				}
				for _, id := range svc.captured {
					assert.Contains(t, inXML, id, "%s: its capture, with the anchored hash", svc.name)
				}
			}
			t.Logf("%s: captured and queried in %v", binding, time.Since(start).Round(time.Millisecond))
		})
	}

	t.Run("an XML bomb and an external entity are refused and write nothing", func(t *testing.T) {
		fresh := testnet.Canonical(t, f.Unit(900))
		event := `<ObjectEvent><eventTime>` + captureNow() + `</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
<epcList><epc>` + fresh + `</epc></epcList><action>ADD</action><bizStep>commissioning</bizStep>
<ilmd><cbvmda:lotNumber>&lot;</cbvmda:lotNumber></ilmd></ObjectEvent>`
		body := `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" xmlns:cbvmda="urn:epcglobal:cbv:mda" schemaVersion="2.0"><EPCISBody><EventList>` +
			event + `</EventList></EPCISBody></epcis:EPCISDocument>`
		bomb := `<?xml version="1.0"?><!DOCTYPE epcis:EPCISDocument [<!ENTITY l0 "` + f.Batch + `">` +
			`<!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;"><!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">` +
			`<!ENTITY lot "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">]>` + body
		xxe := `<?xml version="1.0"?><!DOCTYPE epcis:EPCISDocument [<!ENTITY lot SYSTEM "file:///etc/hostname">]>` + body
		testnet.Settled(t)
		before, err := testnet.Current().ChainHeight(ctx, testnet.ManufacturerA)
		require.NoError(t, err)
		for name, doc := range map[string]string{"billion laughs": bomb, "external entity": xxe} {
			resp := svcA.postAs(t, []byte(doc), "application/xml")
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, name)
			var p epcisapi.Problem
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
			assert.Equal(t, epciscapture.ValidationException, p.Type, name)
			assert.Contains(t, p.Detail, string(epcisxml.CodeDTD), name)
		}
		testnet.Settled(t)
		after, err := testnet.Current().ChainHeight(ctx, testnet.ManufacturerA)
		require.NoError(t, err)
		assert.Equal(t, before, after, "no transaction was sent")
		_, err = A.GetItem(ctx, fresh)
		require.ErrorIs(t, err, client.ErrNotFound, "the unit is not on the ledger")
		list := svcA.eventsIn(t, url.Values{"MATCH_epc": {fresh}}, "application/ld+json")
		assert.Empty(t, list, "nor in the index")
	})
}
