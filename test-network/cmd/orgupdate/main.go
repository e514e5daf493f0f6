// Command orgupdate builds the channel configuration update that adds an organisation to a
// running channel, with github.com/hyperledger/fabric-config, for network.sh add-org:
//
//	orgupdate add --block CONFIG_BLOCK --channel CH --mspid NewMSP --msp DIR --anchor HOST:PORT --out UPDATE
//	orgupdate inspect --block CONFIG_BLOCK --mspid NewMSP
//
// add reads the channel's latest configuration block (peer channel fetch config), adds the
// organisation (its MSP read from DIR: cacerts, tlscacerts, intermediatecerts and the NodeOUs
// of config.yaml; the consortium's four signature policies; its anchor peer) to the
// Application group and writes the CONFIG_UPDATE envelope, unsigned, for the existing
// organisations' admins to sign (peer channel signconfigtx) and one of them to submit (peer
// channel update). It only builds: it signs nothing and holds no key.
//
// inspect prints the configuration block's number and whether the organisation is in the
// channel ("12 has NewMSP" or "12 lacks NewMSP").
//
// It lives under test-network/: the consortium's product (chaincode/, client/) never imports
// it.
package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
	case "inspect":
		err = inspect(os.Args[2:], os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "orgupdate %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: orgupdate add --block F --channel CH --mspid ID --msp DIR --anchor HOST:PORT --out F\n       orgupdate inspect --block F --mspid ID")
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
	update, err := tx.ComputeMarshaledUpdate(*channel)
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
	return os.WriteFile(*out, raw, 0o600)
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
