package bench

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat times (100
// on every Linux architecture Go supports).
const clockTicks = 100

// CPU groups of the network's processes, plus the benchmark client itself.
const (
	groupPeers     = "peers"
	groupOrderers  = "orderers"
	groupChaincode = "chaincode"
	groupClient    = "client"
)

// nodeGroup maps a node name of the run directory to its group.
func nodeGroup(node string) string {
	switch {
	case strings.HasPrefix(node, "peer"):
		return groupPeers
	case strings.HasPrefix(node, "orderer"):
		return groupOrderers
	default:
		return groupChaincode
	}
}

// procCPUSeconds reads a process's user+system CPU time from /proc/PID/stat.
func procCPUSeconds(path string) (float64, bool) {
	raw, err := os.ReadFile(path) //nolint:gosec // a /proc file of a process the bench started
	if err != nil {
		return 0, false
	}
	return parseStatCPU(string(raw))
}

// parseStatCPU extracts utime+stime (fields 14 and 15) of a /proc/PID/stat
// line, whose second field (the command) may hold spaces.
func parseStatCPU(stat string) (float64, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:])
	// f[0] is field 3 (state): utime is field 14, stime field 15.
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseFloat(f[11], 64)
	s, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return (u + s) / clockTicks, true
}

// cpuSnapshot returns CPU seconds used so far by each group.
func cpuSnapshot(runDir string) map[string]float64 {
	out := map[string]float64{}
	for node, pid := range nodePIDs(runDir) {
		if v, ok := procCPUSeconds(filepath.Join("/proc", strconv.Itoa(pid), "stat")); ok {
			out[nodeGroup(node)] += v
		}
	}
	if v, ok := procCPUSeconds("/proc/self/stat"); ok {
		out[groupClient] = v
	}
	return out
}

// cpuAcc accumulates the CPU used while operations of one kind ran.
type cpuAcc struct {
	sec map[string]float64
	ops int
}

func (a *cpuAcc) add(before, after map[string]float64, ops int) {
	if a.sec == nil {
		a.sec = map[string]float64{}
	}
	for g, v := range after {
		if d := v - before[g]; d > 0 {
			a.sec[g] += d
		}
	}
	a.ops += ops
}

// perOp returns CPU milliseconds per successful operation by group, with
// "total" for the network (the client excluded); nil without operations.
func (a *cpuAcc) perOp() map[string]float64 {
	if a.ops == 0 || a.sec == nil {
		return nil
	}
	out := map[string]float64{}
	total := 0.0
	for g, v := range a.sec {
		out[g] = v * 1000 / float64(a.ops)
		if g != groupClient {
			total += out[g]
		}
	}
	out["network"] = total
	return out
}

// okOps counts the successful operations of a run, warm-up included: all
// of them used the CPU measured around the run.
func okOps(p *phaseResult) int {
	n := 0
	for _, s := range p.samples {
		if s.fail == "" {
			n++
		}
	}
	return n
}
