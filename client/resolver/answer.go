package resolver

import (
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// VerdictMismatch is the Answer verdict for a pack whose printed batch,
// expiry or production date differs from the ledger's record of that code:
// the code was most likely copied onto other goods. It ranks below
// recalled and suspected_clone (those are about the genuine unit and tell
// the buyer not to use it either way) and above every other ledger verdict.
const VerdictMismatch model.Verdict = "mismatch"

// Reason codes of an Answer.
const (
	ReasonBatchMismatch          = "batch_mismatch"
	ReasonExpiryMismatch         = "expiry_mismatch"
	ReasonProductionDateMismatch = "production_date_mismatch"
	ReasonExpired                = "expired"
	ReasonRecalled               = "recalled"
	ReasonSuspectedClone         = "suspected_clone"
	ReasonDecommissioned         = "decommissioned"
	ReasonUnknown                = "unknown"
	// The Regulator suspended the producer or the seller named on the
	// answer (for counterfeiting, say). The verdict stays the ledger's: the
	// unit's own record did not change, but a buyer must be told before
	// trusting goods of that enterprise.
	ReasonProducerSuspended = "producer_suspended"
	ReasonSellerSuspended   = "seller_suspended"
)

// Reason is one finding behind a verdict. Scanned and Ledger are the two
// values that disagree, for the mismatch reasons.
type Reason struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Scanned string `json:"scanned,omitempty"`
	Ledger  string `json:"ledger,omitempty"`
}

// PublicProduct is the part of a product record that may be shown to anyone
// who scans the code.
type PublicProduct struct {
	GTIN                   string   `json:"gtin"`
	Name                   string   `json:"name"`
	Type                   string   `json:"type"`
	Specification          string   `json:"specification,omitempty"`
	Standards              []string `json:"standards,omitempty"`
	Licence                string   `json:"licence,omitempty"` // production licence or CCC certificate number
	WarrantyMonths         int      `json:"warrantyMonths,omitempty"`
	InspectionReportURI    string   `json:"inspectionReportUri,omitempty"`
	InspectionReportSHA256 string   `json:"inspectionReportSha256,omitempty"`
}

// PublicParty is an enterprise as the public sees it: name and unified
// social credit code, no MSP ID, and whether the Regulator suspended it.
// The suspension is published because it is the Regulator's public
// sanction, and the reason a shopper should hesitate.
type PublicParty struct {
	Name      string `json:"name,omitempty"`
	USCC      string `json:"uscc,omitempty"`
	Suspended bool   `json:"suspended,omitempty"`
}

// publicParty is what may be published of a party: never its MSP ID.
func publicParty(p *model.Party) *PublicParty {
	return &PublicParty{Name: p.Name, USCC: p.USCC, Suspended: p.Suspended}
}

// RecallNotice says that the unit or its batch is under recall.
type RecallNotice struct {
	ID       string     `json:"id"`
	Reason   string     `json:"reason,omitempty"`
	IssuedAt *time.Time `json:"issuedAt,omitempty"`
}

// Answer is the public answer of the verification service. It is built from
// model.Verification by publicAnswer, which copies field by field, so a
// field added to Verification is not published until it is added here on
// purpose. It never holds the current holder or any distributor (who holds
// which stock is commercial data of the members), nor any buyer data.
type Answer struct {
	Input          string         `json:"input"`
	Code           string         `json:"code,omitempty"` // canonical code
	Verdict        model.Verdict  `json:"verdict"`
	LedgerVerdict  model.Verdict  `json:"ledgerVerdict"` // the ledger's verdict before the point-of-sale checks
	Reasons        []Reason       `json:"reasons,omitempty"`
	Detail         string         `json:"detail,omitempty"`
	Class          string         `json:"class,omitempty"`
	Scheme         string         `json:"scheme,omitempty"`
	Product        *PublicProduct `json:"product,omitempty"`
	Producer       *PublicParty   `json:"producer,omitempty"`
	Batch          string         `json:"batch,omitempty"`
	ProductionDate string         `json:"productionDate,omitempty"`
	ExpiryDate     string         `json:"expiryDate,omitempty"`
	Expired        bool           `json:"expired"`
	WarrantyEnd    string         `json:"warrantyEnd,omitempty"`
	WarrantyActive *bool          `json:"warrantyActive,omitempty"` // nil when the ledger has no warranty end
	Disposition    string         `json:"disposition,omitempty"`
	Recall         *RecallNotice  `json:"recall,omitempty"`
	AlertID        string         `json:"alertId,omitempty"` // the Regulator's confirmed clone alert
	// Seller is the retailer that sold the unit and SoldAt when: a shopper
	// offered a "new" unit that was sold elsewhere sees by whom and when.
	// The seller is a business; the buyer is never published.
	Seller    *PublicParty `json:"seller,omitempty"`
	SoldAt    *time.Time   `json:"soldAt,omitempty"`
	CheckedAt time.Time    `json:"checkedAt"`
}

// scanned is what the scanned code itself states about the pack.
type scanned struct {
	batch, expiry, production string
}

func scannedOf(c identifier.Code) scanned {
	return scanned{batch: c.Batch, expiry: c.ExpiryDate, production: c.ProductionDate}
}

// chinaTime is the zone dates are judged in: a date printed on a pack ends
// at midnight where the resolver's users are (UTC+8, no daylight saving).
var chinaTime = time.FixedZone("CST", 8*3600)

// publicAnswer reduces v to what may be published and applies the
// point-of-sale checks of s against v at now.
func publicAnswer(v *model.Verification, s scanned, now time.Time) *Answer {
	a := &Answer{
		Input: v.Input, Code: v.Code, Verdict: v.Verdict, LedgerVerdict: v.Verdict, Detail: v.Detail,
		Class: string(v.Class), Scheme: v.Scheme,
		Batch: v.Batch, ProductionDate: v.ProductionDate, ExpiryDate: v.ExpiryDate, WarrantyEnd: v.WarrantyEnd,
		Disposition: string(v.Disposition), AlertID: v.AlertID, CheckedAt: now.UTC(),
	}
	if p := v.Product; p != nil {
		a.Product = publicProduct(p)
	}
	if p := v.Producer; p != nil {
		a.Producer = publicParty(p)
	}
	if v.RecallID != "" {
		a.Recall = &RecallNotice{ID: v.RecallID, Reason: v.RecallReason}
		if !v.RecalledAt.IsZero() {
			t := v.RecalledAt.UTC()
			a.Recall.IssuedAt = &t
		}
	}
	if p := v.Seller; p != nil {
		a.Seller = publicParty(p)
	}
	switch {
	case !v.SoldAt.IsZero():
		t := v.SoldAt.UTC()
		a.SoldAt = &t
	case v.Verdict == model.VerdictSold && !v.LastEventAt.IsZero():
		// A ledger whose Verify predates SoldAt: a sold unit's last event is its sale.
		t := v.LastEventAt.UTC()
		a.SoldAt = &t
	}

	switch v.Verdict {
	case model.VerdictInvalidCode, model.VerdictUnknown:
		// Nothing on the ledger to compare with.
		if v.Verdict == model.VerdictUnknown {
			a.Reasons = append(a.Reasons, Reason{Code: ReasonUnknown, Message: "the code was never commissioned on the ledger"})
		}
		return a
	case model.VerdictRecalled:
		a.Reasons = append(a.Reasons, Reason{Code: ReasonRecalled, Message: "the unit or its batch is under recall"})
	case model.VerdictSuspectedClone:
		a.Reasons = append(a.Reasons, Reason{Code: ReasonSuspectedClone, Message: "the Regulator confirmed a report of this unit being sold again after its sale"})
	case model.VerdictDecommissioned:
		a.Reasons = append(a.Reasons, Reason{Code: ReasonDecommissioned, Message: "the unit was destroyed, stolen or damaged"})
	}

	mismatch := false
	check := func(code, what, got, want string) {
		if got != "" && want != "" && got != want {
			mismatch = true
			a.Reasons = append(a.Reasons, Reason{Code: code, Message: "the " + what + " on the pack differs from the ledger's", Scanned: got, Ledger: want})
		}
	}
	check(ReasonBatchMismatch, "batch", s.batch, v.Batch)
	check(ReasonExpiryMismatch, "expiry date", s.expiry, v.ExpiryDate)
	check(ReasonProductionDateMismatch, "production date", s.production, v.ProductionDate)
	if mismatch && v.Verdict != model.VerdictRecalled && v.Verdict != model.VerdictSuspectedClone {
		a.Verdict = VerdictMismatch
	}

	today := now.In(chinaTime).Format(time.DateOnly)
	// The ledger's expiry is authoritative; the printed one is judged only
	// when the ledger has none.
	exp := Reason{Code: ReasonExpired, Message: "the expiry date has passed", Ledger: v.ExpiryDate}
	date := v.ExpiryDate
	if date == "" {
		exp.Scanned, date = s.expiry, s.expiry
	}
	if date != "" && today > date {
		a.Expired = true
		a.Reasons = append(a.Reasons, exp)
	}
	if v.WarrantyEnd != "" {
		active := today <= v.WarrantyEnd
		a.WarrantyActive = &active
	}
	// A suspension is news about the enterprise, not about the unit: it
	// leaves the verdict alone and comes after the reasons for it. (An
	// unknown or invalid code, which returned above, names no party.)
	if a.Producer != nil && a.Producer.Suspended {
		a.Reasons = append(a.Reasons, Reason{Code: ReasonProducerSuspended, Message: "the Regulator suspended the producer from the ledger"})
	}
	if a.Seller != nil && a.Seller.Suspended {
		a.Reasons = append(a.Reasons, Reason{Code: ReasonSellerSuspended, Message: "the Regulator suspended the seller from the ledger"})
	}
	return a
}
