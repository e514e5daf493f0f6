package registry

import (
	"slices"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// maxLocations bounds a member's location GLNs: each is a claim, read when
// registered and kept in the member record that every transaction reads.
const maxLocations = 200

// memberGLNs validates a member's party and location GLNs: 13 digits with a
// valid check digit, under one of the member's own company prefixes. GS1
// allocates GLNs under the prefix of the party that owns them, so a GLN under
// another's prefix is a claim to be someone else (or somewhere else).
func memberGLNs(m *model.Member, party string, locations []string) error {
	var err error
	if m.PartyGLN, err = Text("partyGln", party, 13, false); err != nil {
		return err
	}
	if m.LocationGLNs, err = TextList("locationGlns", locations, maxLocations, 13); err != nil {
		return err
	}
	check := func(field, gln string) error {
		if err := identifier.ValidateGLN(gln); err != nil {
			return model.SubjectErrorf(model.CodeInvalidArgument, gln, "invalid %s: %v", field, err)
		}
		if !OwnsKey(m, gln) {
			return model.SubjectErrorf(model.CodeForbidden, gln, "%s %s is not under a GS1 company prefix of %s", field, gln, m.MSPID)
		}
		return nil
	}
	if m.PartyGLN != "" {
		if err := check("party GLN", m.PartyGLN); err != nil {
			return err
		}
	}
	for _, g := range m.LocationGLNs {
		if err := check("location GLN", g); err != nil {
			return err
		}
	}
	return nil
}

// glnsOf lists the distinct GLNs of a member: a party GLN may also name one
// of its locations (a head office is both).
func glnsOf(m *model.Member) []string {
	out := slices.Clone(m.LocationGLNs)
	if m.PartyGLN != "" && !slices.Contains(out, m.PartyGLN) {
		out = append(out, m.PartyGLN)
	}
	return out
}

// MemberByGLN returns the member that registered gln as its party or one of
// its locations, or nil: one read of the GLN's claim.
func (r *Registry) MemberByGLN(gln string) (*model.Member, error) {
	k, err := r.claimKeyOf(claim{claimGLN, gln})
	if err != nil {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, gln, "invalid GLN: %v", err)
	}
	v, err := r.store.Get(k)
	if err != nil || v == nil {
		return nil, err
	}
	return r.LookupMember(string(v))
}
