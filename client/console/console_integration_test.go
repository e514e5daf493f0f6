//go:build integration

package console_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/console"
	"github.com/tracechain/tracechain/client/epcisfeed"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/masterdata"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// orgCrypto is where the test network keeps an organisation's cryptogen
// material.
func orgCrypto(org string) (dir, domain string) {
	domain = strings.ToLower(org) + ".tracechain.example"
	return filepath.Join(testnet.Current().Dir, "crypto", "peerOrganizations", domain), domain
}

// staffFiles is a staff member's certificate and key files.
type staffFiles struct{ cert, key string }

// adminStaff is org's Admin@ identity (NodeOU admin), issued by org's CA.
func adminStaff(org string) staffFiles {
	dir, dom := orgCrypto(org)
	msp := filepath.Join(dir, "users", "Admin@"+dom, "msp")
	return staffFiles{cert: filepath.Join(msp, "signcerts", "Admin@"+dom+"-cert.pem"), key: filepath.Join(msp, "keystore", "priv_sk")}
}

// regConsole is the Regulator's console, composed as traced composes it:
// reads as the Regulator's user, decisions as its administrator, an index
// of its own fed from the blocks, the server certificate of the
// Regulator's peer and the Regulator's CA for the staff.
type regConsole struct {
	srv     *httptest.Server
	feeder  *epcisfeed.Feeder
	roots   *x509.CertPool
	serverC string // the PEM file of the server's CA, for a browser
}

func startRegulatorConsole(t *testing.T) *regConsole {
	t.Helper()
	testnet.Members(t)
	ctx := testnet.Context(t)
	reads := testnet.ClientOf(t, testnet.Regulator, testnet.User)
	m, err := console.RequireRegulator(ctx, reads)
	require.NoError(t, err)
	idx, err := eventindex.OpenSQLite(ctx, filepath.Join(t.TempDir(), "console.db"))
	require.NoError(t, err)
	cat := masterdata.NewCatalogue()
	c := console.New(reads, idx, console.WithDecider(testnet.ClientOf(t, testnet.Regulator, testnet.Admin)), console.WithCatalogue(cat), console.WithOrganisation(m.Name))
	mux := http.NewServeMux()
	mux.Handle(c.BasePath(), c)
	srv := httptest.NewUnstartedServer(mux)
	dir, dom := orgCrypto(testnet.Regulator)
	peerTLS := filepath.Join(dir, "peers", "peer0."+dom, "tls")
	cert, err := tls.LoadX509KeyPair(filepath.Join(peerTLS, "server.crt"), filepath.Join(peerTLS, "server.key"))
	require.NoError(t, err)
	srv.TLS = console.ServerTLS(cert, testnet.CertPool(t, filepath.Join(dir, "ca", "ca."+dom+"-cert.pem")))
	srv.StartTLS()
	rc := &regConsole{srv: srv, feeder: epcisfeed.New(reads, idx), roots: testnet.CertPool(t, filepath.Join(peerTLS, "ca.crt")),
		serverC: filepath.Join(peerTLS, "ca.crt")}
	fctx, stop := context.WithCancel(context.Background())
	fed, followed := make(chan error, 1), make(chan struct{})
	go func() { fed <- rc.feeder.Run(fctx) }()
	go func() { defer close(followed); _ = cat.Follow(fctx, reads) }()
	t.Cleanup(func() {
		srv.Close()
		stop()
		if err := <-fed; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("console feeder: %v", err)
		}
		<-followed
		_ = idx.Close()
	})
	return rc
}

// caughtUp waits until the console's index holds every block committed so far.
func (rc *regConsole) caughtUp(t *testing.T) {
	t.Helper()
	testnet.Settled(t)
	h, err := testnet.Current().ChainHeight(testnet.Context(t), testnet.Regulator)
	require.NoError(t, err)
	require.NoError(t, rc.feeder.WaitFor(testnet.Context(t), h-1))
}

// as is an HTTPS client of the console presenting s's certificate.
func (rc *regConsole) as(t *testing.T, s staffFiles) *http.Client {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(s.cert, s.key)
	require.NoError(t, err)
	tc := &tls.Config{RootCAs: rc.roots, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: tc}, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// recallStory commissions a batch, delivers it to three members, recalls it,
// and has two of them acknowledge: ManufacturerB does not.
func recallStory(t *testing.T) (rec *model.Recall, f *testnet.Product) {
	t.Helper()
	f = testnet.NewProduct(t)
	ctx := testnet.Context(t)
	user := func(org string) *client.Client { return testnet.ClientOf(t, org, testnet.User) }
	A, B, D, R := user(testnet.ManufacturerA), user(testnet.ManufacturerB), user(testnet.Distributor), user(testnet.Retailer)
	u := f.Units(0, 6)
	_, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format(time.DateOnly), Codes: u})
	require.NoError(t, err)
	testnet.Deliver(t, A, D, u[0:2])
	testnet.Deliver(t, A, R, u[2:4])
	testnet.Deliver(t, A, B, u[4:6])
	rec, err = testnet.ClientOf(t, testnet.ManufacturerA, testnet.Admin).Recall(ctx, model.RecallRequest{GTIN: f.GTIN, Batch: f.Batch, Reason: "console test: insulation too thin"})
	require.NoError(t, err)
	testnet.Settled(t)
	for _, c := range []string{testnet.Distributor, testnet.Retailer} {
		_, err := testnet.ClientOf(t, c, testnet.Admin).AcknowledgeRecall(ctx, rec.ID)
		require.NoError(t, err, c)
	}
	return rec, f
}

// cloneStory sells a unit at the Retailer and has it sold again there: the
// refused sale files a clone report.
func cloneStory(t *testing.T) (code string, alertID string) {
	t.Helper()
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, R := testnet.ClientOf(t, testnet.ManufacturerA, testnet.User), testnet.ClientOf(t, testnet.Retailer, testnet.User)
	u := f.Units(0, 1)
	_, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format(time.DateOnly), Codes: u})
	require.NoError(t, err)
	testnet.Deliver(t, A, R, u)
	_, err = R.Sell(ctx, model.SellRequest{Code: u[0]}, testnet.Buyer)
	require.NoError(t, err)
	res, err := R.Sell(ctx, model.SellRequest{Code: u[0]}, testnet.Buyer)
	require.NoError(t, err)
	require.Equal(t, model.OutcomeRefusedAlreadySold, res.Outcome)
	require.NotEmpty(t, res.AlertID)
	testnet.Settled(t)
	st, err := R.GetItem(ctx, u[0])
	require.NoError(t, err)
	return st.Item.Code, res.AlertID
}

var reachRow = regexp.MustCompile(`(?s)<tr data-holder="([^"]+)"( class="alarm")?>.*?data-ack="([a-z.]+)"`)

// reachOf reads a recall's reach table: holder -> acknowledgement state.
func reachOf(body string) map[string]string {
	out := map[string]string{}
	for _, m := range reachRow.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[3]
	}
	return out
}

// findQueueAlert follows the queue's pages until the card of alertID, and
// returns that page's URL and body.
func findQueueAlert(t *testing.T, c *http.Client, base, alertID string) (page, body string) {
	t.Helper()
	next := base + "queue?lang=en"
	for range 200 {
		status, b := get(t, c, next)
		body = b
		require.Equal(t, http.StatusOK, status, body)
		if strings.Contains(body, `data-alert="`+alertID+`"`) {
			return next, body
		}
		m := regexp.MustCompile(`<a href="([^"]+)">Next page</a>`).FindStringSubmatch(body)
		require.Len(t, m, 2, "alert %s is on no page of the queue", alertID)
		next = base[:strings.Index(base, "/console/")] + html.UnescapeString(m[1])
	}
	t.Fatal("the queue has too many pages")
	return "", ""
}

// alertCard is the card of alertID on a queue page.
func alertCard(body, alertID string) string {
	i := strings.Index(body, `data-alert="`+alertID+`"`)
	if i < 0 {
		return ""
	}
	card := body[i:]
	if j := strings.Index(card, "</li>"); j >= 0 {
		card = card[:j]
	}
	return card
}

// TestRegulatorConsoleOnTheLedger serves the Regulator's console on the real
// network: a recall held by three members shows the two that acknowledged
// and the one that did not; read-only staff see the queue and cannot decide;
// admin staff decide a report, and the ledger names them; another
// organisation's certificate is refused at the handshake; and a member that
// is not a regulator cannot have the console at all.
func TestRegulatorConsoleOnTheLedger(t *testing.T) {
	ctx := testnet.Context(t)
	_, err := console.RequireRegulator(ctx, testnet.ClientOf(t, testnet.ManufacturerA, testnet.User))
	require.ErrorIs(t, err, console.ErrNotRegulator, "ManufacturerA's traced refuses to start the console")

	rc := startRegulatorConsole(t)
	base := rc.srv.URL + "/console/"
	rec, _ := recallStory(t)
	code, alertID := cloneStory(t)
	rc.caughtUp(t)

	adm := rc.as(t, adminStaff(testnet.Regulator))
	status, body := get(t, adm, base+"?lang=en")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `?id=`+rec.ID, "the recall is in progress")
	status, body = get(t, adm, base+"?lang=en&id="+url.QueryEscape(rec.ID))
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, map[string]string{testnet.MSPID(testnet.Distributor): "ack.yes", testnet.MSPID(testnet.Retailer): "ack.yes", testnet.MSPID(testnet.ManufacturerB): "ack.pending"},
		reachOf(body), "two holders acknowledged, ManufacturerB did not")
	assert.Regexp(t, `data-holder="`+testnet.MSPID(testnet.ManufacturerB)+`" class="alarm">\s*<td>[^<]+</td><td class="num">2</td>`, body)

	// Read-only staff: the queue, no decision.
	certFile, keyFile, err := testnet.Current().IssueUser(testnet.Regulator, "inspector"+testnet.RandDigits(6))
	require.NoError(t, err)
	inspector := rc.as(t, staffFiles{cert: certFile, key: keyFile})
	_, page := findQueueAlert(t, inspector, base, alertID)
	card := alertCard(page, alertID)
	assert.Contains(t, card, `data-status="open"`)
	assert.NotContains(t, card, "queue/decide", "read-only staff get no decide form")
	form := url.Values{"code": {code}, "alert": {alertID}, "decision": {"dismiss"}}
	resp, err := inspector.PostForm(base+"queue/decide", form)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)

	// Another organisation's administrator is refused before any request.
	_, err = rc.as(t, adminStaff(testnet.ManufacturerA)).Get(base)
	require.Error(t, err, "a certificate of ManufacturerA's CA")

	// Admin staff decide; the ledger names them.
	_, page = findQueueAlert(t, adm, base, alertID)
	card = alertCard(page, alertID)
	m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(card)
	require.Len(t, m, 2, "admin staff get the decide form")
	form.Set("token", m[1])
	form.Set("decision", "confirm")
	form.Set("note", "console test: confirmed at the shop")
	resp, err = adm.PostForm(base+"queue/decide", form)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Contains(t, resp.Header.Get("Location"), "status=confirmed")
	testnet.Settled(t)
	var decided *model.Alert
	for a, err := range testnet.ClientOf(t, testnet.Regulator, testnet.Admin).Alerts(ctx) {
		require.NoError(t, err)
		if a.ID == alertID {
			decided = &a
			break
		}
	}
	require.NotNil(t, decided)
	assert.Equal(t, model.AlertConfirmed, decided.Status)
	assert.Equal(t, "Admin@regulator.tracechain.example", decided.DecidedByStaff)
	v, err := testnet.ClientOf(t, testnet.Retailer, testnet.User).Verify(ctx, code)
	require.NoError(t, err)
	assert.Equal(t, model.VerdictSuspectedClone, v.Verdict)

	// Deciding it again is a conflict, and nothing changes.
	resp, err = adm.PostForm(base+"queue/decide", form)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusConflict, resp.StatusCode)

	// The statistics and the search read the same ledger.
	status, body = get(t, adm, base+"stats?lang=en")
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, testnet.MSPID(testnet.ManufacturerA))
	status, body = get(t, adm, base+"search?lang=en&q="+url.QueryEscape(code))
	require.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, "CloneAlert")
	assert.NotContains(t, body, testnet.Buyer.BuyerName)
}
