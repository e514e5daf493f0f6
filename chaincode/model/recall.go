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
}

// RecallReportPage is one page of RecallReport.
type RecallReportPage struct {
	Recall   Recall        `json:"recall"`
	Entries  []RecallEntry `json:"entries,omitempty" metadata:",optional"`
	Bookmark string        `json:"bookmark,omitempty" metadata:",optional"`
}
