// Command tracebench benchmarks a running tracechain network: throughput,
// submit-to-commit latency and cost growth of the domain transactions, as
// ratios to the network's own ceiling (the bench contract's Put and Get)
// measured in the same run. See docs/performance.md.
//
//	tracebench [--run-dir DIR] [--scenarios a,b,...] [--short] [--out DIR]
//	           [--workers N] [--inflight N] [--duration D] [--warmup D] [--txs N]
//	           [--on-phase CMD]
//
// --on-phase runs CMD with sh -c after each scenario's goods are built and after its
// operations committed, with TRACEBENCH_PHASE (prepared, measured) and TRACEBENCH_SCENARIO
// in its environment; docs/capacity.md measures the ledger's growth on disk with it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/tracechain/tracechain/test-network/bench"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("tracebench", flag.ContinueOnError)
	var cfg bench.Config
	var scenarios string
	var list, quiet bool
	var render string
	fs.StringVar(&cfg.RunDir, "run-dir", "test-network/run", "run directory of the network (connection material and node PIDs)")
	fs.StringVar(&scenarios, "scenarios", "", "comma-separated scenarios to run (default all; see --list)")
	fs.BoolVar(&cfg.Short, "short", false, "small counts: the whole suite in under 2 minutes (10,000-unit pallet shrinks to 2,000)")
	fs.StringVar(&cfg.Out, "out", "", "directory to write results.json, results.md and chart.png")
	fs.IntVar(&cfg.Workers, "workers", bench.DefaultWorkers, "goroutines that endorse and send transactions")
	fs.IntVar(&cfg.InFlight, "inflight", bench.DefaultInFlight, "operations in flight (batched scenarios use a fraction; ship+receive runs one pair at a time)")
	fs.DurationVar(&cfg.Duration, "duration", 0, "measured time of each timed scenario (default 30s, 3s with --short)")
	fs.DurationVar(&cfg.Warmup, "warmup", 0, "warm-up of each timed scenario and of each of its slices (default 3s, 1s with --short)")
	fs.IntVar(&cfg.Txs, "txs", 0, "measure this many operations per scenario instead of a duration")
	fs.IntVar(&cfg.Slices, "slices", 0, "measure each timed scenario in this many slices interleaved with its baseline (default 3, 1 with --short)")
	fs.BoolVar(&cfg.Unpaired, "unpaired", false, "do not interleave: compare timed scenarios with the run's baselines only")
	fs.BoolVar(&list, "list", false, "list the scenarios and exit")
	fs.StringVar(&render, "render", "", "render a saved results.json again (tables and chart into --out) without running anything")
	fs.BoolVar(&quiet, "quiet", false, "print only the final report")
	var onPhase string
	fs.StringVar(&onPhase, "on-phase", "", "shell command run after each scenario's preparation and after its measurement (env TRACEBENCH_PHASE, TRACEBENCH_SCENARIO)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: tracebench [flags]\n\nBenchmarks a running tracechain network (test-network/network.sh up) through the SDK.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if list {
		for _, s := range bench.Scenarios() {
			fmt.Printf("%-20s %s\n", s.Name, s.Title)
		}
		return 0
	}
	if render != "" {
		res, err := bench.ReadResults(render)
		if err == nil {
			res.Evaluate()
		}
		if err == nil && cfg.Out != "" {
			err = res.WriteFiles(cfg.Out)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "tracebench: %v\n", err)
			return 1
		}
		fmt.Print(res.Markdown())
		return 0
	}
	if onPhase != "" {
		cfg.OnPhase = func(phase, scenario string) error {
			cmd := exec.Command("sh", "-c", onPhase) //nolint:gosec // the operator's own command
			cmd.Env = append(os.Environ(), "TRACEBENCH_PHASE="+phase, "TRACEBENCH_SCENARIO="+scenario)
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			return cmd.Run()
		}
	}
	if scenarios != "" {
		for _, s := range strings.Split(scenarios, ",") {
			if s = strings.TrimSpace(s); s != "" {
				cfg.Scenarios = append(cfg.Scenarios, s)
			}
		}
	}
	cfg.Log = os.Stderr
	if quiet {
		cfg.Log = nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := bench.Run(ctx, cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tracebench: %v\n", err)
		return 1
	}
	if quiet {
		fmt.Print(res.Markdown())
	}
	if n := res.UnexpectedFailures(); n > 0 {
		fmt.Fprintf(os.Stderr, "tracebench: %d operations failed in scenarios not designed to conflict\n", n)
		return 3
	}
	return 0
}
