//go:build integration

package integration

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// testUnregisteredCallers runs before any member is registered: every
// organisation but the Regulator is refused with NOT_MEMBER, for reads and
// writes alike, and even where its role would later be FORBIDDEN (the caller
// check comes first). The Regulator is a member without registration.
func testUnregisteredCallers(t *testing.T, s *suite) {
	if !s.fresh {
		t.Skip("needs a fresh network: members are already registered")
	}
	code := sgtin(gtin14("0"+s.prefixA+"00001"), "unregistered")
	for _, m := range []*member{s.ma, s.mb, s.dist, s.ret} {
		_, err := evaluate[model.Verification](t, m, model.FnVerify, code)
		e := requireCode(t, err, model.CodeNotMember, "Verify by %s", m.msp)
		assert.Equal(t, m.msp, e.Subject)

		_, err = submit[model.Member](t, m, model.FnRegisterMember, s.memberRequest(m))
		e = requireCode(t, err, model.CodeNotMember, "RegisterMember by %s", m.msp)
		assert.Equal(t, m.msp, e.Subject)
	}
	_, err := submit[model.CommissionResult](t, s.ma, model.FnCommission, model.CommissionRequest{
		GTIN: gtin14("0" + s.prefixA + "00001"), Batch: "B1", ProductionDate: today(), Codes: []string{code},
	})
	requireCode(t, err, model.CodeNotMember, "Commission by an unregistered manufacturer")
	_, err = sell(t, s.ret, model.SellRequest{Code: code}, s.buyer("nm"))
	requireCode(t, err, model.CodeNotMember, "Sell by an unregistered retailer")

	v := mustEvaluate[model.Verification](t, s.reg, model.FnVerify, code)
	assert.Equal(t, model.VerdictUnknown, v.Verdict, "the Regulator is a member without registration")
	me := mustEvaluate[model.Member](t, s.reg, model.FnGetMember, s.reg.msp)
	assert.Equal(t, model.RoleRegulator, me.Role)
}

// memberRequest is the registration of one of the network's organisations:
// the kit's, which every suite sharing the network registers alike.
func (s *suite) memberRequest(m *member) model.MemberRequest { return testnet.MemberRequest(m.org) }

// productRequest describes a product of gtin with licence.
func productRequest(gtin, licence, spec string) model.ProductRequest {
	return testnet.ProductRequest(gtin, licence, spec)
}

// testMasterData: the Regulator registers the members, each manufacturer
// registers products under its own prefix, and the wrong role, a foreign
// prefix or a foreign licence is refused with its exact code.
func testMasterData(t *testing.T, s *suite) {
	t.Run("InvalidUSCCCheckChar", func(t *testing.T) {
		req := s.memberRequest(s.dist)
		req.USCC = wrongUSCC("91310115MA1HX0003")
		_, err := submit[model.Member](t, s.reg.admin, model.FnRegisterMember, req)
		e := requireCode(t, err, model.CodeInvalidArgument)
		assert.Equal(t, req.USCC, e.Subject)
		assert.Contains(t, e.Message, "USCC")
	})

	t.Run("RegulatorRegistersMembers", func(t *testing.T) {
		for _, m := range []*member{s.ma, s.mb, s.dist, s.ret} {
			req := s.memberRequest(m)
			got, err := submit[model.Member](t, s.reg.admin, model.FnRegisterMember, req)
			if !s.fresh && err != nil {
				requireCode(t, err, model.CodeDuplicate)
				got = mustSubmit[model.Member](t, s.reg.admin, model.FnUpdateMember, req)
			} else if err != nil {
				t.Fatalf("RegisterMember %s: %s", m.msp, describe(err))
			}
			assert.Equal(t, req.MSPID, got.MSPID)
			assert.Equal(t, req.Role, got.Role)
			assert.Equal(t, req.USCC, got.USCC)
			assert.Equal(t, req.CompanyPrefixes, got.CompanyPrefixes)
			assert.False(t, got.RegisteredAt.IsZero())
			assert.NotEmpty(t, got.TxID)
		}
		// Any member reads the register.
		got := mustEvaluate[model.Member](t, s.dist, model.FnGetMember, s.ma.msp)
		assert.Equal(t, s.memberRequest(s.ma).ProductionLicences, got.ProductionLicences)
		page := mustEvaluate[model.MemberPage](t, s.ret, model.FnListMembers, int32(0), "")
		var ids []string
		for _, m := range page.Members {
			ids = append(ids, m.MSPID)
		}
		assert.Subset(t, ids, []string{s.ma.msp, s.mb.msp, s.dist.msp, s.ret.msp})
	})

	t.Run("RegistrationRefusals", func(t *testing.T) {
		_, err := submit[model.Member](t, s.reg.admin, model.FnRegisterMember, s.memberRequest(s.ma))
		e := requireCode(t, err, model.CodeDuplicate, "registering a member twice")
		assert.Equal(t, s.ma.msp, e.Subject)

		extra := model.MemberRequest{MSPID: "Extra" + s.run + "MSP", Role: model.RoleDistributor, Name: "x", USCC: uscc("91110108MA0000009")}
		for _, m := range []*member{s.ma, s.mb, s.dist, s.ret} {
			_, err := submit[model.Member](t, m, model.FnRegisterMember, extra)
			e := requireCode(t, err, model.CodeForbidden, "RegisterMember by %s", m.msp)
			assert.Equal(t, m.msp, e.Subject)
		}
		bad := extra
		bad.Role = model.RoleRegulator
		_, err = submit[model.Member](t, s.reg.admin, model.FnRegisterMember, bad)
		requireCode(t, err, model.CodeInvalidArgument, "role regulator for another MSP")
	})

	s.productA = s.newGTIN(s.prefixA)
	s.productB = s.newGTIN(s.prefixB)

	t.Run("ManufacturersRegisterOwnProducts", func(t *testing.T) {
		p := mustSubmit[model.Product](t, s.ma, model.FnRegisterProduct, productRequest(s.productA, s.licenceA, "450/750V 1×2.5mm²"))
		assert.Equal(t, s.productA, p.GTIN)
		assert.Equal(t, s.ma.msp, p.Manufacturer)
		assert.Equal(t, 1, p.Version)
		// The CCC certificate is as good as the production licence.
		p = mustSubmit[model.Product](t, s.mb, model.FnRegisterProduct, productRequest(s.productB, s.licenceB, "JZT2-20"))
		assert.Equal(t, s.mb.msp, p.Manufacturer)
		// A GTIN-13 is stored as GTIN-14.
		g := s.newGTIN(s.prefixA)
		p = mustSubmit[model.Product](t, s.ma, model.FnRegisterProduct, productRequest(g[1:], s.cccA, "CCC product"))
		assert.Equal(t, g, p.GTIN)
	})

	t.Run("ProductRefusals", func(t *testing.T) {
		// ManufacturerA's licence with ManufacturerB's prefix.
		foreign := s.newGTIN(s.prefixB)
		_, err := submit[model.Product](t, s.ma, model.FnRegisterProduct, productRequest(foreign, s.licenceA, "x"))
		e := requireCode(t, err, model.CodeForbidden, "a product under a foreign company prefix")
		assert.Equal(t, foreign, e.Subject)
		// ManufacturerA's prefix with ManufacturerB's licence.
		_, err = submit[model.Product](t, s.ma, model.FnRegisterProduct, productRequest(s.newGTIN(s.prefixA), s.licenceB, "x"))
		e = requireCode(t, err, model.CodeForbidden, "a product under a foreign licence")
		assert.Equal(t, s.licenceB, e.Subject)
		// Roles that register no products.
		for _, m := range []*member{s.dist, s.ret, s.reg} {
			_, err = submit[model.Product](t, m, model.FnRegisterProduct, productRequest(s.newGTIN(s.prefixA), s.licenceA, "x"))
			e = requireCode(t, err, model.CodeForbidden, "RegisterProduct by %s", m.msp)
			assert.Equal(t, m.msp, e.Subject)
		}
		_, err = submit[model.Product](t, s.ma, model.FnRegisterProduct, productRequest(s.productA, s.licenceA, "again"))
		requireCode(t, err, model.CodeDuplicate, "registering a product twice")
		bad := wrongCheck(s.newGTIN(s.prefixA))
		_, err = submit[model.Product](t, s.ma, model.FnRegisterProduct, productRequest(bad, s.licenceA, "x"))
		e = requireCode(t, err, model.CodeInvalidCode, "a GTIN with a wrong check digit")
		assert.Equal(t, bad, e.Subject)
	})

	t.Run("UpdateProductKeepsHistory", func(t *testing.T) {
		before := mustEvaluate[model.Product](t, s.dist, model.FnGetProduct, s.productA)
		upd := productRequest(s.productA, s.licenceA, "450/750V 1×4mm²")
		upd.WarrantyMonths = 36
		p := mustSubmit[model.Product](t, s.ma, model.FnUpdateProduct, upd)
		assert.Equal(t, before.Version+1, p.Version)
		assert.Equal(t, before.RegisteredAt, p.RegisteredAt)

		_, err := submit[model.Product](t, s.mb, model.FnUpdateProduct, productRequest(s.productA, s.licenceB, "hijack"))
		e := requireCode(t, err, model.CodeForbidden, "updating another manufacturer's product")
		assert.Equal(t, s.productA, e.Subject)

		h := mustEvaluate[model.ProductHistory](t, s.ret, model.FnProductHistory, s.productA, int32(0), "")
		require.Len(t, h.Versions, 2)
		assert.Equal(t, 1, h.Versions[0].Version)
		assert.Equal(t, "450/750V 1×2.5mm²", h.Versions[0].Specification)
		assert.Equal(t, 24, h.Versions[0].WarrantyMonths)
		assert.Equal(t, 2, h.Versions[1].Version)
		assert.Equal(t, "450/750V 1×4mm²", h.Versions[1].Specification)
		assert.Equal(t, 36, h.Versions[1].WarrantyMonths)
		assert.NotEqual(t, h.Versions[0].TxID, h.Versions[1].TxID)
		cur := mustEvaluate[model.Product](t, s.reg, model.FnGetProduct, s.productA)
		assert.Equal(t, 2, cur.Version)
		assert.Equal(t, "450/750V 1×4mm²", cur.Specification)
	})
}

// setUpMasterData registers the members and the two products the later
// steps use, without testMasterData's checks, so that any step runs on its
// own (go test -run TestTracechain/Story).
func setUpMasterData(t *testing.T, s *suite) {
	t.Helper()
	for _, m := range []*member{s.ma, s.mb, s.dist, s.ret} {
		req := s.memberRequest(m)
		if _, err := submit[model.Member](t, s.reg.admin, model.FnRegisterMember, req); err != nil {
			requireCode(t, err, model.CodeDuplicate)
			mustSubmit[model.Member](t, s.reg.admin, model.FnUpdateMember, req)
		}
	}
	s.productA = s.newGTIN(s.prefixA)
	s.productB = s.newGTIN(s.prefixB)
	mustSubmit[model.Product](t, s.ma, model.FnRegisterProduct, productRequest(s.productA, s.licenceA, "450/750V 1×2.5mm²"))
	mustSubmit[model.Product](t, s.mb, model.FnRegisterProduct, productRequest(s.productB, s.licenceB, "JZT2-20"))
}
