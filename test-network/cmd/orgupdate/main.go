// Command orgupdate builds the channel configuration updates that add an organisation to a
// running channel, remove one, or revoke one of an organisation's certificates, with
// github.com/hyperledger/fabric-config, for network.sh add-org, remove-org and revoke:
//
//	orgupdate add --block CONFIG_BLOCK --channel CH --mspid NewMSP --msp DIR --anchor HOST:PORT --out UPDATE
//	orgupdate remove --block CONFIG_BLOCK --channel CH --mspid OldMSP --out UPDATE
//	orgupdate revoke --block CONFIG_BLOCK --channel CH --mspid OrgMSP --cert CERT --ca-cert CA --ca-key KEY --out UPDATE
//	orgupdate inspect --block CONFIG_BLOCK --mspid NewMSP
//	orgupdate batchsize --block CONFIG_BLOCK --channel CH --max-messages N --out UPDATE
//
// add reads the channel's latest configuration block (peer channel fetch config), adds the
// organisation (its MSP read from DIR: cacerts, tlscacerts, intermediatecerts and the NodeOUs
// of config.yaml; the consortium's four signature policies; its anchor peer) to the
// Application group and writes the CONFIG_UPDATE envelope, unsigned, for the existing
// organisations' admins to sign (peer channel signconfigtx) and one of them to submit (peer
// channel update). It only builds: it signs nothing and holds no key.
//
// remove writes the update that takes the organisation out of the Application group: its MSP,
// policies and anchor peers. Like add's, it needs a majority of the organisations' admins.
//
// revoke writes the update that puts a certificate revocation list into the organisation's
// MSP: a CRL signed with the organisation's CA key (CA and KEY: the CA certificate that issued
// CERT and its PEM private key) that lists CERT's serial number besides every serial an
// earlier CRL of the same CA in that MSP listed, in place of that CRL. The MSP value's
// mod_policy is the organisation's own Admins, so its admin alone signs and submits the update.
// Once the configuration block commits, every peer refuses CERT's signatures ("The
// certificate has been revoked").
//
// batchsize writes the update that sets the orderers' BatchSize.MaxMessageCount, the most
// transactions in one block. The Orderer group's Admins sign it (the ordering organisations'
// admins), not the members. test-network/cmd/capacity sets it to 1 to grow a ledger to a
// given height quickly, and back afterwards.
//
// inspect prints the configuration block's number and whether the organisation is in the
// channel ("12 has NewMSP" or "12 lacks NewMSP").
//
// It lives under test-network/: the consortium's product (chaincode/, client/) never imports
// it.
package main

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hyperledger/fabric-config/configtx"
	"github.com/hyperledger/fabric-config/configtx/membership"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "add":
		err = add(os.Args[2:])
	case "remove":
		err = remove(os.Args[2:])
	case "revoke":
		err = revoke(os.Args[2:], time.Now())
	case "inspect":
		err = inspect(os.Args[2:], os.Stdout)
	case "batchsize":
		err = batchSize(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "orgupdate %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: orgupdate add --block F --channel CH --mspid ID --msp DIR --anchor HOST:PORT --out F\n"+
		"       orgupdate remove --block F --channel CH --mspid ID --out F\n"+
		"       orgupdate revoke --block F --channel CH --mspid ID --cert F --ca-cert F --ca-key F --out F\n"+
		"       orgupdate inspect --block F --mspid ID\n"+
		"       orgupdate batchsize --block F --channel CH --max-messages N --out F")
	os.Exit(2)
}

func add(args []string) error {
	fs := flag.NewFlagSet("add", flag.ExitOnError)
	blockPath := fs.String("block", "", "the channel's latest configuration block (peer channel fetch config)")
	channel := fs.String("channel", "", "channel ID")
	mspID := fs.String("mspid", "", "MSP ID of the organisation to add")
	mspDir := fs.String("msp", "", "the organisation's MSP directory (cacerts, tlscacerts, config.yaml)")
	anchor := fs.String("anchor", "", "the organisation's anchor peer, host:port")
	out := fs.String("out", "", "where to write the CONFIG_UPDATE envelope")
	_ = fs.Parse(args)
	if *blockPath == "" || *channel == "" || *mspID == "" || *mspDir == "" || *out == "" {
		return errors.New("--block, --channel, --mspid, --msp and --out are required")
	}
	_, cfg, err := readConfigBlock(*blockPath)
	if err != nil {
		return err
	}
	tx := configtx.New(cfg)
	app := tx.Application()
	if app.Organization(*mspID) != nil {
		return fmt.Errorf("%s is already in channel %s", *mspID, *channel)
	}
	msp, err := readMSP(*mspID, *mspDir)
	if err != nil {
		return err
	}
	org := configtx.Organization{
		Name:     *mspID,
		MSP:      msp,
		Policies: orgPolicies(*mspID),
	}
	if *anchor != "" {
		host, port, err := net.SplitHostPort(*anchor)
		if err != nil {
			return fmt.Errorf("--anchor: %w", err)
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			return fmt.Errorf("--anchor: %w", err)
		}
		org.AnchorPeers = []configtx.Address{{Host: host, Port: p}}
	}
	if err := app.SetOrganization(org); err != nil {
		return fmt.Errorf("add %s: %w", *mspID, err)
	}
	return writeUpdate(tx, *channel, *out)
}

// writeUpdate writes the CONFIG_UPDATE envelope of tx's changes, unsigned.
func writeUpdate(tx configtx.ConfigTx, channel, out string) error {
	update, err := tx.ComputeMarshaledUpdate(channel)
	if err != nil {
		return err
	}
	env, err := configtx.NewEnvelope(update)
	if err != nil {
		return err
	}
	raw, err := proto.Marshal(env)
	if err != nil {
		return err
	}
	return os.WriteFile(out, raw, 0o600)
}

func remove(args []string) error {
	fs := flag.NewFlagSet("remove", flag.ExitOnError)
	blockPath := fs.String("block", "", "the channel's latest configuration block (peer channel fetch config)")
	channel := fs.String("channel", "", "channel ID")
	mspID := fs.String("mspid", "", "MSP ID of the organisation to remove")
	out := fs.String("out", "", "where to write the CONFIG_UPDATE envelope")
	_ = fs.Parse(args)
	if *blockPath == "" || *channel == "" || *mspID == "" || *out == "" {
		return errors.New("--block, --channel, --mspid and --out are required")
	}
	_, cfg, err := readConfigBlock(*blockPath)
	if err != nil {
		return err
	}
	tx := configtx.New(cfg)
	app := tx.Application()
	if app.Organization(*mspID) == nil {
		return fmt.Errorf("%s is not in channel %s", *mspID, *channel)
	}
	app.RemoveOrganization(*mspID)
	return writeUpdate(tx, *channel, *out)
}

func batchSize(args []string) error {
	fs := flag.NewFlagSet("batchsize", flag.ExitOnError)
	blockPath := fs.String("block", "", "the channel's latest configuration block (peer channel fetch config)")
	channel := fs.String("channel", "", "channel ID")
	maxMessages := fs.Uint("max-messages", 0, "the most transactions in one block")
	out := fs.String("out", "", "where to write the CONFIG_UPDATE envelope")
	_ = fs.Parse(args)
	if *blockPath == "" || *channel == "" || *maxMessages == 0 || *out == "" {
		return errors.New("--block, --channel, --max-messages (at least 1) and --out are required")
	}
	if *maxMessages > 1<<31 {
		return fmt.Errorf("--max-messages %d: too large", *maxMessages)
	}
	_, cfg, err := readConfigBlock(*blockPath)
	if err != nil {
		return err
	}
	tx := configtx.New(cfg)
	if err := tx.Orderer().BatchSize().SetMaxMessageCount(uint32(*maxMessages)); err != nil {
		return err
	}
	return writeUpdate(tx, *channel, *out)
}

// crlValidity is how long a CRL that revoke writes says it is current (its NextUpdate).
// Fabric's MSP does not check it: a revocation stays in force until a later update removes
// the CRL.
const crlValidity = 365 * 24 * time.Hour

func revoke(args []string, now time.Time) error {
	fs := flag.NewFlagSet("revoke", flag.ExitOnError)
	blockPath := fs.String("block", "", "the channel's latest configuration block (peer channel fetch config)")
	channel := fs.String("channel", "", "channel ID")
	mspID := fs.String("mspid", "", "MSP ID of the organisation whose certificate is revoked")
	certPath := fs.String("cert", "", "the PEM certificate to revoke")
	caCertPath := fs.String("ca-cert", "", "the PEM certificate of the CA that issued it")
	caKeyPath := fs.String("ca-key", "", "that CA's PEM private key, which signs the CRL")
	out := fs.String("out", "", "where to write the CONFIG_UPDATE envelope")
	_ = fs.Parse(args)
	if *blockPath == "" || *channel == "" || *mspID == "" || *certPath == "" || *caCertPath == "" || *caKeyPath == "" || *out == "" {
		return errors.New("--block, --channel, --mspid, --cert, --ca-cert, --ca-key and --out are required")
	}
	_, cfg, err := readConfigBlock(*blockPath)
	if err != nil {
		return err
	}
	tx := configtx.New(cfg)
	org := tx.Application().Organization(*mspID)
	if org == nil {
		return fmt.Errorf("%s is not in channel %s", *mspID, *channel)
	}
	msp, err := org.MSP().Configuration()
	if err != nil {
		return err
	}
	certs, err := readCert(*certPath)
	if err != nil {
		return err
	}
	cas, err := readCert(*caCertPath)
	if err != nil {
		return err
	}
	key, err := readSigner(*caKeyPath)
	if err != nil {
		return err
	}
	crls, err := revokeIn(msp, certs[0], cas[0], key, now)
	if err != nil {
		return err
	}
	msp.RevocationList = crls
	if err := org.SetMSP(msp); err != nil {
		return fmt.Errorf("set the MSP of %s: %w", *mspID, err)
	}
	return writeUpdate(tx, *channel, *out)
}

// revokeIn returns msp's revocation lists with cert revoked: ca's CRL in the MSP (the one whose
// authority key identifier is ca's subject key identifier), if any, replaced by a new one
// signed by key that lists its serial numbers and cert's. cert must be issued by ca, and ca
// must be one of the MSP's root or intermediate CAs.
func revokeIn(msp configtx.MSP, cert, ca *x509.Certificate, key crypto.Signer, now time.Time) ([]*pkix.CertificateList, error) { //nolint:staticcheck // fabric-config's MSP holds its CRLs as pkix.CertificateList
	if err := cert.CheckSignatureFrom(ca); err != nil {
		return nil, fmt.Errorf("the certificate %q was not issued by %q: %w", cert.Subject, ca.Subject, err)
	}
	if !slices.ContainsFunc(append(slices.Clone(msp.RootCerts), msp.IntermediateCerts...), ca.Equal) {
		return nil, fmt.Errorf("%q is not a CA of MSP %s", ca.Subject, msp.Name)
	}
	if len(ca.SubjectKeyId) == 0 {
		return nil, fmt.Errorf("%q has no subject key identifier, which a CRL names its issuer by", ca.Subject)
	}
	var (
		kept    []*pkix.CertificateList //nolint:staticcheck // fabric-config's type
		entries []x509.RevocationListEntry
		number  = big.NewInt(1)
	)
	for _, old := range msp.RevocationList {
		der, err := asn1.Marshal(*old)
		if err != nil {
			return nil, err
		}
		rl, err := x509.ParseRevocationList(der)
		if err != nil {
			return nil, fmt.Errorf("a CRL of MSP %s: %w", msp.Name, err)
		}
		if !bytes.Equal(rl.AuthorityKeyId, ca.SubjectKeyId) {
			kept = append(kept, old)
			continue
		}
		for _, e := range rl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
				return nil, fmt.Errorf("the certificate %q (serial %s) is already revoked", cert.Subject, cert.SerialNumber)
			}
			entries = append(entries, e)
		}
		if rl.Number != nil && rl.Number.Cmp(number) >= 0 {
			number = new(big.Int).Add(rl.Number, big.NewInt(1))
		}
	}
	entries = append(entries, x509.RevocationListEntry{SerialNumber: cert.SerialNumber, RevocationTime: now.UTC()})
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: number, ThisUpdate: now.UTC(), NextUpdate: now.UTC().Add(crlValidity), RevokedCertificateEntries: entries,
	}, ca, key)
	if err != nil {
		return nil, fmt.Errorf("signing the CRL: %w", err)
	}
	var crl pkix.CertificateList //nolint:staticcheck // fabric-config's type
	if rest, err := asn1.Unmarshal(der, &crl); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("reading back the CRL: %v (%d trailing bytes)", err, len(rest))
	}
	return append(kept, &crl), nil
}

// readSigner reads a PEM private key (PKCS #8, as cryptogen and Fabric CA write it, or SEC 1).
func readSigner(path string) (crypto.Signer, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // the CA key file the operator named
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(raw)
	if b == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, fmt.Errorf("%s: not a signing key", path)
	}
	k, err := x509.ParseECPrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// orgPolicies are the policies every peer organisation of the consortium has
// (network/configtx.yaml): its members read, its admins and clients write, its admins
// administer, its peers endorse.
func orgPolicies(id string) map[string]configtx.Policy {
	sig := func(rule string) configtx.Policy {
		return configtx.Policy{Type: configtx.SignaturePolicyType, Rule: rule}
	}
	return map[string]configtx.Policy{
		configtx.ReadersPolicyKey:     sig(fmt.Sprintf("OR('%[1]s.admin','%[1]s.peer','%[1]s.client')", id)),
		configtx.WritersPolicyKey:     sig(fmt.Sprintf("OR('%[1]s.admin','%[1]s.client')", id)),
		configtx.AdminsPolicyKey:      sig(fmt.Sprintf("OR('%s.admin')", id)),
		configtx.EndorsementPolicyKey: sig(fmt.Sprintf("OR('%s.peer')", id)),
	}
}

// readMSP reads an MSP directory as cryptogen or a Fabric CA enrolment lays it out.
func readMSP(id, dir string) (configtx.MSP, error) {
	roots, err := readCerts(filepath.Join(dir, "cacerts"), true)
	if err != nil {
		return configtx.MSP{}, err
	}
	tlsRoots, err := readCerts(filepath.Join(dir, "tlscacerts"), true)
	if err != nil {
		return configtx.MSP{}, err
	}
	inter, err := readCerts(filepath.Join(dir, "intermediatecerts"), false)
	if err != nil {
		return configtx.MSP{}, err
	}
	tlsInter, err := readCerts(filepath.Join(dir, "tlsintermediatecerts"), false)
	if err != nil {
		return configtx.MSP{}, err
	}
	ous, err := readNodeOUs(dir)
	if err != nil {
		return configtx.MSP{}, err
	}
	return configtx.MSP{
		Name:                 id,
		RootCerts:            roots,
		IntermediateCerts:    inter,
		TLSRootCerts:         tlsRoots,
		TLSIntermediateCerts: tlsInter,
		NodeOUs:              ous,
		CryptoConfig: membership.CryptoConfig{
			SignatureHashFamily:            "SHA2",
			IdentityIdentifierHashFunction: "SHA256",
		},
	}, nil
}

// readCerts reads every PEM certificate of dir's files.
func readCerts(dir string, required bool) ([]*x509.Certificate, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) && !required {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		c, err := readCert(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		certs = append(certs, c...)
	}
	if required && len(certs) == 0 {
		return nil, fmt.Errorf("%s: no certificate", dir)
	}
	return certs, nil
}

func readCert(path string) ([]*x509.Certificate, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // a file of the MSP directory the operator named
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for {
		var b *pem.Block
		b, raw = pem.Decode(raw)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: no PEM certificate", path)
	}
	return certs, nil
}

// readNodeOUs reads the NodeOUs of the MSP's config.yaml: the small, fixed layout cryptogen
// and Fabric CA write (NodeOUs: Enable, then ClientOUIdentifier, PeerOUIdentifier,
// AdminOUIdentifier, OrdererOUIdentifier, each with Certificate and
// OrganizationalUnitIdentifier). Without config.yaml the MSP has no NodeOUs.
func readNodeOUs(dir string) (membership.NodeOUs, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "config.yaml")) //nolint:gosec // the operator's MSP directory
	if errors.Is(err, os.ErrNotExist) {
		return membership.NodeOUs{}, nil
	}
	if err != nil {
		return membership.NodeOUs{}, err
	}
	var ous membership.NodeOUs
	var cur *membership.OUIdentifier
	for _, line := range strings.Split(string(raw), "\n") {
		key, value, _ := strings.Cut(strings.TrimSpace(line), ":")
		value = strings.Trim(strings.TrimSpace(value), `"'`)
		switch key {
		case "Enable":
			ous.Enable = value == "true"
		case "ClientOUIdentifier":
			cur = &ous.ClientOUIdentifier
		case "PeerOUIdentifier":
			cur = &ous.PeerOUIdentifier
		case "AdminOUIdentifier":
			cur = &ous.AdminOUIdentifier
		case "OrdererOUIdentifier":
			cur = &ous.OrdererOUIdentifier
		case "Certificate":
			if cur == nil {
				continue
			}
			c, err := readCert(filepath.Join(dir, value))
			if err != nil {
				return ous, fmt.Errorf("config.yaml: %w", err)
			}
			cur.Certificate = c[0]
		case "OrganizationalUnitIdentifier":
			if cur != nil {
				cur.OrganizationalUnitIdentifier = value
			}
		}
	}
	if ous.Enable && (ous.ClientOUIdentifier.OrganizationalUnitIdentifier == "" || ous.PeerOUIdentifier.OrganizationalUnitIdentifier == "" ||
		ous.AdminOUIdentifier.OrganizationalUnitIdentifier == "") {
		return ous, fmt.Errorf("%s/config.yaml: NodeOUs enabled without client, peer and admin OUs", dir)
	}
	return ous, nil
}

func inspect(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("inspect", flag.ExitOnError)
	blockPath := fs.String("block", "", "a configuration block")
	mspID := fs.String("mspid", "", "MSP ID to look for")
	_ = fs.Parse(args)
	if *blockPath == "" || *mspID == "" {
		return errors.New("--block and --mspid are required")
	}
	number, cfg, err := readConfigBlock(*blockPath)
	if err != nil {
		return err
	}
	verb := "lacks"
	tx := configtx.New(cfg)
	if tx.Application().Organization(*mspID) != nil {
		verb = "has"
	}
	_, err = fmt.Fprintf(w, "%d %s %s\n", number, verb, *mspID)
	return err
}

// readConfigBlock returns a configuration block's number and the channel configuration it
// carries.
func readConfigBlock(path string) (uint64, *common.Config, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // the block file the operator fetched
	if err != nil {
		return 0, nil, err
	}
	var block common.Block
	if err := proto.Unmarshal(raw, &block); err != nil {
		return 0, nil, fmt.Errorf("%s: not a block: %w", path, err)
	}
	if len(block.GetData().GetData()) != 1 {
		return 0, nil, fmt.Errorf("%s: a configuration block has one transaction", path)
	}
	var env common.Envelope
	if err := proto.Unmarshal(block.GetData().GetData()[0], &env); err != nil {
		return 0, nil, err
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return 0, nil, err
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch); err != nil {
		return 0, nil, err
	}
	if common.HeaderType(ch.GetType()) != common.HeaderType_CONFIG {
		return 0, nil, fmt.Errorf("%s: block %d is not a configuration block", path, block.GetHeader().GetNumber())
	}
	var ce common.ConfigEnvelope
	if err := proto.Unmarshal(payload.GetData(), &ce); err != nil {
		return 0, nil, err
	}
	if ce.GetConfig() == nil {
		return 0, nil, fmt.Errorf("%s: no configuration", path)
	}
	return block.GetHeader().GetNumber(), ce.GetConfig(), nil
}
