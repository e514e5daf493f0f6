//go:build integration

package faults_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// arrivals hands a shipped lot to its receiver once the receiver's own peer has committed
// the shipment, as a receiving application learns of it: from the Shipped event on its
// peer's event stream. The sender's acknowledgement and the event may come in either order.
type arrivals struct {
	mu      sync.Mutex
	lots    map[string]*lot // acknowledged shipments not yet seen, by transaction ID
	seen    map[string]bool // shipments seen before their acknowledgement
	ready   chan *lot
	closing bool
	drained chan struct{}
}

func newArrivals() *arrivals {
	return &arrivals{lots: map[string]*lot{}, seen: map[string]bool{}, ready: make(chan *lot, 1000), drained: make(chan struct{})}
}

// shipped records an acknowledged shipment of lt by transaction tx.
func (a *arrivals) shipped(tx string, lt *lot) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.seen[tx] {
		delete(a.seen, tx)
		a.ready <- lt
		return
	}
	a.lots[tx] = lt
}

// arrived records a Shipped event of transaction tx on the receiver's peer.
func (a *arrivals) arrived(tx string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if lt, ok := a.lots[tx]; ok {
		delete(a.lots, tx)
		a.ready <- lt
		a.drainedIfDone()
		return
	}
	a.seen[tx] = true
}

// closeWithin says no more shipments will be acknowledged, and waits up to d until every
// acknowledged one has arrived; ready closes then. It returns the transactions of those
// that did not arrive in time: acknowledged writes the receiver's peer did not have.
func (a *arrivals) closeWithin(d time.Duration) []string {
	a.mu.Lock()
	a.closing = true
	a.drainedIfDone()
	a.mu.Unlock()
	select {
	case <-a.drained:
		return nil
	case <-time.After(d):
	}
	missing := a.missing()
	a.mu.Lock()
	a.lots = map[string]*lot{}
	a.drainedIfDone()
	a.mu.Unlock()
	return missing
}

func (a *arrivals) drainedIfDone() {
	if a.closing && len(a.lots) == 0 {
		select {
		case <-a.drained:
		default:
			close(a.drained)
			close(a.ready)
		}
	}
}

// missing lists the acknowledged shipments that never arrived.
func (a *arrivals) missing() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var txs []string
	for tx := range a.lots {
		txs = append(txs, tx)
	}
	slices.Sort(txs)
	return txs
}

// checkpoint keeps an event stream's position in memory, so a stream reopened after a fault
// resumes right after the last event it delivered.
type checkpoint struct{ gateway.InMemoryCheckpointer }

func (c *checkpoint) CheckpointChaincodeEvent(e *gateway.ChaincodeEvent) error {
	c.InMemoryCheckpointer.CheckpointChaincodeEvent(e)
	return nil
}

// listen feeds a from the Shipped events to c's organisation on c's peer, from block on,
// until ctx ends. A stream that a fault breaks is opened again from its checkpoint.
func (a *arrivals) listen(ctx context.Context, c *client.Client, from uint64, errs chan<- error) {
	cp := &checkpoint{}
	for ctx.Err() == nil {
		for ev, err := range c.Events(ctx, client.EventOptions{Checkpointer: cp, StartBlock: &from, Types: []string{model.EventShipped}}) {
			if err != nil {
				select {
				case errs <- fmt.Errorf("%s's event stream: %w", c.MSPID(), err):
				default:
				}
				break
			}
			if ev.To == c.MSPID() {
				a.arrived(ev.TxID)
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}
