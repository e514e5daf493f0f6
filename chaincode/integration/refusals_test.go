//go:build integration

package integration

import (
	"testing"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// testRefusals checks that each rule refuses with its typed code and subject,
// and that a refused transaction wrote nothing.
func testRefusals(t *testing.T, s *suite) {
	gtin := s.productA
	batch := s.batch("R")
	commission := func(m *member, codes ...string) error {
		_, err := submit[model.CommissionResult](t, m, model.FnCommission, model.CommissionRequest{
			GTIN: gtin, Batch: batch, ProductionDate: today(), Codes: codes,
		})
		return err
	}
	requireUnknown := func(t *testing.T, codes ...string) {
		t.Helper()
		for _, c := range codes {
			v := mustEvaluate[model.Verification](t, s.reg, model.FnVerify, c)
			assert.Equal(t, model.VerdictUnknown, v.Verdict, "%s must not have been written", c)
		}
	}
	sr := s.serials("r", 16)
	r := units(gtin, sr)

	t.Run("CommissionMalformedCode", func(t *testing.T) {
		malformed := "01" + gtin[:10] + "!!"
		err := commission(s.ma, r[0], elementString(gtin, sr[1]), malformed, "https://id.gs1.org/01/"+wrongCheck(gtin)+"/21/x")
		e := requireCode(t, err, model.CodeInvalidCode)
		assert.Equal(t, malformed, e.Subject, "the first offender is named")
		assert.Contains(t, e.Message, "codes[2]")
		requireUnknown(t, r[0], r[1])
	})

	t.Run("CommissionWrongCheckDigit", func(t *testing.T) {
		bad := "https://id.gs1.org/01/" + wrongCheck(gtin) + "/21/" + sr[3]
		err := commission(s.ma, r[2], r[3], bad)
		e := requireCode(t, err, model.CodeInvalidCode)
		assert.Equal(t, bad, e.Subject)
		assert.Contains(t, e.Message, "codes[2]")
		requireUnknown(t, r[2], r[3])
	})

	t.Run("CommissionForeignGTIN", func(t *testing.T) {
		other := sgtin(s.productB, sr[4])
		err := commission(s.ma, r[4], other)
		e := requireCode(t, err, model.CodeInvalidCode, "a unit code of another product")
		assert.Equal(t, other, e.Subject)
		requireUnknown(t, r[4])
	})

	// The fixture: r0..r9 commissioned by ManufacturerA.
	require.NoError(t, commission(s.ma, r[:10]...), "commissioning the fixture")

	t.Run("CommissionDuplicateOnLedger", func(t *testing.T) {
		again := elementString(gtin, sr[0]) // r0 in another written form
		err := commission(s.ma, r[10], again)
		e := requireCode(t, err, model.CodeDuplicate)
		assert.Equal(t, again, e.Subject)
		assert.Contains(t, e.Message, "codes[1]")
		requireUnknown(t, r[10])
	})

	t.Run("CommissionDuplicateInRequest", func(t *testing.T) {
		err := commission(s.ma, r[11], r[12], elementString(gtin, sr[11]))
		e := requireCode(t, err, model.CodeDuplicate)
		assert.Equal(t, elementString(gtin, sr[11]), e.Subject)
		assert.Contains(t, e.Message, "codes[2]")
		assert.Contains(t, e.Message, "codes[0]")
		requireUnknown(t, r[11], r[12])
	})

	t.Run("UnknownItem", func(t *testing.T) {
		_, err := submit[model.MoveResult](t, s.ma, model.FnShip, model.ShipRequest{To: s.dist.msp, Codes: []string{r[0], r[13]}})
		e := requireCode(t, err, model.CodeNotFound)
		assert.Equal(t, r[13], e.Subject)
		_, err = evaluate[model.ItemStatus](t, s.ma, model.FnGetItem, r[13])
		requireCode(t, err, model.CodeNotFound)
		_, err = evaluate[model.TracePage](t, s.ma, model.FnTrace, r[13], int32(0), "")
		requireCode(t, err, model.CodeNotFound)
	})

	t.Run("ShipByNonHolder", func(t *testing.T) {
		for _, m := range []*member{s.mb, s.dist, s.ret} {
			to := s.ma
			_, err := submit[model.MoveResult](t, m, model.FnShip, model.ShipRequest{To: to.msp, Codes: []string{r[0]}})
			e := requireCode(t, err, model.CodeNotHolder, "Ship by %s", m.msp)
			assert.Equal(t, r[0], e.Subject)
		}
		_, err := submit[model.MoveResult](t, s.reg, model.FnShip, model.ShipRequest{To: s.dist.msp, Codes: []string{r[0]}})
		requireCode(t, err, model.CodeForbidden, "the Regulator holds and moves nothing")
	})

	t.Run("BadDestinations", func(t *testing.T) {
		_, err := submit[model.MoveResult](t, s.ma, model.FnShip, model.ShipRequest{To: s.reg.msp, Codes: []string{r[0]}})
		e := requireCode(t, err, model.CodeForbidden, "shipping to the Regulator")
		assert.Equal(t, s.reg.msp, e.Subject)
		_, err = submit[model.MoveResult](t, s.ma, model.FnShip, model.ShipRequest{To: "Nobody" + s.run + "MSP", Codes: []string{r[0]}})
		requireCode(t, err, model.CodeNotMember, "shipping to an unregistered organisation")
		_, err = submit[model.MoveResult](t, s.ma, model.FnShip, model.ShipRequest{To: s.ma.msp, Codes: []string{r[0]}})
		requireCode(t, err, model.CodeInvalidArgument, "shipping to yourself")
	})

	// r1 in transit from ManufacturerA to the Distributor.
	s.ship(t, s.ma, s.dist, r[1])

	t.Run("ReceiveByWrongRecipient", func(t *testing.T) {
		for _, m := range []*member{s.ret, s.mb, s.ma} {
			_, err := submit[model.MoveResult](t, m, model.FnReceive, model.MoveRequest{Codes: []string{r[1]}})
			e := requireCode(t, err, model.CodeNotHolder, "Receive by %s", m.msp)
			assert.Equal(t, r[1], e.Subject)
			_, err = submit[model.MoveResult](t, m, model.FnReject, model.MoveRequest{Codes: []string{r[1]}})
			requireCode(t, err, model.CodeNotHolder, "Reject by %s", m.msp)
		}
		_, err := submit[model.MoveResult](t, s.dist, model.FnReceive, model.MoveRequest{Codes: []string{r[0]}})
		requireCode(t, err, model.CodeBadState, "receiving goods that are not in transit")
	})

	t.Run("PackGoodsInTransit", func(t *testing.T) {
		_, err := submit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: ssccCode(s.newSSCC()), Children: []string{r[1]}})
		e := requireCode(t, err, model.CodeBadState, "the sender packing goods in transit")
		assert.Equal(t, r[1], e.Subject)
		_, err = submit[model.PackResult](t, s.dist, model.FnPack, model.PackRequest{Container: ssccCode(s.ssccOf(s.dist)), Children: []string{r[1]}})
		requireCode(t, err, model.CodeNotHolder, "the recipient packing goods before receiving them")
		_, err = submit[model.MoveResult](t, s.ma, model.FnShip, model.ShipRequest{To: s.ret.msp, Codes: []string{r[1]}})
		requireCode(t, err, model.CodeBadState, "shipping goods in transit again")
	})

	t.Run("RejectReturnsToSender", func(t *testing.T) {
		res := mustSubmit[model.MoveResult](t, s.dist, model.FnReject, model.MoveRequest{Codes: []string{r[1]}})
		assert.Equal(t, s.ma.msp, res.Holder)
		st := mustEvaluate[model.ItemStatus](t, s.ma, model.FnGetItem, r[1])
		assert.Equal(t, s.ma.msp, st.Holder.MSPID)
		assert.Equal(t, model.DispositionActive, st.Disposition)
	})

	t.Run("PackedChildCannotMoveAlone", func(t *testing.T) {
		box := ssccCode(s.newSSCC())
		mustSubmit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: box, Children: []string{r[2]}})
		_, err := submit[model.MoveResult](t, s.ma, model.FnShip, model.ShipRequest{To: s.dist.msp, Codes: []string{r[2]}})
		e := requireCode(t, err, model.CodeBadState, "shipping a packed unit alone")
		assert.Equal(t, r[2], e.Subject)
		_, err = submit[model.MoveResult](t, s.ma, model.FnDecommission, model.DecommissionRequest{Codes: []string{r[2]}, Reason: model.ReasonDamaged})
		requireCode(t, err, model.CodeBadState, "decommissioning a packed unit alone")
		_, err = submit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: ssccCode(s.newSSCC()), Children: []string{r[2]}})
		requireCode(t, err, model.CodeBadState, "packing a unit that is already packed")
		_, err = submit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: box, Children: []string{box}})
		requireCode(t, err, model.CodeBadState, "packing a container into itself")
		_, err = submit[model.PackResult](t, s.ma, model.FnUnpack, model.UnpackRequest{Container: box, Children: []string{r[3]}})
		requireCode(t, err, model.CodeBadState, "unpacking a unit that is not in the container")
		_, err = submit[model.Recall](t, s.reg.admin, model.FnRecall, model.RecallRequest{Codes: []string{box}, Reason: "x"})
		requireCode(t, err, model.CodeBadState, "recalling a container rather than its contents")

		// Contents follow their container by derivation.
		mustSubmit[model.MoveResult](t, s.ma, model.FnDecommission, model.DecommissionRequest{Codes: []string{box}, Reason: model.ReasonDestroyed})
		v := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, r[2])
		assert.Equal(t, model.VerdictDecommissioned, v.Verdict)
		assert.Equal(t, model.DispositionDestroyed, v.Disposition)
		_, err = submit[model.PackResult](t, s.ma, model.FnUnpack, model.UnpackRequest{Container: box})
		requireCode(t, err, model.CodeBadState, "unpacking a destroyed container")
	})

	// r4 r5 r6 r7 at the Retailer.
	s.move(t, s.ma, s.ret, r[4], r[5], r[6], r[7])

	t.Run("SellRefusals", func(t *testing.T) {
		for _, m := range []*member{s.dist, s.ma, s.reg} {
			_, err := sell(t, m, model.SellRequest{Code: r[4]}, s.buyer("f"))
			e := requireCode(t, err, model.CodeForbidden, "Sell by %s", m.msp)
			assert.Equal(t, m.msp, e.Subject)
		}
		_, err := sell(t, s.ret, model.SellRequest{Code: r[0]}, s.buyer("h"))
		requireCode(t, err, model.CodeNotHolder, "selling a unit held by the manufacturer")

		_, err = submit[model.RecordSaleResult](t, s.ret, model.FnRecordSale, model.RecordSaleRequest{Code: r[6]}, client.WithEndorsingOrganizations(s.ret.msp))
		requireCode(t, err, model.CodeInvalidArgument, "a sale without buyer data")
		_, err = submit[model.SellResult](t, s.ret, model.FnSell, model.SellRequest{Code: r[6]})
		requireCode(t, err, model.CodeInvalidArgument, "a sale without its record's hashes")
		b := s.buyer("s")
		b.Salt = "short"
		_, err = sell(t, s.ret, model.SellRequest{Code: r[6]}, b)
		e := requireCode(t, err, model.CodeInvalidArgument, "a sale with a short salt")
		assert.Contains(t, e.Message, "salt")
		s.requireNoPersonalData(t, "the refusal of invalid buyer data", err)
		_, err = sell(t, s.ret, model.SellRequest{Code: r[6], RetentionDays: 30}, s.buyer("t"))
		requireCode(t, err, model.CodeInvalidArgument, "retention below the minimum")
	})

	t.Run("SellRecalledUnit", func(t *testing.T) {
		rec := mustSubmit[model.Recall](t, s.reg.admin, model.FnRecall, model.RecallRequest{Codes: []string{r[5]}, Reason: "unit-list recall by the Regulator"})
		assert.Equal(t, 1, rec.Count)
		_, err := sell(t, s.ret, model.SellRequest{Code: r[5]}, s.buyer("r"))
		e := requireCode(t, err, model.CodeRecalled)
		assert.Equal(t, r[5], e.Subject)
		v := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, r[5])
		assert.Equal(t, model.VerdictRecalled, v.Verdict)
		assert.Equal(t, rec.ID, v.RecallID)
		v = mustEvaluate[model.Verification](t, s.ret, model.FnVerify, r[4])
		assert.Equal(t, model.VerdictGenuine, v.Verdict, "a unit-list recall names only its units")
		// Recalled goods can still be shipped back.
		s.ship(t, s.ret, s.ma, r[5])
	})

	t.Run("SoldUnitCannotMove", func(t *testing.T) {
		mustSell(t, s.ret, model.SellRequest{Code: r[4], RetentionDays: model.MinSaleRetentionDays}, s.buyer("k"))
		_, err := submit[model.MoveResult](t, s.ret, model.FnShip, model.ShipRequest{To: s.dist.msp, Codes: []string{r[4]}})
		e := requireCode(t, err, model.CodeAlreadySold)
		assert.Equal(t, r[4], e.Subject)
		_, err = submit[model.MoveResult](t, s.ret, model.FnDecommission, model.DecommissionRequest{Codes: []string{r[4]}, Reason: model.ReasonDestroyed})
		requireCode(t, err, model.CodeAlreadySold)
		_, err = submit[model.PackResult](t, s.ret, model.FnPack, model.PackRequest{Container: ssccCode(s.ssccOf(s.ret)), Children: []string{r[4]}})
		requireCode(t, err, model.CodeAlreadySold)
		_, err = submit[struct{}](t, s.ret.admin, model.FnPurgeSale, r[4])
		requireCode(t, err, model.CodeBadState, "purging a sale record before its retention period ends")
	})

	t.Run("DecommissionedUnit", func(t *testing.T) {
		res := mustSubmit[model.MoveResult](t, s.ret, model.FnDecommission, model.DecommissionRequest{Codes: []string{r[7]}, Reason: model.ReasonStolen})
		assert.Equal(t, model.DispositionStolen, res.Disposition)
		v := mustEvaluate[model.Verification](t, s.dist, model.FnVerify, r[7])
		assert.Equal(t, model.VerdictDecommissioned, v.Verdict)
		_, err := sell(t, s.ret, model.SellRequest{Code: r[7]}, s.buyer("z"))
		requireCode(t, err, model.CodeBadState, "selling a stolen unit")
	})

	t.Run("SuspendedMemberIsNotAMember", func(t *testing.T) {
		req := s.memberRequest(s.dist)
		req.Suspended = true
		mustSubmit[model.Member](t, s.reg.admin, model.FnUpdateMember, req)
		restored := false
		defer func() {
			if !restored {
				req.Suspended = false
				mustSubmit[model.Member](t, s.reg.admin, model.FnUpdateMember, req)
			}
		}()
		_, err := evaluate[model.Verification](t, s.dist, model.FnVerify, r[0])
		e := requireCode(t, err, model.CodeNotMember)
		assert.Equal(t, s.dist.msp, e.Subject)
		_, err = submit[model.MoveResult](t, s.ma, model.FnShip, model.ShipRequest{To: s.dist.msp, Codes: []string{r[0]}})
		requireCode(t, err, model.CodeNotMember, "shipping to a suspended member")
		req.Suspended = false
		mustSubmit[model.Member](t, s.reg.admin, model.FnUpdateMember, req)
		restored = true
		v := mustEvaluate[model.Verification](t, s.dist, model.FnVerify, r[0])
		assert.Equal(t, model.VerdictGenuine, v.Verdict)
	})
}
