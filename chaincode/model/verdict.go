package model

// Verdict is the one-word answer of Verify. When several apply, the first in
// this order wins: invalid_code, unknown, recalled, suspected_clone,
// decommissioned, sold, genuine.
type Verdict string

// Verdicts, in precedence order.
const (
	VerdictInvalidCode    Verdict = "invalid_code"    // the input is not a valid code in any accepted form
	VerdictUnknown        Verdict = "unknown"         // valid code, never commissioned on the ledger
	VerdictRecalled       Verdict = "recalled"        // the unit or its batch is under recall
	VerdictSuspectedClone Verdict = "suspected_clone" // the Regulator confirmed a report of a resale after the unit's sale
	VerdictDecommissioned Verdict = "decommissioned"  // destroyed, stolen or damaged
	VerdictSold           Verdict = "sold"            // sold to an end customer
	VerdictGenuine        Verdict = "genuine"         // on the ledger and in circulation
)
