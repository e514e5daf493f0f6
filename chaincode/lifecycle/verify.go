package lifecycle

import (
	"errors"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Verify answers a scan of any accepted code form with a verdict. An invalid
// code is a verdict, not an error, so a point-of-sale scanner always gets an
// answer. The verdict precedence is invalid_code, unknown, recalled,
// suspected_clone, decommissioned, sold, genuine. No personal data is read.
func (l *Ledger) Verify(input string) (*model.Verification, error) {
	out := &model.Verification{Input: input}
	r, perr := parseCode(input, "code")
	if perr == nil {
		if err := l.prefetchUnit(r); err != nil {
			return nil, err
		}
	}
	if _, err := l.reg.Caller(); err != nil {
		return nil, err
	}
	if err := perr; err != nil {
		out.Verdict, out.Detail = model.VerdictInvalidCode, err.Error()
		var me *model.Error
		if errors.As(err, &me) {
			out.Detail = me.Message
		}
		return out, nil
	}
	out.Code = r.code
	it, err := l.item(r.code)
	if err != nil {
		return nil, err
	}
	if it == nil {
		out.Verdict, out.Detail = model.VerdictUnknown, "the code was never commissioned on the ledger"
		if r.id.GTIN != "" {
			// Prefetched with the unit: no further read.
			p, err := l.reg.Product(r.id.GTIN)
			if err != nil {
				return nil, err
			}
			out.GTINRegistered = p != nil
		}
		return out, nil
	}
	producer, gtins := it.Manufacturer, []string{it.GTIN}
	if it.Class == model.ClassContainer {
		// A container is a logistic unit, not a product: its provenance is the member
		// that created it under its own prefix, and product data would only lend it a
		// maker's name it never had.
		producer, gtins = it.Issuer, nil
	}
	if err := l.prefetchAround(it, producer, gtins); err != nil {
		return nil, err
	}
	v, err := l.chain(it)
	if err != nil {
		return nil, err
	}
	if v, err = l.withRecall(v); err != nil {
		return nil, err
	}
	out.Class, out.Scheme = it.Class, it.Scheme
	out.Batch, out.ProductionDate, out.ExpiryDate, out.WarrantyEnd = it.Batch, it.ProductionDate, it.ExpiryDate, it.WarrantyEnd
	out.Disposition, out.LastEventAt = v.disposition(), v.lastChange()
	if len(gtins) > 0 && it.GTIN != "" {
		if out.Product, err = l.reg.Product(it.GTIN); err != nil {
			return nil, err
		}
	}
	if producer != "" {
		p, err := l.reg.Party(producer)
		if err != nil {
			return nil, err
		}
		out.Producer = &p
	}
	holder, err := l.holderParty(v)
	if err != nil {
		return nil, err
	}
	out.Holder = &holder
	if it.SoldBy != "" {
		seller, err := l.reg.Party(it.SoldBy)
		if err != nil {
			return nil, err
		}
		out.Seller, out.SoldAt = &seller, it.SoldAt
	}
	if v.recall != nil {
		out.RecallReason, out.RecalledAt = v.recall.Reason, v.recall.IssuedAt
	}
	switch d := v.disposition(); {
	case v.recall != nil:
		out.Verdict, out.RecallID, out.Detail = model.VerdictRecalled, v.recall.ID, v.recall.Reason
	case it.CloneConfirmed != "":
		out.Verdict, out.AlertID = model.VerdictSuspectedClone, it.CloneConfirmed
		out.Detail = "the Regulator confirmed a report that this unit was offered for sale again after it was sold"
	case d.Decommissioned():
		out.Verdict = model.VerdictDecommissioned
	case d == model.DispositionRetailSold:
		out.Verdict = model.VerdictSold
	case it.Class == model.ClassContainer:
		out.Verdict = model.VerdictGenuine
		out.Detail = "a logistic unit (case or pallet) created by its issuer; verify the units inside for their provenance"
	default:
		out.Verdict = model.VerdictGenuine
	}
	return out, nil
}

// prefetchUnit reads, in one round trip, what Verify needs before it knows
// the unit: the caller's member record, the unit and, when the code names a
// GTIN, the product.
func (l *Ledger) prefetchUnit(r ref) error {
	k, err := l.key(itemKey, r.code)
	if err != nil {
		return nil // the item lookup reports it
	}
	var gtins []string
	if r.id.GTIN != "" {
		gtins = []string{r.id.GTIN}
	}
	return l.reg.Prefetch([]string{l.store.ClientMSPID()}, gtins, k)
}

// prefetchAround reads, in a second round trip, everything the unit's record
// names: its container, the recall that names it or the batch's recall
// marker, the product, and the producer, seller and, for a top-level unit,
// holder. A packed unit's holder is its top container's, which the container
// record names itself (heldBy), so for a packed unit the party revision that
// tells whether that copy is current comes along instead.
func (l *Ledger) prefetchAround(it *model.Item, producer string, gtins []string) error {
	var extra []string
	add := func(objectType string, attrs ...string) {
		if k, err := l.key(objectType, attrs...); err == nil {
			extra = append(extra, k)
		}
	}
	if it.Parent != "" {
		add(itemKey, it.Parent)
		if k, err := l.reg.PartyRevisionKey(); err == nil {
			extra = append(extra, k)
		}
	}
	switch {
	case it.RecallID != "":
		add(recallIDKey, it.RecallID)
	case it.GTIN != "" && it.Batch != "":
		add(recallKey, it.GTIN, it.Batch)
	}
	members := []string{producer, it.SoldBy}
	if it.Parent == "" {
		members = append(members, it.Holder)
	}
	return l.reg.Prefetch(members, gtins, extra...)
}

// holderParty names the effective holder of a packed unit from its top
// container's copy while that is current, else (and for a top-level item,
// whose holder's record came with the second round trip) from the member
// record.
func (l *Ledger) holderParty(v view) (model.Party, error) {
	if top := v.top(); len(v.chain) > 0 && top.HolderParty != nil {
		rev, err := l.reg.PartyRevision()
		if err != nil {
			return model.Party{}, err
		}
		if p, ok := heldBy(top, rev); ok {
			return p, nil
		}
	}
	return l.reg.Party(v.holder())
}
