package model

import "time"

// Alert reasons of the signals a verification service files from the
// public's scans (FileSignal). Like a clone report from a resale, a signal
// changes no verdict until the Regulator decides it (DecideAlert).
const (
	// AlertReasonScannedAfterSale: a sold or decommissioned unit was scanned
	// again and again, as a unit whose code was copied onto other products
	// is. The signal names the unit (Alert.Code).
	AlertReasonScannedAfterSale = "scanned_after_sale"
	// AlertReasonUnknownSerials: many scans of serials never commissioned
	// under a registered GTIN, as printed fake labels are. The signal names
	// the GTIN only (Alert.GTIN; Alert.Code is empty): no unit exists.
	AlertReasonUnknownSerials = "unknown_serials"
)

// Outcomes of FileSignal.
const (
	SignalFiled     = "filed"     // a new open report
	SignalJoined    = "joined"    // the subject's open report gained this reporter
	SignalDuplicate = "duplicate" // this reporter already reported the subject's open report: nothing written
)

// Bounds of FileSignal.
const (
	// MaxSignalsPerReporterDay bounds the signals (filed or joined) one
	// organisation writes per UTC day of transaction time, so that scanning,
	// or a dishonest reporter, cannot flood the ledger.
	MaxSignalsPerReporterDay = 200
	// MaxSignalScans bounds FileSignalRequest.Scans, a plausibility check on
	// the service's claim.
	MaxSignalScans = 1_000_000_000
	// MaxSignalSpan bounds how far back FileSignalRequest.Since may lie.
	MaxSignalSpan = 31 * 24 * time.Hour
)

// FileSignalRequest files a signal from the public's scans as a report for
// the Regulator. Scans and Since are the filing service's claim (it counted
// Scans scans since Since); the ledger checks only that they are plausible
// and that the subject exists in the state the reason says.
type FileSignalRequest struct {
	Reason string    `json:"reason"`                              // AlertReasonScannedAfterSale or AlertReasonUnknownSerials
	Code   string    `json:"code,omitempty" metadata:",optional"` // the unit, for scanned_after_sale
	GTIN   string    `json:"gtin,omitempty" metadata:",optional"` // the registered product, for unknown_serials
	Scans  int       `json:"scans"`                               // scans counted
	Since  time.Time `json:"since"`                               // start of the counting window
}

// SignalResult is the answer of FileSignal: what happened and the report as
// it now stands.
type SignalResult struct {
	Outcome string `json:"outcome"` // SignalFiled, SignalJoined or SignalDuplicate
	Alert   Alert  `json:"alert"`
}
