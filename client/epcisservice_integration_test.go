//go:build integration

package client_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
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
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// memberTLS is an organisation's cryptogen TLS material on the test
// network: its TLS CA, and its User1's client certificate.
type memberTLS struct{ ca, cert, key string }

func tlsOf(org string) memberTLS {
	dom := strings.ToLower(org) + ".tracechain.example"
	dir := filepath.Join(testnet.Current().Dir, "crypto", "peerOrganizations", dom)
	user := filepath.Join(dir, "users", "User1@"+dom, "tls")
	return memberTLS{ca: filepath.Join(dir, "tlsca", "tlsca."+dom+"-cert.pem"),
		cert: filepath.Join(user, "client.crt"), key: filepath.Join(user, "client.key")}
}

// epcisMember is one member's EPCIS interface, served as traced serves it:
// capture as the member's user, its own index, mutual TLS with the member's
// CA.
type epcisMember struct {
	srv  *httptest.Server
	http *http.Client // the member's EPCIS client, with User1's certificate
}

func epcisService(t *testing.T, org string, member *client.Client) *epcisMember {
	t.Helper()
	idx, err := eventindex.OpenSQLite(ctxT(t), filepath.Join(t.TempDir(), "epcis.db"))
	require.NoError(t, err)
	capture := epciscapture.New(member, epciscapture.WithIndex(idx))
	srv := httptest.NewUnstartedServer(epcisapi.New(idx, epcisapi.WithCapture(capture)))
	m := tlsOf(org)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool(t, m.ca), MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(func() { srv.Close(); capture.Close(); _ = idx.Close() })
	return &epcisMember{srv: srv, http: httpsClient(t, srv, &m)}
}

func pool(t *testing.T, pemFile string) *x509.CertPool {
	t.Helper()
	b, err := os.ReadFile(pemFile)
	require.NoError(t, err)
	p := x509.NewCertPool()
	require.True(t, p.AppendCertsFromPEM(b), pemFile)
	return p
}

// httpsClient trusts srv and presents m's client certificate (none when m
// is nil).
func httpsClient(t *testing.T, srv *httptest.Server, m *memberTLS) *http.Client {
	t.Helper()
	tc := &tls.Config{RootCAs: x509.NewCertPool(), MinVersion: tls.VersionTLS12}
	tc.RootCAs.AddCert(srv.Certificate())
	if m != nil {
		cert, err := tls.LoadX509KeyPair(m.cert, m.key)
		require.NoError(t, err)
		tc.Certificates = []tls.Certificate{cert}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tc}, Timeout: 2 * time.Minute}
}

// post sends a document to /capture.
func (e *epcisMember) post(t *testing.T, doc []byte) *http.Response {
	t.Helper()
	resp, err := e.http.Post(e.srv.URL+"/capture", "application/ld+json", bytes.NewReader(doc))
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

// capture posts a document and waits for its job by GET ?wait=, which
// blocks until the job is done: no polling.
func (e *epcisMember) capture(t *testing.T, doc []byte) epciscapture.Job {
	t.Helper()
	resp := e.post(t, doc)
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(b))
	var j epciscapture.Job
	e.get(t, resp.Header.Get("Location")+"?wait=60s", &j)
	require.False(t, j.Running)
	return j
}

func (e *epcisMember) get(t *testing.T, path string, v any) http.Header {
	t.Helper()
	resp, err := e.http.Get(e.srv.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	require.NoError(t, json.Unmarshal(b, v))
	return resp.Header
}

// events queries GET /events and returns the answer's events.
func (e *epcisMember) events(t *testing.T, query url.Values) (*epcis.Context, []epcis.Event) {
	t.Helper()
	var raw json.RawMessage
	e.get(t, "/events?"+query.Encode(), &raw)
	d, err := epcis.ParseDocument(raw)
	require.NoError(t, err)
	ctx, err := d.ParseContext()
	require.NoError(t, err)
	return ctx, d.Events()
}

func captureDocument(t *testing.T, events ...json.RawMessage) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"@context": epcis.ExportContext(), "type": "EPCISDocument", "schemaVersion": "2.0",
		"creationDate": time.Now().UTC().Format(time.RFC3339), "epcisBody": map[string]any{"eventList": events}})
	require.NoError(t, err)
	return b
}

// TestEPCISServiceCaptureAndQuery runs the member-facing EPCIS interface on
// the real network: a maker and a distributor, each through its own service
// and with its own client certificate, capture documents that commission,
// pack, ship, receive and decommission; the events come back through GET
// /events and one of them is proven against the ledger by its hash. Invalid
// documents, clients without the member's certificate and a document the
// ledger refuses change nothing.
func TestEPCISServiceCaptureAndQuery(t *testing.T) {
	f := newProduct(t)
	ctx := ctxT(t)
	A, D := org(t, mfrA), org(t, dist)
	story := newCaptureStory(t, f, A, D)
	svcA, svcD := epcisService(t, mfrA, A), epcisService(t, dist, D)
	caseCode, maker := story.caseCode, captureDocument(t, story.maker...)
	now, ev := captureNow, rawEvent

	t.Run("a client without the member's certificate is refused", func(t *testing.T) {
		for name, hc := range map[string]*http.Client{
			"no certificate":          httpsClient(t, svcA.srv, nil),
			"another member's client": httpsClient(t, svcA.srv, &memberTLS{cert: tlsOf(dist).cert, key: tlsOf(dist).key}),
		} {
			resp, err := hc.Post(svcA.srv.URL+"/capture", "application/ld+json", bytes.NewReader(maker))
			if err == nil {
				_ = resp.Body.Close()
			}
			require.Error(t, err, name)
		}
	})

	t.Run("an invalid document is refused with the standard exception", func(t *testing.T) {
		bad := bytes.Replace(maker, []byte(`"bizStep":"packing"`), []byte(`"bizStep":"packing","eventID":"ni:///sha-256;00?ver=CBV2.0"`), 1)
		resp := svcA.post(t, bad)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
		var p epcisapi.Problem
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
		assert.Equal(t, epciscapture.ValidationException, p.Type)
		assert.Contains(t, p.Detail, "/epcisBody/eventList/1/eventID")
	})

	fresh := mustCanonical(t, f.unit(9))
	t.Run("all or nothing: a refused document leaves nothing written", func(t *testing.T) {
		doc := captureDocument(t,
			ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":[%q],"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:lotNumber":%q}}`, now(), fresh, f.batch),
			ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":[%q],"action":"OBSERVE","bizStep":"shipping","destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/%s"}]}`,
				now(), fresh, withCheck(t, "6909999"+"00001")))
		j := svcA.capture(t, doc)
		assert.False(t, j.Success)
		require.Len(t, j.Errors, 1)
		assert.Equal(t, string(model.CodeNotMember), j.Errors[0].Code, "an unresolvable destination: %+v", j.Errors[0])
		assert.Equal(t, epciscapture.PartFailed, j.Parts[0].Status)
		assert.Empty(t, j.EventIDs)
		assert.NotEmpty(t, j.CapturedBy, "the job names the client certificate")
		_, err := A.GetItem(ctx, fresh)
		require.ErrorIs(t, err, client.ErrNotFound, "nothing of a refused document is on the ledger")
		_, list := svcA.events(t, url.Values{"MATCH_epc": {fresh}})
		assert.Empty(t, list, "nor in the index")
	})

	jm := svcA.capture(t, maker)
	require.True(t, jm.Success, "%+v", jm.Errors)
	require.Len(t, jm.EventIDs, 3)
	require.NotNil(t, jm.Block)
	assert.True(t, jm.Parts[0].Indexed)
	assert.Contains(t, jm.CapturedBy, "User1@manufacturera.tracechain.example")
	settle(t)
	jd := svcD.capture(t, captureDocument(t, story.distributor...))
	require.True(t, jd.Success, "%+v", jd.Errors)
	settle(t)

	// Query the shipment back and prove it against the ledger.
	actx, list := svcA.events(t, url.Values{"EQ_bizStep": {"shipping"}, "MATCH_epc": {caseCode}})
	require.Len(t, list, 1)
	event, at, err := epcisapi.Unannotate(list[0].Raw)
	require.NoError(t, err)
	assert.Equal(t, epcisapi.Ledger{Block: *jm.Block, TxID: jm.TxID}, at)
	id, err := epcis.EventHash(event, actx)
	require.NoError(t, err)
	assert.Equal(t, jm.EventIDs[2], id)
	assert.Contains(t, string(event), "sensorElementList", "the full event as captured, beyond what the ledger models")
	trace, err := client.Collect(D.Trace(ctx, caseCode))
	require.NoError(t, err)
	var onLedger []string
	for _, e := range trace {
		if e.Type == model.EventShipped {
			onLedger = append(onLedger, e.EventID)
			assert.Equal(t, at.TxID, e.TxID)
		}
	}
	assert.Equal(t, []string{id}, onLedger, "the queried event's hash is the shipment's eventID on the ledger")

	_, all := svcA.events(t, url.Values{"MATCH_anyEPC": {caseCode}})
	assert.Len(t, all, 2, "the maker's service holds what it captured: packing and shipping; the distributor's events are in its own service")
	_, recv := svcD.events(t, url.Values{"MATCH_epc": {caseCode}, "EQ_bizStep": {"receiving"}})
	require.Len(t, recv, 1)
}
