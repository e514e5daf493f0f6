package model

// PackRequest packs units, lot parts or containers into a container. The
// container (an SSCC or a serialised case code) is created on first use.
type PackRequest struct {
	Container string   `json:"container"`
	Children  []string `json:"children"`
}

// UnpackRequest takes children out of a container; no children means all.
type UnpackRequest struct {
	Container string   `json:"container"`
	Children  []string `json:"children,omitempty" metadata:",optional"`
}

// PackResult summarises a Pack or Unpack transaction.
type PackResult struct {
	Container string `json:"container"` // canonical code
	Changed   int    `json:"changed"`   // children packed or unpacked by this transaction
	Children  int    `json:"children"`  // direct children in the container afterwards
	TxID      string `json:"txId"`
}

// ShipRequest ships top-level items the caller holds to another member. Lots
// lists quantities to split off lots or parts and ship in the same transaction.
type ShipRequest struct {
	To    string        `json:"to"` // destination MSP ID
	Codes []string      `json:"codes,omitempty" metadata:",optional"`
	Lots  []LotShipment `json:"lots,omitempty" metadata:",optional"`
	// Location is where the goods leave from: one of the caller's location
	// GLNs (13 digits or https://id.gs1.org/414/{gln}); optional.
	Location string `json:"location,omitempty" metadata:",optional"`
}

// LotShipment is a quantity to split off a lot or lot part and ship.
type LotShipment struct {
	Source   string `json:"source"`
	Quantity int64  `json:"quantity"`
	Label    string `json:"label,omitempty" metadata:",optional"`
}

// MoveRequest names top-level items for Receive or Reject.
type MoveRequest struct {
	Codes []string `json:"codes"`
	// Location is where the caller receives or rejects the goods: one of its
	// location GLNs (13 digits or https://id.gs1.org/414/{gln}); optional.
	Location string `json:"location,omitempty" metadata:",optional"`
}

// DecommissionRequest records top-level items the caller holds as destroyed,
// stolen or damaged. A container's contents follow it by derivation.
type DecommissionRequest struct {
	Codes  []string `json:"codes"`
	Reason Reason   `json:"reason"`
}

// MoveResult summarises Ship, Receive, Reject and Decommission.
type MoveResult struct {
	Codes       []string    `json:"codes,omitempty" metadata:",optional"` // canonical codes moved (incl. new lot parts)
	Count       int         `json:"count"`
	Holder      string      `json:"holder"`                                     // holder afterwards
	Disposition Disposition `json:"disposition"`                                // disposition afterwards
	Destination string      `json:"destination,omitempty" metadata:",optional"` // Ship only
	TxID        string      `json:"txId"`
}
