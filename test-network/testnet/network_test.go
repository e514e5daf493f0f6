//go:build integration

package testnet_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"

	tc "github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m)) }

// bench connects to the bench contract (trivial Put/Get) as org's user.
func bench(t *testing.T, org string) *client.Contract {
	return benchWithCommitTimeout(t, org, 30*time.Second)
}

func benchWithCommitTimeout(t *testing.T, org string, commitTimeout time.Duration) *client.Contract {
	t.Helper()
	p, err := tc.LoadProfile(testnet.Current().ProfilePath(org))
	require.NoError(t, err)
	conn, err := p.Dial()
	require.NoError(t, err)
	gw, err := p.Gateway(conn, false,
		client.WithEvaluateTimeout(10*time.Second), client.WithEndorseTimeout(15*time.Second),
		client.WithSubmitTimeout(10*time.Second), client.WithCommitStatusTimeout(commitTimeout))
	require.NoError(t, err)
	t.Cleanup(func() { gw.Close(); conn.Close() })
	return gw.GetNetwork(p.Channel).GetContractWithName(p.Chaincode, "bench")
}

func key(t *testing.T) string { return fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano()) }

func TestStatusShowsAllNodesHealthy(t *testing.T) {
	out, err := testnet.Current().Status(context.Background())
	require.NoError(t, err, out)
	require.Equal(t, 3, strings.Count(out, "\norderer"), out)
	require.Equal(t, 5, strings.Count(out, "peer0."), out)
	require.Equal(t, 8, strings.Count(out, " OK "), out)
}

func TestPeerCLIQueriesChaincode(t *testing.T) {
	k := key(t)
	_, err := bench(t, testnet.Distributor).Submit("Put", client.WithArguments(k, "v1"))
	require.NoError(t, err)
	out, err := testnet.Current().Peer(context.Background(), testnet.Regulator,
		"chaincode", "query", "-C", "traceability", "-n", "tracechain", "-c", fmt.Sprintf(`{"Args":["bench:Get",%q]}`, k))
	require.NoError(t, err, out)
	require.Contains(t, out, "v1")
}

func TestSingleOrganisationEndorsementIsRejected(t *testing.T) {
	contract := bench(t, testnet.ManufacturerA)
	proposal, err := contract.NewProposal("Put", client.WithArguments(key(t), "forged"),
		client.WithEndorsingOrganizations("ManufacturerAMSP"))
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

// submitWithin retries a write until it commits or the deadline passes: while a new raft
// leader is elected, submissions may briefly fail, and a transaction a follower accepted just
// before losing its leader is never committed (its commit status times out).
func submitWithin(t *testing.T, contract *client.Contract, d time.Duration, args ...string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		_, err := contract.Submit("Put", client.WithArguments(args...))
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			require.NoError(t, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func TestStoppingOneOrdererKeepsSubmissionsWorking(t *testing.T) {
	ctx := context.Background()
	n := testnet.Current()
	contract := benchWithCommitTimeout(t, testnet.Retailer, 5*time.Second)
	for _, orderer := range []string{"orderer0", "orderer1"} {
		require.NoError(t, n.StopNode(ctx, orderer))
		submitWithin(t, contract, 60*time.Second, key(t), "with "+orderer+" down")
		for i := 0; i < 5; i++ {
			_, err := contract.Submit("Put", client.WithArguments(key(t), "steady"))
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
		_, err := contract.Submit("Put", client.WithArguments(key(t), "while peer down"))
		require.NoError(t, err)
	}
	want, err := n.Height(ctx, testnet.ManufacturerB)
	require.NoError(t, err)
	require.NoError(t, n.StartNode(ctx, node))
	require.Eventually(t, func() bool {
		got, err := n.Height(ctx, testnet.Distributor)
		return err == nil && got >= want
	}, 60*time.Second, 500*time.Millisecond)
	got, err := n.Height(ctx, testnet.Distributor)
	require.NoError(t, err)
	require.GreaterOrEqual(t, got, want)
}

func TestUpgradeKeepsData(t *testing.T) {
	ctx := context.Background()
	k := key(t)
	_, err := bench(t, testnet.ManufacturerA).Submit("Put", client.WithArguments(k, "before upgrade"))
	require.NoError(t, err)
	require.NoError(t, testnet.Current().Deploy(ctx))
	out, err := testnet.Current().Peer(ctx, testnet.ManufacturerA, "lifecycle", "chaincode", "querycommitted",
		"-C", "traceability", "-n", "tracechain")
	require.NoError(t, err, out)
	require.Contains(t, out, "Sequence: 2")
	var got []byte
	require.Eventually(t, func() bool {
		got, err = bench(t, testnet.Distributor).Evaluate("Get", client.WithArguments(k))
		return err == nil
	}, 30*time.Second, 500*time.Millisecond)
	require.Equal(t, "before upgrade", string(got))
}
