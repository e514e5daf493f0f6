package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// diskUsage is the bytes on disk of one run: per node, per store.
type diskUsage struct {
	Nodes map[string]map[string]int64 `json:"nodes"`
	Index int64                       `json:"index,omitempty"` // the EPCIS index file and its WAL
}

// stores maps a node's directories to the store they hold, first match wins. Paths are
// relative to the node's directory (RUN/nodes/NODE).
var stores = []struct{ prefix, store string }{
	{"data/ledgersData/chains/chains", "blocks"},
	{"data/ledgersData/chains/index", "block index"},
	{"data/ledgersData/stateLeveldb", "state"},
	{"data/ledgersData/historyLeveldb", "history"},
	{"data/ledgersData/pvtdataStore", "private data"},
	{"data/ledgersData", "other ledger"},
	{"data/transientstore", "transient"},
	{"ledger/chains", "blocks"},
	{"ledger/index", "block index"},
	{"wal", "raft WAL"},
	{"snap", "raft snapshots"},
}

func storeOf(rel string) string {
	rel = filepath.ToSlash(rel)
	for _, s := range stores {
		if rel == s.prefix || strings.HasPrefix(rel, s.prefix+"/") {
			return s.store
		}
	}
	return ""
}

// measure sums the apparent size of every file in the peers' and orderers' stores, and of
// the index file with its SQLite companions (-wal, -shm).
func measure(runDir, index string) (diskUsage, error) {
	u := diskUsage{Nodes: map[string]map[string]int64{}}
	nodes, err := filepath.Glob(filepath.Join(runDir, "nodes", "*"))
	if err != nil {
		return u, err
	}
	for _, dir := range nodes {
		name := filepath.Base(dir)
		if !strings.HasPrefix(name, "peer") && !strings.HasPrefix(name, "orderer") {
			continue
		}
		sizes := map[string]int64{}
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) { // a file the node removed meanwhile
					return nil
				}
				return err
			}
			if d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(dir, path)
			store := storeOf(rel)
			if store == "" {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil //nolint:nilerr // removed between listing and stat
			}
			sizes[store] += info.Size()
			return nil
		})
		if err != nil {
			return u, err
		}
		u.Nodes[name] = sizes
	}
	if index != "" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			info, err := os.Stat(index + suffix)
			if err == nil {
				u.Index += info.Size()
			} else if suffix == "" {
				return u, err
			}
		}
	}
	return u, nil
}

func disk(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("disk", flag.ExitOnError)
	runDir := fs.String("run-dir", "test-network/run", "the network's run directory")
	index := fs.String("index", "", "an EPCIS index's SQLite file (client/eventindex), optional")
	_ = fs.Parse(args)
	u, err := measure(*runDir, *index)
	if err != nil {
		return err
	}
	return encodeUsage(w, u)
}

func encodeUsage(w io.Writer, u diskUsage) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(u)
}

func readUsage(path string) (diskUsage, error) {
	var u diskUsage
	raw, err := os.ReadFile(path) //nolint:gosec // the operator's own report
	if err != nil {
		return u, err
	}
	return u, json.Unmarshal(raw, &u)
}

// growth is what a kind of node (peer, orderer) grew by, per store, averaged over the nodes
// of that kind present in both reports.
func growth(before, after diskUsage, kind string) (map[string]float64, int) {
	out := map[string]float64{}
	n := 0
	for node, a := range after.Nodes {
		b, ok := before.Nodes[node]
		if !ok || !strings.HasPrefix(node, kind) {
			continue
		}
		n++
		for store, size := range a {
			out[store] += float64(size - b[store])
		}
	}
	for store := range out {
		out[store] /= float64(max(n, 1))
	}
	return out, n
}

func diff(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("diff", flag.ExitOnError)
	beforePath := fs.String("before", "", "disk's report before the work")
	afterPath := fs.String("after", "", "disk's report after it")
	units := fs.Int("units", 0, "units the work commissioned or moved")
	_ = fs.Parse(args)
	if *beforePath == "" || *afterPath == "" || *units <= 0 {
		return errors.New("--before, --after and --units (at least 1) are required")
	}
	before, err := readUsage(*beforePath)
	if err != nil {
		return err
	}
	after, err := readUsage(*afterPath)
	if err != nil {
		return err
	}
	_, _ = fmt.Fprintf(w, "bytes per unit (%d units), averaged over the nodes of a kind\n", *units)
	for _, kind := range []string{"peer", "orderer"} {
		g, n := growth(before, after, kind)
		stores := make([]string, 0, len(g))
		var total float64
		for s, v := range g {
			stores = append(stores, s)
			total += v
		}
		slices.Sort(stores)
		_, _ = fmt.Fprintf(w, "%s (%d nodes): total %.0f", kind, n, total/float64(*units))
		for _, s := range stores {
			_, _ = fmt.Fprintf(w, "; %s %.0f", s, g[s]/float64(*units))
		}
		_, _ = fmt.Fprintln(w)
	}
	if after.Index > 0 || before.Index > 0 {
		_, _ = fmt.Fprintf(w, "EPCIS index: %.0f\n", float64(after.Index-before.Index)/float64(*units))
	}
	return nil
}
