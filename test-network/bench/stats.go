package bench

import (
	"math"
	"slices"
	"sort"
	"time"
)

// Percentile returns the p-th percentile (0 < p <= 100) of sorted, by the
// nearest-rank method: the smallest value such that at least p % of the
// values are less than or equal to it. It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// Ratio returns num/den, and false when den is not positive (no baseline).
func Ratio(num, den float64) (float64, bool) {
	if den <= 0 || math.IsNaN(den) || math.IsNaN(num) {
		return 0, false
	}
	return num / den, true
}

// Millis is a duration in milliseconds, as written to results.json.
type Millis float64

// ms converts a duration to Millis.
func ms(d time.Duration) Millis { return Millis(float64(d) / float64(time.Millisecond)) }

// Duration converts back.
func (m Millis) Duration() time.Duration {
	return time.Duration(float64(m) * float64(time.Millisecond))
}

// Summary is what one scenario measured.
type Summary struct {
	Ops          int               `json:"ops"`                    // measured operations that succeeded
	Failed       int               `json:"failed"`                 // measured operations that failed
	WarmupFailed int               `json:"warmupFailed,omitempty"` // warm-up operations that failed
	Txs          int               `json:"txs"`                    // transactions (or evaluations) of the succeeded operations
	Units        int               `json:"units"`                  // units handled by the succeeded operations
	Seconds      float64           `json:"seconds"`                // measured windows, summed (see phaseResult.window)
	OpsPerSec    float64           `json:"opsPerSec"`              // successful operations settled per second of window
	TxPerSec     float64           `json:"txPerSec"`               // transactions per second
	UnitsPerS    float64           `json:"unitsPerSec"`
	P50          Millis            `json:"p50Ms"`
	P95          Millis            `json:"p95Ms"`
	P99          Millis            `json:"p99Ms"`
	Mean         Millis            `json:"meanMs"`
	Max          Millis            `json:"maxMs"`
	Failures     map[string]int    `json:"failures,omitempty"`   // failed operations by validation code or error code
	FirstError   map[string]string `json:"firstError,omitempty"` // one message per failure key
}

// summarize computes a scenario's summary from the phases that measured
// it (one, or several interleaved slices). Throughput counts the successful
// operations that settled in each phase's window over the sum of the
// windows; latency and failures are those of the operations dispatched in
// the measured phases; failures of the warm-ups are counted apart.
func summarize(phases ...*phaseResult) Summary {
	var s Summary
	var lat []time.Duration
	var total time.Duration
	var secs float64
	var okOps, okTxs, okUnits int
	for _, p := range phases {
		if p == nil {
			continue
		}
		from, to := p.window()
		if !from.IsZero() && to.After(from) {
			secs += to.Sub(from).Seconds()
		}
		for _, x := range p.samples {
			if x.fail == "" && !from.IsZero() && !x.end.Before(from) && !x.end.After(to) && (p.timed || x.measured) {
				okOps++
				okTxs += x.txs
				okUnits += x.units
			}
			if !x.measured {
				if x.fail != "" {
					s.WarmupFailed++
				}
				continue
			}
			if x.fail != "" {
				s.Failed++
				if s.Failures == nil {
					s.Failures, s.FirstError = map[string]int{}, map[string]string{}
				}
				s.Failures[x.fail]++
				if _, ok := s.FirstError[x.fail]; !ok {
					s.FirstError[x.fail] = truncate(x.msg, 400)
				}
				continue
			}
			s.Ops++
			s.Txs += x.txs
			s.Units += x.units
			lat = append(lat, x.latency)
			total += x.latency
		}
	}
	if secs > 0 {
		s.Seconds = secs
		s.OpsPerSec = float64(okOps) / secs
		s.TxPerSec = float64(okTxs) / secs
		s.UnitsPerS = float64(okUnits) / secs
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		s.P50, s.P95, s.P99 = ms(Percentile(lat, 50)), ms(Percentile(lat, 95)), ms(Percentile(lat, 99))
		s.Mean = ms(total / time.Duration(len(lat)))
		s.Max = ms(lat[len(lat)-1])
	}
	return s
}

// FailureKeys returns the failure keys in a stable order (most frequent first).
func (s Summary) FailureKeys() []string {
	keys := make([]string, 0, len(s.Failures))
	for k := range s.Failures {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if s.Failures[keys[i]] != s.Failures[keys[j]] {
			return s.Failures[keys[i]] > s.Failures[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Comparison is how a target's value is compared with its threshold.
type Comparison string

// Comparisons.
const (
	AtLeast  Comparison = ">="
	AtMost   Comparison = "<="
	LessThan Comparison = "<"
)

// Verdicts of a target.
const (
	Pass    = "PASS"
	Miss    = "MISS"
	Skipped = "N/A" // a scenario it needs did not run or measured nothing
)

// Target is one acceptance target evaluated on the run's results.
type Target struct {
	Name       string     `json:"name"`
	Rule       string     `json:"rule"`  // human-readable rule
	Value      float64    `json:"value"` // measured value (a ratio, a count, bytes)
	Comparison Comparison `json:"comparison"`
	Threshold  float64    `json:"threshold"`
	Unit       string     `json:"unit,omitempty"` // "x" for ratios, "failures", "MiB"
	Verdict    string     `json:"verdict"`
	Note       string     `json:"note,omitempty"`
}

// evaluate sets the target's verdict from its value; ok false means the
// value could not be measured.
func (t *Target) evaluate(ok bool) {
	if !ok {
		t.Verdict = Skipped
		return
	}
	pass := false
	switch t.Comparison {
	case AtLeast:
		pass = t.Value >= t.Threshold
	case AtMost:
		pass = t.Value <= t.Threshold
	case LessThan:
		pass = t.Value < t.Threshold
	}
	t.Verdict = Miss
	if pass {
		t.Verdict = Pass
	}
}
