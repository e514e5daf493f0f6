package model

import "time"

// AlertReasonAlreadySold is the reason of an alert raised when a retailer
// tries to sell a unit that was already sold.
const AlertReasonAlreadySold = "already_sold"

// AlertStatus is where a clone report stands. A report alone changes no
// verdict: only the Regulator's confirmation does, so that one member cannot
// brand a rival's sold goods as clones.
type AlertStatus string

// Alert statuses.
const (
	AlertOpen      AlertStatus = "open"      // reported, awaiting the Regulator
	AlertConfirmed AlertStatus = "confirmed" // the Regulator confirmed a clone: the unit verifies suspected_clone
	AlertDismissed AlertStatus = "dismissed" // the Regulator found no clone
)

// MaxAlertReporters bounds Alert.Reporters, the list of reporters shown
// with an alert; Reports keeps counting. Whether an organisation already
// reported an open alert is not read from that list but from the ledger's
// record of each report (lifecycle's alertreporter~{alertID}~{mspID}), so one
// report per organisation holds for any number of reporters.
const MaxAlertReporters = 20

// MaxCloneReportsPerReporterDay bounds the clone reports from resales (a Sell
// of a sold unit that opens or joins a report) one organisation writes per
// UTC day of transaction time, as model.MaxSignalsPerReporterDay bounds
// signals from scans, so that no retailer can flood the Regulator's queue.
const MaxCloneReportsPerReporterDay = 200

// Alert is a suspected-clone report about one unit, or a signal from the
// public's scans (model/signal.go: about a unit, or about a GTIN, when Code is
// empty). Its ID is the transaction ID of the first refused sale or filing;
// later reports of the same subject while it is open join it, once per
// reporting organisation. It names organisations only, never buyers or
// scanners.
type Alert struct {
	ID         string      `json:"id"`
	Code       string      `json:"code"`
	GTIN       string      `json:"gtin,omitempty" metadata:",optional"`
	Batch      string      `json:"batch,omitempty" metadata:",optional"`
	Reason     string      `json:"reason"`
	Status     AlertStatus `json:"status"`
	Reporter   string      `json:"reporter"`                                 // MSP ID of the first retailer whose sale was refused
	Reporters  []string    `json:"reporters,omitempty" metadata:",optional"` // the first MaxAlertReporters reporting organisations, first first
	Reports    int         `json:"reports"`                                  // distinct reporting organisations, all of them
	DetectedAt time.Time   `json:"detectedAt"`
	SoldBy     string      `json:"soldBy,omitempty" metadata:",optional"` // MSP ID of the original sale
	SoldAt     time.Time   `json:"soldAt,omitzero" metadata:",optional"`
	DecidedBy  string      `json:"decidedBy,omitempty" metadata:",optional"` // the Regulator, once decided
	DecidedAt  time.Time   `json:"decidedAt,omitzero" metadata:",optional"`
	Note       string      `json:"note,omitempty" metadata:",optional"` // the Regulator's public note on the decision
	// Scans and ScansSince are a scan signal's evidence: the filing service's
	// claim that it counted Scans scans since ScansSince (the largest claim
	// of its reporters). The ledger cannot check them. ScansBy names the
	// reporter whose claim they are, so that a joining reporter cannot put
	// its number on another's report unnamed; empty on alerts filed before
	// it was kept.
	Scans      int       `json:"scans,omitempty" metadata:",optional"`
	ScansSince time.Time `json:"scansSince,omitzero" metadata:",optional"`
	ScansBy    string    `json:"scansBy,omitempty" metadata:",optional"`
	// DecidedByStaff names the Regulator's staff member who decided, as the
	// Regulator's console vouches for it (the enrolment ID of the staff
	// member's client certificate); empty when the decision came from
	// elsewhere. The ledger cannot check it: it records the Regulator's word.
	DecidedByStaff string `json:"decidedByStaff,omitempty" metadata:",optional"`
}

// MaxStaffLen bounds DecideAlertRequest.Staff, in characters (a Fabric CA
// enrolment ID, with its domain).
const MaxStaffLen = 128

// AlertDecision is the Regulator's decision on an open alert.
type AlertDecision string

// Decisions.
const (
	DecisionConfirm AlertDecision = "confirm"
	DecisionDismiss AlertDecision = "dismiss"
)

// DecideAlertRequest confirms or dismisses the open alert of a unit (Code),
// or the open unknown_serials signal of a product (GTIN, Code empty). AlertID
// must name that open alert, so a decision is never applied to a report other
// than the one the Regulator examined.
type DecideAlertRequest struct {
	Code     string        `json:"code"`
	GTIN     string        `json:"gtin,omitempty" metadata:",optional"`
	AlertID  string        `json:"alertId"`
	Decision AlertDecision `json:"decision"`
	Note     string        `json:"note,omitempty" metadata:",optional"`
	// Staff names the staff member who made the decision, for the record
	// (optional, at most MaxStaffLen characters, no control characters).
	Staff string `json:"staff,omitempty" metadata:",optional"`
}

// AlertPage is one page of ListAlerts, oldest first.
type AlertPage struct {
	Alerts   []Alert `json:"alerts,omitempty" metadata:",optional"`
	Bookmark string  `json:"bookmark,omitempty" metadata:",optional"`
}
