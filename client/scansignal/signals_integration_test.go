//go:build integration

package scansignal_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/client/scansignal"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// filing is one filing of a scan service, as it ended.
type filing struct {
	req model.FileSignalRequest
	res *model.SignalResult
	err error
}

// signalService serves the resolver as the Regulator's read-only identity,
// as traced does, with its scans counted and signals filed as filer; every
// filing's outcome is sent on the returned channel.
func signalService(t *testing.T, reader, filer *client.Client) (*httptest.Server, <-chan filing) {
	t.Helper()
	filed := make(chan filing, 8)
	rule := scansignal.Rule{Threshold: 3, Window: time.Hour}
	d, err := scansignal.New(filer, scansignal.WithAfterSale(rule), scansignal.WithUnknownSerials(rule),
		scansignal.WithLogger(slog.New(slog.NewTextHandler(testnet.LogWriter(t), nil))),
		scansignal.WithResults(func(req model.FileSignalRequest, res *model.SignalResult, err error) { filed <- filing{req, res, err} }))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go d.Run(ctx)
	srv := httptest.NewServer(nil)
	srv.Config.Handler = resolver.New(reader, resolver.WithDomain(srv.URL), resolver.WithRateLimit(0, 1), resolver.WithScanObserver(d))
	t.Cleanup(func() { cancel(); srv.Close() })
	return srv, filed
}

// nextFiling waits for the service's next filing.
func nextFiling(t *testing.T, filed <-chan filing) filing {
	t.Helper()
	select {
	case f := <-filed:
		return f
	case <-time.After(time.Minute):
		require.FailNow(t, "no filing within a minute")
		return filing{}
	}
}

// TestScanSignalsReachTheRegulatorsQueue: a sold unit scanned again and again
// and made-up serials of a registered product, scanned through the
// verification service, each file one report in the Regulator's queue; the
// same scans repeated, by a service that forgot its counts, file no second
// report; the Regulator decides both.
func TestScanSignalsReachTheRegulatorsQueue(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	R, G, Gadm := testnet.ClientOf(t, testnet.Retailer, testnet.User), testnet.ClientOf(t, testnet.Regulator, testnet.User), testnet.ClientOf(t, testnet.Regulator, testnet.Admin)
	sold, other := f.SoldAndOther(t)
	testnet.Settled(t)

	p, err := client.LoadProfile(testnet.Current().ProfilePath(testnet.Regulator))
	require.NoError(t, err)
	reader, err := client.Connect(context.Background(), client.WithProfileAs(p, client.IdentityReader))
	require.NoError(t, err)
	t.Cleanup(func() { _ = reader.Close() })
	fakes := make([]string, 5)
	for i := range fakes {
		fakes[i] = fmt.Sprintf("(01)%s(21)FAKE%s-%d", f.GTIN, f.Run, i)
	}
	scanAll := func(t *testing.T, base string) {
		for range 5 {
			status, a := testnet.Scan(t, base, sold)
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, model.VerdictSold, a.Verdict, "a signal changes no verdict")
		}
		for _, code := range fakes {
			status, a := testnet.Scan(t, base, code)
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, model.VerdictUnknown, a.Verdict)
		}
	}

	// The service answers as the reader and files as the Regulator's user.
	srv, filed := signalService(t, reader, G)
	scanAll(t, srv.URL)
	var unitSignal, gtinSignal model.Alert
	for range 2 {
		got := nextFiling(t, filed)
		require.NoError(t, got.err, got.req.Reason)
		assert.Equal(t, model.SignalFiled, got.res.Outcome)
		switch got.req.Reason {
		case model.AlertReasonScannedAfterSale:
			unitSignal = got.res.Alert
		case model.AlertReasonUnknownSerials:
			gtinSignal = got.res.Alert
		}
	}
	require.NotEmpty(t, unitSignal.ID, "a scanned_after_sale signal")
	require.NotEmpty(t, gtinSignal.ID, "an unknown_serials signal")

	// Both in the Regulator's queue, once; the service counted 3 scans each.
	testnet.Settled(t)
	a := testnet.FindAlert(t, G, unitSignal.ID)
	assert.Equal(t, model.AlertReasonScannedAfterSale, a.Reason)
	assert.Equal(t, testnet.Canonical(t, sold), a.Code)
	assert.Equal(t, "RegulatorMSP", a.Reporter)
	assert.Equal(t, "RetailerMSP", a.SoldBy)
	assert.Equal(t, 3, a.Scans)
	assert.Equal(t, model.AlertOpen, a.Status)
	g := testnet.FindAlert(t, G, gtinSignal.ID)
	assert.Equal(t, model.AlertReasonUnknownSerials, g.Reason)
	assert.Empty(t, g.Code)
	assert.Equal(t, f.GTIN, g.GTIN)

	// The same scans again, through a service that forgot its counts (a
	// restart): each filing is refused as a duplicate, nothing reaches the ledger.
	srv2, filed2 := signalService(t, reader, G)
	scanAll(t, srv2.URL)
	for range 2 {
		got := nextFiling(t, filed2)
		assert.ErrorIs(t, got.err, client.ErrDuplicate, got.req.Reason)
	}
	testnet.Settled(t)
	n := 0
	for al, err := range G.Alerts(ctx) {
		require.NoError(t, err)
		if al.Code == a.Code || (al.Code == "" && al.GTIN == f.GTIN) {
			n++
		}
	}
	assert.Equal(t, 2, n, "no second report")

	// Another organisation's service joins the open report.
	joined, err := R.FileSignal(ctx, model.FileSignalRequest{Reason: model.AlertReasonScannedAfterSale, Code: sold, Scans: 12, Since: time.Now().Add(-time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, model.SignalJoined, joined.Outcome)
	assert.Equal(t, unitSignal.ID, joined.Alert.ID)
	assert.Equal(t, []string{"RegulatorMSP", "RetailerMSP"}, joined.Alert.Reporters)
	testnet.Settled(t)

	// Refusals: the read-only identity, a malformed claim, a unit in
	// circulation, an unregistered GTIN, the same reporter again.
	since := time.Now().Add(-time.Hour)
	for _, tc := range []struct {
		name string
		c    *client.Client
		req  model.FileSignalRequest
		want error
	}{
		{"the read-only identity", reader, model.FileSignalRequest{Reason: model.AlertReasonUnknownSerials, GTIN: f.GTIN, Scans: 5, Since: since}, client.ErrForbidden},
		{"no scans", G, model.FileSignalRequest{Reason: model.AlertReasonScannedAfterSale, Code: other, Scans: 0, Since: since}, client.ErrInvalidArgument},
		{"unknown reason", G, model.FileSignalRequest{Reason: "rumour", Code: other, Scans: 5, Since: since}, client.ErrInvalidArgument},
		{"a unit in circulation", G, model.FileSignalRequest{Reason: model.AlertReasonScannedAfterSale, Code: other, Scans: 5, Since: since}, client.ErrBadState},
		{"an unregistered GTIN", G, model.FileSignalRequest{Reason: model.AlertReasonUnknownSerials, GTIN: testnet.NewGTIN(f.Prefix), Scans: 5, Since: since}, client.ErrNotFound},
		{"the same reporter again", R, model.FileSignalRequest{Reason: model.AlertReasonScannedAfterSale, Code: sold, Scans: 20, Since: since}, client.ErrDuplicate},
	} {
		_, err := tc.c.FileSignal(ctx, tc.req)
		assert.ErrorIs(t, err, tc.want, tc.name)
	}

	// The Regulator's administrator decides both with DecideAlert.
	_, err = G.DecideAlert(ctx, model.DecideAlertRequest{GTIN: f.GTIN, AlertID: gtinSignal.ID, Decision: model.DecisionConfirm})
	assert.ErrorIs(t, err, client.ErrForbidden, "the Regulator's user is not its administrator")
	decided, err := Gadm.DecideAlert(ctx, model.DecideAlertRequest{GTIN: f.GTIN, AlertID: gtinSignal.ID, Decision: model.DecisionConfirm, Note: "fake labels"})
	require.NoError(t, err)
	assert.Equal(t, model.AlertConfirmed, decided.Status)
	decided, err = Gadm.DecideAlert(ctx, model.DecideAlertRequest{Code: sold, AlertID: unitSignal.ID, Decision: model.DecisionConfirm})
	require.NoError(t, err)
	assert.Equal(t, model.AlertConfirmed, decided.Status)
	testnet.Settled(t)
	v, err := G.Verify(ctx, sold)
	require.NoError(t, err)
	assert.Equal(t, model.VerdictSuspectedClone, v.Verdict, "a confirmed signal on a unit is a confirmed clone")
	v, err = G.Verify(ctx, fakes[0])
	require.NoError(t, err)
	assert.Equal(t, model.VerdictUnknown, v.Verdict, "a confirmed unknown_serials signal changes no verdict")
	assert.True(t, v.GTINRegistered)
}
