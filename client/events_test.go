package client

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"

	"github.com/tracechain/tracechain/chaincode/model"
)

func rawEvent(t *testing.T, block uint64, txID, typ string) *gateway.ChaincodeEvent {
	t.Helper()
	payload, err := json.Marshal(model.Event{Type: typ, TxID: txID, Time: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Actor: "RegulatorMSP"})
	require.NoError(t, err)
	return &gateway.ChaincodeEvent{BlockNumber: block, TransactionID: txID, ChaincodeName: "tracechain", EventName: typ, Payload: payload}
}

func feed(events ...*gateway.ChaincodeEvent) <-chan *gateway.ChaincodeEvent {
	ch := make(chan *gateway.ChaincodeEvent, len(events))
	for _, e := range events {
		ch <- e
	}
	close(ch)
	return ch
}

// blocking returns a channel that yields events and then stays open until ctx ends.
func blocking(ctx context.Context, events ...*gateway.ChaincodeEvent) <-chan *gateway.ChaincodeEvent {
	ch := make(chan *gateway.ChaincodeEvent)
	go func() {
		defer close(ch)
		for _, e := range events {
			select {
			case ch <- e:
			case <-ctx.Done():
				return
			}
		}
		<-ctx.Done()
	}()
	return ch
}

func TestEventsFilterDecodeAndCheckpointToFile(t *testing.T) {
	c, cc, _ := newTestClient(t)
	file := filepath.Join(t.TempDir(), "events.checkpoint")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	evs := []*gateway.ChaincodeEvent{
		rawEvent(t, 5, "t1", model.EventShipped),
		rawEvent(t, 5, "t2", model.EventRecalled),
		rawEvent(t, 6, "t3", model.EventCloneAlert),
		rawEvent(t, 7, "t4", model.EventReceived),
	}
	cc.EXPECT().ChaincodeEvents(gomock.Any(), "tracechain", eventPosition{}).
		DoAndReturn(func(sctx context.Context, _ string, _ eventPosition) (<-chan *gateway.ChaincodeEvent, error) {
			return blocking(sctx, evs...), nil
		})
	var got []Event
	for ev, err := range c.Events(ctx, EventOptions{CheckpointFile: file, Types: []string{model.EventRecalled, model.EventCloneAlert}}) {
		require.NoError(t, err)
		got = append(got, ev)
		if ev.Type == model.EventCloneAlert {
			break
		}
	}
	require.Len(t, got, 2)
	assert.Equal(t, model.EventRecalled, got[0].Type)
	assert.Equal(t, uint64(5), got[0].BlockNumber)
	assert.Equal(t, "t2", got[0].TxID)
	assert.Equal(t, "RegulatorMSP", got[0].Actor)
	assert.Equal(t, "t3", got[1].TxID)

	// The event the consumer broke after counts as handled.
	cp, err := gateway.NewFileCheckpointer(file)
	require.NoError(t, err)
	assert.Equal(t, uint64(6), cp.BlockNumber())
	assert.Equal(t, "t3", cp.TransactionID())
	require.NoError(t, cp.Close())

	// A restarted listener resumes right after it: t4 only.
	cc.EXPECT().ChaincodeEvents(gomock.Any(), "tracechain", eventPosition{Set: true, Block: 6, AfterTxID: "t3"}).
		DoAndReturn(func(sctx context.Context, _ string, _ eventPosition) (<-chan *gateway.ChaincodeEvent, error) {
			return blocking(sctx, evs[3]), nil
		})
	for ev, err := range c.Events(ctx, EventOptions{CheckpointFile: file}) {
		require.NoError(t, err)
		assert.Equal(t, "t4", ev.TxID)
		break
	}
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.JSONEq(t, `{"blockNumber":7,"transactionId":"t4"}`, string(raw))
}

func TestEventsStartBlockAndReconnectFromLastEvent(t *testing.T) {
	c, cc, _ := newTestClient(t)
	start := uint64(3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gomock.InOrder(
		// The stream breaks after one event ...
		cc.EXPECT().ChaincodeEvents(gomock.Any(), "tracechain", eventPosition{Set: true, Block: 3}).
			Return(feed(rawEvent(t, 3, "a", model.EventSold)), nil),
		// ... and is reopened after it.
		cc.EXPECT().ChaincodeEvents(gomock.Any(), "tracechain", eventPosition{Set: true, Block: 3, AfterTxID: "a"}).
			DoAndReturn(func(sctx context.Context, _ string, _ eventPosition) (<-chan *gateway.ChaincodeEvent, error) {
				return blocking(sctx, rawEvent(t, 4, "b", model.EventSold)), nil
			}),
	)
	var ids []string
	for ev, err := range c.Events(ctx, EventOptions{StartBlock: &start}) {
		require.NoError(t, err)
		ids = append(ids, ev.TxID)
		if len(ids) == 2 {
			cancel()
		}
	}
	assert.Equal(t, []string{"a", "b"}, ids)
}

func TestEventsGiveUpAfterRepeatedFailures(t *testing.T) {
	c, cc, _ := newTestClient(t) // 3 attempts
	cc.EXPECT().ChaincodeEvents(gomock.Any(), gomock.Any(), gomock.Any()).Times(3).Return(feed(), nil)
	var last error
	for _, err := range c.Events(context.Background(), EventOptions{}) {
		last = err
	}
	assert.ErrorIs(t, last, ErrUnavailable)
}

func TestEventsUndecodablePayloadIsReported(t *testing.T) {
	c, cc, _ := newTestClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bad := &gateway.ChaincodeEvent{BlockNumber: 1, TransactionID: "x", EventName: "Odd", Payload: []byte("{")}
	cc.EXPECT().ChaincodeEvents(gomock.Any(), gomock.Any(), gomock.Any()).
		DoAndReturn(func(sctx context.Context, _ string, _ eventPosition) (<-chan *gateway.ChaincodeEvent, error) {
			return blocking(sctx, bad), nil
		})
	for ev, err := range c.Events(ctx, EventOptions{Types: []string{model.EventRecalled}}) {
		assert.Error(t, err)
		assert.Equal(t, "Odd", ev.Type)
		break
	}
}
