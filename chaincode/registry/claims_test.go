package registry_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// TestEntitlementsAreExclusive: no two members may hold the same production
// licence, CCC certificate or Ecode number system, nor overlapping GS1 company
// prefixes, which would let one issue the other's GTINs and SSCCs.
func TestEntitlementsAreExclusive(t *testing.T) {
	e := newEnv(t) // ManufacturerA holds 6901234, XK06-001-00001 and 2023010701000001; B holds 6905678
	register := func(mut func(*model.MemberRequest)) error {
		req := model.MemberRequest{MSPID: "RivalMSP", Role: model.RoleManufacturer, Name: "Rival", USCC: uscc("91350100M000900Y4")}
		mut(&req)
		_, err := e.do(regAdmin, func(r *registry.Registry) error { _, err := r.RegisterMember(req); return err })
		return err
	}
	for name, mut := range map[string]func(*model.MemberRequest){
		"the same prefix":         func(r *model.MemberRequest) { r.CompanyPrefixes = []string{"6901234"} },
		"a longer prefix inside":  func(r *model.MemberRequest) { r.CompanyPrefixes = []string{"690123456"} },
		"a shorter prefix around": func(r *model.MemberRequest) { r.CompanyPrefixes = []string{"690123"} },
		"the same licence":        func(r *model.MemberRequest) { r.ProductionLicences = []string{"XK06-001-00001"} },
		"the same certificate":    func(r *model.MemberRequest) { r.CCCCertificates = []string{"ccc:2023010701000001"} },
	} {
		t.Run(name, func(t *testing.T) {
			err := register(mut)
			assert.Equal(t, model.CodeDuplicate, model.CodeOf(err), "%v", err)
		})
	}
	assert.NoError(t, register(func(r *model.MemberRequest) {
		r.CompanyPrefixes, r.EcodeNumberSystems = []string{"6901235"}, []string{"10007"}
	}), "a neighbouring prefix is fine")
	err := register(func(r *model.MemberRequest) { r.MSPID, r.EcodeNumberSystems = "Rival2MSP", []string{"10007"} })
	assert.Equal(t, model.CodeDuplicate, model.CodeOf(err), "the same Ecode number system")
	err = register(func(r *model.MemberRequest) { r.MSPID, r.EcodeNumberSystems = "Rival3MSP", []string{"1007"} })
	assert.Equal(t, model.CodeInvalidArgument, model.CodeOf(err), "a V1 number system has a 4-digit NSI")

	// The Regulator moves a prefix: A gives it up, then another member may take it.
	req := makerRequest()
	req.CompanyPrefixes = []string{"6901299"}
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.UpdateMember(req); return err })
	assert.NoError(t, register(func(r *model.MemberRequest) { r.MSPID, r.CompanyPrefixes = "Heir", []string{"6901234"} }))
}

func TestPrivilegedRegistryCallsNeedAnAdministrator(t *testing.T) {
	e := newEnv(t)
	req := model.MemberRequest{MSPID: "NewMSP", Role: model.RoleDistributor, Name: "N", USCC: uscc("91310000M000300Y4")}
	e.fails(regulator, model.CodeForbidden, func(r *registry.Registry) error { _, err := r.RegisterMember(req); return err })
	e.fails(regulator, model.CodeForbidden, func(r *registry.Registry) error { _, err := r.UpdateMember(makerRequest()); return err })
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.RegisterMember(req); return err })
}

func TestTheRegulatorComesFromTheLedger(t *testing.T) {
	mem := statetest.NewMemory()
	n := 0
	do := func(msp string, admin bool, expected string, fn func(r *registry.Registry) error) error {
		n++
		tx := mem.Begin(statetest.Tx{MSPID: msp, Admin: admin, TxID: "tx" + string(rune('a'+n)), Time: time.Date(2026, 1, 1, 0, n, 0, 0, time.UTC)})
		err := fn(registry.New(tx, expected))
		if err == nil {
			_ = tx.Commit()
		}
		return err
	}
	getMember := func(r *registry.Registry) error { _, err := r.GetMember(regulator); return err }
	initAs := func(name string) func(r *registry.Registry) error {
		return func(r *registry.Registry) error { _, err := r.InitLedger(name); return err }
	}

	assert.Equal(t, model.CodeBadState, model.CodeOf(do(maker, false, "", getMember)), "nothing works before InitLedger")
	assert.Equal(t, model.CodeForbidden, model.CodeOf(do(maker, true, regulator, initAs(maker))), "an endorser deployed for the Regulator refuses another")
	assert.Equal(t, model.CodeForbidden, model.CodeOf(do(maker, true, "", initAs(regulator))), "only the named organisation's administrator")
	assert.Equal(t, model.CodeForbidden, model.CodeOf(do(regulator, false, "", initAs(regulator))), "an ordinary client may not")
	assert.NoError(t, do(regulator, true, regulator, initAs(regulator)))
	assert.Equal(t, model.CodeDuplicate, model.CodeOf(do(regulator, true, regulator, initAs(regulator))), "once")

	var cfg *model.NetworkConfig
	assert.NoError(t, do(regulator, false, "", func(r *registry.Registry) (err error) { cfg, err = r.NetworkConfig(); return err }))
	assert.Equal(t, regulator, cfg.RegulatorMSPID)
	assert.NoError(t, do(regulator, false, regulator, getMember))
	assert.Equal(t, model.CodeInternal, model.CodeOf(do(regulator, false, "OtherMSP", getMember)), "a server deployed for another Regulator refuses to serve")
}
