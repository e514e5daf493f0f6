package label

import (
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

// Image renders l as a grayscale image at lay.DPI. Modules are whole pixels
// (the module size is rounded down) so that printers and decoders see
// square, equal modules.
func (lay Layout) Image(l Label) (*image.Gray, error) {
	lay = lay.withDefaults()
	p, err := lay.layout(l, false)
	if err != nil {
		return nil, err
	}
	scale := float64(lay.DPI) / 25.4 // px per mm
	img := image.NewGray(image.Rect(0, 0, px(p.w, scale), px(p.h, scale)))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, s := range p.symbols {
		mod := max(1, int(math.Floor(s.module*scale)))
		x0, y0 := px(s.x, scale), px(s.y, scale)
		s.m.darkRuns(func(x, y, n int) {
			r := image.Rect(x0+x*mod, y0+y*mod, x0+(x+n)*mod, y0+(y+1)*mod)
			draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
		})
	}
	for _, t := range p.texts {
		f, err := opentype.NewFace(t.f.f, &opentype.FaceOptions{
			Size: t.size * 72 / 25.4, DPI: float64(lay.DPI), Hinting: font.HintingFull,
		})
		if err != nil {
			return nil, fail(ErrLayout, t.text, err)
		}
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: f,
			Dot: fixed.P(px(t.x, scale), px(t.y, scale))}
		d.DrawString(t.text)
		_ = f.Close()
	}
	return img, nil
}

// PNG writes l as a PNG image; see Image.
func (lay Layout) PNG(w io.Writer, l Label) error {
	img, err := lay.Image(l)
	if err != nil {
		return err
	}
	return png.Encode(w, img)
}

func px(mm, scale float64) int { return int(math.Round(mm * scale)) }
