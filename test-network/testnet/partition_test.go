//go:build integration

package testnet_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// partitionFor is how long the partitioned organisation stays cut off: 20 s, or the fault
// suite's full 60 s with TRACECHAIN_PARTITION=60s.
func partitionFor(t *testing.T) time.Duration {
	t.Helper()
	d := 20 * time.Second
	if v := os.Getenv("TRACECHAIN_PARTITION"); v != "" {
		var err error
		d, err = time.ParseDuration(v)
		require.NoError(t, err, "TRACECHAIN_PARTITION")
	}
	return d
}

// goods registers a product of ManufacturerA's and commissions count units of it.
func goods(ctx context.Context, t *testing.T, maker *client.Client, count int) []string {
	t.Helper()
	gtin := testnet.NewGTIN(testnet.PrefixA)
	_, err := maker.RegisterProduct(ctx, testnet.ProductRequest(gtin, testnet.LicenceA, "cable shipped across a partition"))
	require.NoError(t, err)
	run := testnet.RandDigits(6)
	codes := make([]string, count)
	for i := range codes {
		codes[i] = fmt.Sprintf("(01)%s(21)P%s-%04d", gtin, run, i)
	}
	_, err = maker.Commission(ctx, model.CommissionRequest{GTIN: gtin, Batch: "P" + run, ProductionDate: "2026-11-30", Codes: codes})
	require.NoError(t, err)
	return codes
}

// TestPartitionedOrganisationCatchesUp is case 5 of the fault suite on a network with one
// namespace per organisation: the Distributor loses its network; ManufacturerA's and the
// Retailer's clients keep committing; after the heal the Distributor's peer reaches the same
// height and its client writes again.
func TestPartitionedOrganisationCatchesUp(t *testing.T) {
	n := testnet.Current()
	switch {
	case os.Geteuid() != 0:
		t.Skip("needs root: network namespaces (ip netns)")
	case !n.NetNS:
		t.Skip("needs a network with one namespace per organisation: TRACECHAIN_NETNS=1 go test -tags integration -run TestPartitionedOrganisationCatchesUp ./test-network/testnet")
	}
	d := partitionFor(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute+2*d)
	defer cancel()
	members(ctx, t)
	maker, dist, shop := user(t, testnet.ManufacturerA), user(t, testnet.Distributor), user(t, testnet.Retailer)

	// Before: goods move from the manufacturer to the Distributor, two organisations' clients.
	before := goods(ctx, t, maker, 3)
	_, err := maker.Ship(ctx, model.ShipRequest{To: dist.MSPID(), Codes: before})
	require.NoError(t, err)
	require.NoError(t, n.Settle(ctx))
	_, err = dist.Receive(ctx, model.MoveRequest{Codes: before})
	require.NoError(t, err)
	require.NoError(t, n.Settle(ctx))

	// During: the manufacturer ships to the Retailer, who receives, with the Distributor cut off.
	// The first round stalls until the gateways stop choosing the Distributor's peer as an
	// endorser (a dial timeout, then gossip declares it dead); the later ones show the pace
	// of the rest of the network, so the partition lasts at least two rounds.
	require.NoError(t, n.Partition(ctx, testnet.Distributor))
	healed := false
	defer func() {
		if !healed {
			_ = n.Heal(context.Background(), testnet.Distributor)
		}
	}()
	reachable := slices.DeleteFunc(slices.Clone(testnet.Orgs), func(org string) bool { return org == testnet.Distributor })
	cut := time.Now()
	var stall time.Duration
	rounds := 0
	for rounds < 2 || time.Since(cut) < d {
		codes := goods(ctx, t, maker, 2)
		_, err = maker.Ship(ctx, model.ShipRequest{To: shop.MSPID(), Codes: codes})
		require.NoError(t, err, "the manufacturer ships with the Distributor cut off")
		h, err := n.ChainHeight(ctx, testnet.ManufacturerA)
		require.NoError(t, err)
		require.NoError(t, n.WaitForBlockOn(ctx, h-1, reachable))
		_, err = shop.Receive(ctx, model.MoveRequest{Codes: codes})
		require.NoError(t, err, "the Retailer receives with the Distributor cut off")
		if rounds == 0 {
			stall = time.Since(cut)
		}
		rounds++
	}
	during := time.Since(cut)
	want, err := n.ChainHeight(ctx, testnet.ManufacturerA)
	require.NoError(t, err)

	// After: the Distributor's peer catches up to the same height, and its client writes.
	require.NoError(t, n.Heal(ctx, testnet.Distributor))
	healed = true
	heal := time.Now()
	require.NoError(t, n.WaitForBlock(ctx, want-1), "every peer, the Distributor's too, has block %d", want-1)
	caughtUp := time.Since(heal)
	got, err := n.ChainHeight(ctx, testnet.Distributor)
	require.NoError(t, err)
	require.GreaterOrEqual(t, got, want)
	_, err = dist.Ship(ctx, model.ShipRequest{To: shop.MSPID(), Codes: before})
	require.NoError(t, err, "the Distributor writes again after the heal")
	t.Logf("partition %v: first round of the others done after %v, then %d rounds of register, commission, ship and receive (%.2f/s); the Distributor caught up to height %d %v after the heal",
		during.Round(time.Second), stall.Round(time.Millisecond), rounds-1, float64(rounds-1)/(during-stall).Seconds(), want, caughtUp.Round(time.Millisecond))
}

// TestOrganisationJoinsInItsOwnNamespace adds a retailer to the namespaced network
// (network.sh add-org): its CA and peer run in a namespace of their own, with their own
// address, like a host of its own; once registered it receives from the manufacturer and sells.
func TestOrganisationJoinsInItsOwnNamespace(t *testing.T) {
	n := testnet.Current()
	switch {
	case os.Geteuid() != 0:
		t.Skip("needs root: network namespaces (ip netns)")
	case !n.NetNS:
		t.Skip("needs a network with one namespace per organisation: TRACECHAIN_NETNS=1 go test -tags integration -run TestOrganisationJoinsInItsOwnNamespace ./test-network/testnet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	members(ctx, t)
	joinAndSell(ctx, t, "RetailerNS", testnet.ManufacturerA)

	procs, err := n.Processes()
	require.NoError(t, err)
	peer, ok := procs["peer0.retailerns"]
	require.True(t, ok, "the newcomer's peer runs")
	own, err := os.Readlink("/proc/self/ns/net")
	require.NoError(t, err)
	its, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", peer.PID))
	require.NoError(t, err)
	require.NotEqual(t, own, its, "the newcomer's peer runs in a network namespace of its own")
}

// joinAndSell adds the retailer org to the running channel, has the Regulator register it,
// and sells a unit that maker commissions and ships to it.
func joinAndSell(ctx context.Context, t *testing.T, org, maker string) {
	t.Helper()
	n := testnet.Current()
	steps, err := n.AddOrg(ctx, org, "retailer", "330000")
	require.NoError(t, err)
	t.Logf("add-org %s: %.2f s", org, steps[len(steps)-1].Seconds)
	regulator, err := n.Client(testnet.Regulator, testnet.Admin)
	require.NoError(t, err)
	_, err = regulator.RegisterMember(ctx, model.MemberRequest{MSPID: testnet.MSPID(org), Role: model.RoleRetailer,
		Name: "宁波江北五金店", USCC: testnet.USCC("92330205MA2HX0007"), Region: "330205"})
	require.NoError(t, err)
	m := user(t, maker)
	codes := goods(ctx, t, m, 2)
	_, err = m.Ship(ctx, model.ShipRequest{To: testnet.MSPID(org), Codes: codes})
	require.NoError(t, err)
	_, err = n.SettleOn(ctx, append(slices.Clone(testnet.Orgs), org))
	require.NoError(t, err)
	shop := user(t, org)
	_, err = shop.Receive(ctx, model.MoveRequest{Codes: codes})
	require.NoError(t, err)
	res, err := shop.Sell(ctx, model.SellRequest{Code: codes[0]}, model.SaleData{BuyerName: "Zhou Min", BuyerContact: "+86 135 0000 0000"})
	require.NoError(t, err)
	require.Equal(t, model.OutcomeSold, res.Outcome)
}
