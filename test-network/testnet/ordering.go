package testnet

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// Ordering is the consensus of a network's ordering service, as network.sh up selects it.
type Ordering string

const (
	Raft Ordering = "raft" // three etcdraft orderers of the Orderer organisation (the default)
	BFT  Ordering = "bft"  // four SmartBFT orderers of four ordering organisations (up --bft)
)

// Option configures the network that Main or Start starts.
type Option func(*Network)

// WithOrdering has the network ordered by o. Main attaches to the network of
// TRACECHAIN_TESTNET_DIR only if that network is ordered by o too, and starts one of its
// own otherwise.
func WithOrdering(o Ordering) Option { return func(n *Network) { n.Ordering = o } }

// Orderers are the network's orderer nodes, for StopNode, StartNode and OrdererLedgerHeight.
func (n *Network) Orderers() []string {
	if n.Ordering == BFT {
		return Names.BFTOrderers
	}
	return Names.Orderers
}

// recordedOrdering is the ordering a network running from dir was started with
// (network.env), raft for a network that records none.
func recordedOrdering(dir string) Ordering {
	env, err := readEnv(filepath.Join(dir, "network.env"))
	if err != nil {
		return Raft
	}
	return orderingOf(env)
}

// orderingOf is the ordering a network.env records, raft when it records none.
func orderingOf(env map[string]string) Ordering {
	if env["ORDERING"] == "" {
		return Raft
	}
	return Ordering(env["ORDERING"])
}

// readEnv reads a file of NAME=value lines, as network.sh writes them.
func readEnv(path string) (map[string]string, error) {
	f, err := os.Open(path) //nolint:gosec // a file of the network's own run directory
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name, value, ok := strings.Cut(sc.Text(), "="); ok {
			vars[name] = value
		}
	}
	return vars, sc.Err()
}
