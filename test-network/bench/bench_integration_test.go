//go:build integration

package bench_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/test-network/bench"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m)) }

// TestShortSuite runs the whole benchmark in short mode on a fresh network.
// It checks that every scenario still works and the outputs are written; it
// asserts no speed ratio (CI checks the benchmark, not the machine).
func TestShortSuite(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out := t.TempDir()
	res, err := bench.Run(ctx, bench.Config{RunDir: testnet.Current().Dir, Short: true, Out: out, Log: testWriter{t}})
	require.NoError(t, err)

	ran := map[string]bool{}
	for _, s := range res.Scenarios {
		ran[s.Name] = true
		assert.Positive(t, s.Ops, "%s committed nothing", s.Name)
		if !s.ExpectConflicts {
			assert.Zero(t, s.Failed+s.WarmupFailed, "%s: unexpected failures %v %v", s.Name, s.Failures, s.FirstError)
		}
	}
	for _, name := range bench.ScenarioNames() {
		assert.True(t, ran[name], "scenario %s did not run", name)
	}
	assert.Zero(t, res.UnexpectedFailures())
	assert.NotEmpty(t, res.Targets)
	assert.NotEmpty(t, res.Memory.Nodes, "node memory was sampled")
	assert.NotEmpty(t, res.Anatomy)

	for _, f := range []string{"results.json", "results.md", "chart.png"} {
		st, err := os.Stat(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Positive(t, st.Size(), f)
	}
}

// testWriter sends the benchmark's progress to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
