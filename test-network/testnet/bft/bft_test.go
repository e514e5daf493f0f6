//go:build integration

package bft_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m, testnet.WithOrdering(testnet.BFT))) }

func TestStatusShowsFourHealthyOrderers(t *testing.T) {
	n := testnet.Current()
	require.Equal(t, testnet.BFT, n.Ordering)
	out, err := n.Status(context.Background())
	require.NoError(t, err, out)
	require.Len(t, n.Orderers(), 4, "3f+1 orderers for f=1")
	for _, o := range n.Orderers() {
		require.Regexp(t, `(?m)^`+o+` +[0-9]+ +running +OK `, out)
	}
}

// shipments commissions units of one product of ManufacturerA's and ships them to the
// Distributor, through the SDK, as an application's writes are.
type shipments struct {
	t           *testing.T
	maker, dist *client.Client
	gtin, batch string
}

func newShipments(ctx context.Context, t *testing.T) *shipments {
	t.Helper()
	n := testnet.Current()
	regulator, err := n.Client(testnet.Regulator, testnet.Admin)
	require.NoError(t, err)
	require.NoError(t, testnet.RegisterMembers(ctx, regulator))
	s := &shipments{t: t, gtin: testnet.NewGTIN(testnet.PrefixA), batch: "BFT" + testnet.RandDigits(6)}
	s.maker, err = n.Client(testnet.ManufacturerA, testnet.User)
	require.NoError(t, err)
	s.dist, err = n.Client(testnet.Distributor, testnet.User)
	require.NoError(t, err)
	_, err = s.maker.RegisterProduct(ctx, testnet.ProductRequest(s.gtin, testnet.LicenceA, "ordered by SmartBFT"))
	require.NoError(t, err)
	return s
}

func (s *shipments) units(from, to int) []string {
	var codes []string
	for i := from; i < to; i++ {
		codes = append(codes, fmt.Sprintf("(01)%s(21)%s-%04d", s.gtin, s.batch, i))
	}
	return codes
}

// send commissions and ships units [from, to) and returns how long the two writes took.
func (s *shipments) send(ctx context.Context, from, to int) time.Duration {
	s.t.Helper()
	start := time.Now()
	codes := s.units(from, to)
	_, err := s.maker.Commission(ctx, model.CommissionRequest{GTIN: s.gtin, Batch: s.batch,
		ProductionDate: time.Now().Format("2006-01-02"), Codes: codes})
	require.NoError(s.t, err, "commission %d-%d", from, to)
	_, err = s.maker.Ship(ctx, model.ShipRequest{To: s.dist.MSPID(), Codes: codes})
	require.NoError(s.t, err, "ship %d-%d", from, to)
	return time.Since(start)
}

// TestWritesGoOnWhileTheLeaderIsDown SIGKILLs the SmartBFT leader (f=1 of four orderers), keeps
// writing through the SDK, starts it again and checks that its ledger catches up with the
// others' and that every write is on every peer.
func TestWritesGoOnWhileTheLeaderIsDown(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	n := testnet.Current()
	s := newShipments(ctx, t)
	s.send(ctx, 0, 5)

	leader, err := n.BFTLeader(ctx)
	require.NoError(t, err)
	// SIGKILLed: the others must notice it by its missing heartbeats and elect another.
	require.NoError(t, n.KillNode(ctx, leader))
	t.Logf("killed the leader %s", leader)
	const rounds = 3
	for r := range rounds {
		took := s.send(ctx, 5+5*r, 10+5*r)
		t.Logf("with %s down: round %d committed in %s", leader, r, took.Round(time.Millisecond))
	}
	next, err := n.BFTLeader(ctx)
	require.NoError(t, err)
	require.NotEqual(t, leader, next, "another orderer leads")

	require.NoError(t, n.StartNode(ctx, leader))
	last := 10 + 5*rounds
	s.send(ctx, 5+5*rounds, last)
	want := uint64(0)
	for _, o := range n.Orderers() {
		if o != leader {
			h, err := n.OrdererLedgerHeight(ctx, o)
			require.NoError(t, err)
			want = max(want, h)
		}
	}
	// The orderer offers no event for its own ledger's height, so the catch-up is polled.
	start := time.Now()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		h, err := n.OrdererLedgerHeight(ctx, leader)
		if err == nil && h >= want {
			t.Logf("%s caught up to height %d in %s", leader, h, time.Since(start).Round(time.Millisecond))
			break
		}
		select {
		case <-ctx.Done():
			require.FailNow(t, "the restarted orderer did not catch up", "%s at %d (%v), the others at %d", leader, h, err, want)
		case <-tick.C:
		}
	}

	// Every write is on every peer: the Distributor's peer holds every shipment, and it
	// receives them all.
	require.NoError(t, n.Settle(ctx))
	_, err = s.dist.Receive(ctx, model.MoveRequest{Codes: s.units(0, last)})
	require.NoError(t, err)
	// The receipt committed on the Distributor's peer; the maker reads on its own.
	require.NoError(t, n.Settle(ctx))
	item, err := s.maker.GetItem(ctx, s.units(0, 1)[0])
	require.NoError(t, err)
	require.True(t, strings.EqualFold(item.Holder.MSPID, s.dist.MSPID()), "held by %s", item.Holder.MSPID)
}

// TestOrganisationJoinsAndLeaves adds a retailer to the SmartBFT-ordered channel
// (network.sh add-org: the config update goes through the four BFT orderers), which receives
// and sells at once, then removes it again (remove-org); the others go on shipping.
func TestOrganisationJoinsAndLeaves(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	n := testnet.Current()
	s := newShipments(ctx, t)
	const org = "RetailerBFT"
	steps, err := n.AddOrg(ctx, org, "retailer", "330000")
	require.NoError(t, err)
	t.Logf("add-org %s on SmartBFT: %.2f s", org, steps[len(steps)-1].Seconds)
	regulator, err := n.Client(testnet.Regulator, testnet.Admin)
	require.NoError(t, err)
	_, err = regulator.RegisterMember(ctx, model.MemberRequest{MSPID: testnet.MSPID(org), Role: model.RoleRetailer,
		Name: "温州鹿城电器店", USCC: testnet.USCC("92330302MA2HX0008"), Region: "330302"})
	require.NoError(t, err)

	codes := s.units(100, 102)
	_, err = s.maker.Commission(ctx, model.CommissionRequest{GTIN: s.gtin, Batch: s.batch, ProductionDate: time.Now().Format("2006-01-02"), Codes: codes})
	require.NoError(t, err)
	_, err = s.maker.Ship(ctx, model.ShipRequest{To: testnet.MSPID(org), Codes: codes})
	require.NoError(t, err)
	_, err = n.SettleOn(ctx, append(append([]string{}, testnet.Orgs...), org))
	require.NoError(t, err)
	shop, err := n.Client(org, testnet.User)
	require.NoError(t, err)
	_, err = shop.Receive(ctx, model.MoveRequest{Codes: codes})
	require.NoError(t, err)
	res, err := shop.Sell(ctx, model.SellRequest{Code: codes[0]}, model.SaleData{BuyerName: "Lin Fang", BuyerContact: "+86 136 0000 0000"})
	require.NoError(t, err)
	require.Equal(t, model.OutcomeSold, res.Outcome)

	steps, err = n.RemoveOrg(ctx, org)
	require.NoError(t, err)
	t.Logf("remove-org %s on SmartBFT: %.2f s", org, steps[len(steps)-1].Seconds)
	s.send(ctx, 102, 104)
}
