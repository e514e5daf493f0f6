package bench

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func durations(ms ...int) []time.Duration {
	out := make([]time.Duration, len(ms))
	for i, m := range ms {
		out[i] = time.Duration(m) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	cases := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single", durations(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p95 of 1..100", hundred, 95, 95 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the max", hundred, 100, 100 * time.Millisecond},
		{"p0 is the min", hundred, 0, time.Millisecond},
		{"p50 of 4 is the 2nd", durations(10, 20, 30, 40), 50, 20 * time.Millisecond},
		{"p51 of 4 is the 3rd", durations(10, 20, 30, 40), 51, 30 * time.Millisecond},
		{"p99 of 10 is the max", durations(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, Percentile(c.sorted, c.p))
		})
	}
}

func TestRatio(t *testing.T) {
	v, ok := Ratio(85, 100)
	assert.True(t, ok)
	assert.InDelta(t, 0.85, v, 1e-12)
	_, ok = Ratio(1, 0)
	assert.False(t, ok, "no baseline")
	_, ok = Ratio(1, -3)
	assert.False(t, ok)
}

func TestSummarizeCountsFailuresAndRates(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	p := &phaseResult{start: start, stop: at(1500), end: at(2000), samples: []sample{
		{latency: 100 * time.Millisecond, units: 10, txs: 1, end: at(100), measured: true},
		{latency: 300 * time.Millisecond, units: 10, txs: 1, end: at(1200), measured: true},
		{latency: 200 * time.Millisecond, units: 10, txs: 1, end: at(2000), measured: true},
		{latency: 900 * time.Millisecond, units: 10, txs: 1, fail: "MVCC_READ_CONFLICT", msg: "first", end: at(900), measured: true},
		{latency: 5 * time.Millisecond, units: 10, txs: 1, fail: "MVCC_READ_CONFLICT", msg: "second", end: at(950), measured: true},
		{latency: time.Millisecond, units: 10, txs: 1, fail: "chaincode NOT_HOLDER", msg: "x", end: at(10), measured: true},
		{latency: 50 * time.Millisecond, units: 10, txs: 1, end: at(-10)},
		{latency: 50 * time.Millisecond, units: 10, txs: 1, fail: "endorse Unavailable", end: at(-5)},
	}}
	s := summarize(p)
	assert.Equal(t, 3, s.Ops)
	assert.Equal(t, 3, s.Failed)
	assert.Equal(t, 1, s.WarmupFailed)
	assert.Equal(t, 30, s.Units)
	assert.InDelta(t, 2.0, s.Seconds, 1e-9, "a count budget: first dispatch to last settlement")
	assert.InDelta(t, 1.5, s.OpsPerSec, 1e-9)
	assert.InDelta(t, 15.0, s.UnitsPerS, 1e-9)
	assert.Equal(t, Millis(200), s.P50, "failed operations are not in the latency")
	assert.Equal(t, Millis(300), s.P99)
	assert.Equal(t, Millis(200), s.Mean)
	assert.Equal(t, map[string]int{"MVCC_READ_CONFLICT": 2, "chaincode NOT_HOLDER": 1}, s.Failures)
	assert.Equal(t, "first", s.FirstError["MVCC_READ_CONFLICT"])
	assert.Equal(t, []string{"MVCC_READ_CONFLICT", "chaincode NOT_HOLDER"}, s.FailureKeys())
}

func TestSummarizeTimedCountsCompletionsInTheDispatchWindow(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	p := &phaseResult{timed: true, start: start, stop: at(1000), end: at(1400), samples: []sample{
		{latency: 300 * time.Millisecond, units: 1, txs: 1, end: at(200)},                  // warm-up op settling in the window: counted
		{latency: 300 * time.Millisecond, units: 1, txs: 1, end: at(500), measured: true},  // counted
		{latency: 300 * time.Millisecond, units: 1, txs: 1, end: at(1000), measured: true}, // counted (window is inclusive)
		{latency: 400 * time.Millisecond, units: 1, txs: 1, end: at(1400), measured: true}, // drained after the window: latency only
		{latency: 300 * time.Millisecond, units: 1, txs: 1, end: at(-100)},                 // warm-up, before the window
	}}
	s := summarize(p)
	assert.InDelta(t, 1.0, s.Seconds, 1e-9)
	assert.InDelta(t, 3.0, s.OpsPerSec, 1e-9, "3 completions in a 1 s window")
	assert.Equal(t, 3, s.Ops, "latency counts the measured operations")
	assert.Equal(t, Millis(400), s.Max)

	// Two slices add up their windows.
	q := &phaseResult{timed: true, start: at(5000), stop: at(6000), samples: []sample{
		{latency: 100 * time.Millisecond, units: 1, txs: 1, end: at(5500), measured: true},
	}}
	s = summarize(p, q)
	assert.InDelta(t, 2.0, s.Seconds, 1e-9)
	assert.InDelta(t, 2.0, s.OpsPerSec, 1e-9)
}

func TestSummarizeEmptyWindow(t *testing.T) {
	s := summarize(&phaseResult{}, nil)
	assert.Zero(t, s.OpsPerSec)
	assert.Zero(t, s.P50)
	assert.Nil(t, s.Failures)
}

func TestOffsetContinuesTheSequenceAcrossSlices(t *testing.T) {
	var seen []int
	src := func(seq int) (Op, bool, error) { seen = append(seen, seq); return Op{}, true, nil }
	next := 0
	a := offset(src, &next)
	for i := range 3 {
		_, _, _ = a(i)
	}
	b := offset(src, &next)
	for i := range 2 {
		_, _, _ = b(i)
	}
	assert.Equal(t, []int{0, 1, 2, 3, 4}, seen)
}

func TestTargetEvaluate(t *testing.T) {
	cases := []struct {
		value, threshold float64
		cmp              Comparison
		want             string
	}{
		{0.85, 0.85, AtLeast, Pass},
		{0.849, 0.85, AtLeast, Miss},
		{1.5, 1.5, AtMost, Pass},
		{1.51, 1.5, AtMost, Miss},
		{2047, 2048, LessThan, Pass},
		{2048, 2048, LessThan, Miss},
	}
	for _, c := range cases {
		tg := Target{Value: c.value, Threshold: c.threshold, Comparison: c.cmp}
		tg.evaluate(true)
		assert.Equal(t, c.want, tg.Verdict, "%v %s %v", c.value, c.cmp, c.threshold)
	}
	tg := Target{Value: 5, Threshold: 1, Comparison: AtLeast}
	tg.evaluate(false)
	assert.Equal(t, Skipped, tg.Verdict)
}

// fakeResults is a run whose numbers are chosen so every target's outcome is known.
func fakeResults() *Results {
	sc := func(name, kind, against string, ops int, opsPerSec, units float64, p50 Millis) ScenarioResult {
		return ScenarioResult{Name: name, Kind: kind, Against: against, Summary: Summary{
			Ops: ops, Txs: ops, OpsPerSec: opsPerSec, TxPerSec: opsPerSec, UnitsPerS: units, P50: p50, P95: p50 * 2, P99: p50 * 3,
		}}
	}
	r := &Results{Mode: "full", Machine: Machine{CPUs: 2, MemTotalGiB: 24}, Config: ConfigInfo{Workers: 4, InFlight: 64},
		Started: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}
	r.Scenarios = []ScenarioResult{
		sc("baseline-write", KindTx, BaselineWrite, 1000, 110, 110, 400),
		sc("baseline-read", KindCall, BaselineRead, 9000, 1000, 1000, 20),
		sc("commission-1", KindTx, BaselineWrite, 900, 90, 90, 450),
		sc("commission-100", KindTx, BaselineWrite, 100, 10, 1000, 800),
		sc("commission-1000", KindTx, BaselineWrite, 10, 1, 1000, 2000),
		sc("ship-receive-1", KindPair, PairOf1, 20, 1.6, 1.6, 600),
		sc("ship-receive-10000", KindPair, PairOf1, 6, 1.2, 12000, 960),
		sc("verify", KindCall, BaselineRead, 7000, 700, 700, 30),
		sc("pack-contended", KindTx, BaselineWrite, 5, 2, 2, 300),
		sc("baseline-write-end", KindTx, BaselineWrite, 1000, 90, 90, 400),
		sc("baseline-read-end", KindCall, BaselineRead, 9000, 1000, 1000, 20),
	}
	r.Scenarios[8].ExpectConflicts = true
	r.Scenarios[8].Failed = 40
	r.Scenarios[8].Failures = map[string]int{"MVCC_READ_CONFLICT": 40}
	r.Scenarios[3].Paired = &Summary{Ops: 50, TxPerSec: 50, OpsPerSec: 50}
	r.Scenarios[3].PairedWith = BaselineWrite
	r.Scenarios[9].RepeatOf = BaselineWrite
	r.Scenarios[10].RepeatOf = BaselineRead
	r.Memory = Memory{SumHWMMiB: 1500, PeakSumMiB: 1400, PeakSumAt: "commission-1000", Samples: 10, IntervalMs: 250,
		Nodes: []NodeMemory{{Node: "peer0.retailer", PID: 1, PeakMiB: 300, HWMMiB: 310}}}
	r.computeRatios()
	r.evaluateTargets()
	return r
}

func verdicts(r *Results) map[string]string {
	out := map[string]string{}
	for _, t := range r.Targets {
		out[t.Name] = t.Verdict
	}
	return out
}

func TestBaselineIsTheMeanOfItsMeasurements(t *testing.T) {
	r := fakeResults()
	v, ok := r.Baseline(BaselineWrite, txPerSec)
	require.True(t, ok)
	assert.InDelta(t, 100, v, 1e-9, "mean of 110 and 90")
	_, ok = r.Baseline("nothing", txPerSec)
	assert.False(t, ok)
}

func TestRatiosAgainstBaselines(t *testing.T) {
	r := fakeResults()
	ratio := func(name string) float64 {
		s := r.Scenario(name)
		require.NotNil(t, s, name)
		require.NotNil(t, s.Ratio, name)
		return *s.Ratio
	}
	assert.InDelta(t, 0.9, ratio("commission-1"), 1e-9)
	assert.InDelta(t, 20, ratio("commission-100"), 1e-9, "against its paired baseline of 50 tx/s")
	assert.InDelta(t, 1.6, ratio("ship-receive-10000"), 1e-9, "p50 960 / 600")
	assert.InDelta(t, 0.7, ratio("verify"), 1e-9)
	assert.InDelta(t, 1.1, ratio("baseline-write"), 1e-9)
}

func TestTargetsVerdicts(t *testing.T) {
	r := fakeResults()
	assert.Equal(t, map[string]string{
		"commission-1 throughput":     Pass, // 0.90 >= 0.85
		"commission-100 throughput":   Pass, // 1000 units/s = 20 x its paired 50 tx/s
		"commission-1000 throughput":  Pass,
		"ship+receive latency growth": Miss,    // 1.6 > 1.5
		"verify throughput":           Miss,    // 0.7 < 0.9
		"verify-http throughput":      Skipped, // not among the fake results
		"capture-10000 throughput":    Skipped,
		"no failed transactions":      Pass, // only the conflict scenario failed
		"peak network memory":         Pass,
		"node memory budgets":         Pass, // the retailer's peer at 310 of 400 MiB
	}, verdicts(r))
	assert.Equal(t, 0, r.UnexpectedFailures())

	r.Scenarios[8].WarmupFailed = 7 // the conflict scenario's warm-up: still expected
	r.Scenarios[1].WarmupFailed = 1
	r.evaluateTargets()
	assert.Equal(t, Miss, verdicts(r)["no failed transactions"], "a warm-up failure counts")
	assert.Equal(t, 1, r.UnexpectedFailures())

	r.Scenarios[2].Failed = 3
	r.Scenarios[2].Failures = map[string]int{"chaincode DUPLICATE": 3}
	r.Memory.SumHWMMiB = 2100
	r.evaluateTargets()
	v := verdicts(r)
	assert.Equal(t, Miss, v["no failed transactions"])
	assert.Equal(t, Miss, v["peak network memory"])
	assert.Equal(t, 4, r.UnexpectedFailures())
}

// TestNodeMemoryBudgets: a node over its budget misses the target, and the note names it; a
// node without a budget (the verification service) is not counted.
func TestNodeMemoryBudgets(t *testing.T) {
	r := fakeResults()
	r.Memory.Nodes = []NodeMemory{{Node: "peer0.retailer", HWMMiB: 390}, {Node: "orderer1", HWMMiB: 150}, {Node: "traced", HWMMiB: 900}}
	r.evaluateTargets()
	tg := targetNamed(t, r, "node memory budgets")
	assert.Equal(t, Pass, tg.Verdict)
	assert.Equal(t, "highest: peer0.retailer at 390 of 400 MiB", tg.Note)

	r.Memory.Nodes = append(r.Memory.Nodes, NodeMemory{Node: "orderer2", HWMMiB: 230}, NodeMemory{Node: "chaincode.retailer", HWMMiB: 129})
	r.evaluateTargets()
	tg = targetNamed(t, r, "node memory budgets")
	assert.Equal(t, Miss, tg.Verdict)
	assert.InDelta(t, 2, tg.Value, 0)
	assert.Equal(t, "over: orderer2 230 of 200 MiB, chaincode.retailer 129 of 128 MiB", tg.Note)
}

func targetNamed(t *testing.T, r *Results, name string) Target {
	t.Helper()
	for _, tg := range r.Targets {
		if tg.Name == name {
			return tg
		}
	}
	t.Fatalf("no target %q", name)
	return Target{}
}

// TestCaptureIsComparedWithTheBulkBeforeAndAfterIt: the capture scenario's
// ratio is its units/s over the mean units/s of CommissionBulk measured on
// both sides of it.
func TestCaptureIsComparedWithTheBulkBeforeAndAfterIt(t *testing.T) {
	for _, tc := range []struct {
		capture float64
		verdict string
	}{
		{2000, Pass}, // 0.80
		{1900, Miss}, // 0.76
	} {
		r := &Results{Scenarios: []ScenarioResult{
			{Name: BulkOf10000, Kind: KindTx, Against: BaselineWrite, Summary: Summary{Ops: 3, TxPerSec: 3, UnitsPerS: 3000}},
			{Name: "capture-10000", Kind: KindTx, Against: BulkOf10000, Summary: Summary{Ops: 3, TxPerSec: 2, UnitsPerS: tc.capture}},
			{Name: BulkOf10000 + "-end", RepeatOf: BulkOf10000, Kind: KindTx, Against: BaselineWrite, Summary: Summary{Ops: 3, TxPerSec: 2, UnitsPerS: 2000}},
		}}
		r.computeRatios()
		r.evaluateTargets()
		require.NotNil(t, r.Scenarios[1].Ratio)
		assert.InDelta(t, tc.capture/2500, *r.Scenarios[1].Ratio, 1e-9, "against the mean of 3000 and 2000 units/s")
		assert.Equal(t, tc.verdict, verdicts(r)["capture-10000 throughput"])
	}
}

func TestTargetsWithoutScenariosAreNotApplicable(t *testing.T) {
	r := &Results{Scenarios: []ScenarioResult{{Name: "baseline-write", Kind: KindTx, Against: BaselineWrite, Summary: Summary{Ops: 10, TxPerSec: 5}}}}
	r.computeRatios()
	r.evaluateTargets()
	v := verdicts(r)
	assert.Equal(t, Skipped, v["commission-1 throughput"])
	assert.Equal(t, Skipped, v["verify throughput"])
	assert.Equal(t, Skipped, v["peak network memory"], "no node was sampled")
	assert.Equal(t, Pass, v["no failed transactions"])
}

func TestMarkdownReport(t *testing.T) {
	md := fakeResults().Markdown()
	assert.Contains(t, md, "| scenario | op | ok | failed | ops/s | units/s | p50 ms | p95 ms | p99 ms | paired baseline /s | vs baseline | failures |")
	assert.Contains(t, md, "| commission-100 | tx | 100 | 0 | 10.0 | 1,000 | 800 | 1,600 | 2,400 | 50.0 | 20.00x |  |")
	assert.Contains(t, md, "| pack-contended * | tx | 5 | 40 | 2.00 | 2.00 | 300 | 600 | 900 | - | 0.02x | MVCC_READ_CONFLICT: 40 |")
	assert.Contains(t, md, "| ship-receive-10000 | pair | 6 | 0 | 1.20 | 12,000 | 960 | 1,920 | 2,880 | - | 1.60x |  |")
	assert.Contains(t, md, "| verify throughput | verify calls/s >= 0.9 x baseline-read calls/s | 0.70x (>= 0.9x) | MISS |")
	assert.Contains(t, md, "| peak network memory | sum of the nodes' peak RSS (VmHWM) < 2 GiB | 1500 MiB (< 2048) | PASS (highest sampled sum of VmRSS 1400 MiB (commission-1000)) |")
	assert.Contains(t, md, "Ratios use baseline-write = 100 tx/s, the mean of its measurements at the start and the end (110, 90.0).")
	assert.Contains(t, md, "* designed to conflict.")
	assert.Contains(t, md, "- peer0.retailer: peak RSS 300 MiB, VmHWM 310 MiB")
}

func TestNumberFormatting(t *testing.T) {
	assert.Equal(t, "0", num(0))
	assert.Equal(t, "0.25", num(0.251))
	assert.Equal(t, "12.3", num(12.34))
	assert.Equal(t, "1,235", num(1234.5))
	assert.Equal(t, "-", msStr(0))
	assert.Equal(t, "56.1", msStr(56.08))
	assert.Equal(t, "1,070", msStr(1070.2))
	assert.Equal(t, "10,000", commas(10000))
	assert.Equal(t, "-1,000", commas(-1000))
	assert.Equal(t, "999", commas(999))
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, fakeResults().WriteFiles(dir))
	for _, f := range []string{"results.json", "results.md", "chart.png"} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err, f)
		assert.Positive(t, st.Size(), f)
	}
	png, err := os.ReadFile(filepath.Join(dir, "chart.png"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(png), "\x89PNG"), "a PNG")
	raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"verdict": "MISS"`)
	assert.Contains(t, string(raw), `"repeatOf": "baseline-write"`)
}

func TestParseStatusKiB(t *testing.T) {
	raw := []byte("Name:\tpeer\nVmHWM:\t  204664 kB\nVmRSS:\t  179596 kB\nThreads:\t12\n")
	assert.Equal(t, map[string]int64{"VmRSS": 179596, "VmHWM": 204664}, parseStatusKiB(raw, "VmRSS", "VmHWM"))
}

func TestMemSamplerReadsRunDirPIDs(t *testing.T) {
	dir := t.TempDir()
	node := filepath.Join(dir, "nodes", "self")
	require.NoError(t, os.MkdirAll(node, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(node, "pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644))
	m := newMemSampler(dir, 10*time.Millisecond)
	m.start()
	m.setPhase("x")
	time.Sleep(30 * time.Millisecond)
	mem := m.finish()
	require.Len(t, mem.Nodes, 1)
	assert.Equal(t, "self", mem.Nodes[0].Node)
	assert.Positive(t, mem.PeakSumMiB)
	assert.GreaterOrEqual(t, mem.SumHWMMiB, mem.Nodes[0].PeakMiB)
	assert.Positive(t, mem.ScenarioPeakMi["x"])
}

func TestConfigSelectsScenariosInRunOrder(t *testing.T) {
	cfg := Config{Scenarios: []string{"verify", "baseline-write"}}
	got, err := cfg.selected()
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "baseline-write", got[0].Name)
	assert.Equal(t, "verify", got[1].Name)
	_, err = (&Config{Scenarios: []string{"nope"}}).selected()
	assert.ErrorContains(t, err, `unknown scenario "nope"`)
}

func TestShortModeShrinksTheBigPallet(t *testing.T) {
	short := &Config{Short: true}
	assert.Equal(t, ShortPalletCap, palletSize(short, 10000))
	assert.Equal(t, 1000, palletSize(short, 1000))
	assert.Equal(t, 10000, palletSize(&Config{}, 10000))
	for _, sc := range Scenarios() {
		if sc.Name == "ship-receive-10000" {
			assert.Contains(t, sc.note(short), "2,000 units instead of 10,000")
			assert.Empty(t, sc.note(&Config{}))
			p := sc.plan(short)
			assert.Equal(t, 1, p.InFlight, "pairs run one at a time")
		}
	}
}

func TestParseStatCPU(t *testing.T) {
	// utime 250 and stime 50 ticks, with a command holding spaces and parentheses.
	stat := "1234 (peer (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 100 2000000 5000 18446744073709551615"
	v, ok := parseStatCPU(stat)
	require.True(t, ok)
	assert.InDelta(t, 3.0, v, 1e-9)
	_, ok = parseStatCPU("garbage")
	assert.False(t, ok)
	self, ok := procCPUSeconds("/proc/self/stat")
	if ok {
		assert.GreaterOrEqual(t, self, 0.0)
	}
}

func TestCPUPerOperation(t *testing.T) {
	var a cpuAcc
	assert.Nil(t, a.perOp())
	a.add(map[string]float64{groupPeers: 10, groupChaincode: 1, groupClient: 5},
		map[string]float64{groupPeers: 12, groupChaincode: 1.5, groupOrderers: 0.5, groupClient: 6}, 100)
	per := a.perOp()
	assert.InDelta(t, 20, per[groupPeers], 1e-9)
	assert.InDelta(t, 5, per[groupChaincode], 1e-9)
	assert.InDelta(t, 5, per[groupOrderers], 1e-9, "a group absent before counts from zero")
	assert.InDelta(t, 10, per[groupClient], 1e-9)
	assert.InDelta(t, 30, per["network"], 1e-9, "the client is not part of the network")
	assert.Equal(t, groupPeers, nodeGroup("peer0.retailer"))
	assert.Equal(t, groupOrderers, nodeGroup("orderer2"))
	assert.Equal(t, groupChaincode, nodeGroup("chaincode.retailer"))
	assert.Equal(t, groupChaincode, nodeGroup("benchcc"))
}

func TestResultsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := fakeResults()
	require.NoError(t, want.WriteFiles(dir))
	got, err := ReadResults(filepath.Join(dir, "results.json"))
	require.NoError(t, err)
	assert.Equal(t, want.Markdown(), got.Markdown())
}
