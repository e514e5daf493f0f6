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
	// Outline draws a hairline around each label: for test prints on plain
	// paper, to check the grid against the label stock.
	Outline bool
}

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
	return s
}

// PerPage returns how many labels one page holds.
func (s Sheet) PerPage() int {
	s = s.withDefaults()
	return s.Columns * s.Rows
}

// pdfEpoch fixes the document dates: a sheet then records no time of
// printing, and its metadata does not change between reprints. (The bytes
// still vary: fpdf orders some objects by map iteration.)
var pdfEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// PDF writes labels on as many pages as they need, in rows from the top
// left. The grid is centred on the page; modules are filled rectangles and
// text uses the embedded fonts, so the sheet prints at the printer's full
// resolution. Print it at "actual size" (no fit-to-page scaling).
func (s Sheet) PDF(w io.Writer, labels []Label) error {
	s = s.withDefaults()
	gridW, gridH := float64(s.Columns)*s.Width, float64(s.Rows)*s.Height
	if s.Columns < 0 || s.Rows < 0 || gridW > s.PageWidth+0.01 || gridH > s.PageHeight+0.01 {
		return fail(ErrLayout, fmt.Sprintf("%dx%d of %gx%g mm", s.Columns, s.Rows, s.Width, s.Height),
			errorString(fmt.Sprintf("does not fit a %gx%g mm page", s.PageWidth, s.PageHeight)))
	}
	if len(labels) == 0 {
		return fail(ErrLayout, "", errorString("no labels"))
	}
	plans := make([]*plan, len(labels))
	for i, l := range labels {
		p, err := s.layout(l, false)
		if err != nil {
			return err
		}
		plans[i] = p
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
			if !registered[t.f.name] {
				pdf.AddUTF8FontFromBytes(t.f.name, "", t.f.ttf)
				registered[t.f.name] = true
			}
		}
	}
	pdf.SetFillColor(0, 0, 0)
	pdf.SetTextColor(0, 0, 0)
	pdf.SetDrawColor(160, 160, 160)
	pdf.SetLineWidth(0.1)

	ox, oy := (s.PageWidth-gridW)/2, (s.PageHeight-gridH)/2
	per := s.Columns * s.Rows
	for i, p := range plans {
		if i%per == 0 {
			pdf.AddPage()
		}
		cell := i % per
		x0 := ox + float64(cell%s.Columns)*s.Width
		y0 := oy + float64(cell/s.Columns)*s.Height
		if s.Outline {
			pdf.Rect(x0, y0, s.Width, s.Height, "D")
		}
		for _, sym := range p.symbols {
			sym.m.darkRuns(func(x, y, n int) {
				pdf.Rect(x0+sym.x+float64(x)*sym.module, y0+sym.y+float64(y)*sym.module,
					float64(n)*sym.module, sym.module, "F")
			})
		}
		for _, t := range p.texts {
			pdf.SetFont(t.f.name, "", 0)
			pdf.SetFontUnitSize(t.size)
			pdf.Text(x0+t.x, y0+t.y, t.text)
		}
		if err := pdf.Error(); err != nil {
			return fail(ErrLayout, "", err)
		}
	}
	return pdf.Output(w)
}
