package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hyperledger/fabric-config/configtx"
	"github.com/hyperledger/fabric-config/configtx/membership"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	ordererpb "github.com/hyperledger/fabric-protos-go-apiv2/orderer"
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
	writeBlock(t, path, number, cfg)
}

// writeBlock writes configuration block number with cfg.
func writeBlock(t *testing.T, path string, number uint64, cfg *common.Config) {
	t.Helper()
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

func TestRemoveWritesTheUpdateThatRemovesTheOrganisation(t *testing.T) {
	dir := t.TempDir()
	block, update := filepath.Join(dir, "config.block"), filepath.Join(dir, "update.pb")
	writeConfigBlock(t, block, 7)
	require.ErrorContains(t, remove([]string{"--block", block, "--channel", "traceability", "--mspid", "NewMSP", "--out", update}), "not in channel")
	require.NoError(t, remove([]string{"--block", block, "--channel", "traceability", "--mspid", "OldMSP", "--out", update}))
	cu := readUpdate(t, update)
	read, write := cu.GetReadSet().GetGroups()["Application"], cu.GetWriteSet().GetGroups()["Application"]
	require.Equal(t, uint64(0), read.GetVersion())
	require.Equal(t, uint64(1), write.GetVersion())
	require.NotContains(t, write.GetGroups(), "OldMSP")
}

// readUpdate reads the ConfigUpdate of a CONFIG_UPDATE envelope file.
func readUpdate(t *testing.T, path string) *common.ConfigUpdate {
	t.Helper()
	raw, err := os.ReadFile(path) //nolint:gosec // the test's own file
	require.NoError(t, err)
	var env common.Envelope
	require.NoError(t, proto.Unmarshal(raw, &env))
	var payload common.Payload
	require.NoError(t, proto.Unmarshal(env.GetPayload(), &payload))
	var cue common.ConfigUpdateEnvelope
	require.NoError(t, proto.Unmarshal(payload.GetData(), &cue))
	require.Empty(t, cue.GetSignatures())
	var cu common.ConfigUpdate
	require.NoError(t, proto.Unmarshal(cue.GetConfigUpdate(), &cu))
	return &cu
}

// testCA is a CA as cryptogen makes one: a P-256 key, a self-signed certificate that may sign
// certificates and CRLs, with a subject key identifier.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t *testing.T, cn string) testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, SubjectKeyId: []byte(cn),
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return testCA{cert, key}
}

// issue writes a client certificate of serial under dir and returns its path.
func (ca testCA) issue(t *testing.T, dir string, serial int64) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: fmt.Sprintf("User%d", serial)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	path := filepath.Join(dir, fmt.Sprintf("user%d.pem", serial))
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	return path
}

// writeFiles writes the CA's certificate and PKCS #8 key under dir.
func (ca testCA) writeFiles(t *testing.T, dir string) (certPath, keyPath string) {
	t.Helper()
	certPath, keyPath = filepath.Join(dir, "ca-cert.pem"), filepath.Join(dir, "priv_sk")
	require.NoError(t, os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.cert.Raw}), 0o600))
	der, err := x509.MarshalPKCS8PrivateKey(ca.key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	return certPath, keyPath
}

// writeChannelWithMSP writes a configuration block whose Application group has OrgMSP, its
// MSP rooted at ca.
func writeChannelWithMSP(t *testing.T, path string, ca testCA) {
	t.Helper()
	writeConfigBlock(t, path, 3)
	_, cfg, err := readConfigBlock(path)
	require.NoError(t, err)
	tx := configtx.New(cfg)
	require.NoError(t, tx.Application().SetOrganization(configtx.Organization{Name: "OrgMSP", Policies: orgPolicies("OrgMSP"),
		MSP: configtx.MSP{Name: "OrgMSP", RootCerts: []*x509.Certificate{ca.cert}, TLSRootCerts: []*x509.Certificate{ca.cert},
			CryptoConfig: membership.CryptoConfig{SignatureHashFamily: "SHA2", IdentityIdentifierHashFunction: "SHA256"}}}))
	writeBlock(t, path, 4, tx.UpdatedConfig())
}

// revokedIn returns the serial numbers the CRLs of OrgMSP in the update's write set revoke,
// checking that each CRL is signed by ca.
func revokedIn(t *testing.T, cu *common.ConfigUpdate, ca testCA) []int64 {
	t.Helper()
	org := cu.GetWriteSet().GetGroups()["Application"].GetGroups()["OrgMSP"]
	require.NotNil(t, org)
	var mspCfg msp.MSPConfig
	require.NoError(t, proto.Unmarshal(org.GetValues()["MSP"].GetValue(), &mspCfg))
	var fabricMSP msp.FabricMSPConfig
	require.NoError(t, proto.Unmarshal(mspCfg.GetConfig(), &fabricMSP))
	var serials []int64
	for _, raw := range fabricMSP.GetRevocationList() {
		b, _ := pem.Decode(raw)
		require.NotNil(t, b)
		rl, err := x509.ParseRevocationList(b.Bytes)
		require.NoError(t, err)
		require.NoError(t, rl.CheckSignatureFrom(ca.cert))
		require.Equal(t, ca.cert.SubjectKeyId, rl.AuthorityKeyId, "Fabric finds a CRL by its AKI")
		for _, e := range rl.RevokedCertificateEntries {
			serials = append(serials, e.SerialNumber.Int64())
		}
	}
	return serials
}

func TestRevokeAddsTheCertificateToTheCAsCRL(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, "ca.org.example")
	block, update := filepath.Join(dir, "config.block"), filepath.Join(dir, "update.pb")
	writeChannelWithMSP(t, block, ca)
	caCert, caKey := ca.writeFiles(t, dir)
	args := func(cert string) []string {
		return []string{"--block", block, "--channel", "traceability", "--mspid", "OrgMSP", "--cert", cert,
			"--ca-cert", caCert, "--ca-key", caKey, "--out", update}
	}
	now := time.Now()
	require.NoError(t, revoke(args(ca.issue(t, dir, 41)), now))
	cu := readUpdate(t, update)
	require.Equal(t, []int64{41}, revokedIn(t, cu, ca))

	// A second revocation once the first is in the channel: one CRL of that CA, listing both.
	_, cfg, err := readConfigBlock(block)
	require.NoError(t, err)
	tx := configtx.New(cfg)
	org := tx.Application().Organization("OrgMSP")
	m, err := org.MSP().Configuration()
	require.NoError(t, err)
	cert41, err := readCert(filepath.Join(dir, "user41.pem"))
	require.NoError(t, err)
	crls, err := revokeIn(m, cert41[0], ca.cert, ca.key, now)
	require.NoError(t, err)
	m.RevocationList = crls
	require.NoError(t, org.SetMSP(m))
	writeBlock(t, block, 5, tx.UpdatedConfig())
	require.ErrorContains(t, revoke(args(filepath.Join(dir, "user41.pem")), now), "already revoked")
	require.NoError(t, revoke(args(ca.issue(t, dir, 42)), now.Add(time.Minute)))
	require.Equal(t, []int64{41, 42}, revokedIn(t, readUpdate(t, update), ca))
}

func TestRevokeRefusesACertificateOfAnotherCA(t *testing.T) {
	dir := t.TempDir()
	ca, other := newTestCA(t, "ca.org.example"), newTestCA(t, "ca.other.example")
	block := filepath.Join(dir, "config.block")
	writeChannelWithMSP(t, block, ca)
	caCert, caKey := ca.writeFiles(t, dir)
	err := revoke([]string{"--block", block, "--channel", "traceability", "--mspid", "OrgMSP", "--cert", other.issue(t, dir, 7),
		"--ca-cert", caCert, "--ca-key", caKey, "--out", filepath.Join(dir, "u.pb")}, time.Now())
	require.ErrorContains(t, err, "was not issued by")
	otherDir := t.TempDir()
	otherCert, otherKey := other.writeFiles(t, otherDir)
	err = revoke([]string{"--block", block, "--channel", "traceability", "--mspid", "OrgMSP", "--cert", other.issue(t, dir, 8),
		"--ca-cert", otherCert, "--ca-key", otherKey, "--out", filepath.Join(dir, "u.pb")}, time.Now())
	require.ErrorContains(t, err, "is not a CA of MSP OrgMSP")
}

func TestBatchSizeWritesTheUpdateThatSetsMaxMessageCount(t *testing.T) {
	dir := t.TempDir()
	block, update := filepath.Join(dir, "config.block"), filepath.Join(dir, "update.pb")
	rawBatch, err := proto.Marshal(&ordererpb.BatchSize{MaxMessageCount: 1000, AbsoluteMaxBytes: 64 << 20, PreferredMaxBytes: 4 << 20})
	require.NoError(t, err)
	cfg := &common.Config{ChannelGroup: &common.ConfigGroup{
		ModPolicy: "Admins", Values: map[string]*common.ConfigValue{}, Policies: map[string]*common.ConfigPolicy{},
		Groups: map[string]*common.ConfigGroup{"Orderer": {
			ModPolicy: "Admins", Groups: map[string]*common.ConfigGroup{}, Policies: map[string]*common.ConfigPolicy{},
			Values: map[string]*common.ConfigValue{"BatchSize": {ModPolicy: "Admins", Value: rawBatch}},
		}},
	}}
	writeBlock(t, block, 3, cfg)
	require.NoError(t, batchSize([]string{"--block", block, "--channel", "traceability", "--max-messages", "1", "--out", update}))

	cu := readUpdate(t, update)
	value := cu.GetWriteSet().GetGroups()["Orderer"].GetValues()["BatchSize"]
	require.Equal(t, uint64(1), value.GetVersion())
	var got ordererpb.BatchSize
	require.NoError(t, proto.Unmarshal(value.GetValue(), &got))
	require.Equal(t, uint32(1), got.GetMaxMessageCount())
	require.Equal(t, uint32(64<<20), got.GetAbsoluteMaxBytes(), "only the count changes")
}
