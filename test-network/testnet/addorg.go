package testnet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// AddOrgStep is one step of network.sh add-org and its wall time.
type AddOrgStep struct {
	Name    string
	Seconds float64
}

// AddOrg adds an organisation to the running channel (network.sh add-org NAME --role ROLE
// [--region REGION]): its CA, MSP and peer, the channel config update signed by a majority of
// the organisations' admins, its peer joined from a ledger snapshot, the chaincode
// definitions at their next sequence with it among the endorsers. role is manufacturer,
// distributor, retailer or regulator; region an administrative division code or "". It
// returns the time of each step, the last one named "total". The Regulator has not registered
// the member yet: the caller does (a model.MemberRequest through the Regulator's admin).
//
// Once added, the organisation is an organisation of the network like the consortium's:
// Client, Gateway, StateDigest, WaitForBlockOn and network.sh's commands take its name. Orgs
// and Names stay the consortium's.
func (n *Network) AddOrg(ctx context.Context, name, role, region string) ([]AddOrgStep, error) {
	args := []string{"add-org", name, "--role", role}
	if region != "" {
		args = append(args, "--region", region)
	}
	out, err := n.run(ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("network.sh add-org %s: %w\n%s", name, err, tail(out, 40))
	}
	return readSteps(filepath.Join(n.Dir, "add-org", name+".times"))
}

// readSteps reads the STEP<TAB>SECONDS lines network.sh add-org writes.
func readSteps(path string) ([]AddOrgStep, error) {
	f, err := os.Open(path) //nolint:gosec // a file of the network's own run directory
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var steps []AddOrgStep
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, secs, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		s, err := strconv.ParseFloat(secs, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, sc.Text(), err)
		}
		steps = append(steps, AddOrgStep{Name: name, Seconds: s})
	}
	return steps, sc.Err()
}

// NodeProcess is a node process the network recorded: its PID and the binary it runs.
type NodeProcess struct {
	PID    int
	Binary string
}

// Running tells whether the process still runs the recorded binary (a reused PID does not).
func (p NodeProcess) Running() bool {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", p.PID))
	if err != nil {
		return false
	}
	return strings.TrimSuffix(exe, " (deleted)") == p.Binary
}

// Processes returns the network's node processes that run now, by node name (orderer0,
// peer0.retailer, ca.regulator, chaincode.retailer, ...), as network.sh recorded them.
func (n *Network) Processes() (map[string]NodeProcess, error) {
	dirs, err := os.ReadDir(filepath.Join(n.Dir, "nodes"))
	if err != nil {
		return nil, err
	}
	procs := map[string]NodeProcess{}
	for _, d := range dirs {
		dir := filepath.Join(n.Dir, "nodes", d.Name())
		pid, err := os.ReadFile(filepath.Join(dir, "pid")) //nolint:gosec // the network's own run directory
		if errors.Is(err, os.ErrNotExist) {
			continue // stopped
		}
		if err != nil {
			return nil, err
		}
		cmd, err := os.ReadFile(filepath.Join(dir, "cmd")) //nolint:gosec // the network's own run directory
		if err != nil {
			return nil, err
		}
		p, err := strconv.Atoi(strings.TrimSpace(string(pid)))
		if err != nil {
			return nil, fmt.Errorf("%s: pid: %w", d.Name(), err)
		}
		binary, _, _ := strings.Cut(string(cmd), "\n")
		if proc := (NodeProcess{PID: p, Binary: binary}); proc.Running() {
			procs[d.Name()] = proc
		}
	}
	return procs, nil
}

// survivors lists the processes of procs that still run.
func survivors(procs map[string]NodeProcess) error {
	var errs []error
	for node, p := range procs {
		if p.Running() {
			errs = append(errs, fmt.Errorf("%s (PID %d) still runs", node, p.PID))
		}
	}
	return errors.Join(errs...)
}

// RemoveOrg takes an organisation out of the running channel (network.sh remove-org NAME):
// the chaincode definitions at their next sequence without its peer, the channel config
// update signed by a majority of the organisations' admins, its nodes stopped. It returns
// the time of each step, the last one named "total". Its history stays on the ledger.
func (n *Network) RemoveOrg(ctx context.Context, name string) ([]AddOrgStep, error) {
	out, err := n.run(ctx, "remove-org", name)
	if err != nil {
		return nil, fmt.Errorf("network.sh remove-org %s: %w\n%s", name, err, tail(out, 40))
	}
	return readSteps(filepath.Join(n.Dir, "remove-org", name+".times"))
}

// Revoke revokes one certificate of org (network.sh revoke ORG IDENTITY): identity is a name
// under the organisation's users (User1, or one IssueUser made) or a certificate file. It
// returns once every peer in the channel has the configuration with the CRL.
func (n *Network) Revoke(ctx context.Context, org, identity string) error {
	out, err := n.run(ctx, "revoke", org, identity)
	if err != nil {
		return fmt.Errorf("network.sh revoke %s %s: %w\n%s", org, identity, err, tail(out, 40))
	}
	return nil
}
