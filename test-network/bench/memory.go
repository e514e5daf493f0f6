package bench

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// NodeMemory is one network process's memory.
type NodeMemory struct {
	Node    string  `json:"node"`
	PID     int     `json:"pid"`
	PeakMiB float64 `json:"peakRssMiB"` // highest VmRSS sampled during the run
	HWMMiB  float64 `json:"hwmMiB"`     // VmHWM at the end: the process's own peak RSS since it started
}

// Memory is the network's memory over the run.
type Memory struct {
	Samples        int                `json:"samples"`
	IntervalMs     int                `json:"intervalMs"`
	PeakSumMiB     float64            `json:"peakSumRssMiB"` // highest sum of the nodes' VmRSS in one sample
	PeakSumAt      string             `json:"peakSumDuring,omitempty"`
	SumHWMMiB      float64            `json:"sumHwmMiB"` // sum of the nodes' VmHWM: an upper bound of the simultaneous peak
	Nodes          []NodeMemory       `json:"nodes"`
	ScenarioPeakMi map[string]float64 `json:"scenarioPeakSumRssMiB,omitempty"`
}

// memSampler samples the VmRSS of every node process of a run directory
// (RUN/nodes/*/pid) until stopped.
type memSampler struct {
	runDir   string
	interval time.Duration

	mu       sync.Mutex
	phase    string
	samples  int
	peakSum  int64 // KiB
	peakAt   string
	nodes    map[string]*nodeMem
	perPhase map[string]int64
	stop     chan struct{}
	done     chan struct{}
}

type nodeMem struct {
	pid  int
	peak int64 // KiB
}

func newMemSampler(runDir string, interval time.Duration) *memSampler {
	return &memSampler{runDir: runDir, interval: interval, nodes: map[string]*nodeMem{}, perPhase: map[string]int64{},
		stop: make(chan struct{}), done: make(chan struct{})}
}

// start begins sampling in the background.
func (m *memSampler) start() {
	m.sample()
	go func() {
		defer close(m.done)
		t := time.NewTicker(m.interval)
		defer t.Stop()
		for {
			select {
			case <-m.stop:
				m.sample()
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
}

// setPhase names what runs now (a scenario), for the per-scenario peaks.
func (m *memSampler) setPhase(name string) {
	m.mu.Lock()
	m.phase = name
	m.mu.Unlock()
	m.sample()
}

// nodePIDs reads the recorded PIDs of the run directory's nodes.
func nodePIDs(runDir string) map[string]int {
	out := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(runDir, "nodes", "*", "pid"))
	for _, f := range files {
		raw, err := os.ReadFile(f) //nolint:gosec // a node's pid file in the run directory
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil || pid <= 0 {
			continue
		}
		out[filepath.Base(filepath.Dir(f))] = pid
	}
	return out
}

// procStatusKiB reads fields (e.g. VmRSS, VmHWM) in KiB from /proc/PID/status.
func procStatusKiB(pid int, fields ...string) map[string]int64 {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return nil
	}
	return parseStatusKiB(raw, fields...)
}

// parseStatusKiB extracts "Name:   123 kB" lines of a /proc/PID/status file.
func parseStatusKiB(raw []byte, fields ...string) map[string]int64 {
	out := map[string]int64{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		name, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		for _, f := range fields {
			if name != f {
				continue
			}
			parts := strings.Fields(rest)
			if len(parts) == 0 {
				continue
			}
			if v, err := strconv.ParseInt(parts[0], 10, 64); err == nil {
				out[f] = v
			}
		}
	}
	return out
}

func (m *memSampler) sample() {
	pids := nodePIDs(m.runDir)
	var sum int64
	seen := map[string]int64{}
	for node, pid := range pids {
		v := procStatusKiB(pid, "VmRSS")
		if v == nil {
			continue
		}
		seen[node] = v["VmRSS"]
		sum += v["VmRSS"]
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.samples++
	for node, rss := range seen {
		n := m.nodes[node]
		if n == nil || n.pid != pids[node] {
			if n == nil {
				n = &nodeMem{}
				m.nodes[node] = n
			}
			n.pid = pids[node]
		}
		n.peak = max(n.peak, rss)
	}
	if sum > m.peakSum {
		m.peakSum, m.peakAt = sum, m.phase
	}
	if m.phase != "" {
		m.perPhase[m.phase] = max(m.perPhase[m.phase], sum)
	}
}

// finish stops sampling and reads every node's VmHWM.
func (m *memSampler) finish() Memory {
	close(m.stop)
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	out := Memory{Samples: m.samples, IntervalMs: int(m.interval / time.Millisecond), PeakSumMiB: mib(m.peakSum), PeakSumAt: m.peakAt,
		ScenarioPeakMi: map[string]float64{}}
	var hwmSum int64
	for node, n := range m.nodes {
		nm := NodeMemory{Node: node, PID: n.pid, PeakMiB: mib(n.peak)}
		if v := procStatusKiB(n.pid, "VmHWM"); v != nil {
			nm.HWMMiB = mib(v["VmHWM"])
			hwmSum += v["VmHWM"]
		} else {
			// The process is gone: its sampled peak is the best we know.
			hwmSum += n.peak
			nm.HWMMiB = nm.PeakMiB
		}
		out.Nodes = append(out.Nodes, nm)
	}
	sort.Slice(out.Nodes, func(i, j int) bool { return out.Nodes[i].Node < out.Nodes[j].Node })
	out.SumHWMMiB = mib(hwmSum)
	for k, v := range m.perPhase {
		out.ScenarioPeakMi[k] = mib(v)
	}
	return out
}

func mib(kib int64) float64 { return float64(kib) / 1024 }
