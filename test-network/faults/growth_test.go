//go:build integration

package faults_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// growthOn selects TestGrowthUnderLoad (TRACECHAIN_GROWTH=1): it changes the network's shape,
// so the other cases, which share one network, never run it by accident.
var growthOn = os.Getenv("TRACECHAIN_GROWTH") == "1"

// revokedUser is the ManufacturerA identity TestGrowthUnderLoad issues, uses and revokes.
const revokedUser = "User2"

// batch is one batch of the newcomers' own trade beside the load: NewMaker commissions it,
// ships it to NewRetailer, who receives it and sells its first unit. Or, for the identity
// that is revoked, units of ManufacturerA's that stay where they were commissioned.
type batch struct {
	maker        string // organisation that commissioned it
	codes        []string
	commissioned bool // acknowledged
	refused      bool // refused: none of its codes may be on the ledger
	shipped      bool // to NewRetailer, acknowledged
	received     bool // by NewRetailer, acknowledged
	sold         string
}

// newcomers is the trade of the organisations that joined under the load, journalled in the
// load's journal (so an unknown outcome among them fails the end checks as the load's do).
type newcomers struct {
	l       *load
	maker   *client.Client
	retail  *client.Client
	gtin    string
	run     string
	mu      sync.Mutex
	batches []*batch
}

func (nc *newcomers) add(b *batch) {
	nc.mu.Lock()
	defer nc.mu.Unlock()
	nc.batches = append(nc.batches, b)
}

// commissionAndShip has NewMaker commission a batch and ship it to NewRetailer.
func (nc *newcomers) commissionAndShip(i int) (*batch, bool) {
	b := &batch{maker: testnet.NewMaker}
	for k := range 3 {
		b.codes = append(b.codes, fmt.Sprintf("(01)%s(21)G%s-%03d-%d", nc.gtin, nc.run, i, k))
	}
	nc.add(b)
	w := nc.l.do(testnet.NewMaker, "commission", b.codes[0], func(ctx context.Context) (string, error) {
		r, err := nc.maker.Commission(ctx, model.CommissionRequest{GTIN: nc.gtin, Batch: "G" + nc.run,
			ProductionDate: time.Now().UTC().Format(time.DateOnly), Codes: b.codes})
		return txOf(r, err, func(r *model.CommissionResult) string { return r.TxID })
	})
	if b.commissioned = w.Outcome == acknowledged; !b.commissioned {
		b.refused = w.Outcome == failed
		return b, false
	}
	w = nc.l.do(testnet.NewMaker, "ship to newcomer", b.codes[0], func(ctx context.Context) (string, error) {
		r, err := nc.maker.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.NewRetailer), Codes: b.codes})
		return txOf(r, err, func(r *model.MoveResult) string { return r.TxID })
	})
	b.shipped = w.Outcome == acknowledged
	return b, b.shipped
}

// receiveAndSell has NewRetailer receive a shipped batch, once its own peer has the
// shipment, and sell its first unit.
func (nc *newcomers) receiveAndSell(ctx context.Context, b *batch, orgs []string) bool {
	if _, err := nc.l.n.SettleOn(ctx, orgs); err != nil {
		nc.l.t.Errorf("newcomers' peers: %v", err)
		return false
	}
	w := nc.l.do(testnet.NewRetailer, "receive at newcomer", b.codes[0], func(ctx context.Context) (string, error) {
		r, err := nc.retail.Receive(ctx, model.MoveRequest{Codes: b.codes})
		return txOf(r, err, func(r *model.MoveResult) string { return r.TxID })
	})
	if b.received = w.Outcome == acknowledged; !b.received {
		return false
	}
	w = nc.l.do(testnet.NewRetailer, "sell", b.codes[0], func(ctx context.Context) (string, error) {
		r, err := nc.retail.Sell(ctx, model.SellRequest{Code: b.codes[0]}, buyer)
		return txOf(r, err, func(r *model.SellResult) string { return r.TxID })
	})
	if w.Outcome == acknowledged {
		b.sold = b.codes[0]
	}
	return w.Outcome == acknowledged
}

// trade runs the newcomers' batches one after the other until stop closes, then commissions
// and ships one more, which it returns unreceived: NewRetailer receives it after NewMaker
// has left the channel.
func (nc *newcomers) trade(ctx context.Context, stop <-chan struct{}) *batch {
	orgs := []string{testnet.NewMaker, testnet.NewRetailer}
	for i := 0; ctx.Err() == nil; i++ {
		select {
		case <-stop:
			b, ok := nc.commissionAndShip(i)
			if !ok {
				return nil
			}
			if _, err := nc.l.n.SettleOn(ctx, orgs); err != nil {
				nc.l.t.Errorf("newcomers' peers: %v", err)
			}
			return b
		default:
		}
		if b, ok := nc.commissionAndShip(i); ok {
			nc.receiveAndSell(ctx, b, orgs)
		}
	}
	return nil
}

// onPeer checks the newcomers' batches through c's organisation's peer: each acknowledged
// step applied, nothing of a refused commissioning on the ledger.
func (nc *newcomers) onPeer(ctx context.Context, c *client.Client) []error {
	nc.mu.Lock()
	batches := slices.Clone(nc.batches)
	nc.mu.Unlock()
	var errs []error
	for _, b := range batches {
		for _, code := range b.codes {
			st, err := c.GetItem(ctx, code)
			switch {
			case b.refused && !errors.Is(err, client.ErrNotFound):
				errs = append(errs, fmt.Errorf("unit %s of a refused commissioning: %v", code, err))
				continue
			case !b.commissioned:
				continue
			case err != nil:
				errs = append(errs, fmt.Errorf("unit %s of an acknowledged commissioning: %w", code, err))
				continue
			}
			want := state{testnet.MSPID(b.maker), model.DispositionActive, ""}
			switch {
			case code == b.sold:
				want = state{testnet.MSPID(testnet.NewRetailer), model.DispositionRetailSold, ""}
			case b.received:
				want.holder = testnet.MSPID(testnet.NewRetailer)
			case b.shipped:
				want.disposition, want.destination = model.DispositionInTransit, testnet.MSPID(testnet.NewRetailer)
			}
			if got := (state{st.Holder.MSPID, st.Disposition, st.Destination}); got != want {
				errs = append(errs, fmt.Errorf("unit %s of %s: %+v, want %+v", code, b.maker, got, want))
			}
		}
	}
	return errs
}

// growthStep is one change of the network's shape and its wall time.
type growthStep struct {
	what string
	took time.Duration
}

// TestGrowthUnderLoad is issue #19's growing consortium under the fault suite's mixed load:
// while the load runs, a manufacturer, a retailer of Zhejiang and Zhejiang's provincial
// regulator join (network.sh add-org) and the Regulator registers each; the new manufacturer
// ships to the new retailer, who receives and sells, beside the load; then the new
// manufacturer leaves (network.sh remove-org; NewRetailer receives its last shipment after)
// and a fresh ManufacturerA identity is revoked (network.sh revoke): its next proposal is
// refused while ManufacturerA's load goes on. After the load stops, the fault suite's end
// checks run on every peer still in the channel, the two newcomers' included.
//
// It runs on a network of its own (TRACECHAIN_GROWTH=1, never on the shared one):
//
//	TRACECHAIN_GROWTH=1 go test -tags integration -count=1 -v -run '^TestGrowthUnderLoad$' ./test-network/faults/
func TestGrowthUnderLoad(t *testing.T) {
	n := testnet.Current()
	switch {
	case !growthOn:
		t.Skip("TRACECHAIN_GROWTH=1 runs it, on a network of its own: it adds and removes organisations")
	case !n.Owned():
		t.Skip("it changes the network's shape: not on a shared network (unset TRACECHAIN_TESTNET_DIR)")
	}
	l := startLoad(t)
	var stopLoad sync.Once
	t.Cleanup(func() { stopLoad.Do(l.Stop) }) // on a failure too
	tl := timeline{start: l.started, caughtUp: -1}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	// The Retailer sells at three tills rather than one: in the minute and more that the
	// network changes, the manufacturers make more lots than one till sells, and every lot
	// under way when the load stops goes on to its last step before the end checks.
	retailer, err := n.Client(testnet.Retailer, testnet.User)
	require.NoError(t, err)
	for range 2 {
		l.chain.Add(1)
		go l.retail(retailer)
	}
	regulator, err := n.Client(testnet.Regulator, testnet.Admin)
	require.NoError(t, err)
	var took []growthStep
	timed := func(what string, f func() error) {
		t.Helper()
		start := time.Now()
		require.NoError(t, f(), what)
		took = append(took, growthStep{what, time.Since(start)})
		t.Logf("GROWTH step=%q took=%s", what, secs(time.Since(start)))
	}
	join := func(org, role, region string) {
		t.Helper()
		timed("add-org "+org, func() error {
			steps, err := n.AddOrg(ctx, org, role, region)
			for _, s := range steps {
				t.Logf("add-org %s: %-42s %6.2f s", org, s.Name, s.Seconds)
			}
			return err
		})
		timed("register "+org, func() error {
			_, err := regulator.RegisterMember(ctx, testnet.NewcomerRequest(org))
			return err
		})
	}

	// The load runs for a while before the network changes: the sleep is the experiment.
	time.Sleep(timing().before)
	tl.fault = time.Now()

	// A manufacturer joins and registers a product; a retailer of Zhejiang joins, and the two
	// trade beside the load while Zhejiang's provincial regulator joins.
	join(testnet.NewMaker, "manufacturer", "")
	nc := &newcomers{l: l, gtin: testnet.NewGTIN(testnet.PrefixC), run: testnet.RandDigits(6)}
	nc.maker, err = n.Client(testnet.NewMaker, testnet.User)
	require.NoError(t, err)
	_, err = nc.maker.RegisterProduct(ctx, testnet.ProductRequest(nc.gtin, testnet.LicenceC, "made by a newcomer under load"))
	require.NoError(t, err)
	join(testnet.NewRetailer, "retailer", testnet.ZhejiangRegion)
	nc.retail, err = n.Client(testnet.NewRetailer, testnet.User)
	require.NoError(t, err)
	stopTrade, traded := make(chan struct{}), make(chan struct{})
	var pending *batch
	go func() {
		defer close(traded)
		pending = nc.trade(ctx, stopTrade)
	}()
	var stopOnce sync.Once
	endTrade := func() {
		stopOnce.Do(func() { close(stopTrade) })
		<-traded
	}
	t.Cleanup(endTrade) // before the load stops, on a failure too
	join(testnet.NewRegulator, "regulator", testnet.ZhejiangRegion)
	endTrade()

	// The new manufacturer leaves; what it shipped is still received and sold.
	timed("remove-org "+testnet.NewMaker, func() error {
		steps, err := n.RemoveOrg(ctx, testnet.NewMaker)
		for _, s := range steps {
			t.Logf("remove-org %s: %-42s %6.2f s", testnet.NewMaker, s.Name, s.Seconds)
		}
		return err
	})
	orgs := append(slices.Clone(testnet.Orgs), testnet.NewRetailer, testnet.NewRegulator)
	if pending != nil {
		require.True(t, nc.receiveAndSell(ctx, pending, orgs), "the newcomer receives and sells what a departed manufacturer shipped")
	}

	// A fresh ManufacturerA identity writes, is revoked, and is refused at once.
	cert, key, err := n.IssueUser(testnet.ManufacturerA, revokedUser)
	require.NoError(t, err)
	u2, err := n.ClientAs(ctx, testnet.ManufacturerA, testnet.MSPID(testnet.ManufacturerA), cert, key)
	require.NoError(t, err)
	defer func() { require.NoError(t, u2.Close()) }()
	commissionAs := func(b *batch) error {
		_, err := u2.Commission(ctx, model.CommissionRequest{GTIN: products[testnet.ManufacturerA], Batch: "U" + nc.run,
			ProductionDate: time.Now().UTC().Format(time.DateOnly), Codes: b.codes})
		return err
	}
	before := &batch{maker: testnet.ManufacturerA, codes: []string{fmt.Sprintf("(01)%s(21)U%s-1", products[testnet.ManufacturerA], nc.run)}}
	require.NoError(t, commissionAs(before), "the new identity writes before it is revoked")
	before.commissioned = true
	nc.add(before)
	timed("revoke "+testnet.ManufacturerA+" "+revokedUser, func() error { return n.Revoke(ctx, testnet.ManufacturerA, revokedUser) })
	revoked := time.Now()
	after := &batch{maker: testnet.ManufacturerA, codes: []string{fmt.Sprintf("(01)%s(21)U%s-2", products[testnet.ManufacturerA], nc.run)}}
	err = commissionAs(after)
	require.ErrorContains(t, err, "access denied", "the revoked identity writes")
	after.refused = true
	nc.add(after)
	t.Logf("the revoked identity's write: %v", err)
	tl.restored = time.Now()

	// The load goes on a while, then stops; ManufacturerA's own load wrote on after the revocation.
	time.Sleep(timing().after)
	tl.end = time.Now()
	stopLoad.Do(l.Stop)
	t.Logf("GROWTH drained=%s: every lot under way went to its last step", secs(time.Since(tl.end)))
	ws := l.journal.snapshot()
	fig := measure("growth", "add-remove-revoke", tl, ws, l.journal.reads, l.journal.readErrs)
	t.Log(fig)
	var line strings.Builder
	for _, s := range took {
		fmt.Fprintf(&line, " %s=%s", strings.ReplaceAll(s.what, " ", "_"), secs(s.took))
	}
	t.Logf("GROWTH%s", line.String())
	byOrg := map[string]int{}
	for _, w := range ws {
		if w.Outcome == failed {
			t.Logf("failed definitively: %s's %s of %s: %v", w.Org, w.Op, w.Subject, w.Err)
		}
		if w.Outcome == acknowledged && w.Start.After(revoked) {
			byOrg[w.Org]++
		}
	}
	t.Logf("GROWTH acknowledged after the revocation by organisation: %v", byOrg)
	require.Positive(t, fig.Acked, "the load wrote nothing")
	require.Positive(t, fig.During, "the load wrote nothing while the network changed")
	require.Positive(t, byOrg[testnet.ManufacturerA], "ManufacturerA's load wrote nothing after one of its identities was revoked")
	sales := 0
	for _, b := range nc.batches {
		if b.sold != "" {
			sales++
		}
	}
	t.Logf("GROWTH newcomer_batches=%d newcomer_sales=%d", len(nc.batches)-2, sales)
	require.Positive(t, sales, "the new retailer sold nothing")

	endChecksOn(t, l, orgs)
	errs := make([][]error, len(orgs))
	var wg sync.WaitGroup
	for i, org := range orgs {
		c, err := n.Client(org, testnet.User)
		require.NoError(t, err)
		wg.Go(func() { errs[i] = nc.onPeer(ctx, c) })
	}
	wg.Wait()
	for i, org := range orgs {
		for _, err := range errs[i] {
			t.Errorf("%s's peer: %v", org, err)
		}
	}
}
