package model

// Anchor is the EPCIS eventID of a ledger event that is derived from a
// record (commissioning, packing, unpacking, a unit's recall) rather than
// stored as a TraceEvent: Trace copies it into the event it derives.
type Anchor struct {
	EventID  string `json:"eventId,omitempty" metadata:",optional"`
	Captured bool   `json:"captured,omitempty" metadata:",optional"` // EventID is the hash of a captured EPCIS event
	Seq      int    `json:"seq,omitempty" metadata:",optional"`      // TraceEvent.Seq
}
