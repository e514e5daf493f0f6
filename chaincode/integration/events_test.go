//go:build integration

package integration

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// testEvents reads the chaincode events of every transaction the suite
// committed and checks that each emitted exactly one event, named after the
// transaction's outcome, with a model.Event payload free of personal data.
func testEvents(t *testing.T, s *suite) {
	s.mu.Lock()
	txs := append([]txRecord(nil), s.txs...)
	story := append([]string(nil), s.storyTxs...)
	s.mu.Unlock()
	require.NotEmpty(t, txs)
	want := map[string]txRecord{}
	start := txs[0].Block
	for _, r := range txs {
		want[r.ID] = r
		start = min(start, r.Block)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stream, err := s.reg.Network.ChaincodeEvents(ctx, s.reg.Contract.ChaincodeName(), client.WithStartBlock(start))
	require.NoError(t, err)
	got := map[string][]*client.ChaincodeEvent{}
	seen := 0
	for seen < len(want) {
		select {
		case ev, ok := <-stream:
			require.True(t, ok, "event stream closed after %d of %d transactions", seen, len(want))
			s.requireNoPersonalData(t, "event "+ev.EventName+" of "+ev.TransactionID, ev.Payload)
			if _, mine := want[ev.TransactionID]; mine {
				if len(got[ev.TransactionID]) == 0 {
					seen++
				}
				got[ev.TransactionID] = append(got[ev.TransactionID], ev)
			}
		case <-ctx.Done():
			t.Fatalf("only %d of %d transactions' events arrived", seen, len(want))
		}
	}

	counts := map[string]int{}
	for _, r := range txs {
		evs := got[r.ID]
		if !assert.Len(t, evs, 1, "%s by %s (tx %s) must emit exactly one event", r.Fn, r.MSP, r.ID) {
			continue
		}
		ev := evs[0]
		counts[ev.EventName]++
		assert.Equal(t, r.Event, ev.EventName, "%s by %s (tx %s)", r.Fn, r.MSP, r.ID)
		assert.Equal(t, r.Block, ev.BlockNumber)
		var p model.Event
		if !assert.NoError(t, json.Unmarshal(ev.Payload, &p), "payload of %s: %s", ev.EventName, ev.Payload) {
			continue
		}
		assert.Equal(t, ev.EventName, p.Type)
		assert.Equal(t, r.ID, p.TxID)
		assert.Equal(t, r.MSP, p.Actor)
		assert.False(t, p.Time.IsZero())
		switch ev.EventName {
		case model.EventCommissioned:
			assert.NotEmpty(t, p.GTIN)
			assert.NotEmpty(t, p.Batch)
			assert.Positive(t, p.Count)
			if p.Count <= model.MaxEventCodes {
				assert.Len(t, p.Codes, p.Count)
			} else {
				assert.Empty(t, p.Codes, "codes are listed only up to %d", model.MaxEventCodes)
			}
		case model.EventShipped:
			assert.Equal(t, r.MSP, p.From)
			assert.NotEmpty(t, p.To)
		case model.EventPacked, model.EventUnpacked:
			assert.NotEmpty(t, p.Container)
		case model.EventSold:
			assert.Len(t, p.SaleHash, 64)
			assert.Len(t, p.Codes, 1)
		case model.EventCloneAlert, model.EventAlertDecided:
			// The first report's transaction is the alert; later reports join it.
			assert.NotEmpty(t, p.AlertID)
		case model.EventRecalled:
			assert.Equal(t, r.ID, p.RecallID)
		case model.EventMemberRegistered, model.EventMemberUpdated:
			assert.NotEmpty(t, p.MSPID)
		case model.EventProductRegistered, model.EventProductUpdated:
			assert.NotEmpty(t, p.GTIN)
			assert.Positive(t, p.Version)
		}
	}
	t.Logf("%d transactions from block %d, one event each: %v", len(txs), start, counts)

	var names []string
	for _, id := range story {
		if evs := got[id]; len(evs) == 1 {
			names = append(names, evs[0].EventName)
		}
	}
	if len(story) > 0 {
		assert.Equal(t, []string{
			model.EventCommissioned, model.EventCommissioned,
			model.EventPacked, model.EventPacked, model.EventPacked,
			model.EventShipped, model.EventReceived, model.EventUnpacked,
			model.EventShipped, model.EventReceived,
			model.EventSaleRecorded, model.EventSold, model.EventSaleRecorded, model.EventSold,
			model.EventRecalled,
			model.EventCloneAlert, model.EventCloneAlert, // two reports open two alerts
			model.EventCloneAlert, // a repeated report, deduplicated into the second
			model.EventAlertDecided,
		}, names, "the story's events in order")
	}
}
