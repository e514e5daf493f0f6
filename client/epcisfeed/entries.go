package epcisfeed

import (
	"context"
	"encoding/json"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/eventindex"
)

// exportContext is the @context of the ledger's renderings: their
// tracechain: extensions need its prefix to hash as the chaincode hashed
// them.
var exportContext = epcis.ExportContext()

// entries are the index entries of one block, transaction by transaction in
// block order.
func (f *Feeder) entries(ctx context.Context, b client.Block) ([]eventindex.Entry, error) {
	var out []eventindex.Entry
	for _, tx := range b.Transactions {
		es, err := f.txEntries(ctx, tx)
		if err != nil {
			return nil, &BlockError{Block: b.Number, TxID: tx.TxID, Err: err}
		}
		out = append(out, es...)
	}
	return out, nil
}

// txEntries renders the events one transaction recorded: a captured event
// this member kept as its verbatim copy (once, however many ledger events it
// caused), every other event as the ledger renders it.
func (f *Feeder) txEntries(ctx context.Context, tx client.BlockTransaction) ([]eventindex.Entry, error) {
	writes := make([]state.KV, 0, len(tx.Writes))
	for _, w := range tx.Writes {
		if !w.Delete {
			writes = append(writes, state.KV{Key: w.Key, Value: w.Value})
		}
	}
	events, err := lifecycle.WrittenEvents(tx.TxID, writes)
	if err != nil {
		return nil, err
	}
	var out []eventindex.Entry
	var rendered []model.TraceEvent
	kept := map[string]bool{} // captured eventID -> indexed from its kept copy
	for _, e := range events {
		if e.Captured && e.EventID != "" {
			done, seen := kept[e.EventID]
			if !seen {
				k, err := f.verbatim(ctx, e.EventID)
				if err != nil {
					return nil, err
				}
				if done = k != nil; done {
					out = append(out, eventindex.Entry{TxID: tx.TxID, Event: k.Event, Context: k.Context, RecordTime: tx.Time})
				}
				kept[e.EventID] = done
			}
			if done {
				continue
			}
		}
		rendered = append(rendered, e)
	}
	if len(rendered) == 0 {
		return out, nil
	}
	doc, err := epcis.FromTrace(tx.TxID, rendered, epcis.MapOptions{})
	if err != nil {
		return nil, err
	}
	for _, ev := range doc.Body.EventList {
		raw, err := json.Marshal(ev)
		if err != nil {
			return nil, err
		}
		out = append(out, eventindex.Entry{TxID: tx.TxID, Event: raw, Context: exportContext, RecordTime: tx.Time})
	}
	return out, nil
}

// verbatim returns the kept copy of a captured event when there is one and
// its hash is the eventID the ledger anchored; nil otherwise, and the
// ledger's rendering stands in for it. A copy with another hash is not the
// event the ledger proves, whatever put it there.
func (f *Feeder) verbatim(ctx context.Context, eventID string) (*eventindex.Kept, error) {
	k, ok, err := f.idx.KeptEvent(ctx, eventID)
	if err != nil || !ok {
		return nil, err
	}
	if !hashesTo(k, eventID) {
		return nil, nil
	}
	return &k, nil
}

// hashesTo reports whether a kept copy is the event eventID names; an
// unreadable copy is not.
func hashesTo(k eventindex.Kept, eventID string) bool {
	docContext, err := epcis.ParseContext(k.Context)
	if err != nil {
		return false
	}
	id, err := epcis.EventHash(k.Event, docContext)
	return err == nil && id == eventID
}
