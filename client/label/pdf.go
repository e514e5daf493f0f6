package label

import (
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Sheet is a page of labels in a grid, as sold for office printers.
type Sheet struct {
	Layout                        // size and make-up of each label
	Columns, Rows         int     // zero means 3 x 8
	PageWidth, PageHeight float64 // mm; zero means A4 (210 x 297)
	// Margin is the printer's unprintable border in mm: no ink is put
	// nearer the page edge than this. A label whose edge lies inside it has
	// its content moved inwards (its quiet zones and text stay on the
	// label). Zero means DefaultMargin; NoMargin is for borderless printing.
	Margin float64
	// Outline draws a hairline around each label: for test prints on plain
	// paper, to check the grid against the label stock. It is drawn where
	// the grid is, margin or not.
	Outline bool
}

// DefaultMargin is the unprintable border Sheet assumes: 5 mm, the largest
// of the common office printers' figures (laser printers 4.2 to 5 mm on
// every side, inkjets 3 mm and up to 5 mm at the bottom; docs/labels.md).
const DefaultMargin = 5.0

// NoMargin, as Sheet.Margin, lets ink reach the page edge.
const NoMargin = -1.0

// Defaults for Sheet: 3 x 8 labels of 70 x 37 mm fill an A4 page.
const (
	defaultColumns = 3
	defaultRows    = 8
	a4Width        = 210
	a4Height       = 297
)

func (s Sheet) withDefaults() Sheet {
	s.Layout = s.Layout.withDefaults()
	if s.Columns == 0 {
		s.Columns = defaultColumns
	}
	if s.Rows == 0 {
		s.Rows = defaultRows
	}
	if s.PageWidth == 0 {
		s.PageWidth = a4Width
	}
	if s.PageHeight == 0 {
		s.PageHeight = a4Height
	}
	switch {
	case s.Margin == 0:
		s.Margin = DefaultMargin
	case s.Margin < 0:
		s.Margin = 0
	}
	return s
}

// PerPage returns how many labels one page holds.
func (s Sheet) PerPage() int {
	s = s.withDefaults()
	return s.Columns * s.Rows
}

// origin returns the top left corner of cell i of a page in mm.
func (s Sheet) origin(i int) (x, y float64) {
	gridW, gridH := float64(s.Columns)*s.Width, float64(s.Rows)*s.Height
	ox, oy := (s.PageWidth-gridW)/2, (s.PageHeight-gridH)/2
	cell := i % (s.Columns * s.Rows)
	return ox + float64(cell%s.Columns)*s.Width, oy + float64(cell/s.Columns)*s.Height
}

// cellInset is the white border of the label at x, y: the label's own pad,
// or more where the printer's unprintable margin reaches into it.
func (s Sheet) cellInset(x, y float64) inset {
	m := s.Margin
	return inset{
		l: max(pad, m-x),
		t: max(pad, m-y),
		r: max(pad, x+s.Width-(s.PageWidth-m)),
		b: max(pad, y+s.Height-(s.PageHeight-m)),
	}
}

// layouts returns where each label of a sheet goes and how it is laid out:
// the same plans PDF draws, for tests that cut a rendered sheet into labels.
func (s Sheet) layouts(labels []Label) ([]*plan, error) {
	s = s.withDefaults()
	gridW, gridH := float64(s.Columns)*s.Width, float64(s.Rows)*s.Height
	if s.Columns < 0 || s.Rows < 0 || gridW > s.PageWidth+0.01 || gridH > s.PageHeight+0.01 {
		return nil, fail(ErrLayout, fmt.Sprintf("%dx%d of %gx%g mm", s.Columns, s.Rows, s.Width, s.Height),
			errorString(fmt.Sprintf("does not fit a %gx%g mm page", s.PageWidth, s.PageHeight)))
	}
	if s.Margin*2 >= s.PageWidth || s.Margin*2 >= s.PageHeight {
		return nil, fail(ErrLayout, fmt.Sprintf("%g mm", s.Margin), errorString("the margin leaves no page"))
	}
	if len(labels) == 0 {
		return nil, fail(ErrLayout, "", errorString("no labels"))
	}
	plans := make([]*plan, len(labels))
	for i, l := range labels {
		x, y := s.origin(i)
		p, err := s.layout(l, s.cellInset(x, y), 0)
		if err != nil {
			return nil, err
		}
		plans[i] = p
	}
	return plans, nil
}

// pdfEpoch fixes the document dates: a sheet then records no time of
// printing, and its metadata does not change between reprints. (The bytes
// still vary: fpdf orders some objects by map iteration.)
var pdfEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// PDF writes labels on as many pages as they need, in rows from the top
// left. The grid is centred on the page, and no ink falls into the
// printer's unprintable Margin. Each symbol is ONE filled path of all its
// dark modules, so a rasteriser fills them together and cannot open a seam
// between neighbours; text uses the embedded fonts (subsets), so the sheet
// prints at the printer's full resolution. Print it at "actual size" (no
// fit-to-page scaling).
func (s Sheet) PDF(w io.Writer, labels []Label) error {
	s = s.withDefaults()
	plans, err := s.layouts(labels)
	if err != nil {
		return err
	}

	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: s.PageWidth, Ht: s.PageHeight}})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCreationDate(pdfEpoch)
	pdf.SetModificationDate(pdfEpoch)
	pdf.SetCreator("tracechain client/label", false)
	registered := map[string]bool{}
	for _, p := range plans {
		for _, t := range p.texts {
			for _, r := range t.runs {
				if !registered[r.f.name] {
					pdf.AddUTF8FontFromBytes(r.f.name, "", r.f.ttf)
					registered[r.f.name] = true
				}
			}
		}
	}
	pdf.SetFillColor(0, 0, 0)
	pdf.SetTextColor(0, 0, 0)
	pdf.SetDrawColor(160, 160, 160)
	pdf.SetLineWidth(0.1)

	per := s.Columns * s.Rows
	for i, p := range plans {
		if i%per == 0 {
			pdf.AddPage()
		}
		x0, y0 := s.origin(i)
		if s.Outline {
			pdf.Rect(x0, y0, s.Width, s.Height, "D")
		}
		for _, sym := range p.symbols {
			sym.m.darkRuns(func(x, y, n int) {
				l, t := x0+sym.x+float64(x)*sym.module, y0+sym.y+float64(y)*sym.module
				r, b := l+float64(n)*sym.module, t+sym.module
				pdf.MoveTo(l, t)
				pdf.LineTo(r, t)
				pdf.LineTo(r, b)
				pdf.LineTo(l, b)
				pdf.ClosePath()
			})
			pdf.DrawPath("f") // one fill, nonzero winding, for the whole symbol
		}
		for _, t := range p.texts {
			x := x0 + t.x
			for _, r := range t.runs {
				pdf.SetFont(r.f.name, "", 0)
				pdf.SetFontUnitSize(t.size)
				pdf.Text(x, y0+t.y, r.s)
				x += r.f.width(r.s) * t.size
			}
		}
		if err := pdf.Error(); err != nil {
			return fail(ErrLayout, "", err)
		}
	}
	return pdf.Output(w)
}
