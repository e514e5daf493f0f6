package console

import (
	"bytes"
	"context"
	"image/color"
	"maps"
	"math"
	"net/http"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/tracechain/tracechain/client/resolver"
)

// Chart colours (colour-blind safe, the Okabe-Ito palette).
var palette = []color.Color{
	color.RGBA{R: 0x00, G: 0x72, B: 0xb2, A: 0xff},
	color.RGBA{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff},
	color.RGBA{R: 0x00, G: 0x9e, B: 0x73, A: 0xff},
	color.RGBA{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff},
	color.RGBA{R: 0xcc, G: 0x79, B: 0xa7, A: 0xff},
	color.RGBA{R: 0x56, G: 0xb4, B: 0xe9, A: 0xff},
	color.RGBA{R: 0xf0, G: 0xe4, B: 0x42, A: 0xff},
	color.RGBA{A: 0xff},
}

// chartCSP is the policy of a chart: an SVG document drawn by gonum/plot,
// with inline presentation styles and no script.
const chartCSP = "default-src 'none'; style-src 'unsafe-inline'"

// chart serves a chart as SVG: reach?id= (a recall's reach per holder),
// commissioned (units commissioned per day per manufacturer) or samr (the
// share of products with complete SAMR data per manufacturer).
func (c *Console) chart(w http.ResponseWriter, r *http.Request) {
	msgs := messages[resolver.PageLanguage(r)]
	var p *plot.Plot
	var err error
	switch r.PathValue("name") {
	case "reach":
		id := r.URL.Query().Get("id")
		if id == "" || len(id) > 128 {
			http.Error(w, "400 bad request: id", http.StatusBadRequest)
			return
		}
		p, err = c.reachChart(r.Context(), id, msgs)
	case "commissioned":
		p, err = c.commissionedChart(r.Context(), msgs)
	case "samr":
		p, err = c.samrChart(r.Context(), msgs)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s, _ := staffOf(r)
		ref := reference()
		c.log.Error("console: chart", "ref", ref, "staff", s.Name, "chart", r.PathValue("name"), "err", err)
		http.Error(w, "500 internal error, reference "+ref, http.StatusInternalServerError)
		return
	}
	svg, err := drawSVG(p, 640, 300)
	if err != nil {
		c.log.Error("console: chart drawing", "err", err)
		http.Error(w, "500 internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Content-Security-Policy", chartCSP)
	_, _ = w.Write(svg)
}

// drawSVG renders p as an SVG document of w x h points.
func drawSVG(p *plot.Plot, w, h float64) ([]byte, error) {
	c := vgsvg.New(vg.Points(w), vg.Points(h))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// newPlot is a plot with the console's look: nominal X labels, a grid, the
// legend on top.
func newPlot(ylabel string) *plot.Plot {
	p := plot.New()
	p.Y.Label.Text = ylabel
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(13)
	p.X.Tick.Label.Font.Size = vg.Points(12)
	p.Y.Tick.Label.Font.Size = vg.Points(12)
	p.Y.Label.TextStyle.Font.Size = vg.Points(13)
	p.Add(plotter.NewGrid())
	return p
}

// series is one set of values, one per X label. Its name is not drawn: the
// page shows the legend in HTML (legend), because gonum measures text with
// its Latin fonts and Chinese labels would overlap.
type series struct {
	values plotter.Values
}

// addBars adds grouped bars, one group per X label.
func addBars(p *plot.Plot, labels []string, ss []series) error {
	p.NominalX(labels...)
	if len(labels) > 4 {
		p.X.Tick.Label.Rotation = math.Pi / 7
		p.X.Tick.Label.XAlign = text.XRight
	}
	width := vg.Points(math.Max(4, math.Min(28, 360/float64(len(labels)*len(ss)+1))))
	top := 1.0
	for _, s := range ss {
		top = math.Max(top, slices.Max(append([]float64{0}, s.values...)))
	}
	p.Y.Max = top * 1.15
	for i, s := range ss {
		b, err := plotter.NewBarChart(s.values, width)
		if err != nil {
			return err
		}
		b.Color = palette[i%len(palette)]
		b.LineStyle.Width = 0
		b.Offset = width * vg.Length(2*i-(len(ss)-1)) / 2
		p.Add(b)
	}
	return nil
}

// reachChart draws a recall's reach: per holder, units held, returning,
// decommissioned and sold before the recall.
func (c *Console) reachChart(ctx context.Context, id string, msgs map[string]string) (*plot.Plot, error) {
	reach, err := c.ledger.RecallReach(ctx, id)
	if err != nil {
		return nil, err
	}
	n := len(reach.Holders)
	labels := make([]string, n)
	held, ret, dec, sold := make(plotter.Values, n), make(plotter.Values, n), make(plotter.Values, n), make(plotter.Values, n)
	for i, h := range reach.Holders {
		labels[i] = h.Holder.MSPID
		held[i], ret[i], dec[i], sold[i] = float64(h.Held), float64(h.Returning), float64(h.Decommissioned), float64(h.SoldBeforeRecall)
	}
	p := newPlot(msgs["chart.units"])
	if n == 0 {
		return p, nil
	}
	return p, addBars(p, labels, []series{{held}, {ret}, {dec}, {sold}})
}

// commissionedChart draws units commissioned per day, one line per
// manufacturer.
func (c *Console) commissionedChart(ctx context.Context, msgs map[string]string) (*plot.Plot, error) {
	s, err := c.statistics(ctx)
	if err != nil {
		return nil, err
	}
	p := newPlot(msgs["chart.units"])
	labels := make([]string, len(s.Days))
	for i, d := range s.Days {
		if i%5 == 0 || i == len(s.Days)-1 {
			labels[i] = d[5:]
		}
	}
	p.NominalX(labels...)
	for i, m := range slices.Sorted(maps.Keys(s.PerDay)) {
		xy := make(plotter.XYs, len(s.Days))
		for d, v := range s.PerDay[m] {
			xy[d] = plotter.XY{X: float64(d), Y: float64(v)}
		}
		l, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		l.Color = palette[i%len(palette)]
		l.Width = vg.Points(2)
		p.Add(l)
		p.Legend.Add(m, l)
	}
	return p, nil
}

// samrChart draws, per manufacturer, its registered products and those
// with complete SAMR data.
func (c *Console) samrChart(ctx context.Context, msgs map[string]string) (*plot.Plot, error) {
	s, err := c.statistics(ctx)
	if err != nil {
		return nil, err
	}
	total, complete := map[string]int{}, map[string]int{}
	for _, r := range s.Rows {
		if r.Products > 0 {
			total[r.Manufacturer] += r.Products
			complete[r.Manufacturer] += r.Complete
		}
	}
	names := slices.Sorted(maps.Keys(total))
	all, full := make(plotter.Values, len(names)), make(plotter.Values, len(names))
	for i, m := range names {
		all[i], full[i] = float64(total[m]), float64(complete[m])
	}
	p := newPlot(msgs["chart.products"])
	if len(names) == 0 {
		return p, nil
	}
	return p, addBars(p, names, []series{{all}, {full}})
}
