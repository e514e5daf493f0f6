package model

// ItemClass says which kind of traceable identity an Item is.
type ItemClass string

// Item classes.
const (
	ClassUnit      ItemClass = "unit"      // serialised unit (SGTIN, Ecode, CCC or digital identity code)
	ClassLot       ItemClass = "lot"       // batch commissioned as a quantity (LGTIN); stays with its manufacturer
	ClassLotPart   ItemClass = "lot_part"  // quantity split off a lot or another part; moves like a unit
	ClassContainer ItemClass = "container" // logistic unit (SSCC) or serialised case holding other items
)
