package lifecycle_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// fileSignal files req as msp.
func (w *world) fileSignal(msp string, req model.FileSignalRequest) (*model.SignalResult, error) {
	var res *model.SignalResult
	_, err := w.do(msp, nil, func(c call) (err error) {
		res, err = c.l.FileSignal(req)
		return err
	})
	return res, err
}

// scanned is a signal claim of n scans over the last day, as of the world's
// next transaction.
func (w *world) scanned(reason, code, gtin string, n int) model.FileSignalRequest {
	return model.FileSignalRequest{Reason: reason, Code: code, GTIN: gtin, Scans: n, Since: w.now.Add(-23 * time.Hour)}
}

func TestFileSignalOnASoldUnit(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 2)
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)

	res, err := w.fileSignal(regulator, w.scanned(model.AlertReasonScannedAfterSale, u[0], "", 25))
	require.NoError(t, err)
	assert.Equal(t, model.SignalFiled, res.Outcome)
	a := res.Alert
	assert.Equal(t, model.AlertReasonScannedAfterSale, a.Reason)
	assert.Equal(t, u[0], a.Code)
	assert.Equal(t, gtinA, a.GTIN)
	assert.Equal(t, retailer, a.SoldBy)
	assert.Equal(t, 25, a.Scans)
	assert.Equal(t, regulator, a.ScansBy)
	assert.Equal(t, model.AlertOpen, a.Status)
	// A signal alone changes no verdict.
	assert.Equal(t, model.VerdictSold, w.verify(u[0]).Verdict)
	assert.Equal(t, a.ID, w.status(u[0]).Item.OpenAlert)

	// The same reporter again: refused, naming the open report; nothing written.
	tx, err := w.do(regulator, nil, func(c call) error {
		_, err := c.l.FileSignal(w.scanned(model.AlertReasonScannedAfterSale, u[0], "", 40))
		return err
	})
	e := requireCode(t, err, model.CodeDuplicate)
	assert.Equal(t, a.ID, e.Subject)
	assert.Zero(t, tx.Stats().Writes)

	// Another organisation's service joins it, raising the claim; a resale
	// report joins the same open report of the unit.
	res, err = w.fileSignal(makerA, w.scanned(model.AlertReasonScannedAfterSale, u[0], "", 40))
	require.NoError(t, err)
	assert.Equal(t, model.SignalJoined, res.Outcome)
	assert.Equal(t, a.ID, res.Alert.ID)
	assert.Equal(t, 2, res.Alert.Reports)
	assert.Equal(t, 40, res.Alert.Scans)
	assert.Equal(t, makerA, res.Alert.ScansBy, "the larger claim is the joiner's, and says so")
	sr, err := w.sell(retailer2, u[0])
	require.NoError(t, err)
	assert.Equal(t, a.ID, sr.AlertID)

	page, err := w.begin(regulator, nil).l.ListAlerts(0, "")
	require.NoError(t, err)
	require.Len(t, page.Alerts, 1, "one open report per unit")
	assert.Equal(t, []string{regulator, makerA, retailer2}, page.Alerts[0].Reporters)

	// The Regulator decides it as any clone report: confirmed, the unit verifies suspected_clone.
	w.decideAlert(u[0], a.ID, model.DecisionConfirm)
	v := w.verify(u[0])
	assert.Equal(t, model.VerdictSuspectedClone, v.Verdict)
	assert.Equal(t, a.ID, v.AlertID)
	w.fails(regulator, model.CodeBadState, func(c call) error {
		_, err := c.l.FileSignal(w.scanned(model.AlertReasonScannedAfterSale, u[0], "", 5))
		return err
	})
}

func TestFileSignalOnUnknownSerials(t *testing.T) {
	w := newWorld(t)
	fake := unit("FAKE-1")
	v := w.verify(fake)
	assert.Equal(t, model.VerdictUnknown, v.Verdict)
	assert.True(t, v.GTINRegistered, "an unknown serial of a registered product")
	assert.False(t, w.verify(sgtin(gtin("690123499999"), "1")).GTINRegistered, "an unregistered GTIN")

	res, err := w.fileSignal(retailer, w.scanned(model.AlertReasonUnknownSerials, "", gtinA, 300))
	require.NoError(t, err)
	assert.Equal(t, model.SignalFiled, res.Outcome)
	a := res.Alert
	assert.Empty(t, a.Code, "no unit exists")
	assert.Equal(t, gtinA, a.GTIN)
	_, err = w.fileSignal(retailer, w.scanned(model.AlertReasonUnknownSerials, "", gtinA, 301))
	requireCode(t, err, model.CodeDuplicate)
	res, err = w.fileSignal(regulator, w.scanned(model.AlertReasonUnknownSerials, "", gtinA[1:], 10)) // GTIN-13 form
	require.NoError(t, err)
	assert.Equal(t, model.SignalJoined, res.Outcome)
	assert.Equal(t, 300, res.Alert.Scans, "the largest claim stays")
	assert.Equal(t, retailer, res.Alert.ScansBy, "with its maker's name")

	page, err := w.begin(regulator, nil).l.ListAlerts(0, "")
	require.NoError(t, err)
	require.Len(t, page.Alerts, 1)
	assert.Equal(t, model.AlertReasonUnknownSerials, page.Alerts[0].Reason)

	// Decided by GTIN; the verdicts stay as they were; a new signal may follow.
	decide := func(req model.DecideAlertRequest) func(c call) error {
		return func(c call) error { _, err := c.l.DecideAlert(req); return err }
	}
	w.fails(admin(regulator), model.CodeInvalidArgument, decide(model.DecideAlertRequest{Code: fake, GTIN: gtinA, AlertID: a.ID, Decision: model.DecisionConfirm}))
	w.fails(admin(regulator), model.CodeBadState, decide(model.DecideAlertRequest{GTIN: gtinA2, AlertID: a.ID, Decision: model.DecisionConfirm}))
	w.fails(admin(regulator), model.CodeInvalidCode, decide(model.DecideAlertRequest{GTIN: "0690123400001x", AlertID: a.ID, Decision: model.DecisionConfirm}))
	w.fails(regulator, model.CodeForbidden, decide(model.DecideAlertRequest{GTIN: gtinA, AlertID: a.ID, Decision: model.DecisionConfirm}))
	tx := w.ok(admin(regulator), decide(model.DecideAlertRequest{GTIN: gtinA, AlertID: a.ID, Decision: model.DecisionConfirm, Note: "fake labels at a market"}))
	name, _ := tx.Event()
	assert.Equal(t, model.EventAlertDecided, name)
	assert.Equal(t, model.VerdictUnknown, w.verify(fake).Verdict)
	page, err = w.begin(regulator, nil).l.ListAlerts(0, "")
	require.NoError(t, err)
	require.Len(t, page.Alerts, 1)
	assert.Equal(t, model.AlertConfirmed, page.Alerts[0].Status)
	assert.Equal(t, "fake labels at a market", page.Alerts[0].Note)
	res, err = w.fileSignal(retailer, w.scanned(model.AlertReasonUnknownSerials, "", gtinA, 50))
	require.NoError(t, err)
	assert.Equal(t, model.SignalFiled, res.Outcome)
	assert.NotEqual(t, a.ID, res.Alert.ID)
}

func TestFileSignalRefusals(t *testing.T) {
	w := newWorld(t)
	const province = "ZhejiangMSP"
	w.ok(admin(regulator), func(c call) error {
		_, err := c.reg.RegisterMember(model.MemberRequest{MSPID: province, Role: model.RoleProvincialRegulator, Name: "浙江省市场监督管理局", USCC: uscc("11330000M000600Y4"), Region: "330000"})
		return err
	})
	u := atRetailer(w, 2) // u[0] sold below, u[1] in circulation
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	after := model.AlertReasonScannedAfterSale
	unknown := model.AlertReasonUnknownSerials
	future := w.scanned(after, u[0], "", 5)
	future.Since = w.now.Add(time.Hour)
	old := w.scanned(after, u[0], "", 5)
	old.Since = w.now.Add(-40 * 24 * time.Hour)
	for _, tc := range []struct {
		name string
		msp  string
		req  model.FileSignalRequest
		code model.Code
	}{
		{"no member", outsider, w.scanned(after, u[0], "", 5), model.CodeNotMember},
		{"a provincial regulator writes nothing", province, w.scanned(after, u[0], "", 5), model.CodeForbidden},
		{"unknown reason", regulator, w.scanned("because", u[0], "", 5), model.CodeInvalidArgument},
		{"no scans", regulator, w.scanned(after, u[0], "", 0), model.CodeInvalidArgument},
		{"too many scans", regulator, w.scanned(after, u[0], "", model.MaxSignalScans+1), model.CodeInvalidArgument},
		{"counted from the future", regulator, future, model.CodeInvalidArgument},
		{"counted too long ago", regulator, old, model.CodeInvalidArgument},
		{"unit signal naming a gtin", regulator, w.scanned(after, u[0], gtinA, 5), model.CodeInvalidArgument},
		{"gtin signal naming a unit", regulator, w.scanned(unknown, u[0], gtinA, 5), model.CodeInvalidArgument},
		{"invalid code", regulator, w.scanned(after, "(01)123", "", 5), model.CodeInvalidCode},
		{"unit not on the ledger", regulator, w.scanned(after, unit("NOPE"), "", 5), model.CodeNotFound},
		{"unit in circulation", regulator, w.scanned(after, u[1], "", 5), model.CodeBadState},
		{"not a unit", regulator, w.scanned(after, lot(gtinA, "L0"), "", 5), model.CodeNotFound},
		{"invalid gtin", regulator, w.scanned(unknown, "", "12345", 5), model.CodeInvalidCode},
		{"unregistered gtin", regulator, w.scanned(unknown, "", gtin("690123499999"), 5), model.CodeNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := w.do(tc.msp, nil, func(c call) error { _, err := c.l.FileSignal(tc.req); return err })
			requireCode(t, err, tc.code)
			assert.Zero(t, tx.Stats().Writes, "nothing half-written")
		})
	}
}

func TestFileSignalQuotaPerReporterDay(t *testing.T) {
	w := newWorld(t)
	// Each signal its own unit: commission and decommission them in bulk.
	codes := make([]string, model.MaxSignalsPerReporterDay+1)
	for i := range codes {
		codes[i] = unit(fmt.Sprintf("Q%d", i))
	}
	w.commission(makerA, gtinA, "BQ", codes...)
	w.ok(makerA, func(c call) error {
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: codes, Reason: model.ReasonDestroyed})
		return err
	})
	w.now = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // the world's clock moves a minute a transaction
	for i := range model.MaxSignalsPerReporterDay {
		_, err := w.fileSignal(retailer, w.scanned(model.AlertReasonScannedAfterSale, codes[i], "", 12))
		require.NoError(t, err, i)
	}
	last := w.scanned(model.AlertReasonScannedAfterSale, codes[model.MaxSignalsPerReporterDay], "", 12)
	_, err := w.fileSignal(retailer, last)
	e := requireCode(t, err, model.CodeLimit)
	assert.Equal(t, retailer, e.Subject)
	_, err = w.fileSignal(makerA, last)
	require.NoError(t, err, "another reporter has its own quota")
	// The next day the quota is fresh.
	w.now = time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	_, err = w.fileSignal(retailer, w.scanned(model.AlertReasonUnknownSerials, "", gtinB, 12))
	require.NoError(t, err)
}
