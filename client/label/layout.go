package label

import (
	"fmt"
	"os"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
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
	// FontFile is a TrueType/OpenType (.ttf, .otf; not .ttc) file for the
	// title and lines, e.g. a CJK font. Without it the Go fonts bundled with
	// golang.org/x/image are used, which cover Latin, Greek and Cyrillic but
	// not CJK: in PNG and PDF a line the font cannot draw is left out (see
	// Omitted); SVG keeps every line and leaves glyphs to the viewer's fonts.
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
	return l
}

// face is a parsed font and, for PDF, its bytes.
type face struct {
	name string
	f    *sfnt.Font
	ttf  []byte
}

var (
	builtinOnce        sync.Once
	builtinText, monoF *face
	builtinErr         error
)

// builtinFaces parses the Go fonts once; they ship inside a Go module, so
// the labels look the same on every machine without system fonts.
func builtinFaces() (*face, *face, error) {
	builtinOnce.Do(func() {
		var r, m *sfnt.Font
		if r, builtinErr = sfnt.Parse(goregular.TTF); builtinErr != nil {
			return
		}
		if m, builtinErr = sfnt.Parse(gomono.TTF); builtinErr != nil {
			return
		}
		builtinText = &face{name: "goregular", f: r, ttf: goregular.TTF}
		monoF = &face{name: "gomono", f: m, ttf: gomono.TTF}
	})
	return builtinText, monoF, builtinErr
}

func (l Layout) faces() (text, mono *face, err error) {
	text, mono, err = builtinFaces()
	if err != nil || l.FontFile == "" {
		return text, mono, err
	}
	b, err := os.ReadFile(l.FontFile)
	if err != nil {
		return nil, nil, fail(ErrLayout, l.FontFile, err)
	}
	f, err := sfnt.Parse(b)
	if err != nil {
		return nil, nil, fail(ErrLayout, l.FontFile, err)
	}
	return &face{name: "custom", f: f, ttf: b}, mono, nil
}

// covers reports whether f has a glyph for every rune of s.
func (f *face) covers(s string) bool {
	var buf sfnt.Buffer
	for _, r := range s {
		if i, err := f.f.GlyphIndex(&buf, r); err != nil || i == 0 {
			return false
		}
	}
	return true
}

// width returns the advance of s at a font size of 1 mm; runes without a
// glyph count as one em, about what a CJK fallback font draws.
func (f *face) width(s string) float64 {
	var buf sfnt.Buffer
	upem := fixed.Int26_6(f.f.UnitsPerEm())
	var w fixed.Int26_6
	for _, r := range s {
		i, err := f.f.GlyphIndex(&buf, r)
		if err != nil || i == 0 {
			w += upem << 6
			continue
		}
		a, err := f.f.GlyphAdvance(&buf, i, upem<<6, font.HintingNone)
		if err != nil {
			a = upem << 6
		}
		w += a
	}
	return float64(w) / float64(upem<<6)
}

// placedSymbol is a symbol at a position in mm; x, y is the top left corner
// of the first module (the quiet zone lies outside it).
type placedSymbol struct {
	m      matrix
	x, y   float64
	module float64
}

// placedText is one line; x, y is the start of the baseline, size the font
// size (em) in mm.
type placedText struct {
	text    string
	x, y    float64
	size    float64
	f       *face
	fitting float64 // the width the line was fitted into
}

// plan is a label laid out in mm, shared by all output formats so that PNG,
// SVG and PDF labels look alike.
type plan struct {
	w, h    float64
	symbols []placedSymbol
	texts   []placedText
	omitted []string // lines the font cannot draw (PNG, PDF)
}

// Geometry in mm.
const (
	pad        = 1.5 // inner margin of a label
	maxLineH   = 3.6 // line pitch cap: ~8 pt text
	titleScale = 1.2
)

// layout places l's symbols and text. keepAll keeps lines the font cannot
// draw (SVG, where the viewer's fonts draw them).
func (lay Layout) layout(l Label, keepAll bool) (*plan, error) {
	lay = lay.withDefaults()
	if lay.Width < 10 || lay.Height < 10 || lay.Width > 1000 || lay.Height > 1000 {
		return nil, fail(ErrLayout, fmt.Sprintf("%gx%g mm", lay.Width, lay.Height), errorString("labels are 10 to 1000 mm a side"))
	}
	textF, monoF, err := lay.faces()
	if err != nil {
		return nil, err
	}
	qr, err := qrMatrix(l.Content.URI)
	if err != nil {
		return nil, err
	}
	p := &plan{w: lay.Width, h: lay.Height}

	// The QR code takes the left square; its quiet zone is part of it.
	side := min(lay.Height-2*pad, (lay.Width-2*pad)/2)
	qm := side / float64(qr.size()+2*qrQuiet)
	p.symbols = append(p.symbols, placedSymbol{m: qr, x: pad + qrQuiet*qm, y: pad + qrQuiet*qm, module: qm})

	colX := pad + side
	colW := lay.Width - pad - colX
	top := pad
	if lay.DataMatrix && l.Content.GS1 {
		dm, err := gs1DataMatrix(l.Content.ElementString)
		if err != nil {
			return nil, err
		}
		d := min(colW, (lay.Height-2*pad)*0.45)
		dmod := d / float64(dm.size()+2*dmQuiet)
		p.symbols = append(p.symbols, placedSymbol{m: dm, x: colX + dmQuiet*dmod, y: top + dmQuiet*dmod, module: dmod})
		top += d
	}
	// The QR quiet zone already separates the text from the modules; the
	// small indent keeps glyph overhangs off it.
	tx := colX + 0.5
	tw := colW - 0.5

	type line struct {
		s     string
		f     *face
		scale float64
	}
	var lines []line
	add := func(s string, f *face, scale float64) {
		if s == "" {
			return
		}
		if !keepAll && !f.covers(s) {
			p.omitted = append(p.omitted, s)
			return
		}
		lines = append(lines, line{s, f, scale})
	}
	add(l.Title, textF, titleScale)
	for _, s := range l.Lines {
		add(s, textF, 1)
	}
	for _, s := range l.Content.HRI {
		add(s, monoF, 1)
	}
	if len(lines) == 0 {
		return p, nil
	}
	var weights float64
	for _, ln := range lines {
		weights += ln.scale
	}
	avail := lay.Height - pad - top
	if tw < 3 || avail < 2 {
		return nil, fail(ErrLayout, fmt.Sprintf("%gx%g mm", lay.Width, lay.Height), errorString("no room for the text"))
	}
	pitch := min(maxLineH, avail/weights)
	y := top
	for _, ln := range lines {
		h := pitch * ln.scale
		size := h / 1.25
		if w := ln.f.width(ln.s); w > 0 {
			size = min(size, tw/w)
		}
		y += h
		p.texts = append(p.texts, placedText{text: ln.s, x: tx, y: y - h*0.22, size: size, f: ln.f, fitting: tw})
	}
	return p, nil
}

// Omitted returns the title and lines of l that PNG and PDF output leave
// out because the label font has no glyphs for them (typically Chinese text
// without a CJK FontFile), so a caller can warn before printing.
func (lay Layout) Omitted(l Label) ([]string, error) {
	p, err := lay.layout(l, false)
	if err != nil {
		return nil, err
	}
	return p.omitted, nil
}
