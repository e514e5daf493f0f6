package bench

import (
	"fmt"
	"image/color"
	"math"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Chart colours (colour-blind safe).
var (
	colBlue   = color.RGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff}
	colOrange = color.RGBA{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff}
	colGreen  = color.RGBA{R: 0x00, G: 0x9e, B: 0x73, A: 0xff}
	colRed    = color.RGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff}
)

// logBar maps v to the height of a bar on a log scale whose bars start at
// floor.
func logBar(v, floor float64) float64 {
	if v <= floor || math.IsNaN(v) {
		return 0
	}
	return math.Log10(v / floor)
}

// logTicks labels decades on a logBar axis.
func logTicks(floor float64) plot.Ticker {
	return plot.TickerFunc(func(_, max float64) []plot.Tick {
		var ticks []plot.Tick
		for k := 0; float64(k) <= math.Ceil(max); k++ {
			v := floor * math.Pow(10, float64(k))
			ticks = append(ticks, plot.Tick{Value: float64(k), Label: decade(v)})
			for m := 2; m < 10 && k < int(math.Ceil(max)); m++ {
				ticks = append(ticks, plot.Tick{Value: float64(k) + math.Log10(float64(m))})
			}
		}
		return ticks
	})
}

func decade(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%gM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%gk", v/1e3)
	default:
		return fmt.Sprintf("%g", v)
	}
}

// WriteChart draws throughput (operations and units per second) and
// latency (p50, p95, p99) per scenario, both on log scales, as a PNG.
func (r *Results) WriteChart(path string) error {
	if len(r.Scenarios) == 0 {
		return fmt.Errorf("chart: no scenarios")
	}
	names := make([]string, len(r.Scenarios))
	for i, s := range r.Scenarios {
		names[i] = s.Name
	}
	series := func(floor float64, f func(ScenarioResult) float64) plotter.Values {
		v := make(plotter.Values, len(r.Scenarios))
		for i, s := range r.Scenarios {
			v[i] = logBar(f(s), floor)
		}
		return v
	}
	width := vg.Points(11)

	tp := newPlot(fmt.Sprintf("tracebench %s run %s: throughput (log scale)", r.Mode, r.Started.Format("2006-01-02 15:04")), "per second", names)
	tp.Y.Tick.Marker = logTicks(0.1)
	if err := addBars(tp, width, []barSeries{
		{"operations/s (tx, calls or pairs)", colBlue, series(0.1, func(s ScenarioResult) float64 { return s.OpsPerSec })},
		{"units/s", colOrange, series(0.1, func(s ScenarioResult) float64 { return s.UnitsPerS })},
	}); err != nil {
		return err
	}

	lp := newPlot("latency, submit to commit (evaluate for reads; whole pair for ship+receive), log scale", "milliseconds", names)
	lp.Y.Tick.Marker = logTicks(1)
	if err := addBars(lp, width, []barSeries{
		{"p50", colGreen, series(1, func(s ScenarioResult) float64 { return float64(s.P50) })},
		{"p95", colBlue, series(1, func(s ScenarioResult) float64 { return float64(s.P95) })},
		{"p99", colRed, series(1, func(s ScenarioResult) float64 { return float64(s.P99) })},
	}); err != nil {
		return err
	}

	img := vgimg.New(vg.Points(1000), vg.Points(760))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(10), PadY: vg.Points(14)}
	canvases := plot.Align([][]*plot.Plot{{tp}, {lp}}, tiles, dc)
	tp.Draw(canvases[0][0])
	lp.Draw(canvases[1][0])
	f, err := os.Create(path) //nolint:gosec // the chart file the caller names
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

type barSeries struct {
	label  string
	colour color.Color
	values plotter.Values
}

func newPlot(title, ylabel string, names []string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = vg.Points(12)
	p.Y.Label.Text = ylabel
	p.Y.Min = 0
	p.NominalX(names...)
	p.X.Tick.Label.Rotation = math.Pi / 7
	p.X.Tick.Label.XAlign = text.XRight
	p.X.Tick.Label.YAlign = text.YCenter
	p.X.Tick.Label.Font.Size = vg.Points(9)
	p.Legend.Top = true
	p.Legend.Left = false
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Add(plotter.NewGrid())
	return p
}

func addBars(p *plot.Plot, width vg.Length, series []barSeries) error {
	n := len(series)
	top := 1.0
	for _, s := range series {
		for _, v := range s.values {
			top = math.Max(top, v)
		}
	}
	// Room above the highest bar, up to the next decade.
	p.Y.Max = math.Ceil(top + 0.05)
	for i, s := range series {
		b, err := plotter.NewBarChart(s.values, width)
		if err != nil {
			return err
		}
		b.Color = s.colour
		b.LineStyle.Width = 0
		b.Offset = width * vg.Length(2*i-(n-1)) / 2
		p.Add(b)
		p.Legend.Add(s.label, b)
	}
	return nil
}
