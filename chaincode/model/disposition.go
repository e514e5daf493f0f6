package model

// Disposition is the business condition of an item, taken from the GS1 CBV 2.0
// disposition vocabulary. The stored disposition of a packed child is frozen
// at "active"; its effective disposition is that of its top-level container.
type Disposition string

// Dispositions.
const (
	DispositionActive     Disposition = "active"      // at the holder's premises, can move
	DispositionInTransit  Disposition = "in_transit"  // shipped, awaiting receipt or rejection by the destination
	DispositionRetailSold Disposition = "retail_sold" // sold to an end customer (terminal)
	DispositionRecalled   Disposition = "recalled"    // reported by views only: recall is an overlay, see Item.RecallID
	DispositionDestroyed  Disposition = "destroyed"   // decommissioned (terminal)
	DispositionStolen     Disposition = "stolen"      // decommissioned (terminal)
	DispositionDamaged    Disposition = "damaged"     // decommissioned (terminal)
)

// Decommissioned reports whether d is one of the decommissioning dispositions.
func (d Disposition) Decommissioned() bool {
	return d == DispositionDestroyed || d == DispositionStolen || d == DispositionDamaged
}

// Terminal reports whether no further movement is possible from d.
func (d Disposition) Terminal() bool {
	return d == DispositionRetailSold || d.Decommissioned()
}

// Reason says why the holder decommissions an item; each reason is also the
// disposition the item takes.
type Reason string

// Decommissioning reasons.
const (
	ReasonDestroyed Reason = "destroyed"
	ReasonStolen    Reason = "stolen"
	ReasonDamaged   Reason = "damaged"
)

// Disposition returns the disposition an item decommissioned for r takes, or
// "" when r is not a valid reason.
func (r Reason) Disposition() Disposition {
	switch r {
	case ReasonDestroyed:
		return DispositionDestroyed
	case ReasonStolen:
		return DispositionStolen
	case ReasonDamaged:
		return DispositionDamaged
	}
	return ""
}
