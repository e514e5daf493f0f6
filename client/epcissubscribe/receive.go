package epcissubscribe

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/tracechain/tracechain/client/epcisapi"
)

// Delivery is a webhook delivery as its receiver reads it.
type Delivery struct {
	ID             string // the DeliveryHeader: the subscription and the positions the events start after and end at
	SubscriptionID string
	QueryName      string
	Events         []json.RawMessage // each with its eventID and the ledger fields (epcisapi.Unannotate)
}

// ErrSignature is a delivery whose GS1-Signature does not check.
var ErrSignature = errors.New("epcissubscribe: the delivery's GS1-Signature does not check")

// ReadDelivery is the receiver's side: it reads a delivery's body (at
// most maxBytes), checks its GS1-Signature with the subscription's token
// before anything else, and decodes the EPCISQueryDocument.
func ReadDelivery(r *http.Request, token string, maxBytes int64) (Delivery, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBytes+1))
	if err != nil {
		return Delivery{}, err
	}
	if int64(len(body)) > maxBytes {
		return Delivery{}, fmt.Errorf("epcissubscribe: a delivery above %d bytes", maxBytes)
	}
	if !VerifySignature(token, body, r.Header.Get("GS1-Signature")) {
		return Delivery{}, ErrSignature
	}
	var doc epcisapi.QueryDocument
	if err := json.Unmarshal(body, &doc); err != nil {
		return Delivery{}, fmt.Errorf("epcissubscribe: a delivery that does not decode: %w", err)
	}
	if doc.Type != "EPCISQueryDocument" {
		return Delivery{}, fmt.Errorf("epcissubscribe: a delivery of type %q, not an EPCISQueryDocument", doc.Type)
	}
	q := doc.Body.QueryResults
	return Delivery{ID: r.Header.Get(DeliveryHeader), SubscriptionID: q.SubscriptionID, QueryName: q.QueryName,
		Events: q.ResultsBody.EventList}, nil
}
