package model

import "time"

// RecallRequest recalls either a batch (GTIN + Batch, constant cost whatever
// its size) or a list of units and lot parts (Codes), not both.
type RecallRequest struct {
	GTIN   string   `json:"gtin,omitempty" metadata:",optional"`
	Batch  string   `json:"batch,omitempty" metadata:",optional"`
	Codes  []string `json:"codes,omitempty" metadata:",optional"`
	Reason string   `json:"reason"` // public description of the defect
}

// Recall is a recall record. Its ID is the transaction ID that issued it.
type Recall struct {
	ID       string    `json:"id"`
	GTIN     string    `json:"gtin,omitempty" metadata:",optional"`  // batch recall
	Batch    string    `json:"batch,omitempty" metadata:",optional"` // batch recall
	Count    int       `json:"count,omitempty" metadata:",optional"` // unit-list recall: number of codes
	Reason   string    `json:"reason"`
	IssuedBy string    `json:"issuedBy"` // MSP ID
	IssuedAt time.Time `json:"issuedAt"`
	EventID  string    `json:"eventId,omitempty" metadata:",optional"` // batch recall: eventID of its EPCIS event, on the batch's LGTIN
	// Closed is set once the issuer closes the recall with its figures.
	Closed *RecallClosure `json:"closed,omitempty" metadata:",optional"`
}

// RecallAck is a member's acknowledgement of a recall that reaches goods it
// holds: from it on, the member has taken note that the goods are
// quarantined (they could be moved only back to their manufacturer, and not
// sold, from the recall on).
type RecallAck struct {
	RecallID string    `json:"recallId"`
	MSPID    string    `json:"mspId"`
	At       time.Time `json:"at"`
	TxID     string    `json:"txId"`
}

// RecallAckPage is one page of ListRecallAcks.
type RecallAckPage struct {
	Acks     []RecallAck `json:"acks,omitempty" metadata:",optional"`
	Bookmark string      `json:"bookmark,omitempty" metadata:",optional"`
}

// CloseRecallRequest closes a recall with the issuer's figures: what it got
// back and what was destroyed, as it counted them, and a public note.
type CloseRecallRequest struct {
	RecallID  string `json:"recallId"`
	Returned  int64  `json:"returned"`
	Destroyed int64  `json:"destroyed"`
	Note      string `json:"note,omitempty" metadata:",optional"`
}

// RecallClosure is how a recall was closed.
type RecallClosure struct {
	At        time.Time `json:"at"`
	By        string    `json:"by"` // MSP ID of the issuer
	Returned  int64     `json:"returned"`
	Destroyed int64     `json:"destroyed"`
	Note      string    `json:"note,omitempty" metadata:",optional"`
	TxID      string    `json:"txId"`
}

// RecallEntry is one affected item in a recall report: the item, the
// outermost container holding it if packed, and where it is now.
type RecallEntry struct {
	Code         string      `json:"code"`
	Class        ItemClass   `json:"class"`
	TopContainer string      `json:"topContainer,omitempty" metadata:",optional"`
	Holder       Party       `json:"holder"`
	Disposition  Disposition `json:"disposition"` // effective disposition (not "recalled")
	Destination  string      `json:"destination,omitempty" metadata:",optional"`
	Quantity     int64       `json:"quantity,omitempty" metadata:",optional"` // lots and parts
	// SoldBeforeRecall: a unit sold to a consumer before the recall (its
	// seller is the Holder); no buyer data.
	SoldBeforeRecall bool `json:"soldBeforeRecall,omitempty" metadata:",optional"`
}

// RecallReportPage is one page of RecallReport.
type RecallReportPage struct {
	Recall   Recall        `json:"recall"`
	Entries  []RecallEntry `json:"entries,omitempty" metadata:",optional"`
	Bookmark string        `json:"bookmark,omitempty" metadata:",optional"`
}
