// Package testnet starts, drives and stops the native test network for integration tests.
//
// An integration test package starts one network for all its tests:
//
//	func TestMain(m *testing.M) { os.Exit(testnet.Main(m)) }
//
// Main starts a fresh network in a temporary directory on a free block of ports, runs the
// tests, and stops the network. A reaper process stops it too when the test binary dies
// without stopping it (a panic, a -timeout, a kill). With TRACECHAIN_TESTNET_DIR set
// it uses the network already running from that run directory and leaves it running, unless
// the suite asks for another ordering (WithOrdering). With TRACECHAIN_NETNS=1 the network it
// starts runs each organisation in a network namespace of its own (network.sh up --netns,
// root only).
package testnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Network is a running test network.
type Network struct {
	Dir      string // run directory: config, data, logs, PIDs, connection material
	PortBase int
	NetNS    bool     // one network namespace per organisation (network.sh up --netns)
	Ordering Ordering // raft or bft
	owned    bool     // started by us, so stopped by us
	own      bool     // never attach: the suite changes the network's shape (WithOwnNetwork)
	stopped  bool
	reaper   *os.Process // stops the network if this process dies first
	conns    connections
}

var current *Network

// Current returns the network started by Main.
func Current() *Network { return current }

// Owned tells whether this process started the network (and stops it), rather than
// attaching to one that other suites share: a test that changes the network's shape runs
// only on a network it owns.
func (n *Network) Owned() bool { return n.owned }

// Main runs the tests of m against a network and returns the exit code for os.Exit. A
// network that it started and could not stop cleanly fails the run.
func Main(m *testing.M, opts ...Option) int {
	if os.Getenv("TRACECHAIN_NETNS") == "1" {
		if os.Geteuid() != 0 {
			fmt.Fprintln(os.Stderr, "testnet: skipped: TRACECHAIN_NETNS=1 needs root (ip netns)")
			return 0
		}
		opts = append(opts, WithNetNS())
	}
	want := &Network{Ordering: Raft}
	for _, o := range opts {
		o(want)
	}
	var err error
	if dir := os.Getenv("TRACECHAIN_TESTNET_DIR"); dir != "" && !want.own && recordedOrdering(dir) == want.Ordering {
		current, err = Attach(dir)
	} else {
		current, err = Start(context.Background(), opts...)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "testnet: %v\n", err)
		return 1
	}
	code := m.Run()
	if err := current.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "testnet: %v\n", err)
		code = max(code, 1)
	}
	return code
}

// WithNetNS runs each organisation, and the orderers, in a Linux network namespace of its
// own with its own address (network.sh up --netns). It needs root.
func WithNetNS() Option { return func(n *Network) { n.NetNS = true } }

// WithOwnNetwork has Main start a network of its own even when TRACECHAIN_TESTNET_DIR names a
// running one: for a suite that changes the network's shape (AddOrg), which the suites that
// share a network do not expect.
func WithOwnNetwork() Option { return func(n *Network) { n.own = true } }

// repoRoot is the repository's root directory, found from this source file.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// script is the path of test-network/network.sh.
func script() string { return filepath.Join(repoRoot(), "test-network", "network.sh") }

// Start brings up a fresh network in a new temporary directory. It tries a few random port
// blocks below the ephemeral range, so a developer's own network (default base 27000) or
// another test run can run beside; with TRACECHAIN_PORT_BASE set it uses that block only.
func Start(ctx context.Context, opts ...Option) (*Network, error) {
	dir, err := os.MkdirTemp("", "tracechain-net-")
	if err != nil {
		return nil, err
	}
	fixed, _ := strconv.Atoi(os.Getenv("TRACECHAIN_PORT_BASE"))
	var lastErr error
	for attempt := 0; attempt < 4; attempt++ {
		n := &Network{Dir: filepath.Join(dir, "run"), PortBase: 10000 + 300*rand.IntN(70), Ordering: Raft, owned: true} //nolint:gosec // a port block for a test network, not a secret
		if fixed > 0 {
			n.PortBase = fixed
		}
		for _, o := range opts {
			o(n)
		}
		up := []string{"up"}
		if n.NetNS {
			up = append(up, "--netns")
		}
		out, err := n.run(ctx, up...)
		if err == nil {
			n.startReaper()
			return n, nil
		}
		lastErr = fmt.Errorf("network.sh up: %w\n%s", err, tail(out, 40))
		if fixed > 0 || !strings.Contains(string(out), "is in use") {
			break
		}
	}
	_ = os.RemoveAll(dir)
	return nil, lastErr
}

// Attach uses a network already running from run directory dir.
func Attach(dir string) (*Network, error) {
	env, err := readEnv(filepath.Join(dir, "network.env"))
	if err != nil {
		return nil, fmt.Errorf("no network runs from %s: %w", dir, err)
	}
	return &Network{Dir: dir, NetNS: env["NETNS"] == "1", Ordering: orderingOf(env)}, nil
}

// startReaper starts a process of its own session that waits for this
// process to end and then stops the network with network.sh down, which
// stops exactly the nodes the network recorded, and removes its directory.
// Deferred calls do not run when a test binary panics or hits its
// -timeout; the reaper does.
func (n *Network) startReaper() {
	cmd := exec.Command("bash", "-c", //nolint:gosec // a fixed reaper script; its arguments are our PID, network.sh and the run directory
		`while kill -0 "$1" 2>/dev/null; do sleep 1; done; bash "$2" down >/dev/null 2>&1; rm -rf "$3"`,
		"reaper", strconv.Itoa(os.Getpid()), script(), filepath.Dir(n.Dir))
	cmd.Env = append(os.Environ(), "TRACECHAIN_RUN_DIR="+n.Dir, fmt.Sprintf("TRACECHAIN_PORT_BASE=%d", n.PortBase))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // not in the test's process group
	if err := cmd.Start(); err == nil {
		n.reaper = cmd.Process
		go func() { _, _ = cmd.Process.Wait() }()
	}
}

// Stop stops a network that Start started and removes its directory. It fails if a node
// process that the network recorded still runs after network.sh down. Stopping a stopped
// network does nothing.
func (n *Network) Stop() error {
	closeErr := n.closeConnections()
	if !n.owned || n.stopped {
		return closeErr
	}
	n.stopped = true
	procs, procErr := n.Processes()
	if n.reaper != nil {
		_ = n.reaper.Kill() // our own reaper, by its PID: nothing left for it to do
	}
	// down reads the record of the namespaces it removes; read it first to check after.
	recorded, recErr := n.netnsRecord()
	out, err := n.run(context.Background(), "down")
	if err != nil {
		return fmt.Errorf("network.sh down: %w\n%s", err, out)
	}
	if err := errors.Join(procErr, survivors(procs)); err != nil {
		return fmt.Errorf("network.sh down: %w", err)
	}
	if n.NetNS {
		if err := errors.Join(recErr, checkRemoved(context.Background(), recorded)); err != nil {
			return fmt.Errorf("network.sh down: %w", err)
		}
	}
	return os.RemoveAll(filepath.Dir(n.Dir))
}

// ProfilePath is the connection material of an organisation's clients.
func (n *Network) ProfilePath(org string) string {
	return filepath.Join(n.Dir, "connection", strings.ToLower(org)+".json")
}

// StopNode stops one node (orderer0, peer0.retailer, chaincode.retailer, ...), keeping its data.
func (n *Network) StopNode(ctx context.Context, node string) error {
	_, err := n.run(ctx, "stop-node", node)
	return err
}

// KillNode ends one node with SIGKILL, as a crash or an out-of-memory kill would: no clean
// shutdown, no flushed buffers. Only the process recorded in the network's run directory is
// signalled. StartNode starts it again on the data it left.
func (n *Network) KillNode(ctx context.Context, node string) error {
	_, err := n.run(ctx, "kill-node", node)
	return err
}

// StartNode starts a stopped node again and waits until it is healthy.
func (n *Network) StartNode(ctx context.Context, node string) error {
	_, err := n.run(ctx, "start-node", node)
	return err
}

// Deploy deploys the chaincode again with the next sequence (network.sh deployCC: an upgrade).
func (n *Network) Deploy(ctx context.Context) error {
	_, err := n.run(ctx, "deployCC")
	return err
}

// Status returns the output of network.sh status; err is set if any node is unhealthy.
func (n *Network) Status(ctx context.Context) (string, error) {
	out, err := n.run(ctx, "status")
	return string(out), err
}

// Peer runs the peer CLI as org's admin against org's peer and returns its combined output.
func (n *Network) Peer(ctx context.Context, org string, args ...string) (string, error) {
	out, err := n.run(ctx, append([]string{"peer", org}, args...)...)
	return string(out), err
}

func (n *Network) run(ctx context.Context, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{script()}, args...)...) //nolint:gosec // our own network.sh with the test's arguments
	cmd.Env = append(os.Environ(), "TRACECHAIN_RUN_DIR="+n.Dir, "TRACECHAIN_ORDERING="+string(n.Ordering))
	if n.PortBase != 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("TRACECHAIN_PORT_BASE=%d", n.PortBase))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The script's node processes outlive it; don't let them hold our pipes open.
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	return out.Bytes(), err
}

func tail(b []byte, lines int) string {
	s := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(s) > lines {
		s = s[len(s)-lines:]
	}
	return strings.Join(s, "\n")
}
