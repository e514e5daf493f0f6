package lifecycle

import (
	"encoding/json"
	"fmt"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// WrittenEvents returns the trace events that the committed transaction txID
// recorded, read from its public writes (the key-value pairs its block
// carries) rather than from the world state: the stored events it wrote, and
// the events Trace derives from the item and recall records it wrote, for
// exactly the commissioning, split, packing, unpacking and recall that this
// transaction did. Each event is as Trace returns it, eventID included, so
// that an observer of the blocks gets the same events, in the same EPCIS
// rendering, as a reader of the trace; none carries Via, which only a trace
// through a container adds.
//
// Keys of other object types (batch, contains, alerts, members, ...) and
// writes that do not parse are skipped or refused: an undecodable record of
// a known type is an error, because skipping it would lose an event. The
// result follows the order of writes, which Fabric sorts by key.
func WrittenEvents(txID string, writes []state.KV) ([]model.TraceEvent, error) {
	// A recall's record comes with the items it marks: it names who issued it.
	recalls := map[string]*model.Recall{}
	for _, w := range writes {
		if objectType, _, err := state.SplitCompositeKey(w.Key); err == nil && objectType == recallIDKey && len(w.Value) > 0 {
			var r model.Recall
			if err := json.Unmarshal(w.Value, &r); err != nil {
				return nil, fmt.Errorf("decoding recall %q: %w", w.Key, err)
			}
			recalls[r.ID] = &r
		}
	}
	var out []model.TraceEvent
	for _, w := range writes {
		objectType, attrs, err := state.SplitCompositeKey(w.Key)
		if err != nil || len(w.Value) == 0 {
			continue // a plain key (a member, a product) or a delete
		}
		switch objectType {
		case eventKey:
			var e model.TraceEvent
			if err := json.Unmarshal(w.Value, &e); err != nil {
				return nil, fmt.Errorf("decoding event %q: %w", w.Key, err)
			}
			out = append(out, e)
		case itemKey:
			var it model.Item
			if err := json.Unmarshal(w.Value, &it); err != nil {
				return nil, fmt.Errorf("decoding item %q: %w", w.Key, err)
			}
			out = append(out, itemEvents(txID, &it, recalls)...)
		case recallIDKey:
			if r := recalls[lastAttr(attrs)]; r != nil && r.GTIN != "" && r.Batch != "" {
				e, err := batchRecallEvent(r)
				if err != nil {
					return nil, err
				}
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// itemEvents are the events derived from an item record that txID wrote:
// only those of txID itself, since every later transaction on the item
// rewrites the whole record with its earlier history.
func itemEvents(txID string, it *model.Item, recalls map[string]*model.Recall) []model.TraceEvent {
	var out []model.TraceEvent
	created := it.CommissionTx == txID
	if created {
		out = append(out, creationEvent(it))
	}
	for _, p := range it.Packings {
		if p.PackedTx == txID {
			out = append(out, packingEvent(it.Code, p, false, ""))
		}
		if p.UnpackedTx == txID {
			out = append(out, packingEvent(it.Code, p, true, ""))
		}
	}
	// A unit-list recall marks its items in the recall's own transaction; a
	// lot part split off recalled goods inherits the recall when it is made.
	if it.RecallID != "" && (it.RecallID == txID || created) {
		r := recalls[it.RecallID]
		if r == nil {
			r = &model.Recall{ID: it.RecallID}
		}
		out = append(out, recallEvent(it.Code, r, it.RecalledAt, it.RecallEvent))
	}
	return out
}

// batchRecallEvent is the event of a batch recall, recorded on the batch's
// LGTIN; a unit-list recall has none of its own (its items carry them).
func batchRecallEvent(r *model.Recall) (model.TraceEvent, error) {
	lot, err := identifier.LGTIN(r.GTIN, r.Batch)
	if err != nil {
		return model.TraceEvent{}, fmt.Errorf("batch recall %s: %w", r.ID, err)
	}
	return recallEvent(lot.Canonical, r, r.IssuedAt, model.Anchor{EventID: r.EventID}), nil
}

// lastAttr is a key's last attribute, "" for a key without one.
func lastAttr(attrs []string) string {
	if len(attrs) == 0 {
		return ""
	}
	return attrs[len(attrs)-1]
}
