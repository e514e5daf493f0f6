package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// TransientSaleKey is the transient-map key under which RecordSale expects
// the buyer data (JSON of SaleTransient). Transient data is not written to
// the transaction, so personal data never reaches the public ledger.
const TransientSaleKey = "sale"

// SalesCollectionPrefix prefixes the seller's MSP ID to name the private data
// collection that holds its sale records, e.g. "salesRetailerMSP". Members of
// the collection: that seller organisation, the Regulator and the provincial
// regulator of the seller's region; only the seller's peers endorse its
// writes (the collection's endorsement policy).
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

// A sale is two transactions, so that the buyer data reaches no
// organisation but the seller and its regulators, while no organisation
// alone can write a sale's public record:
//
//  1. RecordSale, endorsed by the seller's own peer only, writes the buyer
//     data (transient) to the seller's sales collection and nothing public;
//  2. Sell, endorsed like any move by two organisations and carrying no
//     buyer data, checks that record against the hash every peer keeps of
//     it and marks the unit sold.

// RecordSaleRequest records the buyer data of a sale the calling retailer is
// about to make. The buyer data travels in the transient map under
// TransientSaleKey.
type RecordSaleRequest struct {
	Code          string `json:"code"`
	RetentionDays int    `json:"retentionDays,omitempty" metadata:",optional"` // shorter retention than the default
}

// RecordSaleResult says what RecordSale kept; Outcome is OutcomeRecorded. A
// unit sold before is refused (ALREADY_SOLD), and Sell without a record
// files the clone report.
type RecordSaleResult struct {
	Outcome    SaleOutcome `json:"outcome"`
	Code       string      `json:"code"`
	SaleHash   string      `json:"saleHash,omitempty" metadata:",optional"`   // the record's salted hash of the buyer data
	RecordHash string      `json:"recordHash,omitempty" metadata:",optional"` // hex SHA-256 of the record as stored
	TxID       string      `json:"txId"`
}

// SellRequest sells a unit the calling retailer holds, whose sale record
// RecordSale kept: RecordHash and SaleHash are what it returned. For a unit
// already sold both are empty and the transaction files a clone report.
type SellRequest struct {
	Code          string `json:"code"`
	RetentionDays int    `json:"retentionDays,omitempty" metadata:",optional"` // shorter retention than the default
	SaleHash      string `json:"saleHash,omitempty" metadata:",optional"`
	RecordHash    string `json:"recordHash,omitempty" metadata:",optional"`
}

// SaleOutcome says whether Sell sold the unit or refused it.
type SaleOutcome string

// Sale outcomes.
const (
	OutcomeRecorded           SaleOutcome = "recorded" // RecordSale kept the record; Sell is next
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
