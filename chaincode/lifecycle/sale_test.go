package lifecycle_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

const buyerName = "王小明"

// atRetailer commissions n units and moves them to the retailer.
func atRetailer(w *world, n int) []string {
	u := w.units("B1", "U", n)
	w.move(makerA, distributor, u...)
	w.move(distributor, retailer, u...)
	return u
}

func TestSellKeepsPersonalDataPrivate(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	// RecordSale writes the buyer data and nothing public, so that the
	// collection's policy (the seller's peers) is the only one that applies.
	c := w.begin(retailer, map[string][]byte{model.TransientSaleKey: saleJSON(buyerName)})
	rec, err := c.l.RecordSale(model.RecordSaleRequest{Code: u[0]})
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeRecorded, rec.Outcome)
	assert.Zero(t, c.tx.Stats().Writes, "RecordSale writes nothing public")
	assert.Equal(t, 1, c.tx.Stats().PrivateWrites)
	recName, recPayload := c.tx.Event()
	assert.Equal(t, model.EventSaleRecorded, recName)
	require.NoError(t, c.tx.Commit())
	assert.Equal(t, model.DispositionActive, w.status(u[0]).Disposition, "not sold until Sell")

	c = w.begin(retailer, nil)
	res, err := c.l.Sell(model.SellRequest{Code: u[0], SaleHash: rec.SaleHash, RecordHash: rec.RecordHash})
	require.NoError(t, err)
	assert.Zero(t, c.tx.Stats().PrivateWrites, "Sell writes no buyer data")
	name, payload := c.tx.Event()
	require.NoError(t, c.tx.Commit())

	var in model.SaleTransient
	require.NoError(t, json.Unmarshal(saleJSON(buyerName), &in))
	want := model.SaleHash(in.Salt, in.SaleData)
	assert.Equal(t, model.OutcomeSold, res.Outcome)
	assert.Equal(t, want, res.SaleHash)
	assert.Equal(t, model.EventSold, name)

	st := w.status(u[0])
	assert.Equal(t, model.DispositionRetailSold, st.Disposition)
	assert.Equal(t, want, st.Item.SaleHash)
	assert.Equal(t, rec.RecordHash, st.Item.SaleRecordHash)
	assert.Equal(t, retailer, st.Item.SoldBy)
	assert.Equal(t, model.VerdictSold, w.verify(u[0]).Verdict)

	k, _ := state.CompositeKey("sale", u[0])
	raw := w.mem.PrivateValue("salesRetailerMSP", k)
	require.NotNil(t, raw, "sale record in the seller's collection")
	assert.Contains(t, string(raw), buyerName)

	// No personal data in public state, the event or the result.
	for _, s := range []string{string(payload), string(recPayload), mustJSON(rec), mustJSON(res), mustJSON(st), mustJSON(w.verify(u[0]))} {
		assert.NotContains(t, s, buyerName)
		assert.NotContains(t, s, "13800000000")
	}
	scanPublic(t, w, func(key string, v []byte) {
		assert.NotContains(t, string(v), buyerName, key)
		assert.NotContains(t, string(v), "13800000000", key)
	})
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// scanPublic visits every committed public entry of the domain's object types.
func scanPublic(t *testing.T, w *world, fn func(key string, v []byte)) {
	c := w.begin(regulator, nil)
	for _, typ := range []string{"item", "event", "alert", "alertlog", "member", "product"} {
		require.NoError(t, c.tx.Scan(typ, nil, func(kv state.KV) error { fn(kv.Key, kv.Value); return nil }))
	}
}

func TestGetSaleAccess(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	key := bytes.Repeat([]byte{7}, model.ReadKeySize)
	for msp, code := range map[string]model.Code{
		admin(retailer): "", admin(regulator): "", admin(distributor): model.CodeForbidden, admin(retailer2): model.CodeForbidden,
		admin(makerA): model.CodeForbidden, admin(outsider): model.CodeNotMember,
		retailer: model.CodeForbidden, regulator: model.CodeForbidden, // ordinary clients read no buyer data
	} {
		c := w.begin(msp, map[string][]byte{model.TransientReadKey: key})
		sealed, err := c.l.GetSale(u[0])
		if code == "" {
			require.NoError(t, err, msp)
			// The response, which a submitted read would carry into a block, holds no buyer data.
			assert.NotContains(t, mustJSON(sealed), "张三")
			assert.NotContains(t, mustJSON(sealed), "13800000000")
			rec, err := sealed.Open(key)
			require.NoError(t, err)
			assert.Equal(t, "张三", rec.BuyerName)
			assert.Equal(t, rec.SaleHash, model.SaleHash(rec.Salt, rec.Data()))
			_, err = sealed.Open(bytes.Repeat([]byte{8}, model.ReadKeySize))
			assert.Error(t, err, "another key does not open it")
			continue
		}
		e := requireCode(t, err, code)
		assert.NotContains(t, e.Error(), "张三")
	}
	for _, k := range [][]byte{nil, []byte("short")} {
		_, err := w.begin(admin(retailer), map[string][]byte{model.TransientReadKey: k}).l.GetSale(u[0])
		requireCode(t, err, model.CodeInvalidArgument)
	}
}

func TestSellRefusals(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 6)
	w.ok(retailer, func(c call) error {
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{u[1]}, Reason: model.ReasonStolen})
		return err
	})
	w.ok(admin(makerA), func(c call) error {
		_, err := c.l.Recall(model.RecallRequest{Codes: []string{u[2]}, Reason: "overheating"})
		return err
	})
	w.ship(retailer, retailer2, u[3])
	other := w.units("B2", "X", 1)[0]

	bad := func(mut func(*model.SaleTransient)) []byte {
		var in model.SaleTransient
		_ = json.Unmarshal(saleJSON(buyerName), &in)
		mut(&in)
		b, _ := json.Marshal(in)
		return b
	}
	tests := []struct {
		name      string
		msp       string
		code      string
		transient []byte
		days      int
		want      model.Code
	}{
		{"distributor", distributor, u[0], saleJSON(buyerName), 0, model.CodeForbidden},
		{"manufacturer", makerA, other, saleJSON(buyerName), 0, model.CodeForbidden},
		{"regulator", regulator, u[0], saleJSON(buyerName), 0, model.CodeForbidden},
		{"outsider", outsider, u[0], saleJSON(buyerName), 0, model.CodeNotMember},
		{"not the holder", retailer2, u[0], saleJSON(buyerName), 0, model.CodeNotHolder},
		{"decommissioned", retailer, u[1], saleJSON(buyerName), 0, model.CodeBadState},
		{"recalled", retailer, u[2], saleJSON(buyerName), 0, model.CodeRecalled},
		{"in transit", retailer, u[3], saleJSON(buyerName), 0, model.CodeBadState},
		{"unknown", retailer, unit("nope"), saleJSON(buyerName), 0, model.CodeNotFound},
		{"invalid code", retailer, "(01)06901234000013(21)X", saleJSON(buyerName), 0, model.CodeInvalidCode},
		{"no transient data", retailer, u[0], nil, 0, model.CodeInvalidArgument},
		{"not JSON", retailer, u[0], []byte("name=" + buyerName), 0, model.CodeInvalidArgument},
		{"unknown field", retailer, u[0], []byte(`{"buyerName":"` + buyerName + `","idCard":"110101199003071234"}`), 0, model.CodeInvalidArgument},
		{"short salt", retailer, u[0], bad(func(s *model.SaleTransient) { s.Salt = "abc" }), 0, model.CodeInvalidArgument},
		{"no buyer contact", retailer, u[0], bad(func(s *model.SaleTransient) { s.BuyerContact = "" }), 0, model.CodeInvalidArgument},
		{"no sales time", retailer, u[0], bad(func(s *model.SaleTransient) { s.SalesTime = time.Time{} }), 0, model.CodeInvalidArgument},
		{"control characters", retailer, u[0], bad(func(s *model.SaleTransient) { s.BuyerName = buyerName + "\x07" }), 0, model.CodeInvalidArgument},
		// Year 0 at +01:00 is year -1 in UTC, which the record's JSON cannot
		// hold: it was a panic in SaleHash (INTERNAL behind the guard).
		{"sales time before year 0 in UTC", retailer, u[0], []byte(`{"salesTime":"0000-01-01T00:30:00+01:00","buyerName":"` + buyerName + `","buyerAddress":"","buyerContact":"13800000000","salt":"0123456789abcdef0123456789abcdef"}`), 0, model.CodeInvalidArgument},
		{"retention below the minimum", retailer, u[0], saleJSON(buyerName), model.MinSaleRetentionDays - 1, model.CodeInvalidArgument},
		{"retention above the default", retailer, u[0], saleJSON(buyerName), model.DefaultSaleRetentionDays + 1, model.CodeInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var transient map[string][]byte
			if tc.transient != nil {
				transient = map[string][]byte{model.TransientSaleKey: tc.transient}
			}
			tx, err := w.do(tc.msp, transient, func(c call) error {
				_, err := c.l.RecordSale(model.RecordSaleRequest{Code: tc.code, RetentionDays: tc.days})
				return err
			})
			e := requireCode(t, err, tc.want)
			assert.NotContains(t, e.Error(), buyerName, "errors never echo personal data")
			assert.Zero(t, tx.Stats().Writes+tx.Stats().PrivateWrites)
		})
	}
}

func TestSellUnpacksFromAHeldContainer(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 3)
	caseA, pallet := sscc("6901234", 11), sscc("6901234", 1)
	w.pack(makerA, caseA, u[0], u[1])
	w.pack(makerA, pallet, caseA, u[2])
	w.move(makerA, retailer, pallet)

	rec := w.record(retailer, u[0])
	tx, err := w.do(retailer, nil, func(c call) error {
		_, err := c.l.Sell(model.SellRequest{Code: u[0], SaleHash: rec.SaleHash, RecordHash: rec.RecordHash})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 5, tx.Stats().Writes, "unit + event, its direct container + event, index delete")
	st := w.status(u[0])
	assert.Empty(t, st.Item.Parent)
	assert.Equal(t, model.DispositionRetailSold, st.Disposition)
	assert.Equal(t, 1, w.status(caseA).Item.Children)
	c := w.begin(retailer, nil)
	page, err := c.l.GetContents(caseA, 0, "")
	require.NoError(t, err)
	assert.Equal(t, []string{u[1]}, page.Children)
}

func TestCloneAlert(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)

	// A second sale, here at another retailer, keeps no buyer data, and is
	// refused but commits a report.
	tx, err := w.do(retailer2, map[string][]byte{model.TransientSaleKey: saleJSON("李四")}, func(c call) error {
		_, err := c.l.RecordSale(model.RecordSaleRequest{Code: u[0]})
		return err
	})
	requireCode(t, err, model.CodeAlreadySold)
	assert.Zero(t, tx.Stats().Writes+tx.Stats().PrivateWrites)
	c := w.begin(retailer2, nil)
	res, err := c.l.Sell(model.SellRequest{Code: u[0]})
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeRefusedAlreadySold, res.Outcome)
	assert.Equal(t, c.tx.TxID(), res.AlertID)
	assert.Empty(t, res.SaleHash)
	name, payload := c.tx.Event()
	assert.Equal(t, model.EventCloneAlert, name)
	assert.NotContains(t, string(payload), "李四")
	s := c.tx.Stats()
	assert.Equal(t, 6, s.Writes, "alert, alert log entry, unit (open alert), unit event, the reporter's report record, its daily count")
	assert.Zero(t, s.PrivateWrites, "a refused sale stores no buyer data")
	require.NoError(t, c.tx.Commit())

	// A report alone does not change what a buyer sees.
	assert.Equal(t, res.AlertID, w.status(u[0]).Item.OpenAlert)
	assert.Equal(t, model.VerdictSold, w.verify(u[0]).Verdict)

	// The same organisation reporting again changes nothing; another joins the alert.
	tx, err = w.do(retailer2, nil, func(c call) error {
		r, err := c.l.Sell(model.SellRequest{Code: u[0]})
		assert.Equal(t, res.AlertID, r.AlertID)
		return err
	})
	require.NoError(t, err)
	assert.Zero(t, tx.Stats().Writes, "a repeated report is deduplicated")
	tx, err = w.do(retailer, nil, func(c call) error {
		_, err := c.l.Sell(model.SellRequest{Code: u[0]})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 4, tx.Stats().Writes, "a second reporter joins the open alert: alert, log entry, report record, daily count")

	reg := w.begin(regulator, nil)
	alerts, err := reg.l.ListAlerts(0, "")
	require.NoError(t, err)
	require.Len(t, alerts.Alerts, 1)
	a := alerts.Alerts[0]
	assert.Equal(t, res.AlertID, a.ID)
	assert.Equal(t, u[0], a.Code)
	assert.Equal(t, retailer2, a.Reporter)
	assert.Equal(t, []string{retailer2, retailer}, a.Reporters)
	assert.Equal(t, 2, a.Reports)
	assert.Equal(t, model.AlertOpen, a.Status)
	assert.Equal(t, retailer, a.SoldBy)
	assert.Equal(t, model.AlertReasonAlreadySold, a.Reason)

	_, err = w.begin(retailer, nil).l.ListAlerts(0, "")
	requireCode(t, err, model.CodeForbidden)

	// Only the Regulator's administrator decides, on the open alert it names.
	decide := func(id string, d model.AlertDecision) func(c call) error {
		return func(c call) error {
			_, err := c.l.DecideAlert(model.DecideAlertRequest{Code: u[0], AlertID: id, Decision: d, Note: "checked the shop"})
			return err
		}
	}
	w.fails(regulator, model.CodeForbidden, decide(a.ID, model.DecisionConfirm))
	w.fails(admin(retailer), model.CodeForbidden, decide(a.ID, model.DecisionConfirm))
	w.fails(admin(regulator), model.CodeBadState, decide("another", model.DecisionConfirm))
	w.fails(admin(regulator), model.CodeInvalidArgument, decide(a.ID, "maybe"))
	w.ok(admin(regulator), decide(a.ID, model.DecisionConfirm))
	v := w.verify(u[0])
	assert.Equal(t, model.VerdictSuspectedClone, v.Verdict, "the verdict says what the Regulator confirmed")
	assert.Equal(t, a.ID, v.AlertID)
	w.fails(admin(regulator), model.CodeBadState, decide(a.ID, model.DecisionDismiss))

	// The original sale record is untouched.
	key := make([]byte, model.ReadKeySize)
	sealed, err := w.begin(admin(retailer), map[string][]byte{model.TransientReadKey: key}).l.GetSale(u[0])
	require.NoError(t, err)
	rec, err := sealed.Open(key)
	require.NoError(t, err)
	assert.Equal(t, "张三", rec.BuyerName)
}

func TestDismissedAlertLeavesVerdict(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)
	res, err := w.sell(retailer2, u[0]) // a rival's invented resale
	require.NoError(t, err)
	dismiss := func(staff string) func(c call) error {
		return func(c call) error {
			_, err := c.l.DecideAlert(model.DecideAlertRequest{Code: u[0], AlertID: res.AlertID, Decision: model.DecisionDismiss, Staff: staff})
			return err
		}
	}
	// The staff member's name is bounded text: nothing is written otherwise.
	w.fails(admin(regulator), model.CodeInvalidArgument, dismiss(strings.Repeat("x", model.MaxStaffLen+1)))
	w.fails(admin(regulator), model.CodeInvalidArgument, dismiss("ann\x00@regulator"))
	w.ok(admin(regulator), dismiss(" inspector1@regulator.tracechain.example "))
	assert.Equal(t, model.VerdictSold, w.verify(u[0]).Verdict)
	alerts, err := w.begin(regulator, nil).l.ListAlerts(0, "")
	require.NoError(t, err)
	require.Len(t, alerts.Alerts, 1)
	assert.Equal(t, "inspector1@regulator.tracechain.example", alerts.Alerts[0].DecidedByStaff, "the decision names the staff member, trimmed")
	assert.Equal(t, model.AlertDismissed, alerts.Alerts[0].Status)
	st := w.status(u[0])
	assert.Empty(t, st.Item.OpenAlert)
	assert.Empty(t, st.Item.CloneConfirmed)
	// A new report after a dismissal opens a new alert.
	res2, err := w.sell(retailer2, u[0])
	require.NoError(t, err)
	assert.NotEqual(t, res.AlertID, res2.AlertID)
}

func TestListAlertsPages(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 6)
	for _, code := range u {
		_, err := w.sell(retailer, code)
		require.NoError(t, err)
		for range 2 {
			res, err := w.sell(retailer2, code)
			require.NoError(t, err)
			require.Equal(t, model.OutcomeRefusedAlreadySold, res.Outcome)
		}
	}
	var ids []string
	bookmark := ""
	for {
		page, err := w.begin(regulator, nil).l.ListAlerts(4, bookmark)
		require.NoError(t, err)
		for _, a := range page.Alerts {
			ids = append(ids, a.ID)
		}
		if bookmark = page.Bookmark; bookmark == "" {
			break
		}
	}
	assert.Len(t, ids, 6, "one alert per unit: repeated reports are deduplicated")
	assert.True(t, sortedByTime(w, ids))
}

func sortedByTime(w *world, ids []string) bool {
	page, _ := w.begin(regulator, nil).l.ListAlerts(100, "")
	for i := 1; i < len(page.Alerts); i++ {
		if page.Alerts[i].DetectedAt.Before(page.Alerts[i-1].DetectedAt) {
			return false
		}
	}
	return len(page.Alerts) == len(ids)
}

func TestPurgeSale(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 1)
	_, err := w.sale(retailer, model.SellRequest{Code: u[0], RetentionDays: model.MinSaleRetentionDays}, saleJSON(buyerName))
	require.NoError(t, err)
	purge := func(c call) error { return c.l.PurgeSale(u[0]) }

	w.fails(admin(retailer), model.CodeBadState, purge) // retention not over
	w.now = w.now.AddDate(0, 0, model.MinSaleRetentionDays)
	w.fails(admin(retailer2), model.CodeForbidden, purge)
	w.fails(admin(regulator), model.CodeForbidden, purge)
	w.fails(retailer, model.CodeForbidden, purge) // an ordinary client of the seller
	tx := w.ok(admin(retailer), purge)
	assert.Equal(t, 1, tx.Stats().PrivateWrites)
	k, _ := state.CompositeKey("sale", u[0])
	assert.Nil(t, w.mem.PrivateValue("salesRetailerMSP", k))
	assert.NotEmpty(t, w.status(u[0]).Item.SaleHash, "the public hash stays")
	w.fails(admin(retailer), model.CodeBadState, purge)
	_, err = w.begin(admin(regulator), map[string][]byte{model.TransientReadKey: make([]byte, model.ReadKeySize)}).l.GetSale(u[0])
	requireCode(t, err, model.CodeNotFound)
	assert.False(t, strings.Contains(mustJSON(w.status(u[0])), buyerName))
}
