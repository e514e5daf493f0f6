//go:build integration

package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	tc "github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// testIntegrity replays, on the real network, the attacks a dishonest member
// could try (docs/security.md) and checks that each is refused with its typed
// error and leaves nothing behind.
func testIntegrity(t *testing.T, s *suite) {
	t.Run("NoSquattingOnAnotherMakersCodes", func(t *testing.T) {
		u := s.commission(t, s.ma, s.productA, s.batch("Q"), "q", 1)
		// A case code under ManufacturerB's GTIN, a serial B never made.
		squat := sgtin(s.productB, s.run+"squat")
		_, err := submit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: squat, Children: u})
		e := requireCode(t, err, model.CodeForbidden, "packing into another maker's SGTIN")
		assert.Equal(t, squat, e.Subject)
		// An SSCC from ManufacturerA's range, packed by the Distributor.
		s.move(t, s.ma, s.dist, u...)
		_, err = submit[model.PackResult](t, s.dist, model.FnPack, model.PackRequest{Container: ssccCode(s.ssccOf(s.ma)), Children: u})
		requireCode(t, err, model.CodeForbidden, "an SSCC under another member's company prefix")

		v := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, squat)
		assert.Equal(t, model.VerdictUnknown, v.Verdict, "the squatted code was never created")
		res := mustSubmit[model.CommissionResult](t, s.mb, model.FnCommission, model.CommissionRequest{
			GTIN: s.productB, Batch: s.batch("Q"), ProductionDate: today(), Codes: []string{squat}})
		assert.Equal(t, 1, res.Count, "the maker can still commission its own serial")
	})

	t.Run("EcodeAndCCCCodesBelongToTheirRegistrant", func(t *testing.T) {
		cccOfB := "ccc:" + s.cccB
		ecodeOfB := fmt.Sprintf("ecode:%s%d", s.ecodeNSIB, s.next()+1000)
		for _, code := range []string{cccOfB, ecodeOfB} {
			_, err := submit[model.CommissionResult](t, s.ma, model.FnCommission, model.CommissionRequest{
				GTIN: s.productA, Batch: s.batch("C"), ProductionDate: today(), Codes: []string{code}})
			requireCode(t, err, model.CodeForbidden, "ManufacturerA commissioning %s, registered to ManufacturerB", code)
			v := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, code)
			assert.Equal(t, model.VerdictUnknown, v.Verdict)
		}
		res := mustSubmit[model.CommissionResult](t, s.mb, model.FnCommission, model.CommissionRequest{
			GTIN: s.productB, Batch: s.batch("C"), ProductionDate: today(), Codes: []string{cccOfB, ecodeOfB}})
		assert.Equal(t, 2, res.Count)
		v := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, ecodeOfB)
		assert.Equal(t, model.VerdictGenuine, v.Verdict)
		assert.Equal(t, s.mb.msp, v.Producer.MSPID)
	})

	t.Run("RegistrationsAreExclusive", func(t *testing.T) {
		base := model.MemberRequest{MSPID: "Rival" + s.run + "MSP", Role: model.RoleManufacturer, Name: "仿冒电缆厂", USCC: uscc("91330106MA2CX0099")}
		for what, mut := range map[string]func(*model.MemberRequest){
			"a prefix inside ManufacturerA's":        func(r *model.MemberRequest) { r.CompanyPrefixes = []string{s.prefixA + "5"} },
			"a prefix that contains ManufacturerA's": func(r *model.MemberRequest) { r.CompanyPrefixes = []string{s.prefixA[:6]} },
			"ManufacturerB's CCC certificate":        func(r *model.MemberRequest) { r.CCCCertificates = []string{s.cccB} },
			"ManufacturerA's production licence":     func(r *model.MemberRequest) { r.ProductionLicences = []string{s.licenceA} },
			"ManufacturerB's Ecode number system":    func(r *model.MemberRequest) { r.EcodeNumberSystems = []string{s.ecodeNSIB} },
		} {
			req := base
			mut(&req)
			_, err := submit[model.Member](t, s.reg.admin, model.FnRegisterMember, req)
			requireCode(t, err, model.CodeDuplicate, "registering %s", what)
		}
		_, err := evaluate[model.Member](t, s.reg, model.FnGetMember, base.MSPID)
		requireCode(t, err, model.CodeNotFound, "no refused registration left a member behind")
	})

	t.Run("PrivilegedCallsNeedAnAdministrator", func(t *testing.T) {
		req := model.MemberRequest{MSPID: "Client" + s.run + "MSP", Role: model.RoleDistributor, Name: "x", USCC: uscc("91110108MA0000011")}
		_, err := submit[model.Member](t, s.reg, model.FnRegisterMember, req)
		requireCode(t, err, model.CodeForbidden, "an ordinary client of the Regulator registering a member")
		_, err = submit[model.Recall](t, s.ma, model.FnRecall, model.RecallRequest{GTIN: s.productA, Batch: s.batch("P"), Reason: "x"})
		requireCode(t, err, model.CodeForbidden, "an ordinary client of the maker recalling")
		_, err = submit[model.Recall](t, s.reg, model.FnRecall, model.RecallRequest{GTIN: s.productA, Batch: s.batch("P"), Reason: "x"})
		requireCode(t, err, model.CodeForbidden, "an ordinary client of the Regulator recalling")
		u := s.commission(t, s.ma, s.productA, s.batch("P"), "pp", 1)
		s.move(t, s.ma, s.ret, u...)
		mustSell(t, s.ret, model.SellRequest{Code: u[0]}, s.buyer("pp"))
		_, err = submit[struct{}](t, s.ret, model.FnPurgeSale, u[0])
		requireCode(t, err, model.CodeForbidden, "an ordinary client of the seller purging")
	})

	t.Run("TheRegulatorIsFixedOnTheLedger", func(t *testing.T) {
		cfg := mustEvaluate[model.NetworkConfig](t, s.dist, model.FnGetNetwork)
		assert.Equal(t, s.reg.msp, cfg.RegulatorMSPID)
		for _, m := range []*member{s.reg.admin, s.ma.admin} {
			_, err := submit[model.NetworkConfig](t, m, model.FnInitLedger, m.msp)
			requireCode(t, err, model.CodeDuplicate, "InitLedger again by %s", m.msp)
		}
	})

	t.Run("AReadOnlyIdentityNeitherWritesNorReadsBuyerData", func(t *testing.T) {
		// The Regulator's Fabric CA issued it with tracechain.reader=true (network.sh).
		reader := s.connectAs(t, testnet.Regulator, tc.IdentityReader)
		u := s.commission(t, s.ma, s.productA, s.batch("V"), "rv", 1)
		s.move(t, s.ma, s.ret, u...)
		mustSell(t, s.ret, model.SellRequest{Code: u[0]}, s.buyer("rv"))

		v := mustEvaluate[model.Verification](t, reader, model.FnVerify, u[0])
		assert.Equal(t, model.VerdictSold, v.Verdict, "the reader verifies")
		_, _, err := getSale(reader, u[0])
		e := requireCode(t, err, model.CodeForbidden, "GetSale by the read-only identity")
		assert.Contains(t, e.Message, "read-only")
		for fn, arg := range map[string]any{
			model.FnRegisterMember: model.MemberRequest{MSPID: "R" + s.run + "MSP", Role: model.RoleDistributor, Name: "x", USCC: uscc("91110108MA0000013")},
			model.FnRecall:         model.RecallRequest{GTIN: s.productA, Batch: s.batch("V"), Reason: "x"},
			model.FnDecideAlert:    model.DecideAlertRequest{Code: u[0], AlertID: "x", Decision: model.DecisionDismiss},
			model.FnFileSignal:     model.FileSignalRequest{Reason: model.AlertReasonScannedAfterSale, Code: u[0], Scans: 10, Since: time.Now().Add(-time.Hour)},
		} {
			_, err := submit[struct{}](t, reader, fn, arg)
			requireCode(t, err, model.CodeForbidden, "%s by the read-only identity", fn)
		}
	})

	t.Run("ARecallOfALotReachesEveryPart", func(t *testing.T) {
		lot := mustSubmit[model.Item](t, s.ma, model.FnCommissionLot, model.LotRequest{GTIN: s.productA, Batch: s.batch("R"), ProductionDate: today(), Quantity: 100})
		before := mustSubmit[model.Item](t, s.ma, model.FnSplitLot, model.SplitRequest{Source: lot.Code, Quantity: 30, Label: "before"})
		shipped := mustSubmit[model.MoveResult](t, s.ma, model.FnShip, model.ShipRequest{To: s.dist.msp, Lots: []model.LotShipment{{Source: before.Code, Quantity: 10, Label: "away"}}})
		s.receive(t, s.dist, shipped.Codes...)

		rec := mustSubmit[model.Recall](t, s.ma.admin, model.FnRecall, model.RecallRequest{Codes: []string{lot.Code}, Reason: "batch contamination"})
		assert.Equal(t, 3, rec.Count, "the lot and both parts split off it before the recall")
		for _, code := range []string{before.Code, shipped.Codes[0]} {
			v := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, code)
			assert.Equal(t, model.VerdictRecalled, v.Verdict, code)
		}
		// A part split off after the recall carries it, and travels only back to its maker.
		_, err := submit[model.MoveResult](t, s.dist, model.FnShip, model.ShipRequest{To: s.ret.msp, Lots: []model.LotShipment{{Source: shipped.Codes[0], Quantity: 5, Label: "laundered"}}})
		requireCode(t, err, model.CodeRecalled, "shipping a new part of a recalled part onward")
		after := mustSubmit[model.Item](t, s.dist, model.FnSplitLot, model.SplitRequest{Source: shipped.Codes[0], Quantity: 5, Label: "after"})
		assert.Equal(t, rec.ID, after.RecallID)
		v := mustEvaluate[model.Verification](t, s.ret, model.FnVerify, after.Code)
		assert.Equal(t, model.VerdictRecalled, v.Verdict)

		report := mustEvaluate[model.RecallReportPage](t, s.reg, model.FnRecallReport, rec.ID, int32(0), "")
		var listed []string
		for _, e := range report.Entries {
			listed = append(listed, e.Code)
		}
		assert.ElementsMatch(t, []string{lot.Code, before.Code, shipped.Codes[0], after.Code}, listed, "the report lists every part, wherever it went")
	})

	t.Run("ErrorTextStaysValidUTF8", func(t *testing.T) {
		// Contract-API errors quote the argument; cut at a byte offset, a message
		// full of multi-byte characters would not marshal and lose its type.
		arg := `{"gtin":"` + strings.Repeat("中", 400)
		_, err := submit[model.CommissionResult](t, s.ma, model.FnCommission, arg)
		e := requireCode(t, err, model.CodeInvalidArgument)
		assert.True(t, utf8.ValidString(e.Message), "%q", e.Message)
	})

	t.Run("UnpackAllIsBounded", func(t *testing.T) {
		if testing.Short() {
			t.Skip("commissions and packs 10,001 units")
		}
		n := model.MaxCodesPerTx + 1
		codes := units(s.productA, s.serials("big", n))
		batch := s.batch("U")
		for _, chunk := range [][]string{codes[:model.MaxCodesPerTx], codes[model.MaxCodesPerTx:]} {
			mustSubmit[model.CommissionResult](t, s.ma, model.FnCommission, model.CommissionRequest{GTIN: s.productA, Batch: batch, ProductionDate: today(), Codes: chunk})
		}
		pallet := ssccCode(s.newSSCC())
		for _, chunk := range [][]string{codes[:model.MaxCodesPerTx], codes[model.MaxCodesPerTx:]} {
			mustSubmit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: pallet, Children: chunk})
		}
		_, err := submit[model.PackResult](t, s.ma, model.FnUnpack, model.UnpackRequest{Container: pallet})
		e := requireCode(t, err, model.CodeInvalidArgument, "unpacking %d children in one transaction", n)
		assert.Contains(t, e.Message, fmt.Sprint(n))
		st := mustEvaluate[model.ItemStatus](t, s.ma, model.FnGetItem, pallet)
		require.Equal(t, n, st.Item.Children, "nothing was unpacked")
		res := mustSubmit[model.PackResult](t, s.ma, model.FnUnpack, model.UnpackRequest{Container: pallet, Children: codes[:2]})
		assert.Equal(t, n-2, res.Children, "naming the children works")
	})
}
