package lifecycle_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// manyReporters is more organisations than an alert lists (Alert.Reporters).
const manyReporters = model.MaxAlertReporters + 5

// shops registers n more retailers, each able to file signals and report
// resales, and returns their MSP IDs.
func shops(w *world, n int) []string {
	w.t.Helper()
	msps := make([]string, n)
	for i := range msps {
		msps[i] = fmt.Sprintf("Shop%02dMSP", i)
		req := model.MemberRequest{MSPID: msps[i], Role: model.RoleRetailer, Name: fmt.Sprintf("Shop %d", i), USCC: uscc(fmt.Sprintf("91440100M1%05dY4", i))}
		w.ok(admin(regulator), func(c call) error { _, err := c.reg.RegisterMember(req); return err })
	}
	return msps
}

// openAlert reads the one alert in the Regulator's queue.
func openAlert(t *testing.T, w *world) model.Alert {
	t.Helper()
	page, err := w.begin(regulator, nil).l.ListAlerts(0, "")
	require.NoError(t, err)
	require.Len(t, page.Alerts, 1, "one open report per subject")
	return page.Alerts[0]
}

// One report per organisation per open alert holds past the reporters an
// alert lists: the 21st to 25th organisations cannot file again and raise
// Reports, for a unit's signal as for a GTIN's.
func TestFileSignalOncePerOrganisationBeyondTheListedReporters(t *testing.T) {
	for _, reason := range []string{model.AlertReasonScannedAfterSale, model.AlertReasonUnknownSerials} {
		t.Run(reason, func(t *testing.T) {
			w := newWorld(t)
			orgs := shops(w, manyReporters)
			req := func() model.FileSignalRequest { return w.scanned(reason, "", gtinA, 10) }
			if reason == model.AlertReasonScannedAfterSale {
				u := atRetailer(w, 1)
				_, err := w.sell(retailer, u[0])
				require.NoError(t, err)
				req = func() model.FileSignalRequest { return w.scanned(reason, u[0], "", 10) }
			}
			var id string
			for i, org := range orgs {
				res, err := w.fileSignal(org, req())
				require.NoError(t, err, org)
				if i == 0 {
					id = res.Alert.ID
				}
				assert.Equal(t, id, res.Alert.ID, org)
				assert.Equal(t, i+1, res.Alert.Reports, org)
			}
			for _, org := range orgs[model.MaxAlertReporters:] {
				tx, err := w.do(org, nil, func(c call) error { _, err := c.l.FileSignal(req()); return err })
				e := requireCode(t, err, model.CodeDuplicate)
				assert.Equal(t, id, e.Subject, org)
				assert.Zero(t, tx.Stats().Writes, "nothing half-written")
			}
			a := openAlert(t, w)
			assert.Equal(t, manyReporters, a.Reports, "each organisation counted once")
			assert.Equal(t, orgs[:model.MaxAlertReporters], a.Reporters, "the listed reporters stay bounded")
		})
	}
}

// The same for clone reports from resales: a repeat by the 21st to 25th
// reporting organisation is deduplicated, writes nothing, and leaves Reports
// as it was.
func TestCloneReportOncePerOrganisationBeyondTheListedReporters(t *testing.T) {
	w := newWorld(t)
	orgs := shops(w, manyReporters)
	u := atRetailer(w, 1)
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	var id string
	for i, org := range orgs {
		res, err := w.sell(org, u[0])
		require.NoError(t, err, org)
		require.Equal(t, model.OutcomeRefusedAlreadySold, res.Outcome)
		if i == 0 {
			id = res.AlertID
		}
		assert.Equal(t, id, res.AlertID, org)
	}
	for _, org := range orgs[model.MaxAlertReporters:] {
		var res *model.SellResult
		tx, err := w.do(org, nil, func(c call) (err error) {
			res, err = c.l.Sell(model.SellRequest{Code: u[0]})
			return err
		})
		require.NoError(t, err, org)
		assert.Equal(t, id, res.AlertID, org)
		assert.Zero(t, tx.Stats().Writes, "a repeated report is deduplicated")
	}
	a := openAlert(t, w)
	assert.Equal(t, manyReporters, a.Reports, "each organisation counted once")
	assert.Equal(t, orgs[:model.MaxAlertReporters], a.Reporters)
}

// Clone reports from resales are bounded per organisation and UTC day like
// signals (LIMIT), so a retailer cannot flood the Regulator's queue by
// "selling" every sold code it learns; the refusal writes nothing.
func TestCloneReportQuotaPerReporterDay(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, model.MaxCloneReportsPerReporterDay+1)
	for _, code := range u {
		_, err := w.sell(retailer, code)
		require.NoError(t, err)
	}
	report := func(msp, code string) (*model.SellResult, *model.Error) {
		var res *model.SellResult
		tx, err := w.do(msp, nil, func(c call) (err error) {
			res, err = c.l.Sell(model.SellRequest{Code: code})
			return err
		})
		if err == nil {
			return res, nil
		}
		e := requireCode(t, err, model.CodeLimit)
		assert.Zero(t, tx.Stats().Writes, "nothing half-written")
		return nil, e
	}
	w.now = time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC) // the world's clock moves a minute a transaction
	for _, code := range u[:model.MaxCloneReportsPerReporterDay] {
		res, e := report(retailer2, code)
		require.Nil(t, e, code)
		require.Equal(t, model.OutcomeRefusedAlreadySold, res.Outcome)
	}
	last := u[model.MaxCloneReportsPerReporterDay]
	_, e := report(retailer2, last)
	require.NotNil(t, e, "the 201st report of the day")
	assert.Equal(t, retailer2, e.Subject)
	assert.Empty(t, w.status(last).Item.OpenAlert, "no report opened")
	// Joining another organisation's open report is a report too; signals
	// from scans have their own quota.
	_, err := w.fileSignal(regulator, w.scanned(model.AlertReasonScannedAfterSale, last, "", 12))
	require.NoError(t, err)
	_, e = report(retailer2, last)
	require.NotNil(t, e, "joining is a report")
	_, err = w.fileSignal(retailer2, w.scanned(model.AlertReasonScannedAfterSale, last, "", 12))
	require.NoError(t, err, "the signal quota is another")
	// A repeat of a report it already filed writes nothing and spends nothing.
	res, e := report(retailer2, u[1])
	require.Nil(t, e)
	assert.Equal(t, model.OutcomeRefusedAlreadySold, res.Outcome)
	_, e = report(retailer, last)
	require.Nil(t, e, "another reporter has its own quota")
	// The next day the quota is fresh: a new report after the Regulator's
	// dismissal is written.
	w.decideAlert(u[2], w.status(u[2]).Item.OpenAlert, model.DecisionDismiss)
	w.now = time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	res, e = report(retailer2, u[2])
	require.Nil(t, e)
	assert.Equal(t, res.AlertID, w.status(u[2]).Item.OpenAlert)
}

// An alert filed before the ledger kept a record per report still refuses a
// repeat by a reporter it lists.
func TestReportsOfAnAlertFiledBeforeTheReportRecords(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	signal := func() model.FileSignalRequest {
		return w.scanned(model.AlertReasonScannedAfterSale, u[0], "", 10)
	}
	_, err = w.fileSignal(regulator, signal())
	require.NoError(t, err)
	_, err = w.fileSignal(makerA, signal())
	require.NoError(t, err)
	// Remove the report records, as on a ledger written before them.
	tx := w.ok(regulator, func(c call) error {
		if err := c.tx.Scan("alertreporter", nil, func(kv state.KV) error { return c.tx.Delete(kv.Key) }); err != nil {
			return err
		}
		return c.tx.SetEvent("Upgrade", []byte("{}"))
	})
	require.Len(t, tx.WrittenKeys(), 2, "one record per report")
	for _, org := range []string{regulator, makerA} {
		_, err = w.fileSignal(org, signal())
		requireCode(t, err, model.CodeDuplicate)
	}
	res, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeRefusedAlreadySold, res.Outcome)
	a := openAlert(t, w)
	assert.Equal(t, 3, a.Reports)
	assert.Equal(t, []string{regulator, makerA, retailer}, a.Reporters)
}
