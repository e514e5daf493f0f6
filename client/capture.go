package client

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
)

// CaptureEvents captures EPCIS 2.0 events (JSON-LD objects, as in a
// document's eventList) into the ledger in one transaction, all or nothing:
// each event is applied by the ledger operation it stands for, and its CBV
// 2.0 hash becomes the eventID of the ledger events it causes. The events
// are wrapped in an EPCISDocument whose @context is epcis.ExportContext (the
// EPCIS 2.0 standard context and the tracechain prefix); events that use
// prefixes of their own carry their own @context, or go through
// CaptureDocument. A refusal is a *ChaincodeError naming the event (its JSON
// pointer) and, for a document the chaincode could not map, the field as its
// Subject.
func (c *Client) CaptureEvents(ctx context.Context, events []json.RawMessage) (*model.CaptureResult, error) {
	doc, err := json.Marshal(struct {
		Context       json.RawMessage `json:"@context"`
		Type          string          `json:"type"`
		SchemaVersion string          `json:"schemaVersion"`
		CreationDate  string          `json:"creationDate"`
		Body          struct {
			EventList []json.RawMessage `json:"eventList"`
		} `json:"epcisBody"`
	}{
		Context: epcis.ExportContext(), Type: "EPCISDocument", SchemaVersion: "2.0",
		CreationDate: c.now().UTC().Format("2006-01-02T15:04:05.000Z"),
		Body: struct {
			EventList []json.RawMessage `json:"eventList"`
		}{events},
	})
	if err != nil {
		return nil, fmt.Errorf("tracechain: encoding the events: %w", err)
	}
	return c.CaptureDocument(ctx, doc)
}

// CaptureDocument captures the events of an EPCIS 2.0 EPCISDocument, as
// written, like CaptureEvents. A document holds at most
// model.MaxCaptureEvents events and model.MaxCaptureBytes bytes.
//
// The document goes to the endorsing peers as transient data (under
// model.TransientCaptureKey), which no block keeps; the transaction's one
// argument is its SHA-256 (model.CaptureDigest), which the chaincode checks
// against it. So what the ledger does not model (bizTransactionList, sensor
// data, user extensions) is anchored by the events' hashes only, as every
// other capture call of the SDK does.
func (c *Client) CaptureDocument(ctx context.Context, doc []byte) (*model.CaptureResult, error) {
	cc, err := c.CaptureDocumentCommit(ctx, doc)
	if err != nil {
		return nil, err
	}
	return &cc.CaptureResult, nil
}

// CaptureCommit is a committed CaptureEvents transaction: the chaincode's
// result and the block that holds it, which is where anyone checks the
// anchored eventIDs.
type CaptureCommit struct {
	model.CaptureResult
	BlockNumber uint64
}

// CaptureDocumentCommit is CaptureDocument that also reports the block the
// transaction committed in, for a service that keeps the captured events
// with their place on the ledger.
func (c *Client) CaptureDocumentCommit(ctx context.Context, doc []byte) (*CaptureCommit, error) {
	s, err := c.submit(ctx, captureCall(doc))
	if err != nil {
		return nil, err
	}
	return captureCommit(s)
}

// captureCall is the CaptureEvents call of doc: its digest as the argument,
// the document itself as transient data, so that it never enters the
// transaction. Every endorser the gateway picks receives the same transient
// map, so the chaincode's endorsement policy applies unchanged.
func captureCall(doc []byte) call {
	return call{
		Fn:        model.FnCaptureEvents,
		Args:      []string{model.CaptureDigest(doc)},
		Transient: map[string][]byte{model.TransientCaptureKey: doc},
	}
}

func captureCommit(s *submitted) (*CaptureCommit, error) {
	res, err := decode[model.CaptureResult](model.FnCaptureEvents, s.result)
	if err != nil {
		return nil, err
	}
	return &CaptureCommit{CaptureResult: *res, BlockNumber: s.blockNumber}, nil
}

// AwaitCapture waits for the commit of a CaptureEvents transaction that
// SendCaptureDocument sent, and reports it as CaptureDocumentCommit does.
// Call it once.
type AwaitCapture func(ctx context.Context) (*CaptureCommit, error)

// SendCaptureDocument endorses the CaptureEvents transaction of doc and
// sends it to the orderer without waiting for its commit, which the returned
// AwaitCapture awaits: a caller that splits a large document keeps several
// transactions in flight, as CommissionBulk does with its chunks. Each
// transaction stays all or nothing, and its document travels as transient
// data as for CaptureDocument. Endorsement and sending are retried as
// for CaptureDocumentCommit; a transaction that fails validation with an
// MVCC conflict is proposed again while it is awaited.
func (c *Client) SendCaptureDocument(ctx context.Context, doc []byte) (AwaitCapture, error) {
	tx, err := c.startTx(ctx, captureCall(doc))
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (*CaptureCommit, error) {
		s, err := tx.wait(ctx)
		if err != nil {
			return nil, err
		}
		return captureCommit(s)
	}, nil
}
