package label

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
)

// Font stacks for SVG text: the Go fonts the layout is measured with first,
// then common system fonts, including CJK ones for Chinese product names.
const (
	svgTextFonts = "'Go', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
	svgMonoFonts = "'Go Mono', 'DejaVu Sans Mono', monospace"
)

// SVG writes l as an SVG document sized in mm: every run of dark modules is
// a <rect>, every line a <text>, so the label scales to any printer without
// resampling and its text stays searchable.
func (lay Layout) SVG(w io.Writer, l Label) error {
	p, err := lay.layout(l, true)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	f := strconv.FormatFloat
	n := func(v float64) string { return f(v, 'f', -1, 64) }
	r3 := func(v float64) string { return f(v, 'f', 3, 64) }
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<svg xmlns="http://www.w3.org/2000/svg" width="%smm" height="%smm" viewBox="0 0 %s %s">`+"\n",
		n(p.w), n(p.h), n(p.w), n(p.h))
	fmt.Fprintf(bw, `<rect width="%s" height="%s" fill="#fff"/>`+"\n", n(p.w), n(p.h))
	for i, s := range p.symbols {
		kind := "qr"
		if i > 0 {
			kind = "datamatrix"
		}
		// Modules are drawn in module units and scaled once, so neighbouring
		// rects share exact edges and no hairline gaps appear.
		fmt.Fprintf(bw, `<g class="%s" transform="translate(%s %s) scale(%s)" fill="#000" shape-rendering="crispEdges">`+"\n",
			kind, r3(s.x), r3(s.y), f(s.module, 'f', 5, 64))
		s.m.darkRuns(func(x, y, n int) {
			fmt.Fprintf(bw, `<rect x="%d" y="%d" width="%d" height="1"/>`+"\n", x, y, n)
		})
		bw.WriteString("</g>\n")
	}
	for _, t := range p.texts {
		family := svgTextFonts
		if t.f.name == "gomono" {
			family = svgMonoFonts
		}
		fmt.Fprintf(bw, `<text x="%s" y="%s" font-size="%s" font-family="%s">`, r3(t.x), r3(t.y), r3(t.size), family)
		if err := xml.EscapeText(bw, []byte(t.text)); err != nil {
			return err
		}
		bw.WriteString("</text>\n")
	}
	bw.WriteString("</svg>\n")
	return bw.Flush()
}
