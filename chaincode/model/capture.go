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
// the full event can find the transaction that anchored it. A commissioning
// event has none: the records it creates refuse its replay, and carry its
// eventID as their anchor. The key names
// the eventID, so the value written leaves EventID empty: it is a tenth of a
// captured unit's bytes on the ledger otherwise. Records written before
// carry it.
type CapturedEvent struct {
	EventID string `json:"eventId,omitempty"`
	TxID    string `json:"txId"`
	Seq     int    `json:"seq"` // 1-based position in the transaction
	Actor   string `json:"actor"`
}

// CaptureResult reports a CaptureEvents transaction. The chaincode returns
// how many events it anchored and EventsDigest of their eventIDs, not the
// eventIDs: a transaction's result is kept in its block, where every eventID
// already is, as the anchor of the records and ledger events its event
// caused, and listing them again cost 92 kB per 1,000 events in every block.
// The SDK fills EventIDs from the document it sent, hashed as the chaincode
// hashes it, once they match the digest.
type CaptureResult struct {
	EventIDs     []string `json:"eventIds,omitempty" metadata:",optional"`
	Events       int      `json:"events"`       // events anchored
	EventsDigest string   `json:"eventsDigest"` // EventsDigest of their eventIDs, in document order
	Count        int      `json:"count"`        // codes changed, summed over the events
	TxID         string   `json:"txId"`
}

// EventsDigest is the SHA-256, as lowercase hex, of eventIDs in order, each
// followed by a newline (an eventID holds none).
func EventsDigest(eventIDs []string) string {
	h := sha256.New()
	for _, id := range eventIDs {
		h.Write([]byte(id))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}
