package label

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Fallback font stacks for SVG text, after the families the layout measured
// the line with: common CJK system fonts for Chinese product names.
const (
	svgTextFonts = "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
	svgMonoFonts = "'DejaVu Sans Mono', monospace"
)

// SVG writes l as an SVG document sized in mm. Each symbol is ONE path of
// all its dark modules (a subpath per run, absolute coordinates in mm, no
// stroke, no transform), so that no renderer can open a seam between
// neighbouring modules the way separate rectangles snap apart; each line is
// a <text>, so the label scales to any printer and its text stays
// searchable.
func (lay Layout) SVG(w io.Writer, l Label) error {
	p, err := lay.layout(l, padding, 0)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	n := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	r4 := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<svg xmlns="http://www.w3.org/2000/svg" width="%smm" height="%smm" viewBox="0 0 %s %s">`+"\n",
		n(p.w), n(p.h), n(p.w), n(p.h))
	fmt.Fprintf(bw, `<rect width="%s" height="%s" fill="#fff" stroke="none"/>`+"\n", n(p.w), n(p.h))
	for _, s := range p.symbols {
		fmt.Fprintf(bw, `<path class="%s" fill="#000" stroke="none" fill-rule="nonzero" d="`, s.kind)
		s.m.darkRuns(func(x, y, k int) {
			fmt.Fprintf(bw, "M%s %sh%sv%sh-%sz", r4(s.x+float64(x)*s.module), r4(s.y+float64(y)*s.module),
				r4(float64(k)*s.module), r4(s.module), r4(float64(k)*s.module))
		})
		bw.WriteString(`"/>` + "\n")
	}
	for _, t := range p.texts {
		fmt.Fprintf(bw, `<text x="%s" y="%s" font-size="%s" font-family="%s" fill="#000" stroke="none">`,
			r4(t.x), r4(t.y), r4(t.size), svgFamilies(t.runs))
		if err := xml.EscapeText(bw, []byte(t.text)); err != nil {
			return err
		}
		bw.WriteString("</text>\n")
	}
	bw.WriteString("</svg>\n")
	return bw.Flush()
}

// svgFamilies names the fonts a line was measured with, then the fallbacks.
func svgFamilies(rs []run) string {
	var names []string
	mono := false
	seen := map[string]bool{}
	for _, r := range rs {
		mono = mono || r.f.name == "gomono"
		fam := strings.Map(func(c rune) rune {
			if c == '\'' || c == '"' || c == '<' || c == '&' || c < ' ' {
				return -1
			}
			return c
		}, r.f.family)
		if fam != "" && !seen[fam] {
			seen[fam] = true
			names = append(names, "'"+fam+"'")
		}
	}
	if mono {
		names = append(names, svgMonoFonts)
	} else {
		names = append(names, svgTextFonts)
	}
	return strings.Join(names, ", ")
}
