package registry_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
)

func glnOf(first12 string) string {
	d, err := identifier.CheckDigit(first12)
	if err != nil {
		panic(err)
	}
	return first12 + string(d)
}

// TestMemberGLNs: a member's GLNs are valid, under its own company prefixes,
// and a refused change writes nothing.
func TestMemberGLNs(t *testing.T) {
	e := newEnv(t)
	party, site := glnOf("690123400001"), glnOf("690123400002")
	withGLNs := func(party string, sites ...string) model.MemberRequest {
		r := makerRequest()
		r.PartyGLN, r.LocationGLNs = party, sites
		return r
	}
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.UpdateMember(withGLNs(party, site, party)); return err })

	otherReq := func(party string, sites ...string) model.MemberRequest {
		return model.MemberRequest{MSPID: other, Role: model.RoleManufacturer, Name: "B", USCC: uscc("91110000M000200Y4"),
			CompanyPrefixes: []string{"6905678"}, ProductionLicences: []string{"XK-B"}, PartyGLN: party, LocationGLNs: sites}
	}
	bad := party[:12] + string('0'+(party[12]-'0'+1)%10)
	for _, tc := range []struct {
		name string
		req  model.MemberRequest
		code model.Code
	}{
		{"bad check digit", withGLNs(bad), model.CodeInvalidArgument},
		{"twelve digits", withGLNs(party[:12]), model.CodeInvalidArgument},
		{"letters", withGLNs("69012340000A1"), model.CodeInvalidArgument},
		{"location with a bad check digit", withGLNs(party, bad), model.CodeInvalidArgument},
		{"a location twice", withGLNs(party, site, site), model.CodeInvalidArgument},
		{"another member's party GLN", otherReq(party), model.CodeForbidden},
		{"another member's location", otherReq("", site), model.CodeForbidden},
		{"a GLN under no prefix of the member", withGLNs(glnOf("690567800001")), model.CodeForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.fails(regAdmin, tc.code, func(r *registry.Registry) error { _, err := r.UpdateMember(tc.req); return err })
		})
	}

	var m *model.Member
	e.ok(maker, func(r *registry.Registry) (err error) { m, err = r.GetMember(maker); return err })
	assert.Equal(t, party, m.PartyGLN, "refused changes wrote nothing")
	assert.Equal(t, []string{site, party}, m.LocationGLNs)
	e.ok(maker, func(r *registry.Registry) error {
		found, err := r.MemberByGLN(site)
		require.NoError(t, err)
		require.NotNil(t, found)
		assert.Equal(t, maker, found.MSPID)
		return nil
	})

	// Dropping a GLN frees its claim.
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.UpdateMember(withGLNs("", party)); return err })
	e.ok(maker, func(r *registry.Registry) error {
		found, err := r.MemberByGLN(site)
		assert.Nil(t, found)
		return err
	})
}
