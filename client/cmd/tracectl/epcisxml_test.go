package main

import (
	"encoding/json"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/client/epciscapture"
)

const xmlPairs = "../../epcisxml/testdata/pairs/"

// TestEPCISHashXML: epcis hash reads EPCIS 2.0 and 1.2 XML, sniffed or as
// --format says, and prints the hashes of the same events in JSON-LD.
func TestEPCISHashXML(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	code, want, errOut := runCLI(t, "epcis", "hash", xmlPairs+"story.jsonld")
	require.Equal(t, exitOK, code, errOut)
	for _, args := range [][]string{
		{"epcis", "hash", xmlPairs + "story_2_0.xml"},
		{"epcis", "hash", "--format", "xml", xmlPairs + "story_1_2.xml"},
	} {
		code, out, errOut := runCLI(t, args...)
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, want, out, "%v", args)
	}
	code, _, errOut = runCLI(t, "epcis", "hash", "--format", "json", xmlPairs+"story_2_0.xml")
	assert.Equal(t, exitError, code, "XML read as JSON")
	assert.Contains(t, errOut, "SYNTAX")
	code, _, errOut = runCLI(t, "epcis", "hash", "--format", "yaml", xmlPairs+"story.jsonld")
	assert.Equal(t, exitUsage, code, errOut)
	bomb := filepath.Join(t.TempDir(), "bomb.xml")
	require.NoError(t, os.WriteFile(bomb, []byte(`<!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>`), 0o600))
	code, _, errOut = runCLI(t, "epcis", "hash", bomb)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "XML_DTD")
}

// TestEPCISCaptureXML: epcis capture posts an XML file as application/xml.
func TestEPCISCaptureXML(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	doc := filepath.Join(t.TempDir(), "doc.xml")
	require.NoError(t, os.WriteFile(doc, []byte(`<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1" schemaVersion="1.2" creationDate="2026-03-01T00:00:00Z"
  xmlns:cbvmda="urn:epcglobal:cbv:mda"><EPCISBody><EventList><ObjectEvent><eventTime>2026-03-01T08:00:00Z</eventTime>
  <eventTimeZoneOffset>+00:00</eventTimeZoneOffset><epcList><epc>https://id.gs1.org/01/06901234000016/21/A1</epc></epcList><action>ADD</action>
  <bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><extension><ilmd><cbvmda:lotNumber>L1</cbvmda:lotNumber></ilmd></extension>
  </ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`), 0o600))
	code, hashes, errOut := runCLI(t, "epcis", "hash", doc)
	require.Equal(t, exitOK, code, errOut)
	h := epciscapture.New(captureLedger{})
	srv := httptest.NewTLSServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	ca := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	code, out, errOut := runCLI(t, "epcis", "capture", "--url", srv.URL, "--cacert", ca, "--wait", (5 * time.Second).String(), doc)
	require.Equal(t, exitOK, code, errOut)
	var job epciscapture.Job
	require.NoError(t, json.Unmarshal([]byte(out), &job), out)
	require.Len(t, job.EventIDs, 1)
	assert.Equal(t, job.EventIDs[0]+"\n", hashes, "epcis hash gives the eventID the ledger anchors")
}
