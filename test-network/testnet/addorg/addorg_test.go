//go:build integration

package addorg_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m, testnet.WithOwnNetwork())) }

// The organisations the suite adds; their master data is the kit's (testnet.NewcomerRequest).
const (
	NewMaker          = testnet.NewMaker
	NewRetailer       = testnet.NewRetailer
	NewRegulator      = testnet.NewRegulator
	ZhejiangRegion    = testnet.ZhejiangRegion
	prefixC, licenceC = testnet.PrefixC, testnet.LicenceC
)

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
		_, err := clientOf(t, testnet.Regulator, testnet.Admin).RegisterMember(ctx, testnet.NewcomerRequest(org))
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
	// channel's ledger on its own peer, and the Regulator registers it for its province. It
	// joins the new retailer's sales collection: its peer reconciles the record of the sale
	// made before it joined.
	addOrg(ctx, t, NewRegulator, "regulator", ZhejiangRegion)
	register(ctx, t, NewRegulator)
	all = append(all, NewRegulator)
	settle(ctx, t, all)
	g, err := n.Gateway(NewRegulator, testnet.Reader)
	require.NoError(t, err)
	_, err = g.Network.GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", gateway.WithArguments(testnet.Names.Channel))
	require.NoError(t, err, "%s's reader reads the ledger", NewRegulator)
	_, err = clientOf(t, NewRegulator, testnet.Reader).Verify(ctx, toRetailer[0])
	require.NoError(t, err)
	requireSaleRead(ctx, t, NewRegulator, toRetailer[0], buyer.BuyerName)

	regulatorsOnlyWatch(ctx, t, C, gtinC, all)

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

// requireSaleRead waits until org's administrator reads the buyer of code's sale on its own
// peer: a regulator's peer that was down, or joined after the sale, gets the record from the
// seller's peer by reconciliation.
func requireSaleRead(ctx context.Context, t *testing.T, org, code, buyerName string) {
	t.Helper()
	c := clientOf(t, org, testnet.Admin)
	var err error
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(time.Second) {
		var rec *model.SaleRecord
		if rec, err = c.GetSale(ctx, code); err == nil {
			require.Equal(t, buyerName, rec.BuyerName)
			return
		}
	}
	require.NoError(t, err, "%s reads the sale of %s", org, code)
}

// regulatorsOnlyWatch stops every regulator's peer, and the supply chain goes on: the new
// manufacturer captures a commissioning, ships to the new retailer (Zhejiang) and the
// consortium's Retailer (Beijing), who receive and sell; then it recalls the batch. Once
// the regulators' peers are back, each reads the sales it is responsible for, and the buyer
// data is on disk on no other organisation's peer.
func regulatorsOnlyWatch(ctx context.Context, t *testing.T, C *client.Client, gtin string, all []string) {
	t.Helper()
	n := testnet.Current()
	regulators := []string{testnet.Regulator, NewRegulator}
	var working []string
	for _, org := range all {
		if !slices.Contains(regulators, org) {
			working = append(working, org)
		}
	}
	for _, org := range regulators {
		require.NoError(t, n.StopNode(ctx, "peer0."+strings.ToLower(org)))
	}
	run := testnet.RandDigits(6)
	batch := "W" + run
	units := codes(gtin, run+"W", 2)
	var epcs []json.RawMessage
	for _, u := range units {
		id, err := identifier.Parse(u)
		require.NoError(t, err)
		epcs = append(epcs, json.RawMessage(fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":[%q],`+
			`"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:lotNumber":%q}}`, time.Now().UTC().Format(time.RFC3339Nano), id.Canonical, batch)))
	}
	_, err := C.CaptureEvents(ctx, epcs)
	require.NoError(t, err, "a capture with every regulator peer stopped")
	_, err = C.Ship(ctx, model.ShipRequest{To: testnet.MSPID(NewRetailer), Codes: units[:1]})
	require.NoError(t, err)
	_, err = C.Ship(ctx, model.ShipRequest{To: testnet.MSPID(testnet.Retailer), Codes: units[1:]})
	require.NoError(t, err)
	settle(ctx, t, working)
	buyers := map[string]model.SaleData{}
	for i, s := range []struct{ org, code string }{{NewRetailer, units[0]}, {testnet.Retailer, units[1]}} {
		R := clientOf(t, s.org, testnet.User)
		_, err := R.Receive(ctx, model.MoveRequest{Codes: []string{s.code}})
		require.NoError(t, err)
		b := model.SaleData{BuyerName: uniqueName(t), BuyerAddress: "1 Test Road", BuyerContact: fmt.Sprintf("+86 139 0000 %04d", i)}
		res, err := R.Sell(ctx, model.SellRequest{Code: s.code}, b)
		require.NoError(t, err, "%s sells with every regulator peer stopped", s.org)
		require.Equal(t, model.OutcomeSold, res.Outcome)
		buyers[s.org] = b
	}
	_, err = clientOf(t, NewMaker, testnet.Admin).Recall(ctx, model.RecallRequest{GTIN: gtin, Batch: batch, Reason: "the maker's recall, regulators away"})
	require.NoError(t, err)

	for _, org := range regulators {
		require.NoError(t, n.StartNode(ctx, "peer0."+strings.ToLower(org)))
	}
	settle(ctx, t, all)
	requireSaleRead(ctx, t, testnet.Regulator, units[0], buyers[NewRetailer].BuyerName)
	requireSaleRead(ctx, t, testnet.Regulator, units[1], buyers[testnet.Retailer].BuyerName)
	requireSaleRead(ctx, t, NewRegulator, units[0], buyers[NewRetailer].BuyerName)
	_, err = clientOf(t, NewRegulator, testnet.Admin).GetSale(ctx, units[1])
	require.ErrorIs(t, err, client.ErrForbidden, "Zhejiang's regulator reads no sale of Beijing")

	// On disk: each buyer's name is on the seller's peer (proving the search finds it), and on
	// no peer outside the seller and its regulators.
	readers := map[string][]string{
		NewRetailer:      {NewRetailer, testnet.Regulator, NewRegulator},
		testnet.Retailer: {testnet.Retailer, testnet.Regulator},
	}
	for seller, b := range buyers {
		for _, org := range all {
			found := onDisk(t, filepath.Join(n.Dir, "nodes", "peer0."+strings.ToLower(org)), b.BuyerName)
			switch {
			case org == seller:
				require.True(t, found, "the buyer of %s's sale on its own peer", seller)
			case !slices.Contains(readers[seller], org):
				require.False(t, found, "the buyer of %s's sale is on %s's peer", seller, org)
			}
		}
	}
}

// uniqueName is a buyer's name of random CJK characters, which no other bytes on a peer's
// disk repeat, so that LevelDB's compression keeps it whole where it is stored.
func uniqueName(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for range 10 {
		d, err := strconv.Atoi(testnet.RandDigits(4))
		require.NoError(t, err)
		b.WriteRune(rune(0x4E00 + d*2))
	}
	return b.String()
}

// onDisk reports whether any file under dir holds s.
func onDisk(t *testing.T, dir, s string) bool {
	t.Helper()
	found := false
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || found {
			return err
		}
		raw, err := os.ReadFile(path) //nolint:gosec // the network's own run directory
		if err != nil {
			return err
		}
		found = bytes.Contains(raw, []byte(s))
		return nil
	})
	require.NoError(t, err)
	return found
}
