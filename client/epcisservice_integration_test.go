//go:build integration

package client_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	"github.com/tracechain/tracechain/client/epcisfeed"
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
// capture as the member's user, its own index fed from the ledger's blocks
// by the same identity, mutual TLS with the member's CA.
type epcisMember struct {
	srv    *httptest.Server
	http   *http.Client // the member's EPCIS client, with User1's certificate
	index  *eventindex.Store
	source epcisfeed.Source
	feeder *epcisfeed.Feeder
	stop   func() // stops the running feeder and waits for it
}

func epcisService(t *testing.T, org string, member *client.Client) *epcisMember {
	t.Helper()
	idx, err := eventindex.OpenSQLite(testnet.Context(t), filepath.Join(t.TempDir(), "epcis.db"))
	require.NoError(t, err)
	return epcisServiceOn(t, org, member, member, idx)
}

// epcisServiceOn serves the interface on idx, its feeder reading src.
func epcisServiceOn(t *testing.T, org string, member *client.Client, src epcisfeed.Source, idx *eventindex.Store) *epcisMember {
	t.Helper()
	capture := epciscapture.New(member, epciscapture.WithIndex(idx))
	srv := httptest.NewUnstartedServer(epcisapi.New(idx, epcisapi.WithCapture(capture)))
	m := tlsOf(org)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: testnet.CertPool(t, m.ca), MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	e := &epcisMember{srv: srv, http: httpsClient(t, srv, &m), index: idx, source: src}
	e.startFeeder(t)
	t.Cleanup(func() { srv.Close(); capture.Close(); e.stop(); _ = idx.Close() })
	return e
}

// startFeeder runs a new feeder of the member's index, as traced does at
// start, until stop.
func (e *epcisMember) startFeeder(t *testing.T, opts ...epcisfeed.Option) {
	t.Helper()
	e.feeder = epcisfeed.New(e.source, e.index, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.feeder.Run(ctx) }()
	e.stop = func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("feeder: %v", err)
		}
		e.stop = func() {}
	}
}

// indexed waits until the member's index holds block.
func (e *epcisMember) indexed(t *testing.T, block uint64) {
	t.Helper()
	require.NoError(t, e.feeder.WaitFor(testnet.Context(t), block))
}

// caughtUp waits until the member's index holds every block committed so far.
func (e *epcisMember) caughtUp(t *testing.T) {
	t.Helper()
	testnet.Settled(t)
	h, err := testnet.Current().ChainHeight(testnet.Context(t), testnet.Distributor)
	require.NoError(t, err)
	e.indexed(t, h-1)
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

// post sends a JSON-LD document to /capture.
func (e *epcisMember) post(t *testing.T, doc []byte) *http.Response {
	t.Helper()
	return e.postAs(t, doc, "application/ld+json")
}

// capture posts a JSON-LD document and waits for its job by GET ?wait=,
// which blocks until the job is done: no polling.
func (e *epcisMember) capture(t *testing.T, doc []byte) epciscapture.Job {
	t.Helper()
	return e.captureAs(t, doc, "application/ld+json")
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
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
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

	fresh := testnet.Canonical(t, f.Unit(9))
	t.Run("all or nothing: a refused document leaves nothing written", func(t *testing.T) {
		doc := captureDocument(t,
			ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":[%q],"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:lotNumber":%q}}`, now(), fresh, f.Batch),
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
	assert.Contains(t, jm.CapturedBy, "User1@manufacturera.tracechain.example")
	svcA.indexed(t, *jm.Block)
	svcA.get(t, "/capture/"+jm.CaptureID, &jm)
	assert.True(t, jm.Parts[0].Indexed, "the job says so once the feeder has passed its block")
	testnet.Settled(t)
	jd := svcD.capture(t, captureDocument(t, story.distributor...))
	require.True(t, jd.Success, "%+v", jd.Errors)
	testnet.Settled(t)
	svcA.indexed(t, *jd.Block)
	svcD.indexed(t, *jd.Block)

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

	// The maker's service holds its own captures verbatim, and the
	// distributor's as the ledger renders them; and the other way round.
	_, recvA := svcA.events(t, url.Values{"MATCH_epc": {caseCode}, "EQ_bizStep": {"receiving"}})
	require.Len(t, recvA, 1)
	assert.Contains(t, string(recvA[0].Raw), `"tracechain:capturedEventId":"`+jd.EventIDs[0]+`"`, "A did not capture it: the ledger's rendering")
	_, recv := svcD.events(t, url.Values{"MATCH_epc": {caseCode}, "EQ_bizStep": {"receiving"}})
	require.Len(t, recv, 1)
	assert.NotContains(t, string(recv[0].Raw), "capturedEventId", "D captured it: its verbatim copy")
	assert.Contains(t, string(recv[0].Raw), "bizLocation")
	_, shipD := svcD.events(t, url.Values{"MATCH_epc": {caseCode}, "EQ_bizStep": {"shipping"}})
	require.Len(t, shipD, 1)
	assert.NotContains(t, string(shipD[0].Raw), "sensorElementList", "the maker's sensor data stays with the maker's service")
}
