//go:build integration

package integration

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// lotOf returns the canonical LGTIN of a batch.
func lotOf(t *testing.T, gtin, batch string) string {
	t.Helper()
	c, err := identifier.LGTIN(gtin, batch)
	require.NoError(t, err)
	return c.Canonical
}

// testStory follows one batch from the factory to an end customer and on
// into a recall and a clone alert:
//
//	ManufacturerA commissions batch S (u0..u5) and batch S2 (v0), packs
//	u0 u1 u2 v0 into case A, u3 u4 into case B and both cases into a pallet,
//	ships the pallet to the Distributor, which receives and unpacks it and
//	ships case A on to the Retailer. The Retailer sells u0 and v0 out of
//	case A, ManufacturerA recalls batch S, and the Retailer tries to sell
//	u0 and v0 again.
func testStory(t *testing.T, s *suite) {
	gtin := s.productA
	batchS, batchS2 := s.batch("S"), s.batch("T")
	serialsS := s.serials("u", 6)
	u := units(gtin, serialsS)
	v := units(gtin, s.serials("v", 1))
	caseA, caseB, pallet := ssccCode(s.newSSCC()), ssccCode(s.newSSCC()), ssccCode(s.newSSCC())
	first := len(s.txs)
	defer func() {
		for _, r := range s.txs[first:] {
			s.storyTxs = append(s.storyTxs, r.ID)
		}
	}()

	// Codes may be given in any accepted form; the ledger keys are canonical.
	inputs := []string{u[0], elementString(gtin, serialsS[1]), u[2], u[3], elementString(gtin, serialsS[4]), u[5]}
	res := mustSubmit[model.CommissionResult](t, s.ma, model.FnCommission, model.CommissionRequest{
		GTIN: gtin, Batch: batchS, ProductionDate: today(), Codes: inputs,
	})
	assert.Equal(t, 6, res.Count)
	assert.NotEmpty(t, res.WarrantyEnd, "warranty end defaults to production date + product warranty")
	mustSubmit[model.CommissionResult](t, s.ma, model.FnCommission, model.CommissionRequest{
		GTIN: gtin, Batch: batchS2, ProductionDate: today(), Codes: v,
	})

	pr := mustSubmit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: caseA, Children: []string{u[0], u[1], u[2], v[0]}})
	assert.Equal(t, 4, pr.Children)
	mustSubmit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: caseB, Children: []string{u[3], u[4]}})
	pr = mustSubmit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: pallet, Children: []string{caseA, caseB}})
	assert.Equal(t, 2, pr.Children)
	st := mustEvaluate[model.ItemStatus](t, s.dist, model.FnGetItem, u[0])
	assert.Equal(t, []string{caseA, pallet}, st.Containers)
	assert.Equal(t, pallet, st.TopContainer)
	assert.Equal(t, s.ma.msp, st.Holder.MSPID)

	mv := s.ship(t, s.ma, s.dist, pallet)
	assert.Equal(t, model.DispositionInTransit, mv.Disposition)
	st = mustEvaluate[model.ItemStatus](t, s.dist, model.FnGetItem, u[0])
	assert.Equal(t, model.DispositionInTransit, st.Disposition, "a packed unit is in transit with its pallet")
	assert.Equal(t, s.dist.msp, st.Destination)
	assert.Equal(t, model.DispositionActive, st.Item.Disposition, "the unit's own record is not rewritten")
	s.receive(t, s.dist, pallet)
	st = mustEvaluate[model.ItemStatus](t, s.dist, model.FnGetItem, u[4])
	assert.Equal(t, s.dist.msp, st.Holder.MSPID)
	assert.Equal(t, model.DispositionActive, st.Disposition)

	pr = mustSubmit[model.PackResult](t, s.dist, model.FnUnpack, model.UnpackRequest{Container: pallet})
	assert.Equal(t, 2, pr.Changed)
	assert.Equal(t, 0, pr.Children)
	s.move(t, s.dist, s.ret, caseA)

	// Sales: the buyer data travels only in the transient map.
	b0, bv := s.buyer("a"), s.buyer("b")
	sold := mustSell(t, s.ret, model.SellRequest{Code: u[0]}, b0)
	assert.Equal(t, model.OutcomeSold, sold.Outcome)
	assert.Equal(t, model.SaleHash(b0.Salt, b0.SaleData), sold.SaleHash, "the public hash is sha256(salt || canonical sale data)")
	s.requireNoPersonalData(t, "Sell result", sold)
	soldV := mustSell(t, s.ret, model.SellRequest{Code: v[0]}, bv)
	assert.Equal(t, model.OutcomeSold, soldV.Outcome)

	st = mustEvaluate[model.ItemStatus](t, s.reg, model.FnGetItem, u[0])
	assert.Empty(t, st.Item.Parent, "selling unpacks the unit from its case")
	assert.Equal(t, model.DispositionRetailSold, st.Disposition)
	assert.Equal(t, sold.SaleHash, st.Item.SaleHash)
	assert.Equal(t, s.ret.msp, st.Item.SoldBy)
	s.requireNoPersonalData(t, "GetItem", st)
	contents := mustEvaluate[model.ContentsPage](t, s.ret, model.FnGetContents, caseA, int32(0), "")
	assert.ElementsMatch(t, []string{u[1], u[2]}, contents.Children)

	t.Run("GetSale", func(t *testing.T) {
		for _, m := range []*member{s.ret.admin, s.reg.admin} {
			rec, raw, err := getSale(m, u[0])
			require.NoError(t, err, "GetSale by %s's administrator", m.msp)
			// The answer, which a submitted read would carry into every peer's blocks, is sealed.
			s.requireNoPersonalData(t, "the GetSale answer", raw)
			assert.Equal(t, b0.BuyerName, rec.BuyerName, "GetSale by %s", m.msp)
			assert.Equal(t, b0.BuyerAddress, rec.BuyerAddress)
			assert.Equal(t, b0.BuyerContact, rec.BuyerContact)
			assert.True(t, b0.SalesTime.Equal(rec.SalesTime))
			assert.Equal(t, b0.Salt, rec.Salt)
			assert.Equal(t, sold.SaleHash, rec.SaleHash)
			assert.Equal(t, model.SaleHash(rec.Salt, rec.Data()), rec.SaleHash, "the record proves itself against the public hash")
			assert.Equal(t, s.ret.msp, rec.Seller)
		}
		for _, m := range []*member{s.dist.admin, s.ma.admin, s.mb.admin} {
			_, raw, err := getSale(m, u[0])
			e := requireCode(t, err, model.CodeForbidden, "GetSale by %s", m.msp)
			assert.Equal(t, u[0], e.Subject)
			assert.Empty(t, raw)
			s.requireNoPersonalData(t, "GetSale refusal", err)
		}
		// Ordinary clients of the seller and of the Regulator read no buyer data.
		for _, m := range []*member{s.ret, s.reg} {
			_, _, err := getSale(m, u[0])
			requireCode(t, err, model.CodeForbidden, "GetSale by an ordinary client of %s", m.msp)
		}
		_, err := s.reg.admin.evaluateRaw(model.FnGetSale, u[0])
		requireCode(t, err, model.CodeInvalidArgument, "GetSale without a read key")
	})

	t.Run("GetSaleSubmittedPutsNoBuyerDataInABlock", func(t *testing.T) {
		// A read submitted by mistake is ordered like any transaction: its proposal
		// response, with the answer, goes into every peer's block store.
		// Regulators only watch: the gateway finds no two members that may both read the
		// collection and endorse, so it is not even endorsed; were it, the answer is sealed.
		_, opt := readKey()
		c, err := s.reg.admin.submitRaw(model.FnGetSale, u[0], opt)
		if err != nil {
			assert.Contains(t, err.Error(), "endorsement policy")
			return
		}
		_, env := s.reg.txEndorsers(t, c.Block, c.TxID)
		require.NotEmpty(t, env)
		s.requireNoPersonalData(t, "the block holding a submitted GetSale", env)
	})

	t.Run("VerifyBeforeRecall", func(t *testing.T) {
		vf := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, u[1])
		assert.Equal(t, model.VerdictGenuine, vf.Verdict)
		assert.Equal(t, u[1], vf.Code)
		assert.Equal(t, s.ret.msp, vf.Holder.MSPID, "holder derived through case A")
		assert.Equal(t, s.memberRequest(s.ret).Name, vf.Holder.Name)
		assert.Equal(t, s.ma.msp, vf.Producer.MSPID)
		assert.Equal(t, s.memberRequest(s.ma).USCC, vf.Producer.USCC)
		require.NotNil(t, vf.Product)
		assert.Equal(t, gtin, vf.Product.GTIN)
		assert.Equal(t, batchS, vf.Batch)

		vf = mustEvaluate[model.Verification](t, s.dist, model.FnVerify, u[0])
		assert.Equal(t, model.VerdictSold, vf.Verdict)
		s.requireNoPersonalData(t, "Verify of a sold unit", vf)

		// A Digital Link URI from a QR code, never commissioned.
		unknown := sgtin(gtin, s.run+"never")
		vf = mustEvaluate[model.Verification](t, s.mb, model.FnVerify, unknown)
		assert.Equal(t, model.VerdictUnknown, vf.Verdict)

		badCheck := "https://id.gs1.org/01/" + wrongCheck(gtin) + "/21/" + serialsS[1]
		vf = mustEvaluate[model.Verification](t, s.mb, model.FnVerify, badCheck)
		assert.Equal(t, model.VerdictInvalidCode, vf.Verdict)
		assert.NotEmpty(t, vf.Detail)
		assert.Empty(t, vf.Code)
	})

	rec := mustSubmit[model.Recall](t, s.ma.admin, model.FnRecall, model.RecallRequest{GTIN: gtin, Batch: batchS, Reason: "insulation thickness below GB/T 5023.3"})
	assert.Equal(t, s.ma.msp, rec.IssuedBy)

	t.Run("RecallRefusals", func(t *testing.T) {
		_, err := submit[model.Recall](t, s.reg.admin, model.FnRecall, model.RecallRequest{GTIN: gtin, Batch: batchS, Reason: "again"})
		e := requireCode(t, err, model.CodeDuplicate, "recalling a batch twice")
		assert.Contains(t, e.Message, rec.ID)
		_, err = submit[model.CommissionResult](t, s.ma, model.FnCommission, model.CommissionRequest{
			GTIN: gtin, Batch: batchS, ProductionDate: today(), Codes: units(gtin, s.serials("late", 1)),
		})
		requireCode(t, err, model.CodeRecalled, "commissioning more units of a recalled batch")
		_, err = submit[model.Recall](t, s.mb.admin, model.FnRecall, model.RecallRequest{GTIN: gtin, Batch: batchS2, Reason: "x"})
		requireCode(t, err, model.CodeForbidden, "recalling another manufacturer's product")
	})

	t.Run("VerifyAfterRecall", func(t *testing.T) {
		for _, code := range []string{u[1], u[0]} {
			vf := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, code)
			assert.Equal(t, model.VerdictRecalled, vf.Verdict, code)
			assert.Equal(t, rec.ID, vf.RecallID)
		}
		vf := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, v[0])
		assert.Equal(t, model.VerdictSold, vf.Verdict, "batch S2 is not recalled")
	})

	t.Run("RecallReport", func(t *testing.T) {
		want := map[string]model.RecallEntry{
			u[0]: {Holder: model.Party{MSPID: s.ret.msp}, Disposition: model.DispositionRetailSold},
			u[1]: {TopContainer: caseA, Holder: model.Party{MSPID: s.ret.msp}, Disposition: model.DispositionActive},
			u[2]: {TopContainer: caseA, Holder: model.Party{MSPID: s.ret.msp}, Disposition: model.DispositionActive},
			u[3]: {TopContainer: caseB, Holder: model.Party{MSPID: s.dist.msp}, Disposition: model.DispositionActive},
			u[4]: {TopContainer: caseB, Holder: model.Party{MSPID: s.dist.msp}, Disposition: model.DispositionActive},
			u[5]: {Holder: model.Party{MSPID: s.ma.msp}, Disposition: model.DispositionActive},
		}
		// Page through in pages of 4 to exercise the bookmark.
		var entries []model.RecallEntry
		bookmark := ""
		for pages := 0; ; pages++ {
			require.Less(t, pages, 5)
			page := mustEvaluate[model.RecallReportPage](t, s.reg, model.FnRecallReport, rec.ID, int32(4), bookmark)
			assert.Equal(t, rec.ID, page.Recall.ID)
			entries = append(entries, page.Entries...)
			if bookmark = page.Bookmark; bookmark == "" || len(page.Entries) == 0 {
				break
			}
		}
		got := map[string]model.RecallEntry{}
		for _, e := range entries {
			_, dup := got[e.Code]
			assert.False(t, dup, "%s listed twice", e.Code)
			got[e.Code] = e
		}
		require.Len(t, got, len(want), "every unit of the batch, once: %+v", entries)
		for code, w := range want {
			e, ok := got[code]
			require.True(t, ok, "%s missing from the recall report", code)
			assert.Equal(t, model.ClassUnit, e.Class)
			assert.Equal(t, w.TopContainer, e.TopContainer, code)
			assert.Equal(t, w.Holder.MSPID, e.Holder.MSPID, code)
			assert.NotEmpty(t, e.Holder.Name, "the holder is named")
			assert.Equal(t, w.Disposition, e.Disposition, code)
		}
		s.requireNoPersonalData(t, "RecallReport", entries)
	})

	// Resale attempts are committed clone alerts, not errors.
	clone := mustSell(t, s.ret, model.SellRequest{Code: u[0]}, s.buyer("c"))
	assert.Equal(t, model.OutcomeRefusedAlreadySold, clone.Outcome)
	assert.Equal(t, clone.TxID, clone.AlertID)
	assert.Empty(t, clone.SaleHash)
	cloneV := mustSell(t, s.ret, model.SellRequest{Code: v[0]}, s.buyer("d"))
	assert.Equal(t, model.OutcomeRefusedAlreadySold, cloneV.Outcome)

	t.Run("SalesEndorsedByMembersNotRegulators", func(t *testing.T) {
		// Sell carries no buyer data, so any two members may endorse it;
		// the Regulator's peer is never needed (regulators only watch).
		for _, tx := range []string{sold.TxID, clone.TxID} {
			endorsers, env := s.reg.txEndorsers(t, s.blockOf(t, tx), tx)
			t.Logf("Sell %s endorsed by %v", tx, endorsers)
			s.requireNoPersonalData(t, "the ordered transaction", env)
			assert.GreaterOrEqual(t, len(endorsers), 2)
			assert.NotContains(t, endorsers, s.reg.msp)
		}
	})

	t.Run("AlertsAndVerdictPrecedence", func(t *testing.T) {
		alerts := map[string]model.Alert{}
		bookmark := ""
		for pages := 0; ; pages++ {
			require.Less(t, pages, 100)
			page := mustEvaluate[model.AlertPage](t, s.reg, model.FnListAlerts, int32(50), bookmark)
			for _, a := range page.Alerts {
				alerts[a.ID] = a
			}
			if bookmark = page.Bookmark; bookmark == "" || len(page.Alerts) == 0 {
				break
			}
		}
		for _, c := range []struct {
			res  model.SellResult
			code string
		}{{clone, u[0]}, {cloneV, v[0]}} {
			a, ok := alerts[c.res.AlertID]
			require.True(t, ok, "alert %s of %s listed", c.res.AlertID, c.code)
			assert.Equal(t, c.code, a.Code)
			assert.Equal(t, model.AlertReasonAlreadySold, a.Reason)
			assert.Equal(t, model.AlertOpen, a.Status)
			assert.Equal(t, s.ret.msp, a.Reporter)
			assert.Equal(t, s.ret.msp, a.SoldBy)
			assert.False(t, a.SoldAt.IsZero())
		}
		s.requireNoPersonalData(t, "ListAlerts", alerts)

		vf := mustEvaluate[model.Verification](t, s.ma, model.FnVerify, v[0])
		assert.Equal(t, model.VerdictSold, vf.Verdict, "a report alone changes no verdict")

		// A repeated report by the same organisation is deduplicated into the same alert.
		again := mustSell(t, s.ret, model.SellRequest{Code: v[0]}, s.buyer("e"))
		assert.Equal(t, cloneV.AlertID, again.AlertID)

		decide := model.DecideAlertRequest{Code: v[0], AlertID: cloneV.AlertID, Decision: model.DecisionConfirm, Note: "copied labels at a market stall"}
		_, err := submit[model.Alert](t, s.reg, model.FnDecideAlert, decide)
		requireCode(t, err, model.CodeForbidden, "an ordinary client of the Regulator deciding an alert")
		_, err = submit[model.Alert](t, s.ret.admin, model.FnDecideAlert, decide)
		requireCode(t, err, model.CodeForbidden, "a retailer deciding an alert")
		wrong := decide
		wrong.AlertID = clone.AlertID
		_, err = submit[model.Alert](t, s.reg.admin, model.FnDecideAlert, wrong)
		requireCode(t, err, model.CodeBadState, "deciding another unit's alert")
		decided := mustSubmit[model.Alert](t, s.reg.admin, model.FnDecideAlert, decide)
		assert.Equal(t, model.AlertConfirmed, decided.Status)
		assert.Equal(t, s.reg.msp, decided.DecidedBy)
		_, err = submit[model.Alert](t, s.reg.admin, model.FnDecideAlert, decide)
		requireCode(t, err, model.CodeBadState, "deciding an alert twice")

		vf = mustEvaluate[model.Verification](t, s.ma, model.FnVerify, u[0])
		assert.Equal(t, model.VerdictRecalled, vf.Verdict, "recalled takes precedence")
		vf = mustEvaluate[model.Verification](t, s.ma, model.FnVerify, v[0])
		assert.Equal(t, model.VerdictSuspectedClone, vf.Verdict, "the Regulator's confirmation makes it suspected_clone")
		assert.Equal(t, cloneV.AlertID, vf.AlertID)
		s.requireNoPersonalData(t, "Verify", vf)
	})

	t.Run("Trace", func(t *testing.T) {
		type step struct{ Type, Subject, Via, Parent, From, To string }
		want := []step{
			{Type: model.EventCommissioned, Subject: u[0]},
			{Type: model.EventPacked, Subject: u[0], Parent: caseA},
			{Type: model.EventPacked, Subject: caseA, Via: caseA, Parent: pallet},
			{Type: model.EventShipped, Subject: pallet, Via: caseA, From: s.ma.msp, To: s.dist.msp},
			{Type: model.EventReceived, Subject: pallet, Via: caseA, From: s.ma.msp, To: s.dist.msp},
			{Type: model.EventUnpacked, Subject: caseA, Via: caseA, Parent: pallet},
			{Type: model.EventShipped, Subject: caseA, Via: caseA, From: s.dist.msp, To: s.ret.msp},
			{Type: model.EventReceived, Subject: caseA, Via: caseA, From: s.dist.msp, To: s.ret.msp},
			{Type: model.EventUnpacked, Subject: u[0], Parent: caseA},
			{Type: model.EventSold, Subject: u[0]},
			{Type: model.EventRecalled, Subject: lotOf(t, gtin, batchS)}, // a batch recall is recorded on the batch
			{Type: model.EventCloneAlert, Subject: u[0]},
		}
		full := mustEvaluate[model.TracePage](t, s.mb, model.FnTrace, u[0], int32(0), "")
		var got []step
		var lines []string
		for i, e := range full.Events {
			got = append(got, step{e.Type, e.Subject, e.Via, e.Parent, e.From, e.To})
			lines = append(lines, fmt.Sprintf("%2d %s %-13s %-12s subject=%s via=%s parent=%s %s→%s", i, e.Time.Format("15:04:05.000"), e.Type, e.BizStep, e.Subject, e.Via, e.Parent, e.From, e.To))
			if i > 0 {
				assert.False(t, e.Time.Before(full.Events[i-1].Time), "event %d is out of order", i)
			}
		}
		t.Logf("trace of %s:\n%s", u[0], strings.Join(lines, "\n"))
		assert.Equal(t, want, got)
		if len(full.Events) == len(want) {
			assert.Equal(t, rec.ID, full.Events[10].RecallID)
			assert.Equal(t, clone.AlertID, full.Events[11].AlertID)
			assert.Equal(t, sold.TxID, full.Events[9].TxID)
			assert.Equal(t, sold.TxID, full.Events[8].TxID, "the sale unpacked the unit in the same transaction")
		}
		s.requireNoPersonalData(t, "Trace", full)

		// The same trace a page of 5 at a time.
		var paged []string
		bookmark := ""
		for pages := 0; ; pages++ {
			require.Less(t, pages, 10)
			page := mustEvaluate[model.TracePage](t, s.ret, model.FnTrace, u[0], int32(5), bookmark)
			for _, e := range page.Events {
				paged = append(paged, e.TxID+e.Type+e.Subject)
			}
			if bookmark = page.Bookmark; bookmark == "" {
				break
			}
		}
		var whole []string
		for _, e := range full.Events {
			whole = append(whole, e.TxID+e.Type+e.Subject)
		}
		assert.Equal(t, whole, paged)
		assert.False(t, slices.Contains(paged, ""))
	})
}
