package testnet

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Consortium is the consortium's names as network/consortium.env declares them: the one
// definition that network.sh deploys, so tests never carry a copy that could drift.
type Consortium struct {
	Channel       string
	Orderers      []string // raft's
	BFTOrderers   []string // SmartBFT's (WithOrdering(BFT))
	Orgs          []string // peer organisations, one peer (peer0) each
	Manufacturers []string
	Distributors  []string
	Retailers     []string
	Regulator     string
}

// MSPID is the MSP ID of a peer organisation (network/consortium.env: name + "MSP").
func MSPID(org string) string { return org + "MSP" }

// PeerNode is the node name of an organisation's peer, for StopNode and StartNode.
func PeerNode(org string) string { return "peer0." + strings.ToLower(org) }

// ChaincodeNode is the node name of an organisation's tracechain chaincode server, which only
// that organisation's peer uses.
func ChaincodeNode(org string) string { return "chaincode." + strings.ToLower(org) }

// BenchChaincodeNode is the node name of the benchmark baseline's chaincode server, one for
// every peer.
const BenchChaincodeNode = "benchcc"

// Names is the consortium of network/consortium.env, read when the package loads.
var Names = mustLoadConsortium()

// The organisations tests act as, by role. The consortium declares two
// manufacturers, so that one can try to act on the other's goods.
var (
	ManufacturerA = Names.Manufacturers[0]
	ManufacturerB = Names.Manufacturers[1]
	Distributor   = Names.Distributors[0]
	Retailer      = Names.Retailers[0]
	Regulator     = Names.Regulator
	Orgs          = Names.Orgs
)

func mustLoadConsortium() Consortium {
	c, err := LoadConsortium(filepath.Join(repoRoot(), "network", "consortium.env"))
	if err != nil {
		panic(err)
	}
	return c
}

// LoadConsortium reads a consortium.env: shell assignments NAME=value or NAME="a b c", with #
// comments. It accepts only that subset of shell, which is all the file uses.
func LoadConsortium(path string) (Consortium, error) {
	f, err := os.Open(path) //nolint:gosec // the test kit reads the consortium definition it was pointed at
	if err != nil {
		return Consortium{}, err
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		name, value, ok := strings.Cut(text, "=")
		if !ok {
			return Consortium{}, fmt.Errorf("%s:%d: not an assignment: %q", path, line, text)
		}
		vars[name] = strings.Trim(value, `"`)
	}
	if err := sc.Err(); err != nil {
		return Consortium{}, err
	}
	c := Consortium{
		Channel:       vars["CHANNEL"],
		Orderers:      strings.Fields(vars["ORDERERS"]),
		BFTOrderers:   strings.Fields(vars["BFT_ORDERERS"]),
		Orgs:          strings.Fields(vars["PEER_ORGS"]),
		Manufacturers: strings.Fields(vars["MANUFACTURER_ORGS"]),
		Distributors:  strings.Fields(vars["DISTRIBUTOR_ORGS"]),
		Retailers:     strings.Fields(vars["RETAILER_ORGS"]),
		Regulator:     vars["REGULATOR_ORG"],
	}
	switch {
	case c.Channel == "" || len(c.Orgs) == 0 || c.Regulator == "":
		return c, fmt.Errorf("%s: CHANNEL, PEER_ORGS and REGULATOR_ORG are required", path)
	case len(c.Manufacturers) < 2 || len(c.Distributors) < 1 || len(c.Retailers) < 1:
		return c, fmt.Errorf("%s: the tests need two MANUFACTURER_ORGS, a DISTRIBUTOR_ORGS and a RETAILER_ORGS", path)
	}
	return c, nil
}
