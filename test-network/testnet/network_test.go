//go:build integration

package testnet_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/benchcc"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m)) }

// bench connects to the benchmark baseline chaincode (trivial Put/Get, same
// endorsement policy as tracechain) as org's user. It is a chaincode of its
// own: the tracechain chaincode carries no benchmark contract.
func bench(t *testing.T, org string) *gateway.Contract {
	return benchWithCommitTimeout(t, org, 30*time.Second)
}

func benchWithCommitTimeout(t *testing.T, org string, commitTimeout time.Duration) *gateway.Contract {
	t.Helper()
	p, err := client.LoadProfile(testnet.Current().ProfilePath(org))
	require.NoError(t, err)
	conn, err := p.Dial()
	require.NoError(t, err)
	gw, err := p.Gateway(conn, client.IdentityUser,
		gateway.WithEvaluateTimeout(10*time.Second), gateway.WithEndorseTimeout(15*time.Second),
		gateway.WithSubmitTimeout(10*time.Second), gateway.WithCommitStatusTimeout(commitTimeout))
	require.NoError(t, err)
	t.Cleanup(func() { gw.Close(); conn.Close() })
	return gw.GetNetwork(p.Channel).GetContract(benchcc.Chaincode)
}

func key(t *testing.T) string { return fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano()) }

func TestStatusShowsAllNodesHealthy(t *testing.T) {
	out, err := testnet.Current().Status(context.Background())
	require.NoError(t, err, out)
	// NODE PID STATE HEALTH RSS_MiB, one row per node, then a total.
	state, health := map[string]string{}, map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) == 5 {
			state[f[0]], health[f[0]] = f[2], f[3]
		}
	}
	want := []string{"orderer0", "orderer1", "orderer2", "ca.regulator"}
	for _, org := range testnet.Orgs {
		want = append(want, testnet.PeerNode(org))
	}
	// Every orderer, peer and the Regulator's Fabric CA answers its health check.
	for _, n := range want {
		require.Equal(t, "running", state[n], "%s\n%s", n, out)
		require.Equal(t, "OK", health[n], "%s\n%s", n, out)
	}
	require.Equal(t, len(want), strings.Count(out, " OK "), out)
	// The chaincode servers run (they have no operations endpoint): every
	// organisation's own tracechain server, and the benchmark baseline's one.
	servers := []string{testnet.BenchChaincodeNode}
	for _, org := range testnet.Orgs {
		servers = append(servers, testnet.ChaincodeNode(org))
	}
	for _, n := range servers {
		require.Equal(t, "running", state[n], "%s\n%s", n, out)
	}
}

func TestPeerCLIQueriesChaincode(t *testing.T) {
	k := key(t)
	_, err := bench(t, testnet.Distributor).Submit(benchcc.FnPut, gateway.WithArguments(k, "v1"))
	require.NoError(t, err)
	out, err := testnet.Current().Peer(context.Background(), testnet.Regulator,
		"chaincode", "query", "-C", testnet.Names.Channel, "-n", benchcc.Chaincode, "-c", fmt.Sprintf(`{"Args":[%q,%q]}`, benchcc.FnGet, k))
	require.NoError(t, err, out)
	require.Contains(t, out, "v1")
}

// contracts returns the contract names in a chaincode's metadata, as the peer
// CLI evaluates org.hyperledger.fabric:GetMetadata as org's admin.
func contracts(t *testing.T, org, chaincode string) []string {
	t.Helper()
	out, err := testnet.Current().Peer(context.Background(), org,
		"chaincode", "query", "-C", testnet.Names.Channel, "-n", chaincode, "-c", `{"Args":["org.hyperledger.fabric:GetMetadata"]}`)
	require.NoError(t, err, out)
	i := strings.Index(out, "{")
	require.GreaterOrEqual(t, i, 0, out)
	var md struct {
		Contracts map[string]json.RawMessage `json:"contracts"`
	}
	require.NoError(t, json.NewDecoder(strings.NewReader(out[i:])).Decode(&md), out)
	var names []string
	for name := range md.Contracts {
		names = append(names, name)
	}
	return names
}

func TestDeployedTracechainHasNoBenchContract(t *testing.T) {
	// The chaincode a consortium deploys offers no unchecked write: the
	// benchmark baseline lives in a chaincode of its own.
	got := contracts(t, testnet.Regulator, "tracechain")
	require.Contains(t, got, "tracechain", got)
	for _, name := range got {
		require.NotContains(t, strings.ToLower(name), "bench", got)
	}
	// The same reading finds the contract where it does live, so the check above can fail.
	require.Contains(t, contracts(t, testnet.Regulator, benchcc.Chaincode), "bench")
}

func TestSingleOrganisationEndorsementIsRejected(t *testing.T) {
	contract := bench(t, testnet.ManufacturerA)
	proposal, err := contract.NewProposal(benchcc.FnPut, gateway.WithArguments(key(t), "forged"),
		gateway.WithEndorsingOrganizations("ManufacturerAMSP"))
	require.NoError(t, err)
	tx, err := proposal.Endorse()
	require.NoError(t, err)
	commit, err := tx.Submit()
	require.NoError(t, err)
	status, err := commit.Status()
	require.NoError(t, err)
	require.False(t, status.Successful)
	require.Equal(t, peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE, status.Code)
}

// register commits one small tracechain write, a product registration of
// ManufacturerA's, through the SDK: it retries and re-sends by its own rules
// (client.RetryPolicy), as an application's writes do while orderers fail.
func register(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	members(ctx, t)
	gtin := testnet.NewGTIN(testnet.PrefixA)
	_, err := user(t, testnet.ManufacturerA).RegisterProduct(ctx, testnet.ProductRequest(gtin, testnet.LicenceA, "written while an orderer is down"))
	require.NoError(t, err)
}

var (
	membersOnce sync.Once
	membersErr  error
)

// members registers the consortium's members, once per test binary.
func members(ctx context.Context, t *testing.T) {
	t.Helper()
	regulator, err := testnet.Current().Client(testnet.Regulator, testnet.Admin)
	require.NoError(t, err)
	membersOnce.Do(func() { membersErr = testnet.RegisterMembers(ctx, regulator) })
	require.NoError(t, membersErr)
}

// user is org's shared SDK client as its ordinary user.
func user(t *testing.T, org string) *client.Client {
	t.Helper()
	c, err := testnet.Current().Client(org, testnet.User)
	require.NoError(t, err)
	return c
}

func TestStoppingOneOrdererKeepsSubmissionsWorking(t *testing.T) {
	ctx := context.Background()
	n := testnet.Current()
	contract := benchWithCommitTimeout(t, testnet.Retailer, 5*time.Second)
	for _, orderer := range []string{"orderer0", "orderer1"} {
		require.NoError(t, n.StopNode(ctx, orderer))
		register(t)
		for i := 0; i < 5; i++ {
			_, err := contract.Submit(benchcc.FnPut, gateway.WithArguments(key(t), "steady"))
			require.NoError(t, err, "submission %d with %s down", i, orderer)
		}
		require.NoError(t, n.StartNode(ctx, orderer))
	}
}

func TestRestartedPeerCatchesUpToSameHeight(t *testing.T) {
	ctx := context.Background()
	n := testnet.Current()
	node := testnet.PeerNode(testnet.Distributor)
	require.NoError(t, n.StopNode(ctx, node))
	contract := bench(t, testnet.ManufacturerB)
	for i := 0; i < 5; i++ {
		_, err := contract.Submit(benchcc.FnPut, gateway.WithArguments(key(t), "while peer down"))
		require.NoError(t, err)
	}
	want, err := n.ChainHeight(ctx, testnet.ManufacturerB)
	require.NoError(t, err)
	require.NoError(t, n.StartNode(ctx, node))
	wctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	require.NoError(t, n.WaitForBlock(wctx, want-1), "the restarted peer catches up")
	got, err := n.ChainHeight(ctx, testnet.Distributor)
	require.NoError(t, err)
	require.GreaterOrEqual(t, got, want)
}

// ledgerConfig reads the tracechain ledger's configuration (who the Regulator
// is, written once by InitLedger) through the SDK as org's user.
func ledgerConfig(ctx context.Context, t *testing.T, org string) (*model.NetworkConfig, error) {
	t.Helper()
	p, err := client.LoadProfile(testnet.Current().ProfilePath(org))
	require.NoError(t, err)
	c, err := client.Connect(ctx, client.WithProfile(p, false))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.Network(ctx)
}

func TestUpgradeKeepsData(t *testing.T) {
	ctx := context.Background()
	k := key(t)
	_, err := bench(t, testnet.ManufacturerA).Submit(benchcc.FnPut, gateway.WithArguments(k, "before upgrade"))
	require.NoError(t, err)
	before, err := ledgerConfig(ctx, t, testnet.Regulator)
	require.NoError(t, err)
	require.Equal(t, "RegulatorMSP", before.RegulatorMSPID)

	// Deploy upgrades both chaincodes to their next sequence; neither loses its
	// data, and the upgrade does not initialise the tracechain ledger again.
	sequence := func(cc string) int {
		out, err := testnet.Current().Peer(ctx, testnet.ManufacturerA, "lifecycle", "chaincode", "querycommitted",
			"-C", testnet.Names.Channel, "-n", cc)
		require.NoError(t, err, out)
		var seq int
		i := strings.Index(out, "Sequence: ")
		require.GreaterOrEqual(t, i, 0, out)
		_, err = fmt.Sscanf(out[i:], "Sequence: %d", &seq)
		require.NoError(t, err, out)
		return seq
	}
	chaincodes := []string{"tracechain", benchcc.Chaincode}
	was := map[string]int{}
	for _, cc := range chaincodes {
		was[cc] = sequence(cc)
	}
	require.NoError(t, testnet.Current().Deploy(ctx))
	for _, cc := range chaincodes {
		require.Equal(t, was[cc]+1, sequence(cc), cc)
	}
	// Deploy returns once every organisation's gateway is served by both
	// chaincodes' new servers.
	got, err := bench(t, testnet.Distributor).Evaluate(benchcc.FnGet, gateway.WithArguments(k))
	require.NoError(t, err)
	require.Equal(t, "before upgrade", string(got))
	after, err := ledgerConfig(ctx, t, testnet.Distributor)
	require.NoError(t, err)
	require.Equal(t, before.RegulatorMSPID, after.RegulatorMSPID)
	require.Equal(t, before.TxID, after.TxID, "initialised once, by network.sh up")
}
