package registry

import (
	"strconv"

	"github.com/tracechain/tracechain/chaincode/model"
)

// partyRevisionKey holds the party revision: a counter that goes up whenever
// a member's public naming (name, USCC, suspension) changes. It is absent, and
// the revision 0, on a ledger where none ever did.
const partyRevisionKey = "partyrev"

// PartyRevisionKey returns the ledger key of the party revision, for a caller
// that fetches it together with other keys (see Prefetch).
func (r *Registry) PartyRevisionKey() (string, error) {
	return r.store.CreateKey(partyRevisionKey)
}

// PartyRevision returns the party revision. A record that copies a member's
// Party (model.Item's HolderParty) stamps it with this revision; the copy is
// the member's current naming exactly while the revision is unchanged, so a
// reader can trust it after one read of a fixed key instead of reading the
// member, and a renamed or suspended member never rewrites the records that
// name it.
func (r *Registry) PartyRevision() (int64, error) {
	if r.partyRev != nil {
		return *r.partyRev, nil
	}
	key, err := r.PartyRevisionKey()
	if err != nil {
		return 0, err
	}
	raw, err := r.store.Get(key)
	if err != nil {
		return 0, err
	}
	var rev int64
	if raw != nil {
		if rev, err = strconv.ParseInt(string(raw), 10, 64); err != nil {
			return 0, model.Errorf(model.CodeInternal, "malformed party revision %q", raw)
		}
	}
	r.partyRev = &rev
	return rev, nil
}

// bumpPartyRevision records that the public naming of a member changed, which
// makes every copy of a Party stamped before stale.
func (r *Registry) bumpPartyRevision() error {
	rev, err := r.PartyRevision()
	if err != nil {
		return err
	}
	key, err := r.PartyRevisionKey()
	if err != nil {
		return err
	}
	rev++
	r.partyRev = &rev
	return r.store.Put(key, []byte(strconv.FormatInt(rev, 10)))
}

// partyOf is how read results name a member.
func partyOf(m *model.Member) model.Party {
	return model.Party{MSPID: m.MSPID, Name: m.Name, USCC: m.USCC, Suspended: m.Suspended}
}
