//go:build integration

package addorg_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m, testnet.WithOwnNetwork())) }

// The organisations the suite adds, and their master data: prefixes, licences and
// certificates of their own, apart from the consortium's (testnet.MemberRequest).
const (
	NewMaker                   = "ManufacturerC"
	NewRetailer                = "RetailerZJ"
	NewRegulator               = "RegulatorZJ" // a provincial regulator: it joins and reads; the ledger knows one Regulator
	ZhejiangRegion             = "330000"
	prefixC, licenceC, prefixZ = "6905551", "XK06-014-00789", "6906662"
)

func memberRequest(org string) model.MemberRequest {
	req := model.MemberRequest{MSPID: testnet.MSPID(org)}
	switch org {
	case NewMaker:
		req.Role, req.Name, req.USCC = model.RoleManufacturer, "安徽丙方电动车有限公司", testnet.USCC("91340100MA2NX0005")
		req.CompanyPrefixes, req.ProductionLicences = []string{prefixC}, []string{licenceC}
	case NewRetailer:
		req.Role, req.Name, req.USCC = model.RoleRetailer, "杭州滨江电器商行", testnet.USCC("92330108MA2HX0006")
		req.CompanyPrefixes = []string{prefixZ}
	default:
		panic("no registration for " + org)
	}
	return req
}

func clientOf(t *testing.T, org, identity string) *client.Client {
	t.Helper()
	c, err := testnet.Current().Client(org, identity)
	require.NoError(t, err)
	return c
}

// timed runs f and logs how long it took, as one more step of adding org.
func timed(t *testing.T, org, step string, f func() error) {
	t.Helper()
	start := time.Now()
	require.NoError(t, f(), "%s: %s", org, step)
	t.Logf("add-org %s: %-42s %6.2f s", org, step, time.Since(start).Seconds())
}

// addOrg runs network.sh add-org and logs the time of each of its steps.
func addOrg(ctx context.Context, t *testing.T, name, role, region string) {
	t.Helper()
	steps, err := testnet.Current().AddOrg(ctx, name, role, region)
	require.NoError(t, err)
	require.NotEmpty(t, steps)
	for _, s := range steps {
		t.Logf("add-org %s: %-42s %6.2f s", name, s.Name, s.Seconds)
	}
	require.Equal(t, "total", steps[len(steps)-1].Name)
}

// register has the Regulator's administrator record org as a member.
func register(ctx context.Context, t *testing.T, org string) {
	t.Helper()
	timed(t, org, "Regulator registers the member", func() error {
		_, err := clientOf(t, testnet.Regulator, testnet.Admin).RegisterMember(ctx, memberRequest(org))
		return err
	})
}

// settle waits until every peer of orgs has every block any of them has, and returns that
// height.
func settle(ctx context.Context, t *testing.T, orgs []string) uint64 {
	t.Helper()
	top, err := testnet.Current().SettleOn(ctx, orgs)
	require.NoError(t, err)
	return top
}

func codes(gtin, run string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("(01)%s(21)N%s-%04d", gtin, run, i)
	}
	return out
}

// TestAddManufacturerAndRetailer adds a manufacturer and a retailer to the running channel
// and has them trade with the consortium's members and each other at once.
func TestAddManufacturerAndRetailer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	n := testnet.Current()
	require.NoError(t, testnet.RegisterMembers(ctx, clientOf(t, testnet.Regulator, testnet.Admin)))

	// A history before anyone joins, that the newcomers' peers get from the snapshot: a
	// product of ManufacturerA's commissioned and shipped to the Distributor.
	A, D := clientOf(t, testnet.ManufacturerA, testnet.User), clientOf(t, testnet.Distributor, testnet.User)
	gtinA := testnet.NewGTIN(testnet.PrefixA)
	_, err := A.RegisterProduct(ctx, testnet.ProductRequest(gtinA, testnet.LicenceA, "before the newcomers"))
	require.NoError(t, err)
	before := codes(gtinA, testnet.RandDigits(6), 3)
	_, err = A.Commission(ctx, model.CommissionRequest{GTIN: gtinA, Batch: "B0", ProductionDate: time.Now().Format(time.DateOnly), Codes: before})
	require.NoError(t, err)
	_, err = A.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.Distributor), Codes: before})
	require.NoError(t, err)

	// A manufacturer joins, is registered, and at once registers a product, commissions it
	// and ships it to the Distributor, who receives it.
	addOrg(ctx, t, NewMaker, "manufacturer", "")
	register(ctx, t, NewMaker)
	C := clientOf(t, NewMaker, testnet.User)
	gtinC := testnet.NewGTIN(prefixC)
	run := testnet.RandDigits(6)
	toDist, toRetailer := codes(gtinC, run, 2), codes(gtinC, run+"R", 2)
	timed(t, NewMaker, "first product, commissioning and shipment", func() error {
		if _, err := C.RegisterProduct(ctx, testnet.ProductRequest(gtinC, licenceC, "the newcomer's first")); err != nil {
			return err
		}
		if _, err := C.Commission(ctx, model.CommissionRequest{GTIN: gtinC, Batch: "C1", ProductionDate: time.Now().Format(time.DateOnly),
			Codes: append(slices.Clone(toDist), toRetailer...)}); err != nil {
			return err
		}
		_, err := C.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.Distributor), Codes: toDist})
		return err
	})
	settle(ctx, t, append(slices.Clone(testnet.Orgs), NewMaker))
	_, err = D.Receive(ctx, model.MoveRequest{Codes: append(slices.Clone(before), toDist...)})
	require.NoError(t, err)

	// A retailer of Zhejiang joins, is registered, receives from the new manufacturer and
	// sells, its buyer data in its own sales collection.
	addOrg(ctx, t, NewRetailer, "retailer", ZhejiangRegion)
	register(ctx, t, NewRetailer)
	_, err = C.Ship(ctx, model.ShipRequest{To: testnet.MSPID(NewRetailer), Codes: toRetailer})
	require.NoError(t, err)
	all := append(slices.Clone(testnet.Orgs), NewMaker, NewRetailer)
	settle(ctx, t, all)
	Z := clientOf(t, NewRetailer, testnet.User)
	buyer := model.SaleData{BuyerName: "Chen Jing", BuyerAddress: "88 Jiangnan Avenue, Hangzhou", BuyerContact: "+86 139 0000 0001"}
	timed(t, NewRetailer, "first receipt and sale", func() error {
		if _, err := Z.Receive(ctx, model.MoveRequest{Codes: toRetailer}); err != nil {
			return err
		}
		res, err := Z.Sell(ctx, model.SellRequest{Code: toRetailer[0]}, buyer)
		if err == nil && res.Outcome != model.OutcomeSold {
			err = fmt.Errorf("sale outcome %s", res.Outcome)
		}
		return err
	})
	sale, err := clientOf(t, NewRetailer, testnet.Admin).GetSale(ctx, toRetailer[0])
	require.NoError(t, err)
	require.Equal(t, buyer.BuyerName, sale.BuyerName)
	// The consortium's members see the newcomers' goods where they are.
	settle(ctx, t, all)
	item, err := clientOf(t, testnet.ManufacturerB, testnet.User).GetItem(ctx, toDist[0])
	require.NoError(t, err)
	require.Equal(t, testnet.MSPID(testnet.Distributor), item.Holder.MSPID)

	// A provincial regulator joins; its CA issues its read-only identity, which reads the
	// channel's ledger on its own peer. The chaincode knows one Regulator and no provincial
	// one yet ("regulators only watch", #19), so it refuses it as a non-member.
	addOrg(ctx, t, NewRegulator, "regulator", ZhejiangRegion)
	all = append(all, NewRegulator)
	settle(ctx, t, all)
	g, err := n.Gateway(NewRegulator, testnet.Reader)
	require.NoError(t, err)
	_, err = g.Network.GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", gateway.WithArguments(testnet.Names.Channel))
	require.NoError(t, err, "%s's reader reads the ledger", NewRegulator)
	_, err = clientOf(t, NewRegulator, testnet.Reader).Verify(ctx, toRetailer[0])
	require.ErrorIs(t, err, client.ErrNotMember)

	// Fewer admins than a majority cannot add an organisation.
	underSignedUpdateIsRefused(ctx, t, len(all))

	// Every node, the newcomers' included, is running and healthy.
	status, err := n.Status(ctx)
	require.NoError(t, err, status)

	// The newcomers' peers joined from a snapshot: their ledgers start after its block.
	for _, org := range []string{NewMaker, NewRetailer, NewRegulator} {
		out, err := n.Peer(ctx, org, "channel", "getinfo", "-c", testnet.Names.Channel)
		require.NoError(t, err, out)
		require.Contains(t, out, `"bootstrappingSnapshotInfo":{"lastBlockInSnapshot":`, org)
	}

	// Every peer, the three that joined from snapshots included, holds the same world state.
	top := settle(ctx, t, all)
	var want *testnet.StateDigest
	for _, org := range all {
		d, err := n.StateDigest(ctx, org, top-1)
		require.NoError(t, err)
		if want == nil {
			want = d
			continue
		}
		require.Equal(t, want.SnapshotHash, d.SnapshotHash, "%s and %s at block %d:\n%v\n%v", want.Peer, d.Peer, top-1, want.Files, d.Files)
	}
	t.Logf("%d peers hold world state %s at block %d", len(all), want.SnapshotHash, top-1)

	// The grown network upgrades like the consortium's (network.sh deployCC): the newcomers
	// approve the next sequence too, and the new retailer sells again under it.
	require.NoError(t, n.Deploy(ctx))
	res, err := Z.Sell(ctx, model.SellRequest{Code: toRetailer[1]}, buyer)
	require.NoError(t, err)
	require.Equal(t, model.OutcomeSold, res.Outcome)
}

// underSignedUpdateIsRefused builds the update that would add one more organisation (the
// MSP of ManufacturerC under another MSP ID), has two admins sign it (the Regulator's, then
// ManufacturerA's by submitting it) where a majority of orgs is needed, and checks that the
// orderer refuses it and the channel is unchanged.
func underSignedUpdateIsRefused(ctx context.Context, t *testing.T, orgs int) {
	t.Helper()
	n := testnet.Current()
	dir := t.TempDir()
	block, update := filepath.Join(dir, "config.block"), filepath.Join(dir, "update.pb")
	orderer := []string{"-o", fmt.Sprintf("127.0.0.1:%d", n.PortBase), "--tls", "--cafile",
		filepath.Join(n.Dir, "crypto", "ordererOrganizations", "orderer.tracechain.example", "tlsca", "tlsca.orderer.tracechain.example-cert.pem")}
	out, err := n.Peer(ctx, testnet.Regulator, append([]string{"channel", "fetch", "config", block, "-c", testnet.Names.Channel}, orderer...)...)
	require.NoError(t, err, out)
	orgupdate := filepath.Join(binDir(), "orgupdate")
	raw, err := exec.CommandContext(ctx, orgupdate, "add", "--block", block, "--channel", testnet.Names.Channel, "--mspid", "RogueMSP", //nolint:gosec // the network's own tool
		"--msp", filepath.Join(n.Dir, "crypto", "peerOrganizations", "manufacturerc.tracechain.example", "msp"), "--out", update).CombinedOutput()
	require.NoError(t, err, string(raw))
	out, err = n.Peer(ctx, testnet.Regulator, "channel", "signconfigtx", "-f", update)
	require.NoError(t, err, out)
	out, err = n.Peer(ctx, testnet.ManufacturerA, append([]string{"channel", "update", "-f", update, "-c", testnet.Names.Channel}, orderer...)...)
	require.Error(t, err, "an update signed by 2 of %d organisations' admins", orgs)
	require.Contains(t, out, fmt.Sprintf("requires %d of the 'Admins' sub-policies", orgs/2+1), out)

	out, err = n.Peer(ctx, testnet.Regulator, append([]string{"channel", "fetch", "config", block, "-c", testnet.Names.Channel}, orderer...)...)
	require.NoError(t, err, out)
	raw, err = exec.CommandContext(ctx, orgupdate, "inspect", "--block", block, "--mspid", "RogueMSP").CombinedOutput() //nolint:gosec // the network's own tool
	require.NoError(t, err, string(raw))
	require.Contains(t, string(raw), "lacks RogueMSP")
}

// binDir is where network.sh built its tools (TRACECHAIN_BIN, default .bin of the repository).
func binDir() string {
	if dir := os.Getenv("TRACECHAIN_BIN"); dir != "" {
		return dir
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", ".bin")
}

// TestDownLeavesNothingRunning runs last: network.sh down stops every node the network
// recorded, the added organisations' CAs and peers included.
func TestDownLeavesNothingRunning(t *testing.T) {
	n := testnet.Current()
	procs, err := n.Processes()
	require.NoError(t, err)
	for _, node := range []string{"ca.manufacturerc", testnet.PeerNode(NewMaker), testnet.ChaincodeNode(NewMaker),
		"ca.retailerzj", testnet.PeerNode(NewRetailer), testnet.ChaincodeNode(NewRetailer),
		"ca.regulatorzj", testnet.PeerNode(NewRegulator), testnet.ChaincodeNode(NewRegulator),
		testnet.PeerNode(testnet.Regulator), testnet.ChaincodeNode(testnet.Regulator), "orderer0", testnet.BenchChaincodeNode} {
		require.Contains(t, procs, node)
	}
	require.NoError(t, n.Stop())
	for node, p := range procs {
		require.False(t, p.Running(), "%s (PID %d) survived network.sh down", node, p.PID)
	}
	_, err = os.Stat(n.Dir)
	require.True(t, errors.Is(err, os.ErrNotExist), "run directory %s left behind: %v", n.Dir, err)
}
