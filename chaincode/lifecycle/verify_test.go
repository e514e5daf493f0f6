package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// TestVerifyPrecedence builds a unit in each state and combination of states
// and checks the verdict: invalid_code, unknown, recalled, suspected_clone,
// decommissioned, sold, genuine.
func TestVerifyPrecedence(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 6)
	sold, clone, recalledClone, destroyed, recalledDestroyed, genuine := u[0], u[1], u[2], u[3], u[4], u[5]
	for _, code := range []string{sold, clone, recalledClone} {
		_, err := w.sell(retailer, code)
		require.NoError(t, err)
	}
	for _, code := range []string{clone, recalledClone} {
		res, err := w.sell(retailer2, code)
		require.NoError(t, err)
		w.decideAlert(code, res.AlertID, model.DecisionConfirm)
	}
	w.ok(retailer, func(c call) error {
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{destroyed, recalledDestroyed}, Reason: model.ReasonDestroyed})
		return err
	})
	w.ok(admin(regulator), func(c call) error {
		_, err := c.l.Recall(model.RecallRequest{Codes: []string{recalledClone, recalledDestroyed}, Reason: "x"})
		return err
	})

	tests := []struct {
		name  string
		input string
		want  model.Verdict
	}{
		{"invalid", "(01)06901234000013(21)X", model.VerdictInvalidCode},
		{"garbage", "hello world", model.VerdictInvalidCode},
		{"unknown", unit("never"), model.VerdictUnknown},
		{"recalled beats suspected clone", recalledClone, model.VerdictRecalled},
		{"recalled beats decommissioned", recalledDestroyed, model.VerdictRecalled},
		{"suspected clone beats sold", clone, model.VerdictSuspectedClone},
		{"decommissioned", destroyed, model.VerdictDecommissioned},
		{"sold", sold, model.VerdictSold},
		{"genuine", genuine, model.VerdictGenuine},
		{"genuine from a QR code Digital Link", "https://id.gs1.org/01/" + gtinA + "/21/U5?17=280101", model.VerdictGenuine},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := w.verify(tc.input)
			assert.Equal(t, tc.want, v.Verdict)
			assert.Equal(t, tc.input, v.Input)
			assert.NotContains(t, mustJSON(v), "张三")
		})
	}

	v := w.verify(sold)
	require.NotNil(t, v.Seller, "a sold unit names its seller, a business")
	assert.Equal(t, "R Mart", v.Seller.Name)
	assert.False(t, v.SoldAt.IsZero())
	v = w.verify(recalledDestroyed)
	assert.Equal(t, "x", v.RecallReason)
	assert.False(t, v.RecalledAt.IsZero())

	v = w.verify(genuine)
	require.NotNil(t, v.Product)
	assert.Equal(t, "BV 2.5mm² cable", v.Product.Name)
	assert.Equal(t, &model.Party{MSPID: makerA, Name: "A Cable Co.", USCC: usccA}, v.Producer)
	assert.Equal(t, retailer, v.Holder.MSPID)
	assert.Equal(t, "R Mart", v.Holder.Name)
	assert.Equal(t, "B1", v.Batch)
	assert.Equal(t, "2026-02-01", v.ProductionDate)
	assert.Equal(t, "2028-02-01", v.WarrantyEnd)
	assert.False(t, v.LastEventAt.IsZero())

	bad := w.verify("(01)06901234000013(21)X")
	assert.Contains(t, bad.Detail, "check digit")

	_, err := w.begin(outsider, nil).l.Verify(genuine)
	requireCode(t, err, model.CodeNotMember)
}

// TestVerifyNamesPartiesAsTheyAreNow renames and suspends members after their
// goods were packed and moved, and checks that Verify of a unit inside a
// pallet names the producer and the pallet's holder as the member records
// say now, not as the pallet's copy said when it was written.
func TestVerifyNamesPartiesAsTheyAreNow(t *testing.T) {
	distributorReq := model.MemberRequest{MSPID: distributor, Role: model.RoleDistributor, Name: "D Logistics", USCC: uscc("91310000M000300Y4"), CompanyPrefixes: []string{"6907777"}}
	makerReq := model.MemberRequest{MSPID: makerA, Role: model.RoleManufacturer, Name: "A Cable Co.", USCC: usccA, CompanyPrefixes: []string{"6901234"}, ProductionLicences: []string{"XK06-001-00001"}, CCCCertificates: []string{"2023011234000001"}, EcodeNumberSystems: []string{"10001"}}
	tests := []struct {
		name         string
		req          model.MemberRequest
		edit         func(*model.MemberRequest)
		wantHolder   model.Party
		wantProducer model.Party
	}{
		{"nothing changed", distributorReq, func(*model.MemberRequest) {},
			model.Party{MSPID: distributor, Name: "D Logistics", USCC: uscc("91310000M000300Y4")},
			model.Party{MSPID: makerA, Name: "A Cable Co.", USCC: usccA}},
		{"holder renamed", distributorReq, func(r *model.MemberRequest) { r.Name = "D Supply Chain" },
			model.Party{MSPID: distributor, Name: "D Supply Chain", USCC: uscc("91310000M000300Y4")},
			model.Party{MSPID: makerA, Name: "A Cable Co.", USCC: usccA}},
		{"holder suspended", distributorReq, func(r *model.MemberRequest) { r.Suspended = true },
			model.Party{MSPID: distributor, Name: "D Logistics", USCC: uscc("91310000M000300Y4"), Suspended: true},
			model.Party{MSPID: makerA, Name: "A Cable Co.", USCC: usccA}},
		{"producer suspended", makerReq, func(r *model.MemberRequest) { r.Suspended = true },
			model.Party{MSPID: distributor, Name: "D Logistics", USCC: uscc("91310000M000300Y4")},
			model.Party{MSPID: makerA, Name: "A Cable Co.", USCC: usccA, Suspended: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			code := verifyCases(w)["packed"]
			req := tc.req
			tc.edit(&req)
			w.ok(admin(regulator), func(c call) error { _, err := c.reg.UpdateMember(req); return err })

			v := w.verify(code)
			assert.Equal(t, model.VerdictGenuine, v.Verdict)
			assert.Equal(t, &tc.wantHolder, v.Holder)
			assert.Equal(t, &tc.wantProducer, v.Producer)
		})
	}
}

// TestContainersCopyTheirHolder checks the copy a moved pallet keeps of its
// holder's Party, stamped with the party revision it was taken at.
func TestContainersCopyTheirHolder(t *testing.T) {
	w := newWorld(t)
	pallet := sscc("6901234", 1)
	w.pack(makerA, pallet, w.units("P1", "P", 1)...)
	assert.Equal(t, &model.Party{MSPID: makerA, Name: "A Cable Co.", USCC: usccA}, w.status(pallet).Item.HolderParty)

	w.ok(admin(regulator), func(c call) error {
		_, err := c.reg.UpdateMember(model.MemberRequest{MSPID: distributor, Role: model.RoleDistributor, Name: "D Supply Chain", USCC: uscc("91310000M000300Y4")})
		return err
	})
	w.move(makerA, distributor, pallet)
	it := w.status(pallet).Item
	assert.Equal(t, &model.Party{MSPID: distributor, Name: "D Supply Chain", USCC: uscc("91310000M000300Y4")}, it.HolderParty)
	assert.Equal(t, int64(1), it.PartyRev, "copied after the rename")
	assert.Nil(t, w.status(w.units("L1", "L", 1)[0]).Item.HolderParty, "a unit names no copy: Verify reads its holder with the producer")
}
