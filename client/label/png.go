package label

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Image renders l as a grayscale image at lay.DPI. The X-dimension is a
// whole number of pixels (see Layout.XDim), so that printers and decoders
// see square, equal modules.
func (lay Layout) Image(l Label) (*image.Gray, error) {
	lay = lay.withDefaults()
	if lay.DPI < 72 || lay.DPI > 2400 {
		return nil, fail(ErrLayout, "", errorString("DPI must be 72 to 2400"))
	}
	scale := float64(lay.DPI) / 25.4 // px per mm
	p, err := lay.layout(l, padding, 1/scale)
	if err != nil {
		return nil, err
	}
	img := image.NewGray(image.Rect(0, 0, px(p.w, scale), px(p.h, scale)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, s := range p.symbols {
		mod := max(1, px(s.module, scale))
		x0, y0 := px(s.x, scale), px(s.y, scale)
		s.m.darkRuns(func(x, y, n int) {
			r := image.Rect(x0+x*mod, y0+y*mod, x0+(x+n)*mod, y0+(y+1)*mod)
			draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
		})
	}
	for _, t := range p.texts {
		dot := fixed.P(px(t.x, scale), px(t.y, scale))
		for _, r := range t.runs {
			f, err := opentype.NewFace(r.f.f, &opentype.FaceOptions{
				Size: t.size * 72 / 25.4, DPI: float64(lay.DPI), Hinting: font.HintingFull,
			})
			if err != nil {
				return nil, fail(ErrFont, t.text, err)
			}
			d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: f, Dot: dot}
			d.DrawString(r.s)
			dot = d.Dot
			_ = f.Close()
		}
	}
	return img, nil
}

// PNG writes l as a PNG image (see Image) whose pHYs chunk records
// lay.DPI, so that print software places it at its real size.
func (lay Layout) PNG(w io.Writer, l Label) error {
	lay = lay.withDefaults()
	img, err := lay.Image(l)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	_, err = w.Write(withPHYs(buf.Bytes(), lay.DPI))
	return err
}

// withPHYs inserts a pHYs chunk (pixels per metre, PNG specification
// 11.3.5.3) after the IHDR chunk of an encoded PNG: image/png writes none.
func withPHYs(b []byte, dpi int) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4 // signature, length, type, data, CRC
	if len(b) < ihdrEnd {
		return b
	}
	ppm := uint32(math.Round(float64(dpi) / 0.0254))
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(b)+len(chunk))
	out = append(out, b[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, b[ihdrEnd:]...)
}

func px(mm, scale float64) int { return int(math.Round(mm * scale)) }
