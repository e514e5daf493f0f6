package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

// caPEM is a fresh self-signed CA certificate.
func caPEM(t *testing.T, cn string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// writeMSP lays out an MSP directory as cryptogen does, NodeOUs enabled.
func writeMSP(t *testing.T, dir string, config string) {
	t.Helper()
	for sub, cn := range map[string]string{"cacerts": "ca.new.example", "tlscacerts": "tlsca.new.example"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, sub), 0o750))
		require.NoError(t, os.WriteFile(filepath.Join(dir, sub, cn+"-cert.pem"), caPEM(t, cn), 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(config), 0o600))
}

const cryptogenConfig = `NodeOUs:
  Enable: true
  ClientOUIdentifier:
    Certificate: cacerts/ca.new.example-cert.pem
    OrganizationalUnitIdentifier: client
  PeerOUIdentifier:
    Certificate: cacerts/ca.new.example-cert.pem
    OrganizationalUnitIdentifier: peer
  AdminOUIdentifier:
    Certificate: cacerts/ca.new.example-cert.pem
    OrganizationalUnitIdentifier: admin
  OrdererOUIdentifier:
    Certificate: cacerts/ca.new.example-cert.pem
    OrganizationalUnitIdentifier: orderer
`

// writeConfigBlock writes configuration block number of a channel whose Application group
// has the organisation OldMSP.
func writeConfigBlock(t *testing.T, path string, number uint64) {
	t.Helper()
	adminsPolicy := func() map[string]*common.ConfigPolicy {
		raw, err := proto.Marshal(&common.ImplicitMetaPolicy{SubPolicy: "Admins", Rule: common.ImplicitMetaPolicy_MAJORITY})
		require.NoError(t, err)
		return map[string]*common.ConfigPolicy{"Admins": {ModPolicy: "Admins", Policy: &common.Policy{Type: int32(common.Policy_IMPLICIT_META), Value: raw}}}
	}
	cfg := &common.Config{ChannelGroup: &common.ConfigGroup{
		ModPolicy: "Admins", Policies: adminsPolicy(), Values: map[string]*common.ConfigValue{},
		Groups: map[string]*common.ConfigGroup{"Application": {
			ModPolicy: "Admins", Policies: adminsPolicy(), Values: map[string]*common.ConfigValue{},
			Groups: map[string]*common.ConfigGroup{"OldMSP": {
				ModPolicy: "Admins", Groups: map[string]*common.ConfigGroup{},
				Values: map[string]*common.ConfigValue{}, Policies: map[string]*common.ConfigPolicy{},
			}},
		}},
	}}
	marshal := func(m proto.Message) []byte {
		raw, err := proto.Marshal(m)
		require.NoError(t, err)
		return raw
	}
	payload := &common.Payload{
		Header: &common.Header{ChannelHeader: marshal(&common.ChannelHeader{Type: int32(common.HeaderType_CONFIG), ChannelId: "traceability"})},
		Data:   marshal(&common.ConfigEnvelope{Config: cfg}),
	}
	block := &common.Block{
		Header: &common.BlockHeader{Number: number},
		Data:   &common.BlockData{Data: [][]byte{marshal(&common.Envelope{Payload: marshal(payload)})}},
	}
	require.NoError(t, os.WriteFile(path, marshal(block), 0o600))
}

func TestAddWritesTheUpdateThatAddsTheOrganisation(t *testing.T) {
	dir := t.TempDir()
	block, update, mspDir := filepath.Join(dir, "config.block"), filepath.Join(dir, "update.pb"), filepath.Join(dir, "msp")
	writeConfigBlock(t, block, 7)
	writeMSP(t, mspDir, cryptogenConfig)
	require.NoError(t, add([]string{"--block", block, "--channel", "traceability", "--mspid", "NewMSP",
		"--msp", mspDir, "--anchor", "127.0.0.1:29150", "--out", update}))

	raw, err := os.ReadFile(update) //nolint:gosec // the test's own file
	require.NoError(t, err)
	var env common.Envelope
	require.NoError(t, proto.Unmarshal(raw, &env))
	var payload common.Payload
	require.NoError(t, proto.Unmarshal(env.GetPayload(), &payload))
	var ch common.ChannelHeader
	require.NoError(t, proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch))
	require.Equal(t, int32(common.HeaderType_CONFIG_UPDATE), ch.GetType())
	require.Equal(t, "traceability", ch.GetChannelId())
	var cue common.ConfigUpdateEnvelope
	require.NoError(t, proto.Unmarshal(payload.GetData(), &cue))
	require.Empty(t, cue.GetSignatures(), "it builds; the admins sign")
	var cu common.ConfigUpdate
	require.NoError(t, proto.Unmarshal(cue.GetConfigUpdate(), &cu))
	require.Equal(t, "traceability", cu.GetChannelId())

	// The Application group is read at its version and written at the next, with the
	// newcomer in it and the existing organisation unchanged.
	read, write := cu.GetReadSet().GetGroups()["Application"], cu.GetWriteSet().GetGroups()["Application"]
	require.Equal(t, uint64(0), read.GetVersion())
	require.Equal(t, uint64(1), write.GetVersion())
	require.Contains(t, write.GetGroups(), "OldMSP")
	require.Zero(t, write.GetGroups()["OldMSP"].GetVersion())
	org := write.GetGroups()["NewMSP"]
	require.NotNil(t, org)
	require.ElementsMatch(t, []string{"Readers", "Writers", "Admins", "Endorsement"}, keys(org.GetPolicies()))
	require.Equal(t, "Admins", org.GetModPolicy())

	var mspCfg msp.MSPConfig
	require.NoError(t, proto.Unmarshal(org.GetValues()["MSP"].GetValue(), &mspCfg))
	var fabricMSP msp.FabricMSPConfig
	require.NoError(t, proto.Unmarshal(mspCfg.GetConfig(), &fabricMSP))
	require.Equal(t, "NewMSP", fabricMSP.GetName())
	require.Len(t, fabricMSP.GetRootCerts(), 1)
	require.Len(t, fabricMSP.GetTlsRootCerts(), 1)
	require.True(t, fabricMSP.GetFabricNodeOus().GetEnable())
	require.Equal(t, "admin", fabricMSP.GetFabricNodeOus().GetAdminOuIdentifier().GetOrganizationalUnitIdentifier())
	require.Equal(t, "peer", fabricMSP.GetFabricNodeOus().GetPeerOuIdentifier().GetOrganizationalUnitIdentifier())

	var anchors peer.AnchorPeers
	require.NoError(t, proto.Unmarshal(org.GetValues()["AnchorPeers"].GetValue(), &anchors))
	require.Len(t, anchors.GetAnchorPeers(), 1)
	require.Equal(t, "127.0.0.1", anchors.GetAnchorPeers()[0].GetHost())
	require.Equal(t, int32(29150), anchors.GetAnchorPeers()[0].GetPort())
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestAddRefusesAnOrganisationAlreadyInTheChannel(t *testing.T) {
	dir := t.TempDir()
	block, mspDir := filepath.Join(dir, "config.block"), filepath.Join(dir, "msp")
	writeConfigBlock(t, block, 7)
	writeMSP(t, mspDir, cryptogenConfig)
	err := add([]string{"--block", block, "--channel", "traceability", "--mspid", "OldMSP", "--msp", mspDir, "--out", filepath.Join(dir, "u.pb")})
	require.ErrorContains(t, err, "already in channel")
}

func TestAddRefusesNodeOUsWithoutAdminOU(t *testing.T) {
	dir := t.TempDir()
	block, mspDir := filepath.Join(dir, "config.block"), filepath.Join(dir, "msp")
	writeConfigBlock(t, block, 7)
	writeMSP(t, mspDir, "NodeOUs:\n  Enable: true\n  ClientOUIdentifier:\n    Certificate: cacerts/ca.new.example-cert.pem\n    OrganizationalUnitIdentifier: client\n")
	err := add([]string{"--block", block, "--channel", "traceability", "--mspid", "NewMSP", "--msp", mspDir, "--out", filepath.Join(dir, "u.pb")})
	require.ErrorContains(t, err, "NodeOUs enabled without")
}

func TestInspectTellsWhetherTheChannelHasTheOrganisation(t *testing.T) {
	block := filepath.Join(t.TempDir(), "config.block")
	writeConfigBlock(t, block, 12)
	var out bytes.Buffer
	require.NoError(t, inspect([]string{"--block", block, "--mspid", "OldMSP"}, &out))
	require.NoError(t, inspect([]string{"--block", block, "--mspid", "NewMSP"}, &out))
	require.Equal(t, "12 has OldMSP\n12 lacks NewMSP\n", out.String())
}
