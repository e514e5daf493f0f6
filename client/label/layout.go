package label

import (
	"fmt"
	"math"
)

// Label is one label to render: its content plus the product lines the
// caller prints above the GS1 text (product name, model, a CCC note, ...).
type Label struct {
	Content Content
	Title   string   // first, slightly larger line, e.g. the product name
	Lines   []string // further lines, e.g. model and specification
}

// Layout is the size and make-up of one label.
type Layout struct {
	Width, Height float64 // label size in mm; zero means 70 x 37
	DataMatrix    bool    // add a GS1 DataMatrix (GS1 codes only)
	DPI           int     // PNG resolution; zero means 300
	// XDim is the module size (X-dimension) of both symbols in mm, within
	// GS1's range MinXDim to MaxXDim; zero means DefaultXDim. A symbol gets
	// it whatever the label size, so its size follows from the data; only
	// when it does not fit is it made smaller, down to MinXDim, and below
	// that the label is refused (ErrLayout). PNG rounds it to whole pixels.
	XDim float64
	// FontFile is a maker's own TrueType font (.ttf, one font with glyf
	// outlines) for the title and lines; it must have every glyph they use
	// (else ErrFont). Without it the Go fonts draw Latin, Greek and Cyrillic
	// and the font FindCJKFont finds draws the rest (Chinese).
	FontFile string
}

// Default label size: a common A4 sheet of 3 x 8 labels of 70 x 37 mm.
const (
	defaultWidth  = 70
	defaultHeight = 37
	defaultDPI    = 300
)

func (l Layout) withDefaults() Layout {
	if l.Width == 0 {
		l.Width = defaultWidth
	}
	if l.Height == 0 {
		l.Height = defaultHeight
	}
	if l.DPI == 0 {
		l.DPI = defaultDPI
	}
	if l.XDim == 0 {
		l.XDim = DefaultXDim
	}
	return l
}

// placedSymbol is a symbol at a position in mm; x, y is the top left corner
// of the first module (the quiet zone lies outside it).
type placedSymbol struct {
	kind   string // "qr" or "datamatrix"
	m      matrix
	x, y   float64
	module float64
}

// placedText is one line; x, y is the start of the baseline, size the font
// size (em) in mm. runs are its pieces by font.
type placedText struct {
	text string
	runs []run
	x, y float64
	size float64
}

// plan is a label laid out in mm, shared by all output formats so that PNG,
// SVG and PDF labels look alike.
type plan struct {
	w, h    float64
	symbols []placedSymbol
	texts   []placedText
}

// inset is the white border of a label on each side, in mm: the inner
// margin pad, or more where a sheet puts the label's edge into the
// printer's unprintable area.
type inset struct{ l, t, r, b float64 }

// Geometry in mm.
const (
	pad        = 1.5 // inner margin of a label
	maxLineH   = 3.6 // line pitch cap: ~8 pt text
	titleScale = 1.2
)

var padding = inset{pad, pad, pad, pad}

// layout places l's symbols and text inside the label less in. dot is the
// pixel pitch in mm of a raster output, 0 for vector output.
func (lay Layout) layout(l Label, in inset, dot float64) (*plan, error) {
	lay = lay.withDefaults()
	if !(lay.Width >= 10 && lay.Height >= 10 && lay.Width <= 1000 && lay.Height <= 1000) {
		return nil, fail(ErrLayout, fmt.Sprintf("%gx%g mm", lay.Width, lay.Height), errorString("labels are 10 to 1000 mm a side"))
	}
	if err := xdimRange(lay.XDim); err != nil {
		return nil, err
	}
	textF, monoF, err := lay.chains()
	if err != nil {
		return nil, err
	}
	qr, err := qrMatrix(l.Content.URI)
	if err != nil {
		return nil, err
	}
	p := &plan{w: lay.Width, h: lay.Height}
	x0, y0 := in.l, in.t
	cw, ch := lay.Width-in.l-in.r, lay.Height-in.t-in.b
	if cw < 5 || ch < 5 {
		return nil, fail(ErrLayout, fmt.Sprintf("%gx%g mm", lay.Width, lay.Height), errorString("no printable room inside the margins"))
	}

	// The QR code takes the top left, with its quiet zone, at the chosen
	// X-dimension: at most the content height and half its width.
	qm, err := moduleSize(lay.XDim, qr.size(), qrQuiet, math.Min(ch, cw/2), dot)
	if err != nil {
		return nil, err
	}
	side := float64(qr.size()+2*qrQuiet) * qm
	p.symbols = append(p.symbols, placedSymbol{kind: "qr", m: qr, x: x0 + qrQuiet*qm, y: y0 + qrQuiet*qm, module: qm})

	colX := x0 + side
	colW := lay.Width - in.r - colX
	top := y0
	if lay.DataMatrix && l.Content.GS1 {
		dm, err := gs1DataMatrix(l.Content.ElementString)
		if err != nil {
			return nil, err
		}
		dmod, err := moduleSize(lay.XDim, dm.size(), dmQuiet, math.Min(colW, ch*0.7), dot)
		if err != nil {
			return nil, err
		}
		p.symbols = append(p.symbols, placedSymbol{kind: "datamatrix", m: dm, x: colX + dmQuiet*dmod, y: top + dmQuiet*dmod, module: dmod})
		top += float64(dm.size()+2*dmQuiet) * dmod
	}
	// The QR quiet zone already separates the text from the modules; the
	// small indent keeps glyph overhangs off it.
	tx := colX + 0.5
	tw := colW - 0.5

	type line struct {
		s     string
		runs  []run
		scale float64
	}
	var lines []line
	add := func(s string, c fontChain, scale float64) error {
		if s == "" {
			return nil
		}
		rs, err := c.runs(s)
		if err != nil {
			return err
		}
		lines = append(lines, line{s, rs, scale})
		return nil
	}
	if err := add(l.Title, textF, titleScale); err != nil {
		return nil, err
	}
	for _, s := range l.Lines {
		if err := add(s, textF, 1); err != nil {
			return nil, err
		}
	}
	for _, s := range l.Content.HRI {
		if err := add(s, monoF, 1); err != nil {
			return nil, err
		}
	}
	if len(lines) == 0 {
		return p, nil
	}
	var weights float64
	for _, ln := range lines {
		weights += ln.scale
	}
	avail := y0 + ch - top
	if tw < 3 || avail < 2 {
		return nil, fail(ErrLayout, fmt.Sprintf("%gx%g mm", lay.Width, lay.Height), errorString("no room for the text"))
	}
	pitch := min(maxLineH, avail/weights)
	y := top
	for _, ln := range lines {
		h := pitch * ln.scale
		size := h / 1.25
		if w := runsWidth(ln.runs); w > 0 {
			size = min(size, tw/w)
		}
		y += h
		// The baseline leaves 0.31 em below it for descenders.
		p.texts = append(p.texts, placedText{text: ln.s, runs: ln.runs, x: tx, y: y - h*0.25, size: size})
	}
	return p, nil
}
