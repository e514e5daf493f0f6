package registry_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// asAdmin marks a caller as an administrator of its organisation.
const asAdmin = "#admin"

const (
	regulator = "RegulatorMSP"
	regAdmin  = regulator + asAdmin
	maker     = "ManufacturerAMSP"
	other     = "ManufacturerBMSP"
	retailer  = "RetailerMSP"
)

func uscc(first17 string) string {
	c, err := identifier.USCCCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

func gtin(first12 string) string {
	d, err := identifier.CheckDigit("0" + first12)
	if err != nil {
		panic(err)
	}
	return "0" + first12 + string(d)
}

type env struct {
	t   *testing.T
	mem *statetest.Memory
	n   int
}

func (e *env) do(msp string, fn func(r *registry.Registry) error) (*statetest.MemoryTx, error) {
	e.n++
	msp, admin := strings.CutSuffix(msp, asAdmin)
	tx := e.mem.Begin(statetest.Tx{MSPID: msp, Admin: admin, TxID: fmt.Sprintf("tx%03d", e.n), Time: time.Date(2026, 1, 1, 0, e.n, 0, 0, time.UTC)})
	err := fn(registry.New(tx, regulator))
	if err == nil {
		require.NoError(e.t, tx.Commit())
	}
	return tx, err
}

func (e *env) ok(msp string, fn func(r *registry.Registry) error) *statetest.MemoryTx {
	e.t.Helper()
	tx, err := e.do(msp, fn)
	require.NoError(e.t, err)
	return tx
}

func (e *env) fails(msp string, code model.Code, fn func(r *registry.Registry) error) {
	e.t.Helper()
	_, err := e.do(msp, fn)
	require.Error(e.t, err)
	assert.Equal(e.t, code, model.CodeOf(err), err.Error())
}

func makerRequest() model.MemberRequest {
	return model.MemberRequest{
		MSPID: maker, Role: model.RoleManufacturer, Name: " A Cable Co. ", USCC: strings.ToLower(uscc("91350100M000100Y4")),
		Address: "Fuzhou", Contact: "0591-0000000", BusinessLicence: "BL-1",
		CompanyPrefixes: []string{"6901234"}, ProductionLicences: []string{"XK06-001-00001"}, CCCCertificates: []string{"2023010701000001"},
	}
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, mem: statetest.NewMemory()}
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.InitLedger(regulator); return err })
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.RegisterMember(makerRequest()); return err })
	other := model.MemberRequest{MSPID: other, Role: model.RoleManufacturer, Name: "B", USCC: uscc("91110000M000200Y4"), CompanyPrefixes: []string{"6905678"}, ProductionLicences: []string{"XK-B"}}
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.RegisterMember(other); return err })
	e.ok(regAdmin, func(r *registry.Registry) error {
		_, err := r.RegisterMember(model.MemberRequest{MSPID: retailer, Role: model.RoleRetailer, Name: "R", USCC: uscc("91440300M000400Y4")})
		return err
	})
	return e
}

func TestRegisterMember(t *testing.T) {
	e := newEnv(t)
	var m *model.Member
	e.ok(maker, func(r *registry.Registry) (err error) { m, err = r.GetMember(maker); return err })
	assert.Equal(t, "A Cable Co.", m.Name, "trimmed")
	assert.Equal(t, uscc("91350100M000100Y4"), m.USCC, "normalised")
	assert.Equal(t, model.RoleManufacturer, m.Role)
	assert.Equal(t, "tx002", m.TxID) // tx001 is InitLedger

	var reg *model.Member
	e.ok(maker, func(r *registry.Registry) (err error) { reg, err = r.GetMember(regulator); return err })
	assert.Equal(t, model.RoleRegulator, reg.Role, "the Regulator is a member without registering")

	mut := func(f func(*model.MemberRequest)) model.MemberRequest {
		r := makerRequest()
		r.MSPID = "NewMSP"
		f(&r)
		return r
	}
	tests := []struct {
		name string
		msp  string
		req  model.MemberRequest
		code model.Code
	}{
		{"by a manufacturer", maker, mut(func(*model.MemberRequest) {}), model.CodeForbidden},
		{"by an outsider", "OutsiderMSP", mut(func(*model.MemberRequest) {}), model.CodeNotMember},
		{"twice", regAdmin, makerRequest(), model.CodeDuplicate},
		{"bad MSP ID", regAdmin, mut(func(r *model.MemberRequest) { r.MSPID = "bad msp" }), model.CodeInvalidArgument},
		{"bad role", regAdmin, mut(func(r *model.MemberRequest) { r.Role = "auditor" }), model.CodeInvalidArgument},
		{"regulator role is reserved", regAdmin, mut(func(r *model.MemberRequest) { r.Role = model.RoleRegulator }), model.CodeInvalidArgument},
		{"bad USCC check character", regAdmin, mut(func(r *model.MemberRequest) { r.USCC = "91350100M000100Y40" }), model.CodeInvalidArgument},
		{"bad company prefix", regAdmin, mut(func(r *model.MemberRequest) { r.CompanyPrefixes = []string{"69A"} }), model.CodeInvalidArgument},
		{"repeated licence", regAdmin, mut(func(r *model.MemberRequest) { r.ProductionLicences = []string{"X", "X"} }), model.CodeInvalidArgument},
		{"no name", regAdmin, mut(func(r *model.MemberRequest) { r.Name = " " }), model.CodeInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.fails(tc.msp, tc.code, func(r *registry.Registry) error { _, err := r.RegisterMember(tc.req); return err })
		})
	}

	t.Run("the Regulator may register its own details", func(t *testing.T) {
		e.ok(regAdmin, func(r *registry.Registry) error {
			_, err := r.RegisterMember(model.MemberRequest{MSPID: regulator, Role: model.RoleRegulator, Name: "SAMR", USCC: uscc("11100000000013127")})
			return err
		})
	})
}

func TestUpdateAndSuspendMember(t *testing.T) {
	e := newEnv(t)
	req := makerRequest()
	req.Address = "Xiamen"
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.UpdateMember(req); return err })
	var m *model.Member
	e.ok(maker, func(r *registry.Registry) (err error) { m, err = r.GetMember(maker); return err })
	assert.Equal(t, "Xiamen", m.Address)
	assert.True(t, m.UpdatedAt.After(m.RegisteredAt))

	e.fails(regAdmin, model.CodeNotFound, func(r *registry.Registry) error {
		req := makerRequest()
		req.MSPID = "GhostMSP"
		_, err := r.UpdateMember(req)
		return err
	})
	req.Suspended = true
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.UpdateMember(req); return err })
	e.fails(maker, model.CodeNotMember, func(r *registry.Registry) error { _, err := r.GetProduct(gtin("690123400001")); return err })
}

func TestListMembersPages(t *testing.T) {
	e := newEnv(t)
	var got []string
	bookmark := ""
	for {
		var page *model.MemberPage
		e.ok(retailer, func(r *registry.Registry) (err error) { page, err = r.ListMembers(2, bookmark); return err })
		for _, m := range page.Members {
			got = append(got, m.MSPID)
		}
		if bookmark = page.Bookmark; bookmark == "" {
			break
		}
	}
	assert.Equal(t, []string{maker, other, retailer}, got)
}

func TestProducts(t *testing.T) {
	e := newEnv(t)
	g := gtin("690123400001")
	req := model.ProductRequest{
		GTIN: g[1:], Name: "BV cable", Type: "electric wire and cable", Licence: "XK06-001-00001", WarrantyMonths: 24,
		Standards: []string{"GB/T 5023.3-2008"}, InspectionReportURI: "https://reports.example/cable.pdf",
		InspectionReportSHA256: strings.Repeat("AB", 32),
	}
	tx := e.ok(maker, func(r *registry.Registry) error { _, err := r.RegisterProduct(req); return err })
	assert.Equal(t, 2, tx.Stats().Writes, "current record + version 1")

	var p *model.Product
	e.ok(retailer, func(r *registry.Registry) (err error) { p, err = r.GetProduct(g); return err })
	assert.Equal(t, g, p.GTIN, "stored as GTIN-14")
	assert.Equal(t, maker, p.Manufacturer)
	assert.Equal(t, 1, p.Version)
	assert.Equal(t, strings.Repeat("ab", 32), p.InspectionReportSHA256)

	mut := func(f func(*model.ProductRequest)) model.ProductRequest {
		r := req
		r.GTIN = gtin("690123400002")
		f(&r)
		return r
	}
	tests := []struct {
		name string
		msp  string
		req  model.ProductRequest
		code model.Code
	}{
		{"by a retailer", retailer, mut(func(*model.ProductRequest) {}), model.CodeForbidden},
		{"by the Regulator", regAdmin, mut(func(*model.ProductRequest) {}), model.CodeForbidden},
		{"another manufacturer's prefix", other, mut(func(r *model.ProductRequest) { r.Licence = "XK-B" }), model.CodeForbidden},
		{"a licence it does not hold", maker, mut(func(r *model.ProductRequest) { r.Licence = "XK-B" }), model.CodeForbidden},
		{"twice", maker, req, model.CodeDuplicate},
		{"invalid GTIN", maker, mut(func(r *model.ProductRequest) { r.GTIN = "06901234000013" }), model.CodeInvalidCode},
		{"digest without URI", maker, mut(func(r *model.ProductRequest) { r.InspectionReportURI = "" }), model.CodeInvalidArgument},
		{"digest not hex", maker, mut(func(r *model.ProductRequest) { r.InspectionReportSHA256 = strings.Repeat("zz", 32) }), model.CodeInvalidArgument},
		{"digest too short", maker, mut(func(r *model.ProductRequest) { r.InspectionReportSHA256 = "abcd" }), model.CodeInvalidArgument},
		{"relative URI", maker, mut(func(r *model.ProductRequest) { r.InspectionReportURI = "cable.pdf" }), model.CodeInvalidArgument},
		{"negative warranty", maker, mut(func(r *model.ProductRequest) { r.WarrantyMonths = -1 }), model.CodeInvalidArgument},
		{"no name", maker, mut(func(r *model.ProductRequest) { r.Name = "" }), model.CodeInvalidArgument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.fails(tc.msp, tc.code, func(r *registry.Registry) error { _, err := r.RegisterProduct(tc.req); return err })
		})
	}

	t.Run("updates keep history", func(t *testing.T) {
		upd := req
		upd.Name = "BV cable v2"
		upd.Licence = "2023010701000001" // a CCC certificate of the maker
		var p2 *model.Product
		e.ok(maker, func(r *registry.Registry) (err error) { p2, err = r.UpdateProduct(upd); return err })
		assert.Equal(t, 2, p2.Version)
		assert.Equal(t, p.RegisteredAt, p2.RegisteredAt)
		e.fails(other, model.CodeForbidden, func(r *registry.Registry) error {
			u := upd
			u.Licence = "XK-B"
			_, err := r.UpdateProduct(u)
			return err
		})
		e.fails(maker, model.CodeNotFound, func(r *registry.Registry) error {
			u := upd
			u.GTIN = gtin("690123400009")
			_, err := r.UpdateProduct(u)
			return err
		})
		var h *model.ProductHistory
		e.ok(retailer, func(r *registry.Registry) (err error) { h, err = r.ProductHistory(g, 0, ""); return err })
		require.Len(t, h.Versions, 2)
		assert.Equal(t, "BV cable", h.Versions[0].Name)
		assert.Equal(t, "BV cable v2", h.Versions[1].Name)
		assert.Equal(t, 2, h.Versions[1].Version)
	})
	e.fails(retailer, model.CodeNotFound, func(r *registry.Registry) error { _, err := r.ProductHistory(gtin("690123400009"), 0, ""); return err })
}
