package model

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// TransientCaptureKey is the transient-map key under which CaptureEvents
// expects the EPCIS document; the transaction's one argument is only
// CaptureDigest of it. Transient data is not written to the transaction, so
// what the document carries besides the ledger's operations (business
// transactions, sensor data, user extensions, any personal data a member's
// system put there) reaches no block: the ledger anchors its events by hash.
const TransientCaptureKey = "epcisDocument"

// CaptureDigestLen is the length of CaptureDigest's result.
const CaptureDigestLen = 2 * sha256.Size

// CaptureDigest is the CaptureEvents argument for a document: the SHA-256
// of its exact bytes, as lowercase hex. It binds the transaction, which is
// signed and kept in every block, to the document that only the endorsers
// saw.
func CaptureDigest(doc []byte) string {
	sum := sha256.Sum256(doc)
	return hex.EncodeToString(sum[:])
}

// Bounds of one CaptureEvents transaction (docs/epcis.md, "Capture
// transaction"). Together with MaxCodesPerTx over all the events' codes they
// keep the read and write sets within Fabric's message limits.
const (
	MaxCaptureEvents = 1000
	MaxCaptureBytes  = 4 << 20
)

// The window a captured event's eventTime must fall in, around the
// transaction's timestamp: late capture from a buffering site is normal,
// events dated far back (before a recall, say) or in the future are not.
const (
	MaxCaptureEventAge   = 7 * 24 * time.Hour
	MaxCaptureEventAhead = 10 * time.Minute
)

// CapturedEvent is the ledger's index entry of a captured event, keyed by its
// eventID: a replay of the same event is refused, and the service that keeps
// the full event can find the transaction that anchored it. The key names
// the eventID, so the value written leaves EventID empty: it is a tenth of a
// captured unit's bytes on the ledger otherwise. Records written before
// carry it.
type CapturedEvent struct {
	EventID string `json:"eventId,omitempty"`
	TxID    string `json:"txId"`
	Seq     int    `json:"seq"` // 1-based position in the transaction
	Actor   string `json:"actor"`
}

// CaptureResult reports a CaptureEvents transaction: the eventID anchored for
// each captured event, in document order.
type CaptureResult struct {
	EventIDs []string `json:"eventIds"`
	Count    int      `json:"count"` // codes changed, summed over the events
	TxID     string   `json:"txId"`
}
