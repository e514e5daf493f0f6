package client

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

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
func (c *Client) CaptureDocument(ctx context.Context, doc []byte, opts ...CaptureOption) (*model.CaptureResult, error) {
	cc, err := c.CaptureDocumentCommit(ctx, doc, opts...)
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
func (c *Client) CaptureDocumentCommit(ctx context.Context, doc []byte, opts ...CaptureOption) (*CaptureCommit, error) {
	s, err := c.submit(ctx, captureCall(doc))
	if err != nil {
		return nil, err
	}
	return captureCommit(s, doc, opts)
}

// CaptureOption configures one capture call.
type CaptureOption func(*captureConfig)

type captureConfig struct {
	eventIDs []string
}

// WithEventIDs gives the eventIDs of the document's events, in document
// order, as the caller computed them (epcis.ParseCapture), so that the SDK
// checks them against the digest the ledger returns instead of hashing the
// document again: a service that validated the document has them already.
func WithEventIDs(ids []string) CaptureOption {
	return func(c *captureConfig) { c.eventIDs = ids }
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

// captureCommit reports a committed capture of doc with its eventIDs: the
// chaincode returns only their count and digest (model.CaptureResult), so
// they are the caller's (WithEventIDs) or doc's hashes, once they match.
func captureCommit(s *submitted, doc []byte, opts []CaptureOption) (*CaptureCommit, error) {
	res, err := decode[model.CaptureResult](model.FnCaptureEvents, s.result)
	if err != nil {
		return nil, err
	}
	if len(res.EventIDs) == 0 { // a chaincode before the digest listed them
		var cfg captureConfig
		for _, o := range opts {
			o(&cfg)
		}
		ids := cfg.eventIDs
		if ids == nil {
			if ids, err = epcis.DocumentHashes(doc); err != nil {
				return nil, fmt.Errorf("%w: transaction %s committed, but hashing its document failed: %w", ErrAnchorMismatch, res.TxID, err)
			}
		}
		if len(ids) != res.Events || model.EventsDigest(ids) != res.EventsDigest {
			return nil, fmt.Errorf("%w: transaction %s anchored %d events with digest %s; the document has %d with digest %s",
				ErrAnchorMismatch, res.TxID, res.Events, res.EventsDigest, len(ids), model.EventsDigest(ids))
		}
		res.EventIDs = slices.Clone(ids)
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
func (c *Client) SendCaptureDocument(ctx context.Context, doc []byte, opts ...CaptureOption) (AwaitCapture, error) {
	tx, err := c.startTx(ctx, captureCall(doc))
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (*CaptureCommit, error) {
		s, err := tx.wait(ctx)
		if err != nil {
			return nil, err
		}
		return captureCommit(s, doc, opts)
	}, nil
}
