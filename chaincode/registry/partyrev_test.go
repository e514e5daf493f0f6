package registry_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
)

// TestPartyRevision checks which member changes make copies of a Party stale:
// exactly those that change how read results name the member.
func TestPartyRevision(t *testing.T) {
	tests := []struct {
		name   string
		change func(e *env)
		bumps  bool
	}{
		{"register a new member", func(e *env) {
			e.ok(regAdmin, func(r *registry.Registry) error {
				_, err := r.RegisterMember(model.MemberRequest{MSPID: "Retailer2MSP", Role: model.RoleRetailer, Name: "R2", USCC: uscc("91440100M000500Y4")})
				return err
			})
		}, false},
		{"update the address", func(e *env) { update(e, func(req *model.MemberRequest) { req.Address = "Xiamen" }) }, false},
		{"rename", func(e *env) { update(e, func(req *model.MemberRequest) { req.Name = "A Cable Group" }) }, true},
		{"change the USCC", func(e *env) { update(e, func(req *model.MemberRequest) { req.USCC = uscc("91350100M000199Y4") }) }, true},
		{"suspend", func(e *env) { update(e, func(req *model.MemberRequest) { req.Suspended = true }) }, true},
		{"register the implicit Regulator", func(e *env) {
			e.ok(regAdmin, func(r *registry.Registry) error {
				_, err := r.RegisterMember(model.MemberRequest{MSPID: regulator, Role: model.RoleRegulator, Name: "SAMR", USCC: uscc("11100000000013127")})
				return err
			})
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			before := partyRevision(e)
			tc.change(e)
			after := partyRevision(e)
			if tc.bumps {
				assert.Equal(t, before+1, after)
			} else {
				assert.Equal(t, before, after)
			}
		})
	}
}

func update(e *env, edit func(req *model.MemberRequest)) {
	req := makerRequest()
	edit(&req)
	e.ok(regAdmin, func(r *registry.Registry) error { _, err := r.UpdateMember(req); return err })
}

func partyRevision(e *env) int64 {
	var rev int64
	e.ok(retailer, func(r *registry.Registry) (err error) { rev, err = r.PartyRevision(); return err })
	return rev
}

func TestPartyNamesSuspension(t *testing.T) {
	e := newEnv(t)
	update(e, func(req *model.MemberRequest) { req.Suspended = true })
	var p model.Party
	e.ok(retailer, func(r *registry.Registry) (err error) { p, err = r.Party(maker); return err })
	require.True(t, p.Suspended, "a read result shows that the Regulator suspended the member")
	assert.Equal(t, "A Cable Co.", p.Name)
}
