//go:build integration

package leave_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m, testnet.WithOwnNetwork())) }

// NewMaker joins (network.sh add-org) and leaves again; its master data is its own.
const (
	NewMaker          = "ManufacturerC"
	prefixC, licenceC = "6905551", "XK06-014-00789"
	revokedUser       = "User2"
	suiteTimeout      = 15 * time.Minute
)

func clientOf(t *testing.T, org, identity string) *client.Client {
	t.Helper()
	c, err := testnet.Current().Client(org, identity)
	require.NoError(t, err)
	return c
}

func codes(gtin, run string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("(01)%s(21)L%s-%04d", gtin, run, i)
	}
	return out
}

// settle waits until every peer of orgs has every block any of them has, and returns that
// height.
func settle(ctx context.Context, t *testing.T, orgs []string) uint64 {
	t.Helper()
	top, err := testnet.Current().SettleOn(ctx, orgs)
	require.NoError(t, err)
	return top
}

// logSteps logs each step's time of a network.sh command.
func logSteps(t *testing.T, what string, steps []testnet.AddOrgStep) {
	t.Helper()
	require.NotEmpty(t, steps)
	for _, s := range steps {
		t.Logf("%s: %-42s %6.2f s", what, s.Name, s.Seconds)
	}
}

// commission commissions fresh codes of gtin as c and returns them.
func commission(ctx context.Context, c *client.Client, gtin, batch string, n int) ([]string, error) {
	cs := codes(gtin, testnet.RandDigits(6), n)
	_, err := c.Commission(ctx, model.CommissionRequest{GTIN: gtin, Batch: batch, ProductionDate: time.Now().Format(time.DateOnly), Codes: cs})
	return cs, err
}

// actors are the MSP IDs that recorded code's events, in order.
func actors(ctx context.Context, t *testing.T, c *client.Client, code string) []string {
	t.Helper()
	var out []string
	for ev, err := range c.Trace(ctx, code) {
		require.NoError(t, err)
		out = append(out, ev.Type+" by "+ev.Actor)
	}
	return out
}

// TestLeaveRevokeSuspend is the suite's story, in order: each step needs the state the one
// before left.
func TestLeaveRevokeSuspend(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), suiteTimeout)
	defer cancel()
	n := testnet.Current()
	regulator := clientOf(t, testnet.Regulator, testnet.Admin)
	require.NoError(t, testnet.RegisterMembers(ctx, regulator))
	A, B, D := clientOf(t, testnet.ManufacturerA, testnet.User), clientOf(t, testnet.ManufacturerB, testnet.User), clientOf(t, testnet.Distributor, testnet.User)
	R := clientOf(t, testnet.Retailer, testnet.User)

	// History before anyone leaves: ManufacturerA ships to the Retailer, who sells one unit.
	gtinA := testnet.NewGTIN(testnet.PrefixA)
	_, err := A.RegisterProduct(ctx, testnet.ProductRequest(gtinA, testnet.LicenceA, "before anyone leaves"))
	require.NoError(t, err)
	toRetailer, err := commission(ctx, A, gtinA, "A1", 2)
	require.NoError(t, err)
	_, err = A.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.Retailer), Codes: toRetailer})
	require.NoError(t, err)
	_, err = R.Receive(ctx, model.MoveRequest{Codes: toRetailer})
	require.NoError(t, err)
	buyer := model.SaleData{BuyerName: "Wang Fang", BuyerAddress: "1 Renmin Road, Hefei", BuyerContact: "+86 139 0000 0002"}
	sold, err := R.Sell(ctx, model.SellRequest{Code: toRetailer[0]}, buyer)
	require.NoError(t, err)
	require.Equal(t, model.OutcomeSold, sold.Outcome)

	// A manufacturer joins, is registered, commissions and ships to the Distributor.
	steps, err := n.AddOrg(ctx, NewMaker, "manufacturer", "")
	require.NoError(t, err)
	logSteps(t, "add-org "+NewMaker, steps)
	req := model.MemberRequest{MSPID: testnet.MSPID(NewMaker), Role: model.RoleManufacturer, Name: "安徽丙方电动车有限公司",
		USCC: testnet.USCC("91340100MA2NX0005"), CompanyPrefixes: []string{prefixC}, ProductionLicences: []string{licenceC}}
	_, err = regulator.RegisterMember(ctx, req)
	require.NoError(t, err)
	C := clientOf(t, NewMaker, testnet.User)
	gtinC := testnet.NewGTIN(prefixC)
	_, err = C.RegisterProduct(ctx, testnet.ProductRequest(gtinC, licenceC, "made by a member that leaves"))
	require.NoError(t, err)
	byC, err := commission(ctx, C, gtinC, "C1", 2)
	require.NoError(t, err)
	_, err = C.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.Distributor), Codes: byC})
	require.NoError(t, err)

	// The added manufacturer and the original Retailer leave.
	for _, org := range []string{NewMaker, testnet.Retailer} {
		steps, err := n.RemoveOrg(ctx, org)
		require.NoError(t, err)
		logSteps(t, "remove-org "+org, steps)
	}
	remaining := []string{testnet.ManufacturerA, testnet.ManufacturerB, testnet.Distributor, testnet.Regulator}

	t.Run("removed organisations are out of the channel and the definition", func(t *testing.T) {
		procs, err := n.Processes()
		require.NoError(t, err)
		for _, node := range []string{testnet.PeerNode(NewMaker), testnet.ChaincodeNode(NewMaker), "ca.manufacturerc",
			testnet.PeerNode(testnet.Retailer), testnet.ChaincodeNode(testnet.Retailer)} {
			require.NotContains(t, procs, node, "%s still runs", node)
		}
		out, err := n.Peer(ctx, testnet.Regulator, "lifecycle", "chaincode", "querycommitted", "-C", testnet.Names.Channel, "-n", "tracechain", "-O", "json")
		require.NoError(t, err, out)
		require.NotContains(t, out, testnet.MSPID(NewMaker))
		require.NotContains(t, out, "'"+testnet.MSPID(testnet.Retailer)+".peer'")
		// The network's status counts the remaining nodes only, all healthy.
		status, err := n.Status(ctx)
		require.NoError(t, err, status)
	})

	t.Run("a removed organisation can neither endorse nor submit", func(t *testing.T) {
		for _, org := range []string{NewMaker, testnet.Retailer} {
			p, err := client.LoadProfile(n.ProfilePath(org))
			require.NoError(t, err)
			files, err := p.Identity(testnet.User)
			require.NoError(t, err)
			// Its user, sending its proposals to a remaining organisation's peer.
			c, err := n.ClientAs(ctx, testnet.Distributor, testnet.MSPID(org), files.Cert, files.Key)
			require.NoError(t, err)
			_, err = commission(ctx, c, gtinC, "X", 1)
			require.ErrorContains(t, err, "creator org unknown", "%s submits after leaving", org)
			t.Logf("%s's write after leaving: %v", org, err)
			_, err = c.Verify(ctx, byC[0])
			require.ErrorContains(t, err, "creator org unknown", "%s reads after leaving", org)
			require.NoError(t, c.Close())
		}
		// Its peer is stopped, and the definition does not name it: two remaining peers endorse.
		_, err := commission(ctx, A, gtinA, "A2", 1)
		require.NoError(t, err)
	})

	t.Run("the remaining network writes and traces the removed members' goods", func(t *testing.T) {
		// The Distributor receives what the removed manufacturer shipped before it left.
		_, err := D.Receive(ctx, model.MoveRequest{Codes: byC})
		require.NoError(t, err)
		settle(ctx, t, remaining)
		got := actors(ctx, t, clientOf(t, testnet.ManufacturerB, testnet.User), byC[0])
		require.Subset(t, got, []string{"Commissioned by " + testnet.MSPID(NewMaker), "Shipped by " + testnet.MSPID(NewMaker),
			"Received by " + testnet.MSPID(testnet.Distributor)}, "%v", got)
		v, err := D.Verify(ctx, byC[0])
		require.NoError(t, err)
		require.Equal(t, testnet.MSPID(NewMaker), v.Producer.MSPID)
		got = actors(ctx, t, D, toRetailer[0])
		require.Contains(t, got, "Sold by "+testnet.MSPID(testnet.Retailer), "%v", got)
		// The removed retailer's buyer data stays with the Regulator, its sales collection's
		// one member now.
		sale, err := regulator.GetSale(ctx, toRetailer[0])
		require.NoError(t, err)
		require.Equal(t, buyer.BuyerName, sale.BuyerName)
	})

	t.Run("a revoked certificate is refused while its organisation writes on", func(t *testing.T) {
		cert, key, err := n.IssueUser(testnet.ManufacturerA, revokedUser)
		require.NoError(t, err)
		u2, err := n.ClientAs(ctx, testnet.ManufacturerA, testnet.MSPID(testnet.ManufacturerA), cert, key)
		require.NoError(t, err)
		defer func() { require.NoError(t, u2.Close()) }()
		_, err = commission(ctx, u2, gtinA, "U2", 1)
		require.NoError(t, err, "the new identity writes before it is revoked")

		start := time.Now()
		require.NoError(t, n.Revoke(ctx, testnet.ManufacturerA, revokedUser))
		t.Logf("revoke %s %s: %.2f s", testnet.ManufacturerA, revokedUser, time.Since(start).Seconds())
		_, err = commission(ctx, u2, gtinA, "U2", 1)
		require.ErrorContains(t, err, "access denied", "the revoked identity writes")
		t.Logf("the revoked identity's write: %v", err)
		_, err = u2.Verify(ctx, toRetailer[1])
		require.ErrorContains(t, err, "access denied", "the revoked identity reads")
		// Another client of the same organisation, on other peers too, writes on at once.
		_, err = commission(ctx, A, gtinA, "A3", 1)
		require.NoError(t, err)
		// Its proposals are refused by every remaining peer, not only its own organisation's.
		u2d, err := n.ClientAs(ctx, testnet.Distributor, testnet.MSPID(testnet.ManufacturerA), cert, key)
		require.NoError(t, err)
		_, err = u2d.Verify(ctx, toRetailer[1])
		require.ErrorContains(t, err, "access denied", "the revoked identity reads through the Distributor's peer")
		require.NoError(t, u2d.Close())
	})

	t.Run("a suspended member is traced but writes nothing", func(t *testing.T) {
		gtinB := testnet.NewGTIN(testnet.PrefixB)
		_, err := B.RegisterProduct(ctx, testnet.ProductRequest(gtinB, testnet.LicenceB, "before the suspension"))
		require.NoError(t, err)
		byB, err := commission(ctx, B, gtinB, "B1", 3)
		require.NoError(t, err)
		_, err = B.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.Distributor), Codes: byB[:1]})
		require.NoError(t, err)

		suspend := testnet.MemberRequest(testnet.ManufacturerB)
		suspend.Suspended = true
		m, err := regulator.UpdateMember(ctx, suspend)
		require.NoError(t, err)
		require.True(t, m.Suspended)
		settle(ctx, t, remaining)

		_, err = commission(ctx, B, gtinB, "B2", 1)
		require.ErrorIs(t, err, client.ErrNotMember, "a suspended member commissions")
		_, err = B.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.Distributor), Codes: byB[1:2]})
		require.ErrorIs(t, err, client.ErrNotMember, "a suspended member ships")
		_, err = B.RegisterProduct(ctx, testnet.ProductRequest(testnet.NewGTIN(testnet.PrefixB), testnet.LicenceB, "while suspended"))
		require.ErrorIs(t, err, client.ErrNotMember, "a suspended member registers a product")
		_, err = B.Verify(ctx, byB[0])
		require.ErrorIs(t, err, client.ErrNotMember, "the chaincode's reads check the caller too")

		// The others trace its goods, and Verify names it suspended.
		got := actors(ctx, t, A, byB[0])
		require.Subset(t, got, []string{"Commissioned by " + testnet.MSPID(testnet.ManufacturerB), "Shipped by " + testnet.MSPID(testnet.ManufacturerB)}, "%v", got)
		v, err := D.Verify(ctx, byB[2])
		require.NoError(t, err)
		require.True(t, v.Producer.Suspended, "%+v", v.Producer)
		// What it shipped before is received by the Distributor: the suspension stops its
		// writes, not the goods already on their way.
		_, err = D.Receive(ctx, model.MoveRequest{Codes: byB[:1]})
		require.NoError(t, err)
	})

	t.Run("the shrunk network upgrades its chaincode", func(t *testing.T) {
		// network.sh deployCC approves the next sequence for the remaining organisations only
		// and keeps the removed retailer's sales collection with the Regulator alone.
		require.NoError(t, n.Deploy(ctx))
		_, err := commission(ctx, A, gtinA, "A4", 1)
		require.NoError(t, err)
		sale, err := regulator.GetSale(ctx, toRetailer[0])
		require.NoError(t, err)
		require.Equal(t, buyer.BuyerName, sale.BuyerName)
	})

	t.Run("every remaining peer holds the same world state", func(t *testing.T) {
		top := settle(ctx, t, remaining)
		var want *testnet.StateDigest
		for _, org := range remaining {
			d, err := n.StateDigest(ctx, org, top-1)
			require.NoError(t, err)
			if want == nil {
				want = d
				continue
			}
			require.Equal(t, want.SnapshotHash, d.SnapshotHash, "%s and %s at block %d", want.Peer, d.Peer, top-1)
		}
		t.Logf("%d peers hold world state %s at block %d", len(remaining), want.SnapshotHash, top-1)
	})
}

// TestDownLeavesNothingRunning runs last: network.sh down stops every node the network still
// runs; the removed organisations' nodes were stopped already.
func TestDownLeavesNothingRunning(t *testing.T) {
	n := testnet.Current()
	procs, err := n.Processes()
	require.NoError(t, err)
	require.Contains(t, procs, testnet.PeerNode(testnet.Regulator))
	require.NoError(t, n.Stop())
	for node, p := range procs {
		require.False(t, p.Running(), "%s (PID %d) survived network.sh down", node, p.PID)
	}
	_, err = os.Stat(n.Dir)
	require.True(t, errors.Is(err, os.ErrNotExist), "run directory %s left behind: %v", n.Dir, err)
}
