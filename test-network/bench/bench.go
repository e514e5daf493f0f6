// Package bench benchmarks a running tracechain network through the SDK and
// fabric-gateway: throughput, submit-to-commit latency and cost growth of the
// domain transactions, each reported as a ratio to the network's own ceiling
// (the bench contract's Put and Get) measured in the same run, so that the
// numbers mean something on a shared, noisy machine.
//
// Run drives every scenario (see Scenarios) with pipelined submits: a few
// workers endorse and send transactions to the orderer while their commit
// statuses are awaited concurrently, up to a number of operations in flight.
// Each scenario warms up before it is measured. Goods a scenario consumes
// (units to pack, pallets to ship, units to sell) are prepared untimed.
package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// Config configures a benchmark run.
type Config struct {
	RunDir    string        // the network's run directory (connection material, node PIDs)
	Scenarios []string      // scenario names; empty means all
	Short     bool          // small counts: the whole suite in under 2 minutes
	Out       string        // directory for results.json, results.md and chart.png; "" writes nothing
	Workers   int           // goroutines that endorse and send (default 16)
	InFlight  int           // operations in flight (default 64); batched scenarios use a fraction
	Duration  time.Duration // measured time of each timed scenario (default 30s, short 3s)
	Warmup    time.Duration // warm-up of each timed scenario, and of each slice (default 3s, short 1s)
	Txs       int           // when > 0, every scenario measures this many operations instead of a duration
	Slices    int           // timed scenarios are measured in this many slices interleaved with their baseline (default 3, short 1)
	Unpaired  bool          // measure timed scenarios in one piece, against the run's baselines only
	Log       io.Writer     // progress and the final report; nil is silent
	// OnPhase, when set, is called with "prepared" once a scenario's goods are built and
	// every peer has their blocks, and with "measured" once its operations (warm-up
	// included) are committed on every peer: test-network/cmd/capacity measures the
	// ledger's growth on disk between the two.
	OnPhase func(phase, scenario string) error
}

// Defaults.
const (
	DefaultWorkers       = 16
	DefaultInFlight      = 64
	DefaultDuration      = 30 * time.Second
	DefaultWarmup        = 3 * time.Second
	DefaultShortDuration = 2 * time.Second
	DefaultShortWarmup   = 500 * time.Millisecond
	DefaultSlices        = 3
	// settleMax bounds the wait for every peer to reach the same height
	// before a measurement starts.
	settleMax = 20 * time.Second
)

func (c *Config) setDefaults() {
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.InFlight <= 0 {
		c.InFlight = DefaultInFlight
	}
	if c.Duration <= 0 {
		c.Duration = DefaultDuration
		if c.Short {
			c.Duration = DefaultShortDuration
		}
	}
	if c.Warmup <= 0 {
		c.Warmup = DefaultWarmup
		if c.Short {
			c.Warmup = DefaultShortWarmup
		}
	}
	if c.Slices <= 0 {
		c.Slices = DefaultSlices
		if c.Short {
			c.Slices = 1
		}
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
}

// scenarioByName returns the named scenario (which must exist).
func scenarioByName(name string) Scenario {
	for _, sc := range Scenarios() {
		if sc.Name == name {
			return sc
		}
	}
	panic("no scenario " + name)
}

// pairable reports whether sc is measured in slices interleaved with its
// baseline: a timed scenario compared with the write or read baseline.
func (s *suite) pairable(sc Scenario, p Plan) bool {
	return !s.cfg.Unpaired && p.Measure.Ops <= 0 && p.Measure.Duration > 0 &&
		(sc.Against == BaselineWrite || sc.Against == BaselineRead) && sc.Name != sc.Against
}

// baselineSource prepares a baseline's operations once per run.
func (s *suite) baselineSource(ctx context.Context, b Scenario) (Source, error) {
	if src, ok := s.baseSrc[b.Name]; ok {
		return src, nil
	}
	src, err := b.prepare(ctx, s, b.plan(s.cfg))
	if err != nil {
		return nil, err
	}
	s.baseSrc[b.Name] = src
	return src, nil
}

// sliceOf is the measured time of one slice.
func sliceOf(p Plan, slices int) time.Duration {
	return max(p.Measure.Duration/time.Duration(max(slices, 1)), time.Second)
}

// offset continues a source's sequence across slices: each run numbers its
// operations from 0, the source sees one sequence.
func offset(src Source, next *int) Source {
	base := *next
	return func(seq int) (Op, bool, error) {
		if base+seq+1 > *next {
			*next = base + seq + 1
		}
		return src(base + seq)
	}
}

// selected returns the scenarios to run, in run order.
func (c *Config) selected() ([]Scenario, error) {
	all := Scenarios()
	if len(c.Scenarios) == 0 {
		return all, nil
	}
	var out []Scenario
	for _, name := range c.Scenarios {
		if !slices.ContainsFunc(all, func(s Scenario) bool { return s.Name == name }) {
			return nil, fmt.Errorf("unknown scenario %q (have: %s)", name, strings.Join(ScenarioNames(), ", "))
		}
	}
	for _, s := range all {
		if slices.Contains(c.Scenarios, s.Name) {
			out = append(out, s)
		}
	}
	return out, nil
}

// suite is the state of one run.
type suite struct {
	cfg              *Config
	conns            map[string]*orgConn
	fx               *fixture
	runTag           string
	history          []string
	baselineWriteTPS float64
	prepared         atomic.Int64
	unsold           string // a unit at the Retailer that sell left unsold
	baseSrc          map[string]Source
	notes            map[string]string // what a scenario measured besides its ops, by name
	service          *verificationService
	capture          *captureService
}

// Run runs the benchmark against the network of cfg.RunDir and returns its
// results; with cfg.Out set it also writes them there. A scenario that
// cannot be prepared or run is an error; failed transactions are not (they
// are counted in the results).
func Run(ctx context.Context, cfg Config) (*Results, error) {
	cfg.setDefaults()
	scenarios, err := cfg.selected()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(cfg.RunDir, "connection")); err != nil {
		return nil, fmt.Errorf("no connection material in run directory %s: %w", cfg.RunDir, err)
	}
	res := &Results{Started: time.Now().UTC(), Mode: "full", RunDir: cfg.RunDir, Machine: machineInfo()}
	if cfg.Short {
		res.Mode = "short"
	}
	res.Config = ConfigInfo{Workers: cfg.Workers, InFlight: cfg.InFlight, Duration: cfg.Duration.String(), Warmup: cfg.Warmup.String(), Txs: cfg.Txs}
	s := &suite{cfg: &cfg, conns: map[string]*orgConn{}, baseSrc: map[string]Source{}, notes: map[string]string{}, runTag: fmt.Sprintf("%x", rand.Uint32())} //nolint:gosec // a tag telling runs apart, not a secret
	defer func() {
		if s.service != nil {
			s.service.close()
		}
		if s.capture != nil {
			s.capture.close()
		}
		for _, c := range s.conns {
			c.close()
		}
	}()
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	mem := newMemSampler(cfg.RunDir, 250*time.Millisecond)
	mem.start()
	memDone := false
	defer func() {
		if !memDone {
			mem.finish()
		}
	}()

	mem.setPhase("setup")
	if err := s.setUp(ctx, res); err != nil {
		return nil, err
	}

	r := &runner{conns: s.conns}
	runOne := func(sc Scenario, repeatOf string) error {
		sr, err := s.runScenario(ctx, r, mem, sc, repeatOf)
		if err != nil {
			return err
		}
		res.Scenarios = append(res.Scenarios, *sr)
		s.logf("%-18s %s", sr.Name, oneLine(*sr))
		return nil
	}
	ran := map[string]bool{}
	for _, sc := range scenarios {
		if err := runOne(sc, ""); err != nil {
			return nil, err
		}
		ran[sc.Name] = true
		if sc.Bracketed && ran[sc.Against] {
			if err := runOne(scenarioByName(sc.Against), sc.Against); err != nil {
				return nil, err
			}
		}
	}
	// In full mode, measure the baselines again at the end: the spread
	// between the two shows the drift of a shared machine.
	if !cfg.Short && len(scenarios) > 2 {
		for _, sc := range scenarios {
			if sc.Name == BaselineWrite || sc.Name == BaselineRead {
				if err := runOne(sc, sc.Name); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(cfg.Scenarios) == 0 {
		mem.setPhase("anatomy")
		s.logf("cost anatomy: endorsing one call of each kind without submitting it")
		if res.Anatomy, err = s.anatomy(ctx, r); err != nil {
			return nil, fmt.Errorf("cost anatomy: %w", err)
		}
	}
	mem.setPhase("")
	res.Memory = mem.finish()
	memDone = true
	res.Finished = time.Now().UTC()
	res.Evaluate()

	fmt.Fprintln(cfg.Log)
	fmt.Fprint(cfg.Log, res.Markdown())
	if cfg.Out != "" {
		if err := res.WriteFiles(cfg.Out); err != nil {
			return res, err
		}
		s.logf("wrote %s", strings.Join([]string{filepath.Join(cfg.Out, "results.json"), filepath.Join(cfg.Out, "results.md"), filepath.Join(cfg.Out, "chart.png")}, ", "))
	}
	return res, nil
}

// connect opens the connection of every organisation the benchmark acts as.
func (s *suite) connect(ctx context.Context) error {
	for _, org := range []string{OrgManufacturer, OrgDistributor, OrgRetailer, OrgRegulator, OrgOther} {
		c, err := connect(ctx, s.cfg.RunDir, org)
		if err != nil {
			return fmt.Errorf("connecting as %s: %w", org, err)
		}
		s.conns[org] = c
	}
	return nil
}

// setUp waits until the network takes writes, then registers the members and
// the benchmark's product.
func (s *suite) setUp(ctx context.Context, res *Results) error {
	if err := waitWritable(ctx, s.conns[OrgManufacturer], s.runTag, time.Minute); err != nil {
		return err
	}
	s.logf("setup: members and product (mode %s, %d workers, %d in flight)", res.Mode, s.cfg.Workers, s.cfg.InFlight)
	if err := setupMembers(ctx, s.conns[OrgRegulator].admin, func(org string) string { return s.conns[org].mspID }); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	// Every peer must know the members before the manufacturer acts.
	settle(ctx, s.conns, settleMax)
	fx, err := setupProduct(ctx, s.conns[OrgManufacturer].sdk, time.Now())
	if err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	s.fx = fx
	res.Fixture = FixtureInfo{GTIN: s.fx.gtin, Batch: s.fx.batch, CompanyPrefix: benchCompanyPrefix}
	s.logf("setup: product GTIN %s batch %s", s.fx.gtin, s.fx.batch)
	return nil
}

// runScenario prepares and measures one scenario (paired with its baseline
// when it has one) and returns its result; repeatOf names the scenario it
// measures again at the end of a full run.
func (s *suite) runScenario(ctx context.Context, r *runner, mem *memSampler, sc Scenario, repeatOf string) (*ScenarioResult, error) {
	plan := sc.plan(s.cfg)
	name := sc.Name
	if repeatOf != "" {
		name += "-end"
	}
	mem.setPhase("prepare " + name)
	prepStart := time.Now()
	src, err := sc.prepare(ctx, s, plan)
	if err != nil {
		return nil, fmt.Errorf("preparing %s: %w", name, err)
	}
	var base *Scenario
	var baseSrc Source
	if s.pairable(sc, plan) {
		b := scenarioByName(sc.Against)
		base = &b
		if baseSrc, err = s.baselineSource(ctx, b); err != nil {
			return nil, fmt.Errorf("preparing %s for %s: %w", b.Name, name, err)
		}
	}
	prep := time.Since(prepStart)
	how := fmt.Sprintf("warm-up %s, measure %s", plan.Warmup, plan.Measure)
	if base != nil {
		how = fmt.Sprintf("%d slice(s) of %s, each after %s warm-up, interleaved with %s", s.cfg.Slices, sliceOf(plan, s.cfg.Slices), plan.Warmup, base.Name)
	}
	s.logf("%-18s %s, %d workers, %d in flight (prepared in %.1fs)", name, how, plan.Workers, plan.InFlight, prep.Seconds())
	settle(ctx, s.conns, settleMax)
	if err := s.onPhase("prepared", name); err != nil {
		return nil, err
	}
	mem.setPhase(name)
	load0 := loadAvg()
	m, err := s.measureScenario(ctx, r, name, plan, src, base, baseSrc)
	if err != nil {
		return nil, err
	}
	if s.cfg.OnPhase != nil {
		settle(ctx, s.conns, settleMax)
		if err := s.onPhase("measured", name); err != nil {
			return nil, err
		}
	}
	phases, basePhases, cpuX, cpuB, exhausted := m.phases, m.basePhases, m.cpuX, m.cpuB, m.exhausted
	sr := ScenarioResult{
		Name: name, Title: sc.Title, Kind: sc.Kind, UnitsPerOp: sc.UnitsPerOp, Against: sc.Against, ExpectConflicts: sc.ExpectConflicts,
		RepeatOf: repeatOf,
		Plan:     PlanInfo{Warmup: plan.Warmup.String(), Measure: plan.Measure.String(), Workers: plan.Workers, InFlight: plan.InFlight},
		Summary:  summarize(phases...), Exhausted: exhausted, PrepareSeconds: prep.Seconds(),
		LoadAvg: [2]float64{load0, loadAvg()},
		CPUms:   cpuX.perOp(), PairedCPUms: cpuB.perOp(),
	}
	if base != nil {
		ps := summarize(basePhases...)
		sr.Paired, sr.PairedWith = &ps, base.Name
		sr.Plan.Slices = len(phases)
	}
	if sc.note != nil {
		sr.Note = sc.note(s.cfg)
	}
	if sc.after != nil {
		if err := sc.after(ctx, s); err != nil {
			return nil, fmt.Errorf("after %s: %w", name, err)
		}
	}
	if n := s.notes[name]; n != "" {
		sr.Note = strings.TrimPrefix(sr.Note+"; "+n, "; ")
	}
	if repeatOf != "" {
		sr.Title += " (measured again at the end)"
	}
	if sr.Kind == KindPair && sr.Ops > 0 {
		sr.UnitsPerOp = sr.Units / sr.Ops
	}
	if exhausted {
		sr.Note = strings.TrimPrefix(sr.Note+"; prepared goods ran out before the measured budget", "; ")
	}
	if sc.Name == BaselineWrite && repeatOf == "" {
		s.baselineWriteTPS = sr.TxPerSec
	}
	return &sr, nil
}

// measureScenario runs the measured phases of a prepared scenario: one phase,
// or slices alternating with its baseline (B X, X B, ...), so that a drift of
// the machine's load hits both alike. The CPU the network used for each phase
// (until every peer committed its blocks) is charged to cpuX or cpuB.
func (s *suite) measureScenario(ctx context.Context, r *runner, name string, plan Plan, src Source, base *Scenario, baseSrc Source) (*measured, error) {
	var phases, basePhases []*phaseResult
	var cpuX, cpuB cpuAcc
	// measure runs one phase and charges the CPU the network used for
	// it (until every peer committed its blocks) to acc.
	measure := func(p Plan, src Source, acc *cpuAcc) (*phaseResult, error) {
		before := cpuSnapshot(s.cfg.RunDir)
		pr, err := r.run(ctx, p, src)
		if err != nil {
			return nil, err
		}
		settle(ctx, s.conns, settleMax)
		acc.add(before, cpuSnapshot(s.cfg.RunDir), okOps(pr))
		return pr, nil
	}
	exhausted := false
	if base == nil {
		pr, err := measure(plan, src, &cpuX)
		if err != nil {
			return nil, fmt.Errorf("running %s: %w", name, err)
		}
		phases, exhausted = append(phases, pr), pr.exhausted
	} else {
		bplan := base.plan(s.cfg)
		splan, sbplan := plan, bplan
		splan.Measure = Budget{Duration: sliceOf(plan, s.cfg.Slices)}
		sbplan.Measure, sbplan.Warmup = splan.Measure, plan.Warmup
		// Baseline and scenario alternate B X, X B, B X, ... so a drift
		// of the machine's load hits both alike.
		seqX, seqB := 0, 0
		for i := 0; i < s.cfg.Slices && !exhausted; i++ {
			order := []bool{true, false}
			if i%2 == 1 {
				order = []bool{false, true}
			}
			for _, isBase := range order {
				if isBase {
					pr, err := measure(sbplan, offset(baseSrc, &seqB), &cpuB)
					if err != nil {
						return nil, fmt.Errorf("running %s beside %s: %w", base.Name, name, err)
					}
					basePhases = append(basePhases, pr)
					continue
				}
				pr, err := measure(splan, offset(src, &seqX), &cpuX)
				if err != nil {
					return nil, fmt.Errorf("running %s: %w", name, err)
				}
				phases = append(phases, pr)
				exhausted = exhausted || pr.exhausted
			}
		}
	}
	return &measured{phases: phases, basePhases: basePhases, cpuX: cpuX, cpuB: cpuB, exhausted: exhausted}, nil
}

// measured is what measureScenario measured.
type measured struct {
	phases, basePhases []*phaseResult // the scenario's and its baseline's
	cpuX, cpuB         cpuAcc
	exhausted          bool // prepared goods ran out before the budget
}

// logf writes one timestamped line of progress.
func (s *suite) onPhase(phase, scenario string) error {
	if s.cfg.OnPhase == nil {
		return nil
	}
	if err := s.cfg.OnPhase(phase, scenario); err != nil {
		return fmt.Errorf("%s %s: %w", phase, scenario, err)
	}
	return nil
}

func (s *suite) logf(format string, a ...any) {
	fmt.Fprintf(s.cfg.Log, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
}

// UnexpectedFailures is the number of failed operations, warm-ups
// included, in scenarios not designed to conflict.
func (r *Results) UnexpectedFailures() int {
	n := 0
	for _, s := range r.Scenarios {
		if !s.ExpectConflicts {
			n += s.Failed + s.WarmupFailed
		}
	}
	return n
}

// machineInfo describes the machine the run happens on.
func machineInfo() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		if v := parseStatusKiB(raw, "MemTotal"); v != nil {
			m.MemTotalGiB = float64(v["MemTotal"]) / (1 << 20)
		}
	}
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if h, err := os.Hostname(); err == nil {
		m.Host = h
	}
	return m
}

// loadAvg returns the 1-minute load average (0 when unknown).
func loadAvg() float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	if _, err := fmt.Sscanf(string(raw), "%f", &l); err != nil {
		return 0
	}
	return l
}

// waitWritable waits until a write can be endorsed and committed: right
// after a network (or a peer) starts, service discovery may not yet know
// enough peers to satisfy the endorsement policy.
func waitWritable(ctx context.Context, c *orgConn, tag string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		err := c.benchPut(ctx, "ready-"+tag, "1")
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("the network does not commit writes: %w", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
