package model

import "time"

// Item is the ledger record of one traceable identity: a serialised unit, a
// lot, a lot part or a container, keyed by its canonical code.
//
// Holder and Disposition are authoritative only while the item is top-level
// (Parent is empty). A packed item keeps the values it had when packed; its
// effective holder and disposition are those of its top-level container (see
// ItemStatus), so moving a container never rewrites its contents.
//
// A container keeps a copy of its holder's Party, stamped with the party
// revision it was copied at, so that verifying a unit inside it needs no read
// of the holder's member record while the revision is unchanged.
type Item struct {
	Code            string      `json:"code"` // canonical code
	Class           ItemClass   `json:"class"`
	Scheme          string      `json:"scheme,omitempty" metadata:",optional"`         // code type: gs1, ecode, ccc or dic
	GTIN            string      `json:"gtin,omitempty" metadata:",optional"`           // product (GTIN-14); empty for an SSCC container
	Batch           string      `json:"batch,omitempty" metadata:",optional"`          // batch / lot number
	ProductionDate  string      `json:"productionDate,omitempty" metadata:",optional"` // YYYY-MM-DD
	ExpiryDate      string      `json:"expiryDate,omitempty" metadata:",optional"`     // YYYY-MM-DD
	WarrantyEnd     string      `json:"warrantyEnd,omitempty" metadata:",optional"`    // YYYY-MM-DD
	Manufacturer    string      `json:"manufacturer,omitempty" metadata:",optional"`   // MSP ID that commissioned the goods
	Issuer          string      `json:"issuer,omitempty" metadata:",optional"`         // containers: MSP ID whose company prefix the code is under, who created it
	Holder          string      `json:"holder"`                                        // MSP ID that owns and has custody of the item
	Disposition     Disposition `json:"disposition"`
	Destination     string      `json:"destination,omitempty" metadata:",optional"`     // MSP ID the item is shipped to, while in_transit
	Parent          string      `json:"parent,omitempty" metadata:",optional"`          // container the item is packed in
	Children        int         `json:"children,omitempty" metadata:",optional"`        // containers: number of direct children
	Quantity        int64       `json:"quantity,omitempty" metadata:",optional"`        // lots and parts: quantity still under this identity
	InitialQuantity int64       `json:"initialQuantity,omitempty" metadata:",optional"` // lots and parts: quantity at creation
	Lot             string      `json:"lot,omitempty" metadata:",optional"`             // lot parts: the lot they come from
	SplitFrom       string      `json:"splitFrom,omitempty" metadata:",optional"`       // lot parts: the lot or part they were split off
	Packings        []Packing   `json:"packings,omitempty" metadata:",optional"`        // containment history, oldest first
	RecallID        string      `json:"recallId,omitempty" metadata:",optional"`        // unit-list recall that names this item
	RecalledAt      time.Time   `json:"recalledAt,omitzero" metadata:",optional"`
	OpenAlert       string      `json:"openAlert,omitempty" metadata:",optional"`      // clone report awaiting the Regulator's decision
	CloneConfirmed  string      `json:"cloneConfirmed,omitempty" metadata:",optional"` // alert by which the Regulator confirmed a clone
	SaleHash        string      `json:"saleHash,omitempty" metadata:",optional"`       // hex sha256(salt || canonical sale data)
	SaleRecordHash  string      `json:"saleRecordHash,omitempty" metadata:",optional"` // hex SHA-256 of the private sale record the sale committed to
	SoldBy          string      `json:"soldBy,omitempty" metadata:",optional"`         // retailer MSP ID
	SoldAt          time.Time   `json:"soldAt,omitzero" metadata:",optional"`
	SaleRetainUntil time.Time   `json:"saleRetainUntil,omitzero" metadata:",optional"` // earliest time PurgeSale is allowed
	SalePurged      bool        `json:"salePurged,omitempty" metadata:",optional"`
	CommissionedAt  time.Time   `json:"commissionedAt"`
	CommissionTx    string      `json:"commissionTx"`
	CommissionEvent Anchor      `json:"commissionEvent,omitzero" metadata:",optional"` // eventID of the commissioning (or split) event
	RecallEvent     Anchor      `json:"recallEvent,omitzero" metadata:",optional"`     // eventID of the unit-list recall event
	UpdatedAt       time.Time   `json:"updatedAt,omitzero" metadata:",optional"`       // last change to this record after commissioning
	UpdateTx        string      `json:"updateTx,omitempty" metadata:",optional"`
	HolderParty     *Party      `json:"holderParty,omitempty" metadata:",optional"` // top-level containers: the holder's naming at PartyRev
	PartyRev        int64       `json:"partyRev,omitempty" metadata:",optional"`    // party revision HolderParty was copied at
}

// Packing is one interval during which an item sat in a container. The
// interval is open while UnpackedTx is empty.
type Packing struct {
	Container  string    `json:"container"`
	PackedAt   time.Time `json:"packedAt"`
	PackedTx   string    `json:"packedTx"`
	PackedBy   string    `json:"packedBy,omitempty" metadata:",optional"` // MSP ID that packed it
	UnpackedAt time.Time `json:"unpackedAt,omitzero" metadata:",optional"`
	UnpackedTx string    `json:"unpackedTx,omitempty" metadata:",optional"`
	UnpackedBy string    `json:"unpackedBy,omitempty" metadata:",optional"`
	Packed     Anchor    `json:"packed,omitzero" metadata:",optional"`   // eventID of the packing event on the item
	Unpacked   Anchor    `json:"unpacked,omitzero" metadata:",optional"` // eventID of the unpacking event on the item
}

// LastChange returns the time of the last change to the record itself.
func (it *Item) LastChange() time.Time {
	if it.UpdatedAt.IsZero() {
		return it.CommissionedAt
	}
	return it.UpdatedAt
}

// ItemStatus is an item as GetItem reports it: the stored record plus the
// state derived through its container chain.
type ItemStatus struct {
	Item         Item        `json:"item"`
	Holder       Party       `json:"holder"`                                      // effective holder
	Disposition  Disposition `json:"disposition"`                                 // effective disposition
	Destination  string      `json:"destination,omitempty" metadata:",optional"`  // effective destination while in transit
	Containers   []string    `json:"containers,omitempty" metadata:",optional"`   // container chain, innermost first
	TopContainer string      `json:"topContainer,omitempty" metadata:",optional"` // outermost container, when packed
	Recalled     bool        `json:"recalled,omitempty" metadata:",optional"`
	RecallID     string      `json:"recallId,omitempty" metadata:",optional"` // unit-list or batch recall that applies
	LastEventAt  time.Time   `json:"lastEventAt"`                             // latest change to the item or its chain
}

// ContentsPage is one page of the direct children of a container.
type ContentsPage struct {
	Container string   `json:"container"`
	Children  []string `json:"children,omitempty" metadata:",optional"`
	Bookmark  string   `json:"bookmark,omitempty" metadata:",optional"`
}
