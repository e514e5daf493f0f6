package registry

import (
	"slices"
	"strings"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// claimKey indexes what a member is entitled to issue codes under, so that no
// two members hold the same GS1 company prefix, production licence, CCC
// certificate, Ecode number system or GLN: claim~{kind}~{value} -> MSP ID. Company
// prefixes are stored one digit per key attribute (claim~gcp~6~9~0~…), which
// makes "is any registered prefix an extension of this one" a partial-key scan.
const claimKey = "claim"

// Kinds of claim.
const (
	claimPrefix      = "gcp"
	claimLicence     = "licence"
	claimCertificate = "ccc"
	claimEcodeNSI    = "ecode"
	claimGLN         = "gln" // party and location GLNs (AI 417, 414): one number space
)

// minPrefixLen is the shortest GS1 company prefix (identifier.ValidateCompanyPrefix).
const minPrefixLen = 6

// claim is one entitlement of a member.
type claim struct{ kind, value string }

// claimsOf lists the entitlements in a member record.
func claimsOf(m *model.Member) []claim {
	var out []claim
	add := func(kind string, vs []string) {
		for _, v := range vs {
			out = append(out, claim{kind, v})
		}
	}
	add(claimPrefix, m.CompanyPrefixes)
	add(claimLicence, m.ProductionLicences)
	add(claimCertificate, m.CCCCertificates)
	add(claimEcodeNSI, m.EcodeNumberSystems)
	add(claimGLN, glnsOf(m))
	return out
}

func (r *Registry) claimKeyOf(c claim) (string, error) {
	attrs := []string{c.kind}
	if c.kind == claimPrefix {
		attrs = append(attrs, strings.Split(c.value, "")...)
	} else {
		attrs = append(attrs, c.value)
	}
	return r.store.CreateKey(claimKey, attrs...)
}

// updateClaims moves the index from the entitlements of old (nil for a new
// member) to those of m, refusing any that another member holds or, for
// company prefixes, that overlaps one another member holds (one is a prefix of
// the other, so the two would share GTINs and SSCCs). Cost: per new prefix up
// to 7 point reads (the prefix itself and each shorter one of 6 digits or
// more, in one GetMany) and one scan for longer ones; one read per other new
// entitlement.
func (r *Registry) updateClaims(old, m *model.Member) error {
	var before []claim
	if old != nil {
		before = claimsOf(old)
	}
	after := claimsOf(m)
	for _, c := range before {
		if slices.Contains(after, c) {
			continue
		}
		k, err := r.claimKeyOf(c)
		if err != nil {
			return err
		}
		if err := r.store.Delete(k); err != nil {
			return err
		}
	}
	for _, c := range after {
		if slices.Contains(before, c) {
			continue
		}
		if err := r.checkFree(m.MSPID, c); err != nil {
			return err
		}
		k, err := r.claimKeyOf(c)
		if err != nil {
			return err
		}
		if err := r.store.Put(k, []byte(m.MSPID)); err != nil {
			return err
		}
	}
	return nil
}

// checkFree refuses c when another member holds it or, for a company prefix,
// an overlapping one.
func (r *Registry) checkFree(msp string, c claim) error {
	candidates := []claim{c}
	if c.kind == claimPrefix {
		for n := minPrefixLen; n < len(c.value); n++ {
			candidates = append(candidates, claim{claimPrefix, c.value[:n]})
		}
	}
	keys := make([]string, len(candidates))
	for i, cand := range candidates {
		k, err := r.claimKeyOf(cand)
		if err != nil {
			return err
		}
		keys[i] = k
	}
	vals, err := r.store.GetMany(keys)
	if err != nil {
		return err
	}
	for i, v := range vals {
		if v != nil && string(v) != msp {
			return claimTaken(c, candidates[i].value, string(v))
		}
	}
	if c.kind != claimPrefix {
		return nil
	}
	return r.store.Scan(claimKey, append([]string{claimPrefix}, strings.Split(c.value, "")...), func(kv state.KV) error {
		if string(kv.Value) == msp {
			return nil
		}
		_, attrs, err := r.store.SplitKey(kv.Key)
		if err != nil {
			return err
		}
		return claimTaken(c, strings.Join(attrs[1:], ""), string(kv.Value))
	})
}

func claimTaken(c claim, held, holder string) error {
	what := map[string]string{
		claimPrefix: "GS1 company prefix", claimLicence: "production licence",
		claimCertificate: "CCC certificate", claimEcodeNSI: "Ecode number system", claimGLN: "GLN",
	}[c.kind]
	if held != c.value {
		return model.SubjectErrorf(model.CodeDuplicate, c.value, "%s %s overlaps %s, registered to %s", what, c.value, held, holder)
	}
	return model.SubjectErrorf(model.CodeDuplicate, c.value, "%s %s is registered to %s", what, c.value, holder)
}
