package model

// MaxCodesPerTx bounds the number of codes one transaction may name, keeping
// the write set and the endorsement response within Fabric's message limits.
const MaxCodesPerTx = 10000

// CommissionRequest commissions serialised units of one of the caller's
// products. Codes may be given in any accepted form; GS1 codes must carry the
// product's GTIN, Ecode, CCC and digital identity codes are bound to the
// product by this request.
type CommissionRequest struct {
	GTIN           string   `json:"gtin"`
	Batch          string   `json:"batch"`
	ProductionDate string   `json:"productionDate"`                             // YYYY-MM-DD
	ExpiryDate     string   `json:"expiryDate,omitempty" metadata:",optional"`  // YYYY-MM-DD
	WarrantyEnd    string   `json:"warrantyEnd,omitempty" metadata:",optional"` // YYYY-MM-DD; default production date + product warranty
	Codes          []string `json:"codes"`
}

// CommissionResult summarises a Commission transaction.
type CommissionResult struct {
	GTIN        string `json:"gtin"`
	Batch       string `json:"batch"`
	Count       int    `json:"count"`
	WarrantyEnd string `json:"warrantyEnd,omitempty" metadata:",optional"`
	TxID        string `json:"txId"`
}

// LotRequest commissions a batch as a quantity without serial numbers. The lot
// is keyed by its LGTIN and moves only through parts split off it.
type LotRequest struct {
	GTIN           string `json:"gtin"`
	Batch          string `json:"batch"`
	ProductionDate string `json:"productionDate"`
	ExpiryDate     string `json:"expiryDate,omitempty" metadata:",optional"`
	WarrantyEnd    string `json:"warrantyEnd,omitempty" metadata:",optional"`
	Quantity       int64  `json:"quantity"`
}

// SplitRequest splits a quantity off a lot or lot part the caller holds into a
// new lot part "{lot code}/part/{label}".
type SplitRequest struct {
	Source   string `json:"source"` // lot or lot part code
	Quantity int64  `json:"quantity"`
	Label    string `json:"label,omitempty" metadata:",optional"` // default: derived from the transaction ID
}

// PartSeparator joins a lot's canonical code and a part label.
const PartSeparator = "/part/"

// CommissionCheck answers CheckCommission: which codes of a commissioning
// request are already on the ledger as units of the caller's batch, so that a
// resumed bulk import sends only the rest, with one read per chunk.
type CommissionCheck struct {
	Committed     int      `json:"committed"`                                    // codes on the ledger as units of this request's product and batch, by the caller
	Missing       []int    `json:"missing,omitempty" metadata:",optional"`       // indexes into the request's codes that are not on the ledger
	CommissionTxs []string `json:"commissionTxs,omitempty" metadata:",optional"` // transactions that commissioned the committed codes, in order of first appearance
}
