package model

import "time"

// TraceEvent is one EPCIS-style event in the history of an item. Most are
// stored under event~{subject}~{time}~{txID}; commissioning, lot splits,
// packing, unpacking and recalls are derived from the item, container and
// recall records. Trace returns them in chronological order; events that a
// unit underwent inside a container carry the container in Via.
type TraceEvent struct {
	Subject     string      `json:"subject"`                                    // code the event was recorded on
	Type        string      `json:"type"`                                       // event name, e.g. Shipped
	BizStep     BizStep     `json:"bizStep,omitempty" metadata:",optional"`     // none for a recall: CBV 2.0 has no recall step
	Disposition Disposition `json:"disposition,omitempty" metadata:",optional"` // disposition after the event
	Time        time.Time   `json:"time"`
	TxID        string      `json:"txId"`
	Actor       string      `json:"actor,omitempty" metadata:",optional"`  // MSP ID that submitted the transaction
	From        string      `json:"from,omitempty" metadata:",optional"`   // source MSP ID / source lot
	To          string      `json:"to,omitempty" metadata:",optional"`     // destination MSP ID
	Parent      string      `json:"parent,omitempty" metadata:",optional"` // container packed into / unpacked from
	Count       int         `json:"count,omitempty" metadata:",optional"`  // children packed or unpacked (container side)
	Quantity    int64       `json:"quantity,omitempty" metadata:",optional"`
	RecallID    string      `json:"recallId,omitempty" metadata:",optional"`
	AlertID     string      `json:"alertId,omitempty" metadata:",optional"`
	Via         string      `json:"via,omitempty" metadata:",optional"` // container through which the event applied

	// What the EPCIS rendering depends on besides the fields above, fixed
	// when the event was written so that later master-data changes do not
	// change it (docs/epcis.md, "Event hash on the ledger").
	FromParty string `json:"fromParty,omitempty" metadata:",optional"` // EPCIS party URI of From
	ToParty   string `json:"toParty,omitempty" metadata:",optional"`   // EPCIS party URI of To
	Location  string `json:"location,omitempty" metadata:",optional"`  // EPCIS location URI (GLN, AI 414) the caller named

	// EventID is the event's EPCIS eventID: the CBV 2.0 event hash of its
	// rendering (epcis.TraceEventID), or, when Captured, of the EPCIS event
	// the member captured (CaptureEvents), which the capturing service keeps.
	EventID  string `json:"eventId,omitempty" metadata:",optional"`
	Captured bool   `json:"captured,omitempty" metadata:",optional"`
	// Seq orders the ledger events of one captured transaction: the 1-based
	// position of the captured event that caused it; 0 otherwise.
	Seq int `json:"seq,omitempty" metadata:",optional"`
}

// TracePage is one page of Trace.
type TracePage struct {
	Code     string       `json:"code"`
	Events   []TraceEvent `json:"events,omitempty" metadata:",optional"`
	Bookmark string       `json:"bookmark,omitempty" metadata:",optional"`
}
