package model

import "time"

// Verification is the answer of Verify for a scanned code. It never contains
// personal data. An unparsable input yields VerdictInvalidCode with the parse
// error in Detail rather than a chaincode error.
type Verification struct {
	Input          string      `json:"input"`
	Verdict        Verdict     `json:"verdict"`
	Detail         string      `json:"detail,omitempty" metadata:",optional"` // parse error or a short explanation
	Code           string      `json:"code,omitempty" metadata:",optional"`   // canonical code
	Class          ItemClass   `json:"class,omitempty" metadata:",optional"`
	Scheme         string      `json:"scheme,omitempty" metadata:",optional"`
	Product        *Product    `json:"product,omitempty" metadata:",optional"`
	Producer       *Party      `json:"producer,omitempty" metadata:",optional"` // manufacturer's name and USCC
	Batch          string      `json:"batch,omitempty" metadata:",optional"`
	ProductionDate string      `json:"productionDate,omitempty" metadata:",optional"`
	ExpiryDate     string      `json:"expiryDate,omitempty" metadata:",optional"`
	WarrantyEnd    string      `json:"warrantyEnd,omitempty" metadata:",optional"`
	Holder         *Party      `json:"holder,omitempty" metadata:",optional"` // current (effective) holder
	Disposition    Disposition `json:"disposition,omitempty" metadata:",optional"`
	RecallID       string      `json:"recallId,omitempty" metadata:",optional"`
	RecallReason   string      `json:"recallReason,omitempty" metadata:",optional"` // the recall's public reason
	RecalledAt     time.Time   `json:"recalledAt,omitzero" metadata:",optional"`
	Seller         *Party      `json:"seller,omitempty" metadata:",optional"` // the retailer that sold the unit (a business, never the buyer)
	SoldAt         time.Time   `json:"soldAt,omitzero" metadata:",optional"`
	AlertID        string      `json:"alertId,omitempty" metadata:",optional"` // the confirmed clone alert, for suspected_clone
	LastEventAt    time.Time   `json:"lastEventAt,omitzero" metadata:",optional"`
	// GTINRegistered is set for an unknown code whose GTIN is a registered
	// product's: a serial never commissioned under a real product, as a
	// printed fake label carries. A verification service counts these
	// (unknown_serials signals); read in Verify's first round trip.
	GTINRegistered bool `json:"gtinRegistered,omitempty" metadata:",optional"`
}
