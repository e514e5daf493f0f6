//go:build integration

package faults_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// Shape of the load: each lot is commissioned in bulk (chunks of chunkCodes), packed into one
// SSCC, shipped to the Distributor, received and shipped on to the Retailer, received, and
// soldPerLot of its units are sold.
const (
	lotCodes   = 12
	chunkCodes = 6
	soldPerLot = 2
	// writeTimeout bounds one write, well above the longest outage, so that a write is
	// unknown only if the network stays away longer than any case keeps it away.
	writeTimeout = 3 * time.Minute
	verifyEvery  = 100 * time.Millisecond
)

var buyer = model.SaleData{BuyerName: "Wang Fang", BuyerAddress: "8 Jiefang Road, Hangzhou", BuyerContact: "+86 139 0000 0000"}

// lot is one lot's journey through the load and what its clients were told about each step.
// One goroutine at a time owns it: its manufacturer's, then the Distributor's, then the
// Retailer's.
type lot struct {
	maker     string // organisation
	gtin      string
	batch     string
	codes     []string
	container string

	chunks    []client.ChunkResult // the bulk commissioning's chunks
	txs       map[string]string    // acknowledged step (stepPack, ...) -> transaction ID
	sold      map[string]string    // unit -> acknowledged Sell's transaction ID
	stopped   outcome              // failed or unknown: the outcome of the write the lot stopped at
	stoppedAt string               // that write's step
}

// Steps of a lot after commissioning, in order.
const (
	stepPack     = "pack"
	stepShipD    = "ship to distributor"
	stepReceiveD = "receive at distributor"
	stepShipR    = "ship to retailer"
	stepReceiveR = "receive at retailer"
)

// load is a sustained mixed load from several organisations at once: both manufacturers
// commission, pack and ship; the Distributor receives and ships on; the Retailer receives
// and sells; the Retailer verifies units as shoppers scan them. A receiver takes in a
// shipment when its own peer's event stream shows it (arrivals), as a receiving application
// would: a receipt endorsed before its peer has the shipment would be refused.
type load struct {
	t       *testing.T
	n       *testnet.Network
	run     string
	journal journal

	mu   sync.Mutex
	lots []*lot

	stop      chan struct{}
	makers    sync.WaitGroup
	distDone  chan struct{}
	chain     sync.WaitGroup // the Retailer and the verifier
	toDist    *arrivals
	toRetail  *arrivals
	listening context.CancelFunc
	listeners sync.WaitGroup // the event listeners, which send on streamErr
	streamErr chan error
	started   time.Time
}

// startLoad starts the load's clients.
func startLoad(t *testing.T) *load {
	t.Helper()
	setup(t)
	n := testnet.Current()
	l := &load{t: t, n: n, run: testnet.RandDigits(6), stop: make(chan struct{}), distDone: make(chan struct{}),
		toDist: newArrivals(), toRetail: newArrivals(), streamErr: make(chan error, 100)}
	clients := map[string]*client.Client{}
	for _, org := range []string{testnet.ManufacturerA, testnet.ManufacturerB, testnet.Distributor, testnet.Retailer} {
		c, err := n.Client(org, testnet.User)
		require.NoError(t, err)
		clients[org] = c
	}
	// The receivers listen from the next block on: every shipment of this load is later.
	var ctx context.Context
	ctx, l.listening = context.WithCancel(context.Background())
	for org, a := range map[string]*arrivals{testnet.Distributor: l.toDist, testnet.Retailer: l.toRetail} {
		h, err := n.ChainHeight(ctx, org)
		require.NoError(t, err)
		l.listeners.Go(func() { a.listen(ctx, clients[org], h, l.streamErr) })
	}
	l.started = time.Now()
	for _, maker := range []string{testnet.ManufacturerA, testnet.ManufacturerB} {
		l.makers.Add(1)
		go l.manufacture(clients[maker], maker)
	}
	l.chain.Add(2)
	go l.distribute(clients[testnet.Distributor])
	go l.retail(clients[testnet.Retailer])
	go l.verify(clients[testnet.Retailer])
	return l
}

// Stop ends the load: the manufacturers start no new lot, and every lot under way goes as
// far as its writes allow. It returns when every client has its last answer. An
// acknowledged shipment that never reaches its receiver's peer is an error of the test.
func (l *load) Stop() {
	close(l.stop)
	l.makers.Wait()
	if missing := l.toDist.closeWithin(2 * time.Minute); len(missing) > 0 {
		l.t.Errorf("acknowledged shipments never committed on the Distributor's peer: %v", missing)
	}
	<-l.distDone
	if missing := l.toRetail.closeWithin(2 * time.Minute); len(missing) > 0 {
		l.t.Errorf("acknowledged shipments never committed on the Retailer's peer: %v", missing)
	}
	l.chain.Wait()
	l.listening()
	l.listeners.Wait() // no listener sends on streamErr once it is closed
	close(l.streamErr)
	for err := range l.streamErr {
		l.t.Logf("reopened after: %v", err)
	}
}

func (l *load) stopping() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

// do runs one write of org and records it.
func (l *load) do(org, op, subject string, fn func(ctx context.Context) (string, error)) write {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	start := time.Now()
	txID, err := fn(ctx)
	w := write{Org: org, Op: op, Subject: subject, TxID: txID, Outcome: outcomeOf(err), Err: err, Start: start, End: time.Now()}
	l.journal.record(w)
	return w
}

// halt records that a lot stopped at step, whose write had outcome o.
func (lt *lot) halt(step string, o outcome) { lt.stoppedAt, lt.stopped = step, o }

func (l *load) manufacture(c *client.Client, maker string) {
	defer l.makers.Done()
	prefix := testnet.PrefixA
	if maker == testnet.ManufacturerB {
		prefix = testnet.PrefixB
	}
	for i := 0; !l.stopping(); i++ {
		lt := &lot{maker: maker, gtin: products[maker], batch: "F" + l.run, container: testnet.NewSSCC(prefix),
			txs: map[string]string{}, sold: map[string]string{}}
		for k := range lotCodes {
			lt.codes = append(lt.codes, fmt.Sprintf("(01)%s(21)F%s-%s-%04d-%02d", lt.gtin, l.run, maker[len(maker)-1:], i, k))
		}
		l.mu.Lock()
		l.lots = append(l.lots, lt)
		l.mu.Unlock()
		if !l.commission(c, lt) {
			continue
		}
		w := l.do(maker, stepPack, lt.container, func(ctx context.Context) (string, error) {
			r, err := c.Pack(ctx, model.PackRequest{Container: lt.container, Children: lt.codes})
			return txOf(r, err, func(r *model.PackResult) string { return r.TxID })
		})
		if w.Outcome != acknowledged {
			lt.halt(stepPack, w.Outcome)
			continue
		}
		lt.txs[stepPack] = w.TxID
		if !l.move(c, lt, stepShipD, func(ctx context.Context) (*model.MoveResult, error) {
			return c.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.Distributor), Codes: []string{lt.container}})
		}) {
			continue
		}
		l.toDist.shipped(lt.txs[stepShipD], lt)
	}
}

// commission commissions a lot's units in bulk and records each chunk as one write.
func (l *load) commission(c *client.Client, lt *lot) bool {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	start := time.Now()
	res, err := c.CommissionBulk(ctx, model.CommissionRequest{GTIN: lt.gtin, Batch: lt.batch,
		ProductionDate: time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly), Codes: lt.codes},
		client.BulkOptions{ChunkSize: chunkCodes, InFlight: 2})
	end := time.Now()
	if res == nil {
		l.journal.record(write{Org: lt.maker, Op: "commission", Subject: lt.codes[0], Outcome: failed, Err: err, Start: start, End: end})
		lt.halt("commission", failed)
		return false
	}
	lt.chunks = res.Chunks
	done := true
	for _, ch := range res.Chunks {
		w := write{Org: lt.maker, Op: "commission", Subject: ch.First, TxID: ch.TxID, Outcome: failed, Err: ch.Err, Start: start, End: end}
		switch {
		case ch.Status.Done():
			w.Outcome = acknowledged
		case ch.Status == client.ChunkUnknown:
			w.Outcome = unknown
		}
		l.journal.record(w)
		if w.Outcome != acknowledged {
			done = false
			lt.halt("commission", w.Outcome)
		}
	}
	return done
}

// move runs one shipping or receiving step of a lot and records its transaction.
func (l *load) move(c *client.Client, lt *lot, step string, fn func(ctx context.Context) (*model.MoveResult, error)) bool {
	w := l.do(orgOf(c), step, lt.container, func(ctx context.Context) (string, error) {
		r, err := fn(ctx)
		return txOf(r, err, func(r *model.MoveResult) string { return r.TxID })
	})
	if w.Outcome != acknowledged {
		lt.halt(step, w.Outcome)
		return false
	}
	lt.txs[step] = w.TxID
	return true
}

func (l *load) distribute(c *client.Client) {
	defer close(l.distDone)
	for lt := range l.toDist.ready {
		if !l.move(c, lt, stepReceiveD, func(ctx context.Context) (*model.MoveResult, error) {
			return c.Receive(ctx, model.MoveRequest{Codes: []string{lt.container}})
		}) {
			continue
		}
		if !l.move(c, lt, stepShipR, func(ctx context.Context) (*model.MoveResult, error) {
			return c.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.Retailer), Codes: []string{lt.container}})
		}) {
			continue
		}
		l.toRetail.shipped(lt.txs[stepShipR], lt)
	}
}

func (l *load) retail(c *client.Client) {
	defer l.chain.Done()
	for lt := range l.toRetail.ready {
		if !l.move(c, lt, stepReceiveR, func(ctx context.Context) (*model.MoveResult, error) {
			return c.Receive(ctx, model.MoveRequest{Codes: []string{lt.container}})
		}) {
			continue
		}
		for _, unit := range lt.codes[:soldPerLot] {
			w := l.do(orgOf(c), "sell", unit, func(ctx context.Context) (string, error) {
				r, err := c.Sell(ctx, model.SellRequest{Code: unit}, buyer)
				return txOf(r, err, func(r *model.SellResult) string { return r.TxID })
			})
			if w.Outcome != acknowledged {
				lt.halt("sell", w.Outcome)
				break
			}
			lt.sold[unit] = w.TxID
		}
	}
}

// verify scans units the load commissioned, as shoppers at the Retailer would, until the
// load stops.
func (l *load) verify(c *client.Client) {
	defer l.chain.Done()
	tick := time.NewTicker(verifyEvery)
	defer tick.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-tick.C:
		}
		l.mu.Lock()
		var code string
		if len(l.lots) > 1 {
			lt := l.lots[rand.IntN(len(l.lots)-1)]    //nolint:gosec // a sample of the load's codes
			code = lt.codes[rand.IntN(len(lt.codes))] //nolint:gosec // the same
		}
		l.mu.Unlock()
		if code == "" {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := c.Verify(ctx, code)
		cancel()
		l.journal.read(err)
	}
}

// txOf returns the transaction ID of an SDK result, or the error.
func txOf[T any](r *T, err error, id func(*T) string) (string, error) {
	if err != nil {
		return "", err
	}
	return id(r), nil
}

// orgOf names a client's organisation from its MSP ID.
func orgOf(c *client.Client) string {
	msp := c.MSPID()
	return msp[:len(msp)-len("MSP")]
}
