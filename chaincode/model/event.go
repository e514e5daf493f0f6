package model

import "time"

// Chaincode event names. Every submitted transaction emits exactly one
// chaincode event; its name is one of these and its payload is an Event.
const (
	EventMemberRegistered   = "MemberRegistered"
	EventMemberUpdated      = "MemberUpdated"
	EventProductRegistered  = "ProductRegistered"
	EventProductUpdated     = "ProductUpdated"
	EventCommissioned       = "Commissioned"
	EventLotCommissioned    = "LotCommissioned"
	EventLotSplit           = "LotSplit"
	EventPacked             = "Packed"
	EventUnpacked           = "Unpacked"
	EventShipped            = "Shipped"
	EventReceived           = "Received"
	EventRejected           = "Rejected"
	EventSold               = "Sold"
	EventCloneAlert         = "CloneAlert"
	EventSaleRecorded       = "SaleRecorded" // RecordSale: the code only; the buyer data stays in the collection
	EventSalePurged         = "SalePurged"
	EventRecalled           = "Recalled"
	EventDecommissioned     = "Decommissioned"
	EventLedgerInitialised  = "LedgerInitialised"
	EventAlertDecided       = "AlertDecided"
	EventRecallAcknowledged = "RecallAcknowledged" // a holder took note of a recall: RecallID, MSPID
	EventRecallClosed       = "RecallClosed"       // the issuer closed a recall with its figures: RecallID
	EventCaptured           = "Captured"           // CaptureEvents: Codes are every code the events changed
)

// MaxEventCodes caps Event.Codes; Count always carries the full number.
const MaxEventCodes = 100

// Event is the JSON payload of a chaincode event: a compact, transaction-level
// summary without personal data.
type Event struct {
	Type        string      `json:"type"`
	TxID        string      `json:"txId"`
	Time        time.Time   `json:"time"`
	Actor       string      `json:"actor"` // MSP ID of the submitter
	MSPID       string      `json:"mspId,omitempty"`
	GTIN        string      `json:"gtin,omitempty"`
	Batch       string      `json:"batch,omitempty"`
	Count       int         `json:"count,omitempty"`
	Codes       []string    `json:"codes,omitempty"` // at most MaxEventCodes
	Container   string      `json:"container,omitempty"`
	Source      string      `json:"source,omitempty"` // lot or part a new part was split off
	From        string      `json:"from,omitempty"`
	To          string      `json:"to,omitempty"`
	Disposition Disposition `json:"disposition,omitempty"`
	Quantity    int64       `json:"quantity,omitempty"`
	RecallID    string      `json:"recallId,omitempty"`
	AlertID     string      `json:"alertId,omitempty"`
	SaleHash    string      `json:"saleHash,omitempty"`
	Version     int         `json:"version,omitempty"`
	// Contents is true when the transaction also changed goods that it does
	// not list: those inside a container it decommissioned, whose
	// disposition follows the container. A reader that keeps derived state
	// per code (a verdict cache) must then forget more than Codes.
	Contents bool `json:"contents,omitempty"`
}
