package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// channel is the test network's channel (network/consortium.env).
const channel = "traceability"

// ordererDomain is the raft ordering organisation's domain in the run's crypto material.
const ordererDomain = "orderer.tracechain.example"

// network is a running test network, read from its run directory.
type network struct {
	run      string
	bin      string
	portBase int
	cfgPath  string // FABRIC_CFG_PATH
}

// networkFlags declares --run-dir and --bin on fs; the returned function opens the network
// they name once fs is parsed.
func networkFlags(fs *flag.FlagSet) func() (*network, error) {
	runDir := fs.String("run-dir", "test-network/run", "the network's run directory")
	bin := fs.String("bin", ".bin", "where the Fabric binaries and orgupdate are")
	return func() (*network, error) {
		binDir, err := filepath.Abs(*bin)
		if err != nil {
			return nil, err
		}
		return openNetwork(*runDir, binDir)
	}
}

func openNetwork(run, bin string) (*network, error) {
	f, err := os.Open(filepath.Join(run, "network.env")) //nolint:gosec // the operator's run directory
	if err != nil {
		return nil, fmt.Errorf("%s is not a running network's run directory: %w", run, err)
	}
	defer func() { _ = f.Close() }()
	n := &network{run: run, bin: bin}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "PORT_BASE":
			n.portBase, err = strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("network.env: PORT_BASE %q", v)
			}
		case "FABRIC_CFG":
			n.cfgPath = v
		}
	}
	if n.portBase == 0 || n.cfgPath == "" {
		return nil, errors.New("network.env lacks PORT_BASE or FABRIC_CFG")
	}
	return n, sc.Err()
}

func (n *network) ordererCA() string {
	return filepath.Join(n.run, "crypto/ordererOrganizations", ordererDomain, "tlsca", "tlsca."+ordererDomain+"-cert.pem")
}

// ordererFlags are the peer CLI's flags to reach orderer0.
func (n *network) ordererFlags() []string {
	return []string{"-o", fmt.Sprintf("127.0.0.1:%d", n.portBase), "--tls", "--cafile", n.ordererCA()}
}

// ordererAdmin runs the peer CLI as the ordering organisation's admin.
func (n *network) ordererAdmin(args ...string) error {
	cmd := exec.Command(filepath.Join(n.bin, "peer"), args...) //nolint:gosec // the network's own peer CLI
	cmd.Env = append(os.Environ(),
		"FABRIC_CFG_PATH="+n.cfgPath,
		"FABRIC_LOGGING_SPEC=warning",
		"CORE_PEER_LOCALMSPID=OrdererMSP",
		"CORE_PEER_MSPCONFIGPATH="+filepath.Join(n.run, "crypto/ordererOrganizations", ordererDomain, "users", "Admin@"+ordererDomain, "msp"),
		"CORE_PEER_TLS_ENABLED=true",
	)
	return run(cmd)
}

// networkSh runs test-network/network.sh against the run directory.
func (n *network) networkSh(args ...string) ([]byte, error) {
	script := filepath.Join(filepath.Dir(n.bin), "test-network", "network.sh")
	cmd := exec.Command("bash", append([]string{script}, args...)...) //nolint:gosec // the repository's own script
	cmd.Env = append(os.Environ(), "TRACECHAIN_RUN_DIR="+n.run, "TRACECHAIN_BIN="+n.bin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("network.sh %s: %w: %s", strings.Join(args, " "), err, tail(errb.String()))
	}
	return out.Bytes(), nil
}

// run runs cmd and puts the end of its output into the error when it fails.
func run(cmd *exec.Cmd) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(cmd.Path), err, tail(string(out)))
	}
	return nil
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 800 {
		return "…" + s[len(s)-800:]
	}
	return s
}

func batchSize(args []string) error {
	fs := flag.NewFlagSet("batchsize", flag.ExitOnError)
	open := networkFlags(fs)
	maxMessages := fs.Uint("max-messages", 0, "the most transactions in one block")
	_ = fs.Parse(args)
	if *maxMessages == 0 {
		return errors.New("--max-messages: at least 1")
	}
	n, err := open()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "capacity-batchsize")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()
	block, update := filepath.Join(work, "config.block"), filepath.Join(work, "update.pb")
	if err := n.ordererAdmin(append([]string{"channel", "fetch", "config", block, "-c", channel}, n.ordererFlags()...)...); err != nil {
		return err
	}
	//nolint:gosec // the network's own orgupdate
	if err := run(exec.Command(filepath.Join(n.bin, "orgupdate"), "batchsize", "--block", block, "--channel", channel,
		"--max-messages", strconv.FormatUint(uint64(*maxMessages), 10), "--out", update)); err != nil {
		return err
	}
	return n.ordererAdmin(append([]string{"channel", "update", "-f", update, "-c", channel}, n.ordererFlags()...)...)
}
