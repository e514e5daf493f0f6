package label

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/datamatrix"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/require"
)

const domain = "https://id.tracechain.example"

// Codes of every kind the ledger commissions.
const (
	sgtinDL   = "https://brand.example.cn/01/06901234000016/10/CB2025-05/21/CA25-000901?17=351231"
	sgtinES   = "(01)06901234000016(21)CA25-000901"
	lgtin     = "(01)06901234000016(10)CB2025-05"
	sscc      = "urn:epc:id:sscc:0614141.1123456789"
	ecode     = "ecode:10001123456789"
	ccc       = "ccc:2016010901123456"
	dic       = "dic:91350100M000100Y43/unit-1"
	wantSGTIN = domain + "/01/06901234000016/10/CB2025-05/21/CA25-000901?17=351231"
)

// decode reads a symbol of the given format from img with gozxing's
// readers, the same family of decoder a phone camera app uses.
func decode(t *testing.T, img image.Image, format gozxing.BarcodeFormat) *gozxing.Result {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	require.NoError(t, err)
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	r := qrcode.NewQRCodeReader()
	if format == gozxing.BarcodeFormat_DATA_MATRIX {
		r = datamatrix.NewDataMatrixReader()
	}
	res, err := r.Decode(bmp, hints)
	require.NoError(t, err)
	return res
}

// symbolCrop cuts symbol i of the label (with its quiet zone) out of a
// rendered image, so that a reader is not distracted by the other symbol.
func symbolCrop(t *testing.T, lay Layout, l Label, img *image.Gray, i int, quiet int) image.Image {
	t.Helper()
	scale := float64(lay.withDefaults().DPI) / 25.4
	p, err := lay.layout(l, padding, 1/scale)
	require.NoError(t, err)
	require.Greater(t, len(p.symbols), i)
	s := p.symbols[i]
	mod := max(1, px(s.module, scale))
	x0, y0 := px(s.x, scale), px(s.y, scale)
	n := s.m.size()
	r := image.Rect(x0-quiet*mod, y0-quiet*mod, x0+(n+quiet)*mod, y0+(n+quiet)*mod)
	return img.SubImage(r)
}

func imageToGray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g.Set(x, y, img.At(x, y))
		}
	}
	return g
}

func decodePNG(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
