package console_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"iter"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/console"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/masterdata"
)

const (
	gtin     = "09506000134352"
	recallID = "recall-tx-1"
	alertID  = "alert-tx-1"
	unit     = "https://id.gs1.org/01/" + gtin + "/21/S1"
)

var now = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

// fakeLedger answers as the Regulator's ledger would, from fixed data, and
// records the decisions it is asked for.
type fakeLedger struct {
	alerts    []model.Alert
	decisions []model.DecideAlertRequest
	decideErr error
}

func (f *fakeLedger) Members(context.Context) iter.Seq2[model.Member, error] {
	return func(yield func(model.Member, error) bool) {
		for _, m := range []model.Member{
			{MSPID: "ManufacturerAMSP", Role: model.RoleManufacturer, Name: "甲电缆有限公司", USCC: "91350100M000100Y43"},
			{MSPID: "DistributorMSP", Role: model.RoleDistributor, Name: "Distributor Ltd"},
		} {
			if !yield(m, nil) {
				return
			}
		}
	}
}

func (f *fakeLedger) GetProduct(_ context.Context, g string) (*model.Product, error) {
	if g != gtin {
		return nil, client.ErrNotFound
	}
	return &model.Product{GTIN: gtin, Name: "BV 2.5mm² wire", Type: "electric wire and cable", Licence: "XK06-001-00001",
		Standards: []string{"GB/T 5023.3-2008"}, Manufacturer: "ManufacturerAMSP"}, nil
}

func (f *fakeLedger) AlertsPage(_ context.Context, _ int32, bookmark string) (*model.AlertPage, error) {
	if bookmark != "" {
		return nil, fmt.Errorf("bad bookmark: %w", client.ErrInvalidArgument)
	}
	return &model.AlertPage{Alerts: f.alerts}, nil
}

func (f *fakeLedger) GetRecall(_ context.Context, id string) (*model.Recall, error) {
	if id != recallID {
		return nil, client.ErrNotFound
	}
	return &model.Recall{ID: recallID, GTIN: gtin, Batch: "B1", Reason: "insulation too thin", IssuedBy: "ManufacturerAMSP",
		IssuedAt: now.Add(-48 * time.Hour)}, nil
}

func (f *fakeLedger) RecallReach(ctx context.Context, id string) (*client.RecallReach, error) {
	r, err := f.GetRecall(ctx, id)
	if err != nil {
		return nil, err
	}
	return &client.RecallReach{Recall: *r, Holders: []client.RecallHolder{
		{Holder: model.Party{MSPID: "DistributorMSP"}, Held: 4, Acknowledged: now.Add(-time.Hour)},
		{Holder: model.Party{MSPID: "ManufacturerAMSP"}, Held: 2, Returning: 1, Acknowledged: r.IssuedAt},
		{Holder: model.Party{MSPID: "RetailerMSP"}, Held: 3, SoldBeforeRecall: 5},
	}}, nil
}

func (f *fakeLedger) TracePage(_ context.Context, code string, _ int32, _ string) (*model.TracePage, error) {
	return &model.TracePage{Code: code, Events: []model.TraceEvent{
		{Subject: code, Type: "Commissioned", Time: now.Add(-72 * time.Hour), Actor: "ManufacturerAMSP"},
		{Subject: code, Type: "Shipped", Time: now.Add(-60 * time.Hour), Actor: "ManufacturerAMSP", From: "ManufacturerAMSP", To: "DistributorMSP"},
	}}, nil
}

func (f *fakeLedger) GetItem(_ context.Context, code string) (*model.ItemStatus, error) {
	if code != unit {
		return nil, client.ErrNotFound
	}
	return &model.ItemStatus{Item: model.Item{Code: unit, GTIN: gtin}, Holder: model.Party{MSPID: "DistributorMSP"},
		Disposition: model.DispositionActive, Recalled: true, RecallID: recallID}, nil
}

func (f *fakeLedger) DecideAlert(_ context.Context, req model.DecideAlertRequest) (*model.Alert, error) {
	if f.decideErr != nil {
		return nil, f.decideErr
	}
	f.decisions = append(f.decisions, req)
	a := f.alerts[0]
	a.Status, a.DecidedBy, a.DecidedByStaff = model.AlertConfirmed, "RegulatorMSP", req.Staff
	return &a, nil
}

// fakeIndex answers the two queries the console asks: recall events, and
// commissioning events, as the feeder indexes them.
type fakeIndex struct {
	mu      sync.Mutex
	queries []eventindex.Query
}

func (f *fakeIndex) Query(_ context.Context, q eventindex.Query) (eventindex.Page, error) {
	f.mu.Lock()
	f.queries = append(f.queries, q)
	f.mu.Unlock()
	switch {
	case len(q.Dispositions) == 1 && q.Dispositions[0] == "recalled":
		ev := fmt.Sprintf(`{"type":"ObjectEvent","action":"OBSERVE","disposition":"recalled","tracechain:recallId":%q}`, recallID)
		return eventindex.Page{Events: []eventindex.Record{{Event: json.RawMessage(ev)}, {Event: json.RawMessage(ev)}}}, nil
	case len(q.BizSteps) == 1 && q.BizSteps[0] == "commissioning":
		ev := `{"type":"ObjectEvent","action":"ADD","bizStep":"commissioning","epcList":["https://id.gs1.org/01/` + gtin + `/21/S1","https://id.gs1.org/01/` + gtin + `/21/S2"]}`
		lot := `{"type":"ObjectEvent","action":"ADD","bizStep":"commissioning","quantityList":[{"epcClass":"https://id.gs1.org/01/` + gtin + `/10/B1","quantity":40}]}`
		return eventindex.Page{Events: []eventindex.Record{
			{EventTime: now.Add(-time.Hour), Event: json.RawMessage(ev)},
			{EventTime: now.Add(-25 * time.Hour), Event: json.RawMessage(lot)},
		}}, nil
	}
	return eventindex.Page{}, nil
}

// staffCert issues a certificate of the given OU and common name, as an
// organisation's Fabric CA would.
func staffCert(t *testing.T, cn, ou string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn, OrganizationalUnit: []string{ou}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	c, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return c
}

type fixture struct {
	t      *testing.T
	ledger *fakeLedger
	index  *fakeIndex
	c      *console.Console
	admin  *x509.Certificate
	reader *x509.Certificate
}

func newFixture(t *testing.T) *fixture {
	l := &fakeLedger{alerts: []model.Alert{{ID: alertID, Code: unit, GTIN: gtin, Reason: "scan_after_sale", Status: model.AlertOpen,
		Reporter: "RetailerMSP", Reports: 1, DetectedAt: now.Add(-2 * time.Hour)}}}
	cat := masterdata.NewCatalogue()
	cat.Add(gtin, 7)
	idx := &fakeIndex{}
	c := console.New(l, idx, console.WithDecider(l), console.WithCatalogue(cat), console.WithClock(func() time.Time { return now }),
		console.WithOrganisation("Regulator"))
	return &fixture{t: t, ledger: l, index: idx, c: c,
		admin: staffCert(t, "Admin@regulator.example", "admin"), reader: staffCert(t, "inspector@regulator.example", "client")}
}

// do serves a request as the holder of cert (nil: no certificate).
func (f *fixture) do(method, target string, cert *x509.Certificate, form url.Values, hdr map[string]string) *httptest.ResponseRecorder {
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	r.Host = "console.example:8443"
	if cert != nil {
		r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}, VerifiedChains: [][]*x509.Certificate{{cert}}}
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.c.ServeHTTP(w, r)
	return w
}

func TestRefusesWithoutStaffCertificate(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name string
		cert *x509.Certificate
	}{
		{"no certificate", nil},
		{"a peer's certificate", staffCert(t, "peer0.regulator.example", "peer")},
		{"an orderer's certificate", staffCert(t, "orderer0.example", "orderer")},
		{"no common name", staffCert(t, "", "client")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.do(http.MethodGet, "/console/", tt.cert, nil, nil)
			assert.Equal(t, http.StatusForbidden, w.Code)
			assert.NotContains(t, w.Body.String(), recallID)
		})
	}
	// A certificate that was presented but not verified counts for nothing.
	r := httptest.NewRequest(http.MethodGet, "/console/", nil)
	r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{f.admin}}
	w := httptest.NewRecorder()
	f.c.ServeHTTP(w, r)
	assert.Equal(t, http.StatusForbidden, w.Code)
}

func TestRecallsAndReach(t *testing.T) {
	f := newFixture(t)
	w := f.do(http.MethodGet, "/console/?lang=en&id="+recallID, f.reader, nil, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body := w.Body.String()
	assert.Equal(t, 1, strings.Count(body, `href="/console/?id=`+recallID), "a recall listed once, however many events name it")
	assert.Contains(t, body, "insulation too thin")
	// The retailer holds 3 units and has not acknowledged since the recall was issued.
	assert.Regexp(t, regexp.MustCompile(`(?s)data-holder="RetailerMSP" class="alarm">.*?>3<.*?>5<.*?data-ack="ack.pending">not acknowledged since 2026-12-03 10:00 UTC`), body)
	assert.Regexp(t, regexp.MustCompile(`(?s)data-holder="DistributorMSP">.*?data-ack="ack.yes">acknowledged 2026-12-05 09:00 UTC`), body)
	assert.Contains(t, body, `src="/console/chart/reach?id=`+recallID+`&amp;lang=en"`)
	// The recall list was read newest first and bounded.
	require.NotEmpty(t, f.index.queries)
	q := f.index.queries[0]
	assert.True(t, q.Descending)
	assert.Equal(t, eventindex.MaxPerPage, q.PerPage)

	w = f.do(http.MethodGet, "/console/?id=nope", f.reader, nil, nil)
	assert.Equal(t, http.StatusNotFound, w.Code)
	w = f.do(http.MethodGet, "/console/?id="+strings.Repeat("x", 200), f.reader, nil, nil)
	assert.Equal(t, http.StatusBadRequest, w.Code)
}

func TestPagesAreStrictAndBilingual(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/console/", "/console/queue", "/console/stats", "/console/search?q=" + unit} {
		for _, lang := range []struct{ accept, want string }{{"zh-CN,zh;q=0.9", "监管控制台"}, {"en-GB,en;q=0.8", "Regulator console"}} {
			w := f.do(http.MethodGet, path, f.reader, nil, map[string]string{"Accept-Language": lang.accept})
			require.Equal(t, http.StatusOK, w.Code, path+": "+w.Body.String())
			assert.Contains(t, w.Body.String(), lang.want, path)
			csp := w.Header().Get("Content-Security-Policy")
			assert.Contains(t, csp, "default-src 'none'")
			assert.NotContains(t, csp, "script-src")
			assert.NotRegexp(t, `(?i)(src|href)="(https?:)?//`, w.Body.String(), "nothing is loaded from elsewhere")
		}
	}
	w := f.do(http.MethodGet, "/console/console.css", f.reader, nil, nil)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Header().Get("Content-Type"), "text/css")
}

func TestMessageCatalog(t *testing.T) {
	zh, en := console.Messages("zh"), console.Messages("en")
	for k := range zh {
		assert.Contains(t, en, k)
	}
	for k := range en {
		assert.Contains(t, zh, k)
	}
}

func TestQueueShowsEveryReasonAndDecideFormsToAdminsOnly(t *testing.T) {
	f := newFixture(t)
	f.ledger.alerts = append(f.ledger.alerts, model.Alert{ID: "old", Code: "01" + gtin + "21S9", Reason: model.AlertReasonAlreadySold,
		Status: model.AlertDismissed, DecidedBy: "RegulatorMSP", DecidedByStaff: "Admin@regulator.example", Note: "a mistake at the till"})
	w := f.do(http.MethodGet, "/console/queue?lang=en", f.reader, nil, nil)
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	assert.Contains(t, body, `data-reason="scan_after_sale">scan_after_sale<`, "a reason the console does not know is shown as it is")
	assert.Contains(t, body, `data-reason="already_sold">resale of a sold unit<`)
	assert.Contains(t, body, "(Admin@regulator.example)", "a decision names the staff member")
	assert.NotContains(t, body, `action="/console/queue/decide"`, "read-only staff get no decide form")
	assert.Contains(t, body, "read-only staff")

	w = f.do(http.MethodGet, "/console/queue?lang=en", f.admin, nil, nil)
	body = w.Body.String()
	assert.Equal(t, 1, strings.Count(body, `action="/console/queue/decide"`), "one form, for the open alert only")
	assert.Regexp(t, `name="token" value="[A-Za-z0-9_-]{20,}"`, body)

	w = f.do(http.MethodGet, "/console/queue?bookmark=forged", f.admin, nil, nil)
	assert.Equal(t, http.StatusBadRequest, w.Code)
}

// token is the form token of cert's holder: read from the queue page for
// admin staff, who get the form; computed for the others, as if they had
// it.
func (f *fixture) token(cert *x509.Certificate) string {
	w := f.do(http.MethodGet, "/console/queue", cert, nil, nil)
	m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(w.Body.String())
	if len(m) == 2 {
		return m[1]
	}
	return f.c.Token(cert)
}

func TestDecide(t *testing.T) {
	f := newFixture(t)
	tok := f.token(f.admin)
	form := func(mod func(url.Values)) url.Values {
		v := url.Values{"token": {tok}, "code": {unit}, "alert": {alertID}, "decision": {"confirm"}, "note": {" checked the shop "}, "lang": {"en"}}
		if mod != nil {
			mod(v)
		}
		return v
	}
	refusals := []struct {
		name   string
		cert   *x509.Certificate
		form   url.Values
		hdr    map[string]string
		status int
	}{
		{"read-only staff", f.reader, form(func(v url.Values) { v.Set("token", f.token(f.reader)) }), nil, http.StatusForbidden},
		{"no token", f.admin, form(func(v url.Values) { v.Del("token") }), nil, http.StatusForbidden},
		{"another staff member's token", f.admin, form(func(v url.Values) { v.Set("token", f.token(f.reader)) }), nil, http.StatusForbidden},
		{"cross-site fetch", f.admin, form(nil), map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"another origin", f.admin, form(nil), map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"an opaque origin", f.admin, form(nil), map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"plain http origin", f.admin, form(nil), map[string]string{"Origin": "http://console.example:8443"}, http.StatusForbidden},
		{"a decision that is neither", f.admin, form(func(v url.Values) { v.Set("decision", "maybe") }), nil, http.StatusBadRequest},
		{"a field twice", f.admin, form(func(v url.Values) { v.Add("alert", "other") }), nil, http.StatusBadRequest},
		{"no alert", f.admin, form(func(v url.Values) { v.Del("alert") }), nil, http.StatusBadRequest},
		{"a note too long", f.admin, form(func(v url.Values) { v.Set("note", strings.Repeat("长", console.MaxNoteLen+1)) }), nil, http.StatusBadRequest},
		{"a note with control characters", f.admin, form(func(v url.Values) { v.Set("note", "a\x07b") }), nil, http.StatusBadRequest},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			w := f.do(http.MethodPost, "/console/queue/decide", tt.cert, tt.form, tt.hdr)
			assert.Equal(t, tt.status, w.Code, w.Body.String())
			assert.Empty(t, f.ledger.decisions, "nothing reached the ledger")
		})
	}
	assert.Equal(t, http.StatusMethodNotAllowed, f.do(http.MethodGet, "/console/queue/decide", f.admin, nil, nil).Code)

	w := f.do(http.MethodPost, "/console/queue/decide", f.admin, form(nil),
		map[string]string{"Origin": "https://console.example:8443", "Sec-Fetch-Site": "same-origin"})
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	assert.Equal(t, "/console/queue?decided="+alertID+"&lang=en&status=confirmed", w.Header().Get("Location"))
	require.Len(t, f.ledger.decisions, 1)
	assert.Equal(t, model.DecideAlertRequest{Code: unit, AlertID: alertID, Decision: model.DecisionConfirm, Note: "checked the shop",
		Staff: "Admin@regulator.example"}, f.ledger.decisions[0], "the ledger is told who decided")

	f.ledger.decideErr = fmt.Errorf("decided already: %w", client.ErrBadState)
	w = f.do(http.MethodPost, "/console/queue/decide", f.admin, form(nil), nil)
	assert.Equal(t, http.StatusConflict, w.Code)
}

// TestQueueDecidesAProductsSignal: an unknown_serials signal names a GTIN
// and no unit; the queue shows it with its scans, and its form decides it by
// GTIN.
func TestQueueDecidesAProductsSignal(t *testing.T) {
	f := newFixture(t)
	f.ledger.alerts = []model.Alert{{ID: "sig", GTIN: gtin, Reason: model.AlertReasonUnknownSerials, Status: model.AlertOpen,
		Reporter: "RegulatorMSP", Reports: 1, Scans: 57, ScansSince: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}}
	w := f.do(http.MethodGet, "/console/queue?lang=en", f.admin, nil, nil)
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	assert.Contains(t, body, "Product GTIN "+gtin)
	assert.Contains(t, body, `data-reason="unknown_serials">many scans of serials that do not exist (fake labels)<`)
	assert.Contains(t, body, "<dd>57 · ")
	assert.Contains(t, body, `name="gtin" value="`+gtin+`"`)
	assert.NotContains(t, body, `name="code"`)

	tok := f.token(f.admin)
	form := url.Values{"token": {tok}, "gtin": {gtin}, "alert": {"sig"}, "decision": {"confirm"}, "lang": {"en"}}
	both := url.Values{"token": {tok}, "gtin": {gtin}, "code": {unit}, "alert": {"sig"}, "decision": {"confirm"}}
	assert.Equal(t, http.StatusBadRequest, f.do(http.MethodPost, "/console/queue/decide", f.admin, both, nil).Code, "a code and a GTIN")
	assert.Empty(t, f.ledger.decisions)
	w = f.do(http.MethodPost, "/console/queue/decide", f.admin, form, nil)
	require.Equal(t, http.StatusSeeOther, w.Code, w.Body.String())
	require.Len(t, f.ledger.decisions, 1)
	assert.Equal(t, model.DecideAlertRequest{GTIN: gtin, AlertID: "sig", Decision: model.DecisionConfirm, Staff: "Admin@regulator.example"}, f.ledger.decisions[0])
}

func TestStatistics(t *testing.T) {
	f := newFixture(t)
	f.ledger.alerts = append(f.ledger.alerts, model.Alert{ID: "b", Code: "01" + gtin + "21S7", Status: model.AlertOpen})
	w := f.do(http.MethodGet, "/console/stats?lang=en", f.reader, nil, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body := w.Body.String()
	// One product, not complete (no inspection report); 2 units and a lot of 40 commissioned; one recall; two reports.
	assert.Regexp(t, regexp.MustCompile(`(?s)ManufacturerAMSP<br><span class="muted">甲电缆有限公司</span></td><td>electric wire and cable</td><td class="num">1</td>\s*<td class="num alarm">0%</td><td class="num">42</td><td class="num">1</td><td class="num">2</td>`), body)
	for _, chart := range []string{"commissioned", "samr", "reach?id=" + recallID} {
		w := f.do(http.MethodGet, "/console/chart/"+chart, f.reader, nil, nil)
		require.Equal(t, http.StatusOK, w.Code, chart)
		assert.Equal(t, "image/svg+xml", w.Header().Get("Content-Type"))
		assert.Contains(t, w.Body.String(), "<svg")
	}
	assert.Equal(t, http.StatusNotFound, f.do(http.MethodGet, "/console/chart/other", f.reader, nil, nil).Code)
}

// TestStatisticsAreComputedOnceForRequestsTogether: a statistics page and
// its charts requested together, or reloaded again and again, read the
// index once per StatsTTL, not once per request.
func TestStatisticsAreComputedOnceForRequestsTogether(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	for i := range 12 {
		target := []string{"/console/stats", "/console/chart/commissioned", "/console/chart/samr"}[i%3]
		wg.Go(func() {
			assert.Equal(t, http.StatusOK, f.do(http.MethodGet, target, f.reader, nil, nil).Code, target)
		})
	}
	wg.Wait()
	commissioning := 0
	for _, q := range f.index.queries {
		if len(q.BizSteps) == 1 && q.BizSteps[0] == "commissioning" {
			commissioning++
		}
	}
	assert.Equal(t, 1, commissioning, "the commissioning events are read once")
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	w := f.do(http.MethodGet, "/console/search?lang=en&q="+url.QueryEscape("(01)"+gtin+"(21)S1"), f.reader, nil, nil)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	body := w.Body.String()
	assert.Contains(t, body, "ManufacturerAMSP → DistributorMSP")
	assert.Contains(t, body, recallID)

	w = f.do(http.MethodGet, "/console/search?lang=en&q=%E7%94%B2%E7%94%B5%E7%BC%86", f.reader, nil, nil) // 甲电缆
	body = w.Body.String()
	assert.Contains(t, body, "ManufacturerAMSP")
	assert.Contains(t, body, "BV 2.5mm² wire")
	assert.Contains(t, body, "incomplete")

	w = f.do(http.MethodGet, "/console/search?lang=en&q=nobody", f.reader, nil, nil)
	assert.Contains(t, w.Body.String(), "Nothing found.")
	w = f.do(http.MethodGet, "/console/search?q="+strings.Repeat("x", console.MaxSearchLen+1), f.reader, nil, nil)
	assert.Equal(t, http.StatusBadRequest, w.Code)
}
