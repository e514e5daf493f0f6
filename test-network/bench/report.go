package bench

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Results is everything a run measured; it is written as results.json.
type Results struct {
	Started   time.Time        `json:"started"`
	Finished  time.Time        `json:"finished"`
	Mode      string           `json:"mode"` // "full" or "short"
	RunDir    string           `json:"runDir"`
	Machine   Machine          `json:"machine"`
	Config    ConfigInfo       `json:"config"`
	Fixture   FixtureInfo      `json:"fixture"`
	Scenarios []ScenarioResult `json:"scenarios"`
	Targets   []Target         `json:"targets"`
	Memory    Memory           `json:"memory"`
	Anatomy   []Anatomy        `json:"anatomy,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	Host        string  `json:"host,omitempty"`
	CPUs        int     `json:"cpus"`
	CPUModel    string  `json:"cpuModel,omitempty"`
	MemTotalGiB float64 `json:"memTotalGiB"`
	GoVersion   string  `json:"goVersion"`
	OS          string  `json:"os"`
}

// ConfigInfo records the run's settings.
type ConfigInfo struct {
	Workers  int    `json:"workers"`
	InFlight int    `json:"inFlight"`
	Duration string `json:"duration"`
	Warmup   string `json:"warmup"`
	Txs      int    `json:"txs,omitempty"`
}

// FixtureInfo is the run's master data.
type FixtureInfo struct {
	GTIN          string `json:"gtin"`
	Batch         string `json:"batch"`
	CompanyPrefix string `json:"companyPrefix"`
}

// PlanInfo records how a scenario was driven.
type PlanInfo struct {
	Warmup   string `json:"warmup"`
	Measure  string `json:"measure"`
	Workers  int    `json:"workers"`
	InFlight int    `json:"inFlight"`
	Slices   int    `json:"slices,omitempty"` // interleaved with the paired baseline
}

// ScenarioResult is one scenario's outcome.
type ScenarioResult struct {
	Name            string   `json:"name"`
	Title           string   `json:"title"`
	Kind            string   `json:"kind"`
	UnitsPerOp      int      `json:"unitsPerOp"`
	Against         string   `json:"against"`
	ExpectConflicts bool     `json:"expectConflicts,omitempty"`
	Plan            PlanInfo `json:"plan"`
	Summary
	// Ratio is the scenario's units/s (calls/s for reads) over its
	// baseline's tx/s (calls/s), or for ship+receive pairs its p50 latency
	// over the 1-unit pallet's.
	Ratio    *float64 `json:"ratio,omitempty"`
	RepeatOf string   `json:"repeatOf,omitempty"` // a baseline measured again at the end of the run
	// Paired is the baseline measured in slices interleaved with this
	// scenario's; when set, the ratio is taken against it.
	Paired     *Summary `json:"paired,omitempty"`
	PairedWith string   `json:"pairedWith,omitempty"`
	// CPUms is the CPU time the network's processes (by group: peers,
	// orderers, chaincode; "network" is their sum) and the client used per
	// successful operation, from /proc/PID/stat around the scenario's runs
	// until every peer had committed; PairedCPUms the same for the paired
	// baseline's slices.
	CPUms          map[string]float64 `json:"cpuMsPerOp,omitempty"`
	PairedCPUms    map[string]float64 `json:"pairedCpuMsPerOp,omitempty"`
	RatioOf        string             `json:"ratioOf,omitempty"`
	Exhausted      bool               `json:"exhausted,omitempty"`
	Note           string             `json:"note,omitempty"`
	PrepareSeconds float64            `json:"prepareSeconds"`
	LoadAvg        [2]float64         `json:"loadAvg"` // 1-minute load average before and after
}

// Scenario returns the named scenario's result, nil if it did not run.
func (r *Results) Scenario(name string) *ScenarioResult {
	for i := range r.Scenarios {
		if r.Scenarios[i].Name == name {
			return &r.Scenarios[i]
		}
	}
	return nil
}

// Baseline returns a baseline's rate for ratios: the mean of f over every
// measurement of it in the run (the baselines are measured at the start and
// again at the end, to bracket the drift of a shared machine).
func (r *Results) Baseline(name string, f func(*ScenarioResult) float64) (float64, bool) {
	var sum float64
	n := 0
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		if (s.Name == name || s.RepeatOf == name) && s.Ops > 0 {
			sum += f(s)
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// baseRate is the baseline rate a scenario is compared with: its paired
// (interleaved) baseline when it has one, else the run's baseline.
func (r *Results) baseRate(s *ScenarioResult, f func(*ScenarioResult) float64) (float64, bool) {
	if s.Paired != nil {
		if s.Paired.Ops == 0 {
			return 0, false
		}
		return f(&ScenarioResult{Summary: *s.Paired}), true
	}
	return r.Baseline(s.Against, f)
}

func txPerSec(s *ScenarioResult) float64  { return s.TxPerSec }
func opsPerSec(s *ScenarioResult) float64 { return s.OpsPerSec }
func unitsPerS(s *ScenarioResult) float64 { return s.UnitsPerS }
func p50(s *ScenarioResult) float64       { return float64(s.P50) }

// computeRatios sets each scenario's ratio to its baseline.
func (r *Results) computeRatios() {
	for i := range r.Scenarios {
		s := &r.Scenarios[i]
		if s.Ops == 0 {
			continue
		}
		var v float64
		var ok bool
		switch {
		case s.Against == BulkOf10000:
			if base, found := r.Baseline(s.Against, unitsPerS); found {
				v, ok = Ratio(s.UnitsPerS, base)
			}
			s.RatioOf = "units/s / " + BulkOf10000 + " units/s (measured before and after)"
		case s.Kind == KindPair:
			if base, found := r.Baseline(s.Against, p50); found {
				v, ok = Ratio(p50(s), base)
			}
			s.RatioOf = "p50 latency / ship-receive-1 p50"
		case s.Kind == KindCall:
			if base, found := r.baseRate(s, opsPerSec); found {
				v, ok = Ratio(s.OpsPerSec, base)
			}
			s.RatioOf = "calls/s / baseline-read calls/s"
		default:
			if base, found := r.baseRate(s, txPerSec); found {
				v, ok = Ratio(s.UnitsPerS, base)
			}
			s.RatioOf = "units/s / baseline-write tx/s"
		}
		if s.Paired != nil {
			s.RatioOf += " (interleaved)"
		}
		if ok {
			s.Ratio = &v
		}
	}
}

// MemoryLimitMiB is the target for the whole network's peak memory.
const MemoryLimitMiB = 2048

// evaluateTargets checks the acceptance targets.
func (r *Results) evaluateTargets() {
	r.Targets = nil
	ratio := func(s *ScenarioResult, f func(*ScenarioResult) float64, base string, g func(*ScenarioResult) float64) (float64, bool) {
		if s == nil || s.Ops == 0 {
			return 0, false
		}
		var b float64
		var ok bool
		if s.Against == base {
			b, ok = r.baseRate(s, g)
		} else {
			b, ok = r.Baseline(base, g)
		}
		if !ok {
			return 0, false
		}
		return Ratio(f(s), b)
	}
	add := func(t Target, ok bool) {
		t.evaluate(ok)
		r.Targets = append(r.Targets, t)
	}
	v, ok := ratio(r.Scenario("commission-1"), txPerSec, BaselineWrite, txPerSec)
	add(Target{Name: "commission-1 throughput", Rule: "commission-1 tx/s >= 0.85 x baseline-write tx/s", Value: v, Comparison: AtLeast, Threshold: 0.85, Unit: "x"}, ok)
	for _, n := range []string{"commission-100", "commission-1000"} {
		v, ok = ratio(r.Scenario(n), unitsPerS, BaselineWrite, txPerSec)
		add(Target{Name: n + " throughput", Rule: n + " units/s >= 10 x baseline-write tx/s", Value: v, Comparison: AtLeast, Threshold: 10, Unit: "x"}, ok)
	}
	v, ok = ratio(r.Scenario("capture-10000"), unitsPerS, BulkOf10000, unitsPerS)
	add(Target{Name: "capture-10000 throughput", Rule: "capture-10000 units/s >= 0.8 x " + BulkOf10000 + " units/s", Value: v, Comparison: AtLeast, Threshold: 0.8, Unit: "x"}, ok)
	big := r.Scenario("ship-receive-10000")
	v, ok = ratio(big, p50, PairOf1, p50)
	t := Target{Name: "ship+receive latency growth", Rule: "p50 of the 10,000-unit pallet's pair <= 1.5 x the 1-unit pallet's", Value: v, Comparison: AtMost, Threshold: 1.5, Unit: "x"}
	if big != nil && big.Note != "" {
		t.Note = big.Note
	}
	add(t, ok)
	v, ok = ratio(r.Scenario("verify"), opsPerSec, BaselineRead, opsPerSec)
	add(Target{Name: "verify throughput", Rule: "verify calls/s >= 0.9 x baseline-read calls/s", Value: v, Comparison: AtLeast, Threshold: 0.9, Unit: "x"}, ok)
	vh := r.Scenario("verify-http")
	v, ok = ratio(vh, opsPerSec, BaselineRead, opsPerSec)
	t = Target{Name: "verify-http throughput", Rule: "verify-http scans/s >= 5 x baseline-read calls/s", Value: v, Comparison: AtLeast, Threshold: 5, Unit: "x"}
	if vh != nil {
		t.Note = vh.Note
	}
	add(t, ok)
	if vh != nil && vh.Ops > 0 {
		add(Target{Name: "verify-http latency", Rule: "p99 of a scan < 50 ms", Value: float64(vh.P99), Comparison: LessThan, Threshold: 50, Unit: "ms"}, true)
	}

	fail := 0
	var where []string
	for _, s := range r.Scenarios {
		if n := s.Failed + s.WarmupFailed; !s.ExpectConflicts && n > 0 {
			fail += n
			where = append(where, fmt.Sprintf("%s: %d", s.Name, n))
		}
	}
	t = Target{Name: "no failed transactions", Rule: "0 failed operations (warm-ups included) in every scenario not designed to conflict", Value: float64(fail), Comparison: AtMost, Threshold: 0, Unit: "failures"}
	if len(where) > 0 {
		t.Note = strings.Join(where, ", ")
	}
	add(t, len(r.Scenarios) > 0)

	t = Target{Name: "peak network memory", Rule: "sum of the nodes' peak RSS (VmHWM) < 2 GiB", Value: r.Memory.SumHWMMiB, Comparison: LessThan, Threshold: MemoryLimitMiB, Unit: "MiB",
		Note: fmt.Sprintf("highest sampled sum of VmRSS %.0f MiB (%s)", r.Memory.PeakSumMiB, r.Memory.PeakSumAt)}
	add(t, len(r.Memory.Nodes) > 0)
	over, note := r.Memory.overBudget()
	t = Target{Name: "node memory budgets", Rule: fmt.Sprintf("every node's peak RSS (VmHWM) within its budget: peer %d, orderer %d, chaincode server %d, CA %d MiB", PeerBudgetMiB, OrdererBudgetMiB, ChaincodeBudgetMiB, CABudgetMiB),
		Value: float64(over), Comparison: AtMost, Threshold: 0, Unit: "nodes over", Note: note}
	add(t, len(r.Memory.Nodes) > 0)
}

// WriteFiles writes results.json, results.md and chart.png into dir.
func (r *Results) WriteFiles(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.md"), []byte(r.Markdown()), 0o644); err != nil {
		return err
	}
	return r.WriteChart(filepath.Join(dir, "chart.png"))
}

// Markdown renders the results table, the targets and the memory.
func (r *Results) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tracebench %s run, %s, %d CPUs, %.0f GiB; %d workers, %d in flight\n\n",
		r.Mode, r.Started.Format("2006-01-02 15:04 MST"), r.Machine.CPUs, r.Machine.MemTotalGiB, r.Config.Workers, r.Config.InFlight)
	b.WriteString("| scenario | op | ok | failed | ops/s | units/s | p50 ms | p95 ms | p99 ms | paired baseline /s | vs baseline | failures |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, s := range r.Scenarios {
		name := s.Name
		if s.ExpectConflicts {
			name += " *"
		}
		paired := "-"
		if s.Paired != nil {
			if s.Kind == KindCall {
				paired = num(s.Paired.OpsPerSec)
			} else {
				paired = num(s.Paired.TxPerSec)
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			name, s.Kind, s.Ops, s.Failed, num(s.OpsPerSec), num(s.UnitsPerS),
			msStr(s.P50), msStr(s.P95), msStr(s.P99), paired, ratioStr(s), failures(s.Summary))
	}
	var notes []string
	for _, s := range r.Scenarios {
		if s.Note != "" {
			notes = append(notes, fmt.Sprintf("%s: %s", s.Name, s.Note))
		}
	}
	b.WriteString("\nvs baseline: units/s ÷ baseline-write tx/s for writes, calls/s ÷ baseline-read calls/s for reads, p50 ÷ ship-receive-1 p50 for ship+receive pairs." +
		" Paired baseline: the baseline measured in slices interleaved with the scenario's (B X, X B, ...), which the ratio then uses; without it, the run's baseline.")
	if r.hasConflictScenario() {
		b.WriteString(" * designed to conflict.")
	}
	b.WriteString("\n")
	for _, base := range []struct {
		name, unit string
		f          func(*ScenarioResult) float64
	}{{BaselineWrite, "tx/s", txPerSec}, {BaselineRead, "calls/s", opsPerSec}} {
		var each []string
		for i := range r.Scenarios {
			if s := &r.Scenarios[i]; (s.Name == base.name || s.RepeatOf == base.name) && s.Ops > 0 {
				each = append(each, num(base.f(s)))
			}
		}
		if v, ok := r.Baseline(base.name, base.f); ok && len(each) > 1 {
			fmt.Fprintf(&b, "Ratios use %s = %s %s, the mean of its measurements at the start and the end (%s).\n", base.name, num(v), base.unit, strings.Join(each, ", "))
		}
	}
	for _, n := range notes {
		fmt.Fprintf(&b, "Note: %s.\n", n)
	}
	b.WriteString("\n| target | rule | value | verdict |\n|---|---|--:|---|\n")
	for _, t := range r.Targets {
		verdict := t.Verdict
		if t.Note != "" {
			verdict += " (" + t.Note + ")"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", t.Name, t.Rule, targetValue(t), verdict)
	}
	if r.hasCPU() {
		b.WriteString("\nCPU per operation, ms (all processes of a group, warm-up included, until every peer committed):\n\n")
		b.WriteString("| scenario | peers | orderers | chaincode | network | client | network vs paired baseline |\n|---|--:|--:|--:|--:|--:|--:|\n")
		for _, s := range r.Scenarios {
			if s.CPUms == nil {
				continue
			}
			vs := "-"
			if s.PairedCPUms != nil && s.PairedCPUms["network"] > 0 {
				vs = fmt.Sprintf("%.2fx", s.CPUms["network"]/s.PairedCPUms["network"])
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", s.Name, cpuStr(s.CPUms[groupPeers]), cpuStr(s.CPUms[groupOrderers]),
				cpuStr(s.CPUms[groupChaincode]), cpuStr(s.CPUms["network"]), cpuStr(s.CPUms[groupClient]), vs)
		}
	}
	if len(r.Anatomy) > 0 {
		b.WriteString("\nCost anatomy (one endorsed call of each kind, not submitted):\n\n")
		b.WriteString("| call | units | reads | range queries | writes | write bytes | private writes | event bytes | tx bytes | endorse ms |\n")
		b.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
		for _, a := range r.Anatomy {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.1f |\n", a.Call, commas(a.Units), commas(a.Reads),
				commas(a.RangeQueries), commas(a.Writes), commas(a.WriteBytes), commas(a.PrivateWrites), commas(a.EventBytes), commas(a.TxBytes), a.EndorseMs)
		}
	}
	fmt.Fprintf(&b, "\nNetwork memory: sum of peak RSS (VmHWM) %.0f MiB; highest sampled simultaneous RSS %.0f MiB (%d samples every %d ms).\n",
		r.Memory.SumHWMMiB, r.Memory.PeakSumMiB, r.Memory.Samples, r.Memory.IntervalMs)
	for _, n := range r.Memory.Nodes {
		fmt.Fprintf(&b, "- %s: peak RSS %.0f MiB, VmHWM %.0f MiB\n", n.Node, n.PeakMiB, n.HWMMiB)
	}
	return b.String()
}

func (r *Results) hasCPU() bool {
	for _, s := range r.Scenarios {
		if s.CPUms != nil {
			return true
		}
	}
	return false
}

// cpuStr is num, but a zero CPU time reads 0.00, like the small ones beside it.
func cpuStr(v float64) string {
	if v == 0 {
		return "0.00"
	}
	return num(v)
}

func (r *Results) hasConflictScenario() bool {
	for _, s := range r.Scenarios {
		if s.ExpectConflicts {
			return true
		}
	}
	return false
}

// oneLine is a scenario's progress line.
func oneLine(s ScenarioResult) string {
	line := fmt.Sprintf("%d ok, %d failed, %s ops/s, %s units/s, p50 %s ms, p95 %s ms, p99 %s ms",
		s.Ops, s.Failed, num(s.OpsPerSec), num(s.UnitsPerS), msStr(s.P50), msStr(s.P95), msStr(s.P99))
	if f := failures(s.Summary); f != "" {
		line += " [" + f + "]"
	}
	return line
}

func failures(s Summary) string {
	var parts []string
	for _, k := range s.FailureKeys() {
		parts = append(parts, fmt.Sprintf("%s: %d", k, s.Failures[k]))
	}
	return strings.Join(parts, ", ")
}

// num formats a rate with about three significant digits.
func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 100:
		return commas(int(v + 0.5))
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func msStr(m Millis) string {
	v := float64(m)
	switch {
	case v == 0:
		return "-"
	case v >= 100:
		return commas(int(v + 0.5))
	default:
		return fmt.Sprintf("%.1f", v)
	}
}

func ratioStr(s ScenarioResult) string {
	if s.Ratio == nil {
		return "-"
	}
	return fmt.Sprintf("%.2fx", *s.Ratio)
}

func targetValue(t Target) string {
	if t.Verdict == Skipped {
		return "-"
	}
	switch t.Unit {
	case "x":
		return fmt.Sprintf("%.2fx (%s %gx)", t.Value, t.Comparison, t.Threshold)
	case "MiB":
		return fmt.Sprintf("%.0f MiB (%s %g)", t.Value, t.Comparison, t.Threshold)
	default:
		return fmt.Sprintf("%g %s", t.Value, t.Unit)
	}
}

// Evaluate (re)computes the ratios and the target verdicts from the
// measurements.
func (r *Results) Evaluate() {
	r.computeRatios()
	r.evaluateTargets()
}

// ReadResults loads a results.json written by WriteFiles, e.g. to render
// its tables and chart again.
func ReadResults(path string) (*Results, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // a report file the user names
	if err != nil {
		return nil, err
	}
	var r Results
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}
