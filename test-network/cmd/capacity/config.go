package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/hyperledger/fabric-config/configtx"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// growthConfig is configtxgen's input for a channel of N member organisations, each with the
// consortium's policies (network/configtx.yaml), ordered by one raft orderer.
var growthConfig = template.Must(template.New("configtx").Parse(`---
Organizations:
  - &Orderer
    Name: OrdererMSP
    ID: OrdererMSP
    MSPDir: "{{.Crypto}}/ordererOrganizations/orderer.grow.example/msp"
    Policies:
      Readers: {Type: Signature, Rule: "OR('OrdererMSP.member')"}
      Writers: {Type: Signature, Rule: "OR('OrdererMSP.member')"}
      Admins: {Type: Signature, Rule: "OR('OrdererMSP.admin')"}
    OrdererEndpoints: ["127.0.0.1:7050"]
{{range .Orgs}}
  - &{{.Name}}
    Name: {{.Name}}MSP
    ID: {{.Name}}MSP
    MSPDir: "{{$.Crypto}}/peerOrganizations/{{.Domain}}/msp"
    Policies:
      Readers: {Type: Signature, Rule: "OR('{{.Name}}MSP.admin','{{.Name}}MSP.peer','{{.Name}}MSP.client')"}
      Writers: {Type: Signature, Rule: "OR('{{.Name}}MSP.admin','{{.Name}}MSP.client')"}
      Admins: {Type: Signature, Rule: "OR('{{.Name}}MSP.admin')"}
      Endorsement: {Type: Signature, Rule: "OR('{{.Name}}MSP.peer')"}
    AnchorPeers:
      - {Host: 127.0.0.1, Port: {{.Port}}}
{{end}}
Profiles:
  Grow:
    Policies:
      Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
      Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
      Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    Capabilities: {V3_0: true}
    Orderer:
      OrdererType: etcdraft
      BatchTimeout: 250ms
      BatchSize: {MaxMessageCount: 1000, AbsoluteMaxBytes: 64 MB, PreferredMaxBytes: 4 MB}
      EtcdRaft:
        Consenters:
          - Host: 127.0.0.1
            Port: 7050
            ClientTLSCert: "{{.Crypto}}/ordererOrganizations/orderer.grow.example/orderers/orderer0.orderer.grow.example/tls/server.crt"
            ServerTLSCert: "{{.Crypto}}/ordererOrganizations/orderer.grow.example/orderers/orderer0.orderer.grow.example/tls/server.crt"
      Organizations: [*Orderer]
      Policies:
        Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
        Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
        Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
        BlockValidation: {Type: ImplicitMeta, Rule: "ANY Writers"}
      Capabilities: {V2_0: true}
    Application:
      Organizations: [{{range $i, $o := .Orgs}}{{if $i}}, {{end}}*{{$o.Name}}{{end}}]
      Policies:
        Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
        Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
        Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
        LifecycleEndorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
        Endorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
      Capabilities: {V2_5: true}
`))

type growthOrg struct {
	Name, Domain string
	Port         int
}

func growthOrgs(n int) []growthOrg {
	orgs := make([]growthOrg, n)
	for i := range orgs {
		name := fmt.Sprintf("Org%04d", i+1)
		orgs[i] = growthOrg{Name: name, Domain: strings.ToLower(name) + ".grow.example", Port: 10000 + i}
	}
	return orgs
}

// cryptoConfig is cryptogen's input: the orderer organisation and n+1 peer organisations
// (the last one is the newcomer the config update adds).
func cryptoConfig(orgs []growthOrg) string {
	var b strings.Builder
	b.WriteString("OrdererOrgs:\n  - Name: Orderer\n    Domain: orderer.grow.example\n    EnableNodeOUs: true\n    Specs:\n      - Hostname: orderer0\n        SANS: [127.0.0.1]\nPeerOrgs:\n")
	for _, o := range orgs {
		fmt.Fprintf(&b, "  - Name: %s\n    Domain: %s\n    EnableNodeOUs: true\n    Template: {Count: 1}\n    Users: {Count: 0}\n", o.Name, o.Domain)
	}
	return b.String()
}

// peerPolicy is the chaincode endorsement policy OutOf(2, every member's peer) as the
// chaincode definition carries it, and as network/chaincode.env writes it.
func peerPolicy(orgs []growthOrg) (string, []byte, error) {
	names := make([]string, len(orgs))
	ids := make([]*msp.MSPPrincipal, len(orgs))
	rules := make([]*common.SignaturePolicy, len(orgs))
	for i, o := range orgs {
		names[i] = "'" + o.Name + "MSP.peer'"
		role, err := proto.Marshal(&msp.MSPRole{MspIdentifier: o.Name + "MSP", Role: msp.MSPRole_PEER})
		if err != nil {
			return "", nil, err
		}
		ids[i] = &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: role}
		rules[i] = &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: int32(i)}}
	}
	env := &common.SignaturePolicyEnvelope{
		Rule:       &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{N: 2, Rules: rules}}},
		Identities: ids,
	}
	raw, err := proto.Marshal(&peer.ApplicationPolicy{Type: &peer.ApplicationPolicy_SignaturePolicy{SignaturePolicy: env}})
	return "OutOf(2," + strings.Join(names, ",") + ")", raw, err
}

// orOf is OR(principals...) of the given MSP IDs and role.
func orOf(role msp.MSPRole_MSPRoleType, mspIDs ...string) (*common.SignaturePolicyEnvelope, error) {
	env := &common.SignaturePolicyEnvelope{Rule: &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{NOutOf: &common.SignaturePolicy_NOutOf{N: 1}}}}
	for i, id := range mspIDs {
		raw, err := proto.Marshal(&msp.MSPRole{MspIdentifier: id, Role: role})
		if err != nil {
			return nil, err
		}
		env.Identities = append(env.Identities, &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE, Principal: raw})
		env.Rule.GetNOutOf().Rules = append(env.Rule.GetNOutOf().Rules, &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: int32(i)}})
	}
	return env, nil
}

// salesCollections is the collection configuration with one sales collection per
// organisation (the upper bound: every member a retailer), each shared by the seller, the
// national Regulator (the first organisation) and a provincial regulator (the second), as
// network.sh's collections_config writes them.
func salesCollections(orgs []growthOrg) ([]byte, error) {
	pkg := &peer.CollectionConfigPackage{}
	national, provincial := orgs[0].Name+"MSP", orgs[min(1, len(orgs)-1)].Name+"MSP"
	for _, o := range orgs {
		members, err := orOf(msp.MSPRole_MEMBER, o.Name+"MSP", national, provincial)
		if err != nil {
			return nil, err
		}
		endorsers, err := orOf(msp.MSPRole_PEER, o.Name+"MSP")
		if err != nil {
			return nil, err
		}
		pkg.Config = append(pkg.Config, &peer.CollectionConfig{Payload: &peer.CollectionConfig_StaticCollectionConfig{
			StaticCollectionConfig: &peer.StaticCollectionConfig{
				Name:              "sales" + o.Name + "MSP",
				MemberOrgsPolicy:  &peer.CollectionPolicyConfig{Payload: &peer.CollectionPolicyConfig_SignaturePolicy{SignaturePolicy: members}},
				RequiredPeerCount: 0, MaximumPeerCount: 1, BlockToLive: 0, MemberOnlyRead: true, MemberOnlyWrite: true,
				EndorsementPolicy: &peer.ApplicationPolicy{Type: &peer.ApplicationPolicy_SignaturePolicy{SignaturePolicy: endorsers}},
			},
		}})
	}
	return proto.Marshal(pkg)
}

// adminSigner is an organisation's cryptogen admin identity.
func adminSigner(cryptoDir string, o growthOrg) (*configtx.SigningIdentity, error) {
	dir := filepath.Join(cryptoDir, "peerOrganizations", o.Domain, "users", "Admin@"+o.Domain, "msp")
	certPEM, err := os.ReadFile(filepath.Join(dir, "signcerts", "Admin@"+o.Domain+"-cert.pem")) //nolint:gosec // cryptogen's output
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(filepath.Join(dir, "keystore", "priv_sk")) //nolint:gosec // cryptogen's output
	if err != nil {
		return nil, err
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, fmt.Errorf("%s: no PEM certificate or key", dir)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, err
	}
	return &configtx.SigningIdentity{Certificate: cert, PrivateKey: key, MSPID: o.Name + "MSP"}, nil
}

// envelopeData unmarshals into m the data of the payload of the envelope env.
func envelopeData(env []byte, m proto.Message) error {
	var e common.Envelope
	if err := proto.Unmarshal(env, &e); err != nil {
		return err
	}
	var payload common.Payload
	if err := proto.Unmarshal(e.GetPayload(), &payload); err != nil {
		return err
	}
	return proto.Unmarshal(payload.GetData(), m)
}

// configUpdate reads the marshaled ConfigUpdate out of orgupdate's unsigned envelope.
func configUpdate(path string) ([]byte, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // orgupdate's output
	if err != nil {
		return nil, err
	}
	var cue common.ConfigUpdateEnvelope
	if err := envelopeData(raw, &cue); err != nil {
		return nil, err
	}
	return cue.GetConfigUpdate(), nil
}

// configOf is the channel configuration in a genesis block.
func configOf(path string) (*common.Config, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // configtxgen's output
	if err != nil {
		return nil, err
	}
	var block common.Block
	if err := proto.Unmarshal(raw, &block); err != nil {
		return nil, err
	}
	if len(block.GetData().GetData()) != 1 {
		return nil, fmt.Errorf("%s: not a configuration block", path)
	}
	var ce common.ConfigEnvelope
	if err := envelopeData(block.GetData().GetData()[0], &ce); err != nil {
		return nil, err
	}
	return ce.GetConfig(), nil
}

// growthRow is what one channel size measured.
type growthRow struct {
	orgs                                   int
	cryptogen, configtxgen, build, signing time.Duration
	block, config, perOrg                  int
	policyText, policy, collections        int
	update, signedUpdate, signatures       int
}

func measureGrowth(n int, work, bin string) (growthRow, error) {
	r := growthRow{orgs: n}
	dir, err := filepath.Abs(filepath.Join(work, strconv.Itoa(n)))
	if err != nil {
		return r, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return r, err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return r, err
	}
	all := growthOrgs(n + 1)
	orgs, newcomer := all[:n], all[n]
	crypto := filepath.Join(dir, "crypto")
	if err := os.WriteFile(filepath.Join(dir, "crypto-config.yaml"), []byte(cryptoConfig(all)), 0o600); err != nil {
		return r, err
	}
	t := time.Now()
	//nolint:gosec // the repository's cryptogen
	if err := run(exec.Command(filepath.Join(bin, "cryptogen"), "generate", "--config", filepath.Join(dir, "crypto-config.yaml"), "--output", crypto)); err != nil {
		return r, err
	}
	r.cryptogen = time.Since(t)
	f, err := os.Create(filepath.Join(dir, "configtx.yaml")) //nolint:gosec // our own work directory
	if err != nil {
		return r, err
	}
	err = growthConfig.Execute(f, struct {
		Crypto string
		Orgs   []growthOrg
	}{crypto, orgs})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return r, err
	}
	genesis := filepath.Join(dir, "genesis.block")
	t = time.Now()
	//nolint:gosec // the repository's configtxgen
	if err := run(exec.Command(filepath.Join(bin, "configtxgen"), "-configPath", dir, "-profile", "Grow", "-channelID", channel, "-outputBlock", genesis)); err != nil {
		return r, err
	}
	r.configtxgen = time.Since(t)
	info, err := os.Stat(genesis)
	if err != nil {
		return r, err
	}
	r.block = int(info.Size())
	cfg, err := configOf(genesis)
	if err != nil {
		return r, err
	}
	r.config = proto.Size(cfg)
	r.perOrg = proto.Size(cfg.GetChannelGroup().GetGroups()["Application"].GetGroups()[orgs[n-1].Name+"MSP"])

	text, policy, err := peerPolicy(orgs)
	if err != nil {
		return r, err
	}
	r.policyText, r.policy = len(text), len(policy)
	coll, err := salesCollections(orgs)
	if err != nil {
		return r, err
	}
	r.collections = len(coll)

	update := filepath.Join(dir, "update.pb")
	t = time.Now()
	//nolint:gosec // the repository's orgupdate
	if err := run(exec.Command(filepath.Join(bin, "orgupdate"), "add", "--block", genesis, "--channel", channel,
		"--mspid", newcomer.Name+"MSP", "--msp", filepath.Join(crypto, "peerOrganizations", newcomer.Domain, "msp"),
		"--anchor", fmt.Sprintf("127.0.0.1:%d", newcomer.Port), "--out", update)); err != nil {
		return r, err
	}
	r.build = time.Since(t)
	marshaled, err := configUpdate(update)
	if err != nil {
		return r, err
	}
	r.update = len(marshaled)
	// The Application group's Admins policy: a majority of the organisations' admins.
	r.signatures = n/2 + 1
	sigs := make([]*common.ConfigSignature, 0, r.signatures)
	signers := make([]*configtx.SigningIdentity, r.signatures)
	for i := range signers {
		if signers[i], err = adminSigner(crypto, orgs[i]); err != nil {
			return r, err
		}
	}
	t = time.Now()
	for _, s := range signers {
		sig, err := s.CreateConfigSignature(marshaled)
		if err != nil {
			return r, err
		}
		sigs = append(sigs, sig)
	}
	r.signing = time.Since(t)
	env, err := configtx.NewEnvelope(marshaled, sigs...)
	if err != nil {
		return r, err
	}
	r.signedUpdate = proto.Size(env)
	return r, nil
}

func configGrowth(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("config", flag.ExitOnError)
	orgList := fs.String("orgs", "5,50,200", "channel sizes to measure, in member organisations")
	work := fs.String("work", "", "work directory (cryptogen output, configtx.yaml and blocks per size)")
	bin := fs.String("bin", ".bin", "where cryptogen, configtxgen and orgupdate are")
	_ = fs.Parse(args)
	if *work == "" {
		return errors.New("--work is required")
	}
	binDir, err := filepath.Abs(*bin)
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintln(w, "| organisations | genesis block | channel config | one organisation's group | endorsement policy (text / definition) | sales collections (one per organisation) | add-one update, unsigned | signatures (majority) | signed update | cryptogen | configtxgen | orgupdate add | signing |")
	_, _ = fmt.Fprintln(w, "|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, s := range strings.Split(*orgList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 {
			return fmt.Errorf("--orgs: %q is not a number of at least 2", s)
		}
		r, err := measureGrowth(n, *work, binDir)
		if err != nil {
			return fmt.Errorf("%d organisations: %w", n, err)
		}
		_, _ = fmt.Fprintf(w, "| %d | %d | %d | %d | %d / %d | %d | %d | %d | %d | %.2f s | %.2f s | %.2f s | %.3f s |\n",
			r.orgs, r.block, r.config, r.perOrg, r.policyText, r.policy, r.collections, r.update, r.signatures, r.signedUpdate,
			r.cryptogen.Seconds(), r.configtxgen.Seconds(), r.build.Seconds(), r.signing.Seconds())
	}
	return nil
}
