package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// TestWrittenEventsAreTheTracesEvents reads every transaction's writes, as a
// block observer sees them, and finds exactly the events the traces show:
// each once, in the transaction that recorded it, with the eventID the
// ledger anchored.
func TestWrittenEventsAreTheTracesEvents(t *testing.T) {
	w := newWorld(t)
	written := map[string]model.TraceEvent{} // by eventID
	inTx := map[string]string{}              // eventID -> transaction
	w.committed = func(tx *statetest.MemoryTx) {
		var writes []state.KV
		for _, k := range tx.WrittenKeys() {
			writes = append(writes, state.KV{Key: k, Value: w.mem.Value(k)})
		}
		events, err := lifecycle.WrittenEvents(tx.TxID(), writes)
		require.NoError(t, err)
		for _, e := range events {
			if e.Type == model.EventCloneAlert || e.Type == model.EventAlertDecided || e.Type == model.EventSalePurged {
				continue
			}
			require.NotEmpty(t, e.EventID, "%s of %s", e.Type, e.Subject)
			_, dup := written[e.EventID]
			require.False(t, dup, "%s of %s written twice", e.Type, e.Subject)
			written[e.EventID], inTx[e.EventID] = e, tx.TxID()
		}
	}
	codes := tellEveryEvent(t, w)
	at := w.epcisTime()
	captured := unit("W1")
	_, err := w.capture(makerA, document(commissioning(at, []string{captured}, "B9")))
	require.NoError(t, err)
	codes = append(codes, captured)

	traced := map[string]model.TraceEvent{}
	for _, code := range codes {
		for _, e := range trace(t, w, code, 100) {
			if e.EventID != "" {
				e.Via = ""
				traced[e.EventID] = e
			}
		}
	}
	require.NotEmpty(t, traced)
	assert.Equal(t, traced, written, "the writes give the traces' events, and nothing else")
	for id, e := range written {
		if e.Type != model.EventRecalled {
			assert.Equal(t, e.TxID, inTx[id], "%s of %s comes with its own transaction", e.Type, e.Subject)
		}
		if !e.Captured {
			rendered, err := epcis.TraceEventID(e)
			require.NoError(t, err)
			assert.Equal(t, id, rendered, "%s of %s", e.Type, e.Subject)
		}
	}
}

// TestWrittenEventsSkipsOtherKeys leaves deletes, plain keys and other
// object types out, and refuses an undecodable record of a known type.
func TestWrittenEventsSkipsOtherKeys(t *testing.T) {
	batch, err := state.CompositeKey("batch", "g", "b", "c")
	require.NoError(t, err)
	item, err := state.CompositeKey("item", "c")
	require.NoError(t, err)
	events, err := lifecycle.WrittenEvents("tx", []state.KV{
		{Key: "member~x", Value: []byte(`{}`)}, {Key: batch, Value: []byte("unit")}, {Key: item},
	})
	require.NoError(t, err)
	assert.Empty(t, events)
	_, err = lifecycle.WrittenEvents("tx", []state.KV{{Key: item, Value: []byte("{")}})
	assert.Error(t, err)
}
