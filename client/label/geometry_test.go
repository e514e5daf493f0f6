package label

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestXDim: the module size is the chosen X-dimension whatever the label
// size (the symbol's size follows from the data), smaller only when it does
// not fit, never below GS1's minimum.
func TestXDim(t *testing.T) {
	c, err := BuildContent(domain, sgtinDL, Attributes{})
	require.NoError(t, err)
	l := Label{Content: c}
	for _, tc := range []struct {
		name string
		lay  Layout
		dot  float64
		want float64 // module of both symbols, mm
	}{
		{"default label", Layout{DataMatrix: true}, 0, DefaultXDim},
		{"big label, same modules", Layout{DataMatrix: true, Width: 150, Height: 80}, 0, DefaultXDim},
		{"chosen", Layout{DataMatrix: true, XDim: 0.6}, 0, 0.6},
		{"png 300 dpi: 6 px", Layout{DataMatrix: true}, 25.4 / 300, 6 * 25.4 / 300},
		{"png 203 dpi: 4 px", Layout{DataMatrix: true}, 25.4 / 203, 4 * 25.4 / 203},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.lay.layout(l, padding, tc.dot)
			require.NoError(t, err)
			require.Len(t, p.symbols, 2)
			for _, s := range p.symbols {
				assert.InDelta(t, tc.want, s.module, 1e-9, s.kind)
				assert.GreaterOrEqual(t, s.module, MinXDim)
				assert.LessOrEqual(t, s.module, MaxXDim)
			}
		})
	}
	// A small label shrinks the QR code to what fits, down to the minimum.
	p, err := Layout{Width: 50, Height: 25}.layout(l, padding, 0)
	require.NoError(t, err)
	assert.Less(t, p.symbols[0].module, DefaultXDim)
	assert.GreaterOrEqual(t, p.symbols[0].module, MinXDim)
	// Below the minimum it is refused.
	var buf bytes.Buffer
	err = Layout{Width: 30, Height: 15}.SVG(&buf, l)
	require.ErrorIs(t, err, ErrLayout)
	assert.Contains(t, err.Error(), "minimum X-dimension")
}

// TestSheetMargins: on the default A4 sheet (3 x 8 labels of 70 x 37 mm,
// which reach the page edge) no ink of any label falls into the printer's
// unprintable margin, and every label keeps its X-dimension.
func TestSheetMargins(t *testing.T) {
	var ls []Label
	for _, tc := range labels(t) {
		ls = append(ls, tc.label)
	}
	for len(ls) < 24 {
		ls = append(ls, ls[len(ls)%7])
	}
	for _, tc := range []struct {
		name   string
		sheet  Sheet
		margin float64
	}{
		{"default", Sheet{Layout: Layout{DataMatrix: true}}, DefaultMargin},
		{"wide", Sheet{Layout: Layout{DataMatrix: true}, Margin: 6.35}, 6.35},
		{"none", Sheet{Margin: NoMargin}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.sheet.withDefaults()
			plans, err := tc.sheet.layouts(ls)
			require.NoError(t, err)
			for i, p := range plans {
				ox, oy := s.origin(i)
				minX, minY, maxX, maxY := ink(p)
				assert.GreaterOrEqual(t, ox+minX, tc.margin-1e-9, "label %d left", i)
				assert.GreaterOrEqual(t, oy+minY, tc.margin-1e-9, "label %d top", i)
				assert.LessOrEqual(t, ox+maxX, s.PageWidth-tc.margin+1e-9, "label %d right", i)
				assert.LessOrEqual(t, oy+maxY, s.PageHeight-tc.margin+1e-9, "label %d bottom", i)
				// Quiet zones stay inside the label too.
				assert.GreaterOrEqual(t, minX, 0.0)
				assert.LessOrEqual(t, maxX, s.Width)
				for _, sym := range p.symbols {
					assert.InDelta(t, DefaultXDim, sym.module, 1e-9)
				}
			}
		})
	}
}

// ink is the box around a plan's symbols with their quiet zones and the
// text lines (from the baseline less one em to the baseline plus 0.3 em, at
// the width the layout measured).
func ink(p *plan) (minX, minY, maxX, maxY float64) {
	minX, minY, maxX, maxY = p.w, p.h, 0, 0
	grow := func(x0, y0, x1, y1 float64) {
		minX, minY, maxX, maxY = min(minX, x0), min(minY, y0), max(maxX, x1), max(maxY, y1)
	}
	for _, s := range p.symbols {
		q := float64(qrQuiet)
		if s.kind == "datamatrix" {
			q = dmQuiet
		}
		side := float64(s.m.size()) * s.module
		grow(s.x-q*s.module, s.y-q*s.module, s.x+side+q*s.module, s.y+side+q*s.module)
	}
	for _, t := range p.texts {
		grow(t.x, t.y-t.size, t.x+runsWidth(t.runs)*t.size, t.y+0.3*t.size)
	}
	return
}

func TestPNGResolution(t *testing.T) {
	c, err := BuildContent(domain, sgtinES, Attributes{})
	require.NoError(t, err)
	for _, dpi := range []int{150, 203, 300, 600} {
		var buf bytes.Buffer
		require.NoError(t, Layout{DPI: dpi}.PNG(&buf, Label{Content: c}))
		b := buf.Bytes()
		// pHYs right after IHDR: pixels per metre on both axes, unit metre.
		i := bytes.Index(b, []byte("pHYs"))
		require.Equal(t, 37, i, "pHYs follows IHDR")
		ppm := uint32(b[i+4])<<24 | uint32(b[i+5])<<16 | uint32(b[i+6])<<8 | uint32(b[i+7])
		assert.InDelta(t, float64(dpi)/0.0254, float64(ppm), 0.5)
		assert.Equal(t, b[i+4:i+8], b[i+8:i+12])
		assert.Equal(t, byte(1), b[i+12])
		_, err := decodePNG(b)
		require.NoError(t, err, "CRC and chunk order valid")
	}
}

// TestErrorExcerpt: bad input is quoted short and escaped, never whole.
func TestErrorExcerpt(t *testing.T) {
	long := "(01)06901234000016(21)" + strings.Repeat("A", 5000)
	ctl := "(01)0690123400001\x1b[2J\x07\r\n6"
	for _, tc := range []struct {
		name, domain, code string
	}{
		{"5,000 characters", domain, long},
		{"control characters", domain, ctl},
		{"domain", "https://x.example/\x1b]0;pwn\x07" + strings.Repeat("y", 3000), sgtinES},
		{"invalid utf-8", domain, "\xff\xfe" + strings.Repeat("\x00", 200)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildContent(tc.domain, tc.code, Attributes{})
			require.Error(t, err)
			msg := err.Error()
			assert.Less(t, len(msg), 700, msg)
			for _, c := range msg {
				assert.False(t, c < 0x20 || c == 0x7f, "control character %U in %q", c, msg)
			}
			var le *Error
			require.ErrorAs(t, err, &le)
			assert.LessOrEqual(t, len([]rune(le.Input)), excerptRunes+1)
		})
	}
}
