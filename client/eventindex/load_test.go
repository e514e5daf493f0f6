package eventindex

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"
)

// TestLoadMillion loads EVENTINDEX_LOAD synthetic events (for example
// 1000000) into SQLite and reports the load time and the p95 latency of a
// bizStep + time range query and a MATCH_epc query. It is skipped unless
// the variable is set, so unit tests stay fast:
//
//	EVENTINDEX_LOAD=1000000 go test -run TestLoadMillion -v -timeout 60m ./client/eventindex/
//
// EVENTINDEX_LOAD_DIR keeps the database in that directory (and reuses an
// existing one) instead of a temporary directory.
func TestLoadMillion(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("EVENTINDEX_LOAD"))
	if n <= 0 {
		t.Skip("set EVENTINDEX_LOAD=1000000 to run the load test")
	}
	ctx := context.Background()
	dir := os.Getenv("EVENTINDEX_LOAD_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := OpenSQLite(ctx, filepath.Join(dir, "load.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g := synthetic{n: n}
	const perBlock = 2000
	start := time.Now()
	next, indexed, err := s.Checkpoint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if indexed {
		next++
	}
	for b := next; int(b)*perBlock < n; b++ {
		entries := make([]Entry, 0, perBlock)
		for i := int(b) * perBlock; i < min(n, int(b+1)*perBlock); i++ {
			entries = append(entries, g.entry(i))
		}
		if err := s.Index(ctx, b, entries); err != nil {
			t.Fatal(err)
		}
		if b%50 == 0 {
			t.Logf("block %d: %d events in %v", b, int(b+1)*perBlock, time.Since(start).Round(time.Second))
		}
	}
	t.Logf("indexed blocks %d to %d (%d events in all) in %v", next, (n-1)/perBlock, n, time.Since(start).Round(time.Second))
	if fi, err := os.Stat(filepath.Join(dir, "load.db")); err == nil {
		t.Logf("database size %d MB", fi.Size()>>20)
	}

	rng := rand.New(rand.NewPCG(1, 2))
	measure := func(name string, q func() Query) {
		const runs = 300
		lat := make([]time.Duration, 0, runs)
		total := 0
		for range runs {
			query := q()
			t0 := time.Now()
			page, err := s.Query(ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
			total += len(page.Events)
		}
		slices.Sort(lat)
		p95 := lat[runs*95/100]
		t.Logf("%s: p50 %v, p95 %v, max %v, %.1f events per answer", name, lat[runs/2], p95, lat[runs-1], float64(total)/runs)
		if p95 > 100*time.Millisecond {
			t.Errorf("%s: p95 %v exceeds 100ms", name, p95)
		}
	}
	measure("EQ_bizStep + GE/LT_eventTime (1 day), perPage 100", func() Query {
		from := g.time(rng.IntN(n))
		return Query{BizSteps: []string{steps[rng.IntN(len(steps))]}, GEEventTime: from,
			LTEventTime: from.Add(24 * time.Hour), PerPage: 100}
	})
	measure("EQ_bizStep + time range, page 2", func() Query {
		from := g.time(rng.IntN(n))
		q := Query{BizSteps: []string{steps[rng.IntN(len(steps))]}, GEEventTime: from,
			LTEventTime: from.Add(24 * time.Hour), PerPage: 100}
		p, err := s.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		q.PageToken = p.NextPageToken
		return q
	})
	measure("MATCH_epc", func() Query { return Query{EPCs: []string{g.unit(rng.IntN(n / eventsPerUnit))}} })
	measure("MATCH_anyEPC", func() Query { return Query{AnyEPCs: []string{g.unit(rng.IntN(n / eventsPerUnit))}} })
}

// steps are the synthetic events' business steps.
var steps = []string{"commissioning", "packing", "shipping", "receiving", "storing", "picking", "retail_selling", "inspecting"}

// eventsPerUnit is how many events name each synthetic unit.
const eventsPerUnit = 5

// synthetic generates event i of a large, deterministic history: one event
// per 30 seconds, each unit in eventsPerUnit events, one in ten an
// aggregation of ten units into a pallet.
type synthetic struct{ n int }

var loadEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func (synthetic) time(i int) time.Time { return loadEpoch.Add(time.Duration(i) * 30 * time.Second) }

func (synthetic) unit(u int) string {
	return fmt.Sprintf("https://id.gs1.org/01/06901234000016/21/U%d", u)
}

func (g synthetic) entry(i int) Entry {
	ev := map[string]any{
		"eventTime":           g.time(i).Format("2006-01-02T15:04:05.000Z"),
		"eventTimeZoneOffset": "+00:00",
		"bizStep":             steps[i%len(steps)],
		"disposition":         "active",
		"bizLocation":         map[string]string{"id": fmt.Sprintf("https://id.gs1.org/414/690123400%04d", i%1000)},
		"tracechain:txId":     fmt.Sprintf("tx%d", i),
	}
	unit := g.unit((i * 7919 % g.n) / eventsPerUnit) // units' events spread over the history
	if i%10 == 0 {
		ev["type"], ev["action"] = "AggregationEvent", "ADD"
		ev["parentID"] = fmt.Sprintf("https://id.gs1.org/00/069012340%09d", i/10)
		children := []string{unit}
		for k := 1; k < 10; k++ {
			children = append(children, fmt.Sprintf("https://id.gs1.org/01/06901234000023/21/P%d-%d", i, k))
		}
		ev["childEPCs"] = children
	} else {
		ev["type"], ev["action"] = "ObjectEvent", "OBSERVE"
		ev["epcList"] = []string{unit}
	}
	raw, _ := json.Marshal(ev)
	return Entry{TxID: fmt.Sprintf("tx%d", i), Event: raw, Context: loadContext}
}

var loadContext = json.RawMessage(`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"tracechain":"https://ns.tracechain.example/epcis/"}]`)
