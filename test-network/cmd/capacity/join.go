package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// height is the height of org's peer's ledger of the channel (peer channel getinfo).
func (n *network) height(org string) (uint64, error) {
	out, err := n.networkSh("peer", org, "channel", "getinfo", "-c", channel)
	if err != nil {
		return 0, err
	}
	_, js, ok := strings.Cut(string(out), "Blockchain info: ")
	if !ok {
		return 0, fmt.Errorf("peer channel getinfo of %s: %q", org, tail(string(out)))
	}
	var info struct {
		Height uint64 `json:"height"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(js)), &info); err != nil {
		return 0, err
	}
	return info.Height, nil
}

// metricHeight is node's height of the channel from its Prometheus metrics
// (ledger_blockchain_height), 0 while it has none. Unlike peer channel getinfo it needs no
// channel access, which a peer replaying the blocks before its organisation joined lacks.
func (n *network) metricHeight(node string) (uint64, error) {
	out, err := n.networkSh("metrics", node)
	if err != nil {
		return 0, err
	}
	prefix := `ledger_blockchain_height{channel="` + channel + `"} `
	for line := range strings.Lines(string(out)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), prefix); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: %q", prefix, v)
			}
			return uint64(f), nil
		}
	}
	return 0, nil
}

// snapshotJoin is the time add-org spent joining org's peer from a snapshot: taking it,
// handing it over and joining (RUN/add-org/ORG.times).
func snapshotJoin(runDir, org string) (time.Duration, error) {
	f, err := os.Open(filepath.Join(runDir, "add-org", org+".times")) //nolint:gosec // add-org's own record
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	var total float64
	found := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		step, secs, _ := strings.Cut(sc.Text(), "\t")
		if strings.HasPrefix(step, "snapshot on ") || step == "snapshot transfer" || step == "join by snapshot" {
			v, err := strconv.ParseFloat(secs, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: %q", step, secs)
			}
			total += v
			found++
		}
	}
	if found != 3 {
		return 0, fmt.Errorf("%s.times has %d of the three snapshot steps", org, found)
	}
	return time.Duration(total * float64(time.Second)), sc.Err()
}

// snapshotHeight is the height a peer had once joined from the snapshot add-org handed it
// (RUN/nodes/NODE/joinsnapshot/BLOCK): the snapshot's last block + 1.
func snapshotHeight(dir string) (uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	if len(entries) != 1 {
		return 0, fmt.Errorf("%s: %d snapshots, want the one add-org handed over", dir, len(entries))
	}
	block, err := strconv.ParseUint(entries[0].Name(), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", dir, err)
	}
	return block + 1, nil
}

func genesisJoin(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("genesis-join", flag.ExitOnError)
	open := networkFlags(fs)
	org := fs.String("org", "", "an organisation add-org joined from a snapshot")
	timeout := fs.Duration("timeout", 20*time.Minute, "give up catching up after this long, and report the rate so far")
	_ = fs.Parse(args)
	if *org == "" {
		return errors.New("--org is required")
	}
	n, err := open()
	if err != nil {
		return err
	}
	snap, err := snapshotJoin(n.run, *org)
	if err != nil {
		return err
	}
	node := "peer0." + strings.ToLower(*org)
	target, err := snapshotHeight(filepath.Join(n.run, "nodes", node, "joinsnapshot"))
	if err != nil {
		return err
	}
	data := filepath.Join(n.run, "nodes", node, "data")
	aside := data + ".snapshot-joined"
	if _, err := n.networkSh("stop-node", node); err != nil {
		return err
	}
	if err := os.Rename(data, aside); err != nil {
		return err
	}
	// Whatever happens, the peer gets its snapshot-joined ledger (and its chaincode) back.
	defer func() {
		_, _ = n.networkSh("stop-node", node)
		_ = os.RemoveAll(data)
		_ = os.Rename(aside, data)
		if _, err := n.networkSh("start-node", node); err != nil {
			_, _ = fmt.Fprintf(os.Stderr, "capacity genesis-join: restarting %s: %v\n", node, err)
		}
	}()
	if _, err := n.networkSh("start-node", node); err != nil {
		return err
	}
	genesis := filepath.Join(n.run, "config", channel+".block")
	t0 := time.Now()
	// The peer's health endpoint may answer before its gRPC listener does: try for a while.
	for try := 0; ; try++ {
		_, err := n.networkSh("peer", *org, "channel", "join", "-b", genesis)
		if err == nil {
			break
		}
		if try == 30 || !strings.Contains(err.Error(), "connection refused") {
			return err
		}
		time.Sleep(time.Second)
	}
	var h uint64
	for {
		h, err = n.metricHeight(node)
		if err != nil {
			return err
		}
		if h >= target || time.Since(t0) > *timeout {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	took := time.Since(t0)
	rate := float64(h) / took.Seconds()
	_, _ = fmt.Fprintf(w, "target height %d (the snapshot's last block + 1)\n", target)
	_, _ = fmt.Fprintf(w, "join by snapshot (add-org's snapshot, transfer and join steps): %.2f s\n", snap.Seconds())
	if h >= target {
		_, _ = fmt.Fprintf(w, "join from the genesis block: %.2f s to height %d (%.0f blocks/s)\n", took.Seconds(), h, rate)
		_, _ = fmt.Fprintf(w, "genesis / snapshot: %.1fx\n", took.Seconds()/snap.Seconds())
		return nil
	}
	est := float64(target) / rate
	_, _ = fmt.Fprintf(w, "join from the genesis block: stopped after %.2f s at height %d of %d (%.0f blocks/s); at that rate %.0f s in all\n",
		took.Seconds(), h, target, rate, est)
	_, _ = fmt.Fprintf(w, "genesis / snapshot (extrapolated): %.1fx\n", est/snap.Seconds())
	return nil
}
