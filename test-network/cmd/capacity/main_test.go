package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

func TestStoreOfNamesThePeersAndOrderersStores(t *testing.T) {
	for rel, want := range map[string]string{
		"data/ledgersData/chains/chains/traceability/blockfile_000000": "blocks",
		"data/ledgersData/stateLeveldb/000001.log":                     "state",
		"data/ledgersData/historyLeveldb/MANIFEST-000000":              "history",
		"data/ledgersData/configHistory/LOG":                           "other ledger",
		"ledger/chains/traceability/blockfile_000000":                  "blocks",
		"wal/traceability/0000000000000000-0000000000000000.wal":       "raft WAL",
		"data/chaincodes/x": "",
		"log":               "",
	} {
		require.Equal(t, want, storeOf(rel), rel)
	}
}

func write(t *testing.T, path string, size int) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o750))
	require.NoError(t, os.WriteFile(path, make([]byte, size), 0o600))
}

func TestDiffDividesEachKindsGrowthByTheUnits(t *testing.T) {
	run := t.TempDir()
	files := func(sizes map[string]int) {
		for path, size := range sizes {
			write(t, filepath.Join(run, path), size)
		}
	}
	const blocksA, blocksB = "nodes/peer0.a/data/ledgersData/chains/chains/ch/blockfile_000000", "nodes/peer0.b/data/ledgersData/chains/chains/ch/blockfile_000000"
	const ordererBlocks = "nodes/orderer0/ledger/chains/ch/blockfile_000000"
	files(map[string]int{blocksA: 1000, blocksB: 1000, ordererBlocks: 1000, "nodes/chaincode/log": 5000, "index.db": 100})
	before, err := measure(run, filepath.Join(run, "index.db"))
	require.NoError(t, err)
	require.NotContains(t, before.Nodes, "chaincode")
	require.Equal(t, int64(1000), before.Nodes["peer0.a"]["blocks"])

	files(map[string]int{blocksA: 3000, blocksB: 5000, "nodes/peer0.b/data/ledgersData/stateLeveldb/000001.log": 1000,
		ordererBlocks: 4000, "index.db": 300})
	after, err := measure(run, filepath.Join(run, "index.db"))
	require.NoError(t, err)

	g, n := growth(before, after, "peer")
	require.Equal(t, 2, n)
	require.InDelta(t, 3000, g["blocks"], 0.001, "(2000 + 4000) / 2 peers")
	require.InDelta(t, 500, g["state"], 0.001)

	dir := t.TempDir()
	bp, ap := filepath.Join(dir, "before.json"), filepath.Join(dir, "after.json")
	writeUsage := func(path string, u diskUsage) {
		var raw bytes.Buffer
		require.NoError(t, encodeUsage(&raw, u))
		require.NoError(t, os.WriteFile(path, raw.Bytes(), 0o600))
	}
	writeUsage(bp, before)
	writeUsage(ap, after)
	var out bytes.Buffer
	require.NoError(t, diff([]string{"--before", bp, "--after", ap, "--units", "10"}, &out))
	require.Contains(t, out.String(), "peer (2 nodes): total 350; blocks 300; state 50")
	require.Contains(t, out.String(), "orderer (1 nodes): total 300")
	require.Contains(t, out.String(), "EPCIS index: 20")
}

func TestPolicyAndCollectionsNameEveryOrganisation(t *testing.T) {
	orgs := growthOrgs(3)
	text, raw, err := peerPolicy(orgs)
	require.NoError(t, err)
	require.Equal(t, "OutOf(2,'Org0001MSP.peer','Org0002MSP.peer','Org0003MSP.peer')", text)
	var ap peer.ApplicationPolicy
	require.NoError(t, proto.Unmarshal(raw, &ap))
	require.Len(t, ap.GetSignaturePolicy().GetIdentities(), 3)
	require.Equal(t, int32(2), ap.GetSignaturePolicy().GetRule().GetNOutOf().GetN())

	raw, err = salesCollections(orgs)
	require.NoError(t, err)
	var pkg peer.CollectionConfigPackage
	require.NoError(t, proto.Unmarshal(raw, &pkg))
	require.Len(t, pkg.GetConfig(), 3)
	c := pkg.GetConfig()[2].GetStaticCollectionConfig()
	require.Equal(t, "salesOrg0003MSP", c.GetName())
	require.Len(t, c.GetMemberOrgsPolicy().GetSignaturePolicy().GetIdentities(), 3, "seller, national and provincial regulator")
	require.Len(t, c.GetEndorsementPolicy().GetSignaturePolicy().GetIdentities(), 1, "the seller's peers")
}

func TestCryptoConfigHasTheNewcomerToo(t *testing.T) {
	cfg := cryptoConfig(growthOrgs(4))
	require.Equal(t, 4, strings.Count(cfg, "EnableNodeOUs: true\n    Template"))
	require.Contains(t, cfg, "Domain: org0004.grow.example")
}

func TestConfigUpdateReadsOrgupdatesEnvelope(t *testing.T) {
	marshal := func(m proto.Message) []byte {
		raw, err := proto.Marshal(m)
		require.NoError(t, err)
		return raw
	}
	update := marshal(&common.ConfigUpdate{ChannelId: channel})
	env := &common.Envelope{Payload: marshal(&common.Payload{Data: marshal(&common.ConfigUpdateEnvelope{ConfigUpdate: update})})}
	path := filepath.Join(t.TempDir(), "update.pb")
	require.NoError(t, os.WriteFile(path, marshal(env), 0o600))
	got, err := configUpdate(path)
	require.NoError(t, err)
	require.Equal(t, update, got)
}
