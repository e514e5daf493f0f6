package label

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// face is a parsed font and, for PDF, its bytes.
type face struct {
	name   string // the PDF font name
	family string // the font's own family name, for SVG's font-family
	f      *sfnt.Font
	ttf    []byte
}

// CJKFontPaths are the places where FindCJKFont looks for a Chinese font, in
// order: TrueType fonts (glyf outlines, one font per file) that the PDF
// writer can embed. The first two are Debian's fonts-droid-fallback (Droid
// Sans Fallback, Apache License 2.0, the licence of this project), which
// test-network/labeltools.sh installs; then Debian's fonts-arphic-gbsn00lp
// and fonts-arphic-gkai00mp (Arphic Public License), the same fonts where
// Fedora and Arch put them, and the TrueType CJK fonts that Windows and
// macOS ship (used where they are, never redistributed).
var CJKFontPaths = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf",
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",
	"/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/droid/DroidSansFallbackFull.ttf",
	`C:\Windows\Fonts\simhei.ttf`,
	`C:\Windows\Fonts\simkai.ttf`,
	"/Library/Fonts/Arial Unicode.ttf",
	"/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
}

// cjkProbe is text every CJK font of a Chinese label must draw.
const cjkProbe = "电热水壶型号合格证"

// FindCJKFont returns the first file of CJKFontPaths that exists, is a
// TrueType font the PDF writer can embed and draws Chinese text. Labels use
// it by themselves for the characters the Go fonts lack; an ErrFont says
// what to install when there is none.
func FindCJKFont() (string, error) {
	f, err := cjkFace()
	if err != nil {
		return "", fail(ErrFont, "", err)
	}
	return f.path, nil
}

type foundFace struct {
	*face
	path string
}

var (
	cjkOnce  sync.Once
	cjkFound *foundFace
	cjkErr   error
)

func cjkFace() (*foundFace, error) {
	cjkOnce.Do(func() {
		var tried []string
		for _, p := range CJKFontPaths {
			if _, err := os.Stat(p); err != nil {
				continue
			}
			f, err := loadFace(p, "cjk")
			if err == nil && f.covers(cjkProbe) {
				cjkFound = &foundFace{face: f, path: p}
				return
			}
			tried = append(tried, filepath.Base(p))
		}
		msg := "no Chinese font found: install Debian's fonts-droid-fallback (bash test-network/labeltools.sh font) " +
			"or give a TrueType font with --font (Layout.FontFile)"
		if len(tried) > 0 {
			msg += "; unusable: " + strings.Join(tried, ", ")
		}
		cjkErr = errorString(msg)
	})
	return cjkFound, cjkErr
}

var (
	builtinOnce       sync.Once
	goRegular, goMono *face
	builtinErr        error
)

// builtinFaces parses the Go fonts once; they ship inside a Go module, so
// Latin text looks the same on every machine without system fonts.
func builtinFaces() (*face, *face, error) {
	builtinOnce.Do(func() {
		var r, m *sfnt.Font
		if r, builtinErr = sfnt.Parse(goregular.TTF); builtinErr != nil {
			return
		}
		if m, builtinErr = sfnt.Parse(gomono.TTF); builtinErr != nil {
			return
		}
		goRegular = &face{name: "goregular", family: "Go", f: r, ttf: goregular.TTF}
		goMono = &face{name: "gomono", family: "Go Mono", f: m, ttf: gomono.TTF}
	})
	return goRegular, goMono, builtinErr
}

// customFaces caches fonts given by file, by path.
var customFaces sync.Map

// loadFace reads a font file and checks that every output format can use
// it: one font (not a .ttc collection) with TrueType outlines (not CFF),
// because the PDF writer embeds only those.
func loadFace(path, name string) (*face, error) {
	if f, ok := customFaces.Load(path); ok {
		return f.(*face), nil
	}
	b, err := os.ReadFile(path) //nolint:gosec // the font file the caller names, or one of CJKFontPaths
	if err != nil {
		return nil, fail(ErrFont, path, err)
	}
	// The PDF writer (fpdf's utf8fontfile.go) takes sfnt version 0x00010000
	// or "true" only, and refuses "ttcf" and "OTTO".
	switch tag := string(b[:min(4, len(b))]); {
	case tag == "ttcf":
		return nil, fail(ErrFont, path, errorString("a font collection (.ttc): give one TrueType font (.ttf)"))
	case tag == "OTTO":
		return nil, fail(ErrFont, path, errorString("an OpenType font with CFF outlines: the PDF can embed only TrueType (glyf) fonts"))
	case tag != "\x00\x01\x00\x00" && tag != "true" || !hasTable(b, "glyf"):
		return nil, fail(ErrFont, path, errorString("not a TrueType font with glyf outlines"))
	}
	f, err := sfnt.Parse(b)
	if err != nil {
		return nil, fail(ErrFont, path, err)
	}
	var buf sfnt.Buffer
	family, _ := f.Name(&buf, sfnt.NameIDFamily)
	fc := &face{name: name, family: family, f: f, ttf: b}
	customFaces.Store(path, fc)
	return fc, nil
}

// hasTable reports whether the sfnt table directory of b lists tag.
func hasTable(b []byte, tag string) bool {
	if len(b) < 12 {
		return false
	}
	n := int(binary.BigEndian.Uint16(b[4:6]))
	for i := range n {
		off := 12 + 16*i
		if off+16 > len(b) {
			return false
		}
		if string(b[off:off+4]) == tag {
			return true
		}
	}
	return false
}

// has reports whether f has a glyph for r.
func (f *face) has(buf *sfnt.Buffer, r rune) bool {
	i, err := f.f.GlyphIndex(buf, r)
	return err == nil && i != 0
}

// covers reports whether f has a glyph for every rune of s.
func (f *face) covers(s string) bool {
	var buf sfnt.Buffer
	for _, r := range s {
		if !f.has(&buf, r) {
			return false
		}
	}
	return true
}

// width returns the advance of s at a font size of 1 mm; s is drawn by f.
func (f *face) width(s string) float64 {
	var buf sfnt.Buffer
	upem := fixed.Int26_6(f.f.UnitsPerEm())
	var w fixed.Int26_6
	for _, r := range s {
		i, err := f.f.GlyphIndex(&buf, r)
		if err != nil {
			continue
		}
		a, err := f.f.GlyphAdvance(&buf, i, upem<<6, font.HintingNone)
		if err == nil {
			w += a
		}
	}
	return float64(w) / float64(upem<<6)
}

// run is a piece of a line drawn by one font.
type run struct {
	s string
	f *face
}

// fontChain draws text: each rune with the first font that has it. With a
// maker's FontFile the chain is that font alone; otherwise it is the Go
// font, then the CJK font FindCJKFont finds (looked for only when a line
// needs it, so Latin-only labels need no CJK font).
type fontChain struct {
	first *face
	cjk   bool // fall back to FindCJKFont
}

func (lay Layout) chains() (text, mono fontChain, err error) {
	reg, mon, err := builtinFaces()
	if err != nil {
		return fontChain{}, fontChain{}, fail(ErrFont, "", err)
	}
	if lay.FontFile == "" {
		return fontChain{first: reg, cjk: true}, fontChain{first: mon, cjk: true}, nil
	}
	f, err := loadFace(lay.FontFile, "custom")
	if err != nil {
		return fontChain{}, fontChain{}, err
	}
	return fontChain{first: f}, fontChain{first: mon, cjk: true}, nil
}

// runs splits s into runs of one font each. A rune that no font of the
// chain has is an ErrFont naming it: a label never drops text.
func (c fontChain) runs(s string) ([]run, error) {
	var out []run
	var buf sfnt.Buffer
	for _, r := range s {
		f := c.first
		if !f.has(&buf, r) {
			if !c.cjk {
				return nil, fail(ErrFont, s, fmt.Errorf("%s has no glyph for %U", f.family, r))
			}
			cf, err := cjkFace()
			if err != nil {
				return nil, fail(ErrFont, s, fmt.Errorf("%U needs a Chinese font: %w", r, err))
			}
			if !cf.has(&buf, r) {
				return nil, fail(ErrFont, s, fmt.Errorf("neither Go nor %s has a glyph for %U", cf.family, r))
			}
			f = cf.face
		}
		if n := len(out); n > 0 && out[n-1].f == f {
			out[n-1].s += string(r)
		} else {
			out = append(out, run{s: string(r), f: f})
		}
	}
	return out, nil
}

// runsWidth is the advance of runs at a font size of 1 mm.
func runsWidth(rs []run) float64 {
	var w float64
	for _, r := range rs {
		w += r.f.width(r.s)
	}
	return w
}
