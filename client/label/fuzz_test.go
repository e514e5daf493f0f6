package label

import (
	"bytes"
	"testing"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

// FuzzBuildContent checks that the content builder never panics and that
// whatever it accepts round-trips: the QR link and the element string parse
// back to the identity of the input code, and both symbols encode.
func FuzzBuildContent(f *testing.F) {
	for _, s := range [][3]string{
		{sgtinDL, "", ""}, {sgtinES, "351231", "CB2025-05"}, {lgtin, "271100", ""}, {sscc, "", ""},
		{ecode, "", ""}, {ccc, "", ""}, {dic, "", ""}, {"(01)06901234000016(22)V1(21)S%", "", "L/1"},
		{"(01)06901234000016", "", "x"}, {"]d2010690123400001611250101" + "21A", "261200", ""},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, code, expiry, batch string) {
		c, err := BuildContent(domain, code, Attributes{Expiry: expiry, Batch: batch})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			// Bad input is quoted short and escaped, never whole.
			msg := err.Error()
			if len(msg) > 4000 {
				t.Fatalf("error of %d bytes: %.200q", len(msg), msg)
			}
			for _, r := range msg {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("control character %U in error %q", r, msg)
				}
			}
			return
		}
		want := identifier.MustParse(code).Identity()
		if c.Code.Canonical != want.Canonical {
			t.Fatalf("content for %q is %q, code is %q", code, c.Code.Canonical, want.Canonical)
		}
		back, err := CodeFromContent(c.URI)
		if err != nil || back.Canonical != want.Canonical {
			t.Fatalf("link %q re-parses to %q, %v", c.URI, back.Canonical, err)
		}
		if _, err := qrMatrix(c.URI); err != nil {
			t.Fatalf("QR of %q: %v", c.URI, err)
		}
		if !c.GS1 {
			return
		}
		if _, err := identifier.ParseDigitalLinkURI(c.URI); err != nil {
			t.Fatalf("link %q: %v", c.URI, err)
		}
		es, err := identifier.Parse("]d2" + c.ElementString)
		if err != nil || es.Canonical != want.Canonical {
			t.Fatalf("element string %q re-parses to %q, %v", c.ElementString, es.Canonical, err)
		}
		if _, err := gs1DataMatrix(c.ElementString); err != nil {
			t.Fatalf("DataMatrix of %q: %v", c.ElementString, err)
		}
	})
}

// FuzzLabelText lays out and renders labels with arbitrary titles and lines
// in every format: each either renders or refuses with a typed error (a
// glyph no font has is ErrFont), never panics, and never drops a line.
func FuzzLabelText(f *testing.F) {
	for _, s := range [][2]string{
		{"电热水壶 Electric kettle", "型号 TK-1700"}, {"Kettle ✔", ""}, {"\x1b[2J", "\xff\xfe"},
		{"", "مرحبا"}, {"😀", "ñ Ω Ж"}, {"\u200b\u0301", "\t"},
	} {
		f.Add(s[0], s[1])
	}
	c, err := BuildContent(domain, sgtinES, Attributes{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, title, line string) {
		l := Label{Content: c, Title: title, Lines: []string{line}}
		p, err := Layout{}.layout(l, padding, 0)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if len(err.Error()) > 4000 {
				t.Fatalf("error of %d bytes", len(err.Error()))
			}
			return
		}
		want := len(c.HRI)
		for _, s := range []string{title, line} {
			if s != "" {
				want++
			}
		}
		if len(p.texts) != want {
			t.Fatalf("%d lines laid out, want %d", len(p.texts), want)
		}
		var buf bytes.Buffer
		if err := (Layout{}).SVG(&buf, l); err != nil {
			t.Fatalf("SVG: %v", err)
		}
		if _, err := (Layout{DPI: 72}).Image(l); err != nil {
			t.Fatalf("Image: %v", err)
		}
		buf.Reset()
		if err := (Sheet{}).PDF(&buf, []Label{l}); err != nil {
			t.Fatalf("PDF: %v", err)
		}
	})
}
