package lifecycle_test

import (
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
	c := w.begin(retailer, map[string][]byte{model.TransientSaleKey: saleJSON(buyerName)})
	res, err := c.l.Sell(model.SellRequest{Code: u[0]})
	require.NoError(t, err)
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
	assert.Equal(t, retailer, st.Item.SoldBy)
	assert.Equal(t, model.VerdictSold, w.verify(u[0]).Verdict)

	k, _ := state.CompositeKey("sale", u[0])
	raw := w.mem.PrivateValue("salesRetailerMSP", k)
	require.NotNil(t, raw, "sale record in the seller's collection")
	assert.Contains(t, string(raw), buyerName)

	// No personal data in public state, the event or the result.
	for _, s := range []string{string(payload), mustJSON(res), mustJSON(st), mustJSON(w.verify(u[0]))} {
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
	for msp, code := range map[string]model.Code{retailer: "", regulator: "", distributor: model.CodeForbidden, retailer2: model.CodeForbidden, makerA: model.CodeForbidden, outsider: model.CodeNotMember} {
		c := w.begin(msp, nil)
		rec, err := c.l.GetSale(u[0])
		if code == "" {
			require.NoError(t, err, msp)
			assert.Equal(t, "张三", rec.BuyerName)
			assert.Equal(t, rec.SaleHash, model.SaleHash(rec.Salt, rec.Data()))
			continue
		}
		e := requireCode(t, err, code)
		assert.NotContains(t, e.Error(), "张三")
	}
}

func TestSellRefusals(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 6)
	w.ok(retailer, func(c call) error {
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{u[1]}, Reason: model.ReasonStolen})
		return err
	})
	w.ok(makerA, func(c call) error {
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
				_, err := c.l.Sell(model.SellRequest{Code: tc.code, RetentionDays: tc.days})
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

	tx, err := w.do(retailer, map[string][]byte{model.TransientSaleKey: saleJSON(buyerName)}, func(c call) error {
		_, err := c.l.Sell(model.SellRequest{Code: u[0]})
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

	// A second sale, here at another retailer, is refused but commits an alert.
	c := w.begin(retailer2, map[string][]byte{model.TransientSaleKey: saleJSON("李四")})
	res, err := c.l.Sell(model.SellRequest{Code: u[0]})
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeRefusedAlreadySold, res.Outcome)
	assert.Equal(t, c.tx.TxID(), res.AlertID)
	assert.Empty(t, res.SaleHash)
	name, payload := c.tx.Event()
	assert.Equal(t, model.EventCloneAlert, name)
	assert.NotContains(t, string(payload), "李四")
	s := c.tx.Stats()
	assert.Equal(t, 4, s.Writes, "alert, alert log entry, unit mark, unit event")
	assert.Zero(t, s.PrivateWrites, "a refused sale stores no buyer data")
	require.NoError(t, c.tx.Commit())

	assert.True(t, w.status(u[0]).Item.CloneSuspected)
	assert.Equal(t, model.VerdictSuspectedClone, w.verify(u[0]).Verdict)

	reg := w.begin(regulator, nil)
	alerts, err := reg.l.ListAlerts(0, "")
	require.NoError(t, err)
	require.Len(t, alerts.Alerts, 1)
	a := alerts.Alerts[0]
	assert.Equal(t, res.AlertID, a.ID)
	assert.Equal(t, u[0], a.Code)
	assert.Equal(t, retailer2, a.Reporter)
	assert.Equal(t, retailer, a.SoldBy)
	assert.Equal(t, model.AlertReasonAlreadySold, a.Reason)

	_, err = w.begin(retailer, nil).l.ListAlerts(0, "")
	requireCode(t, err, model.CodeForbidden)

	// The original sale record is untouched.
	rec, err := w.begin(retailer, nil).l.GetSale(u[0])
	require.NoError(t, err)
	assert.Equal(t, "张三", rec.BuyerName)
}

func TestListAlertsPages(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 3)
	for _, code := range u {
		_, err := w.sell(retailer, code)
		require.NoError(t, err)
		for range 2 {
			res, err := w.sell(retailer, code)
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
	assert.Len(t, ids, 6)
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
	_, err := w.do(retailer, map[string][]byte{model.TransientSaleKey: saleJSON(buyerName)}, func(c call) error {
		_, err := c.l.Sell(model.SellRequest{Code: u[0], RetentionDays: model.MinSaleRetentionDays})
		return err
	})
	require.NoError(t, err)
	purge := func(c call) error { return c.l.PurgeSale(u[0]) }

	w.fails(retailer, model.CodeBadState, purge) // retention not over
	w.now = w.now.AddDate(0, 0, model.MinSaleRetentionDays)
	w.fails(retailer2, model.CodeForbidden, purge)
	w.fails(regulator, model.CodeForbidden, purge)
	tx := w.ok(retailer, purge)
	assert.Equal(t, 1, tx.Stats().PrivateWrites)
	k, _ := state.CompositeKey("sale", u[0])
	assert.Nil(t, w.mem.PrivateValue("salesRetailerMSP", k))
	assert.NotEmpty(t, w.status(u[0]).Item.SaleHash, "the public hash stays")
	w.fails(retailer, model.CodeBadState, purge)
	_, err = w.begin(regulator, nil).l.GetSale(u[0])
	requireCode(t, err, model.CodeNotFound)
	assert.False(t, strings.Contains(mustJSON(w.status(u[0])), buyerName))
}
