package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// TransientSaleKey is the transient-map key under which Sell expects the
// buyer data (JSON of SaleTransient). Transient data is not written to the
// transaction, so personal data never reaches the public ledger.
const TransientSaleKey = "sale"

// SalesCollectionPrefix prefixes the seller's MSP ID to name the private data
// collection that holds its sale records, e.g. "salesRetailerMSP". Members of
// the collection: that seller organisation and the Regulator.
const SalesCollectionPrefix = "sales"

// SalesCollection returns the private data collection of a seller.
func SalesCollection(sellerMSPID string) string { return SalesCollectionPrefix + sellerMSPID }

// Sale retention: a sale record may be purged DefaultSaleRetentionDays after
// the sale, or after SellRequest.RetentionDays, which must lie between
// MinSaleRetentionDays and DefaultSaleRetentionDays.
const (
	DefaultSaleRetentionDays = 3 * 365
	MinSaleRetentionDays     = 180
)

// MinSaltLength is the minimum length of SaleTransient.Salt (e.g. 16 random
// bytes, hex encoded), so the public sale hash cannot be brute-forced from
// guessed buyer data.
const MinSaltLength = 32

// SellRequest sells a unit the calling retailer holds. The buyer data travels
// separately in the transient map under TransientSaleKey.
type SellRequest struct {
	Code          string `json:"code"`
	RetentionDays int    `json:"retentionDays,omitempty" metadata:",optional"` // shorter retention than the default
}

// SaleOutcome says whether Sell sold the unit or refused it.
type SaleOutcome string

// Sale outcomes.
const (
	OutcomeSold               SaleOutcome = "sold"
	OutcomeRefusedAlreadySold SaleOutcome = "refused_already_sold" // a clone alert was committed instead
)

// SellResult is the result of Sell. A refused resale is not an error: the
// transaction commits the clone alert and reports it here.
type SellResult struct {
	Outcome  SaleOutcome `json:"outcome"`
	Code     string      `json:"code"`
	SaleHash string      `json:"saleHash,omitempty" metadata:",optional"` // outcome sold
	AlertID  string      `json:"alertId,omitempty" metadata:",optional"`  // outcome refused_already_sold
	TxID     string      `json:"txId"`
}

// SaleData is the personal flow information of a sale. Its JSON encoding,
// with SalesTime in UTC, is the canonical form hashed into the public record.
type SaleData struct {
	SalesTime    time.Time `json:"salesTime"`
	BuyerName    string    `json:"buyerName"`
	BuyerAddress string    `json:"buyerAddress"`
	BuyerContact string    `json:"buyerContact"`
}

// SaleTransient is the JSON a client puts in the transient map under
// TransientSaleKey: the sale data plus a client-generated random salt.
type SaleTransient struct {
	SaleData
	Salt string `json:"salt"`
}

// SaleRecord is what the chaincode keeps in the seller's private collection
// under the unit's code. It holds personal data: only the seller and the
// Regulator can read it (GetSale).
type SaleRecord struct {
	Code         string    `json:"code"`
	Seller       string    `json:"seller"`
	TxID         string    `json:"txId"`
	RecordedAt   time.Time `json:"recordedAt"`  // transaction time
	RetainUntil  time.Time `json:"retainUntil"` // PurgeSale is refused before this
	SalesTime    time.Time `json:"salesTime"`
	BuyerName    string    `json:"buyerName"`
	BuyerAddress string    `json:"buyerAddress"`
	BuyerContact string    `json:"buyerContact"`
	Salt         string    `json:"salt"`
	SaleHash     string    `json:"saleHash"`
}

// Data returns the hashed part of the record.
func (r *SaleRecord) Data() SaleData {
	return SaleData{SalesTime: r.SalesTime, BuyerName: r.BuyerName, BuyerAddress: r.BuyerAddress, BuyerContact: r.BuyerContact}
}

// SaleHash returns hex(sha256(salt || canonical JSON of d)), the value stored
// publicly as Item.SaleHash. The seller, the Regulator or the buyer holding
// the salt can prove the sale data against it.
func SaleHash(salt string, d SaleData) string {
	d.SalesTime = d.SalesTime.UTC()
	canonical, err := json.Marshal(d)
	if err != nil { // cannot happen: SaleData has only strings and a UTC time
		panic(err)
	}
	h := sha256.New()
	h.Write([]byte(salt))
	h.Write(canonical)
	return hex.EncodeToString(h.Sum(nil))
}
