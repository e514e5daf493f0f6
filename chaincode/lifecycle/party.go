package lifecycle

import "github.com/tracechain/tracechain/chaincode/model"

// stampHolder copies the holder's Party into a container record about to be
// written, stamped with the party revision, when its copy names someone else
// or is missing. A unit's effective holder is its top container's, so this
// copy is what lets Verify of a packed unit name the holder without a third
// round trip; it is trusted only while the revision is unchanged (heldBy), so
// a renamed or suspended holder is never misnamed, and a stale copy is left
// to the next change of holder rather than costing every Ship a read. The
// holder is nearly always the caller, whose record is already read.
func (l *Ledger) stampHolder(it *model.Item) error {
	if it.Class != model.ClassContainer || (it.HolderParty != nil && it.HolderParty.MSPID == it.Holder) {
		return nil
	}
	rev, err := l.reg.PartyRevision()
	if err != nil {
		return err
	}
	m, err := l.reg.LookupMember(it.Holder)
	if err != nil {
		return err
	}
	if m == nil {
		it.HolderParty, it.PartyRev = nil, 0
		return nil
	}
	p, err := l.reg.Party(it.Holder)
	if err != nil {
		return err
	}
	it.HolderParty, it.PartyRev = &p, rev
	return nil
}

// heldBy returns the record's copy of its holder's Party when it is still the
// member's current naming at party revision rev.
func heldBy(it *model.Item, rev int64) (model.Party, bool) {
	p := it.HolderParty
	if p == nil || it.PartyRev != rev || p.MSPID != it.Holder {
		return model.Party{}, false
	}
	return *p, true
}
