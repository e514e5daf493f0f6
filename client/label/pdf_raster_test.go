package label

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPDFRasterRoundTrip rasterises a sheet with poppler's pdftoppm, as a
// printer driver would, and decodes the first label's symbols. It is skipped
// where poppler-utils is not installed (the Go tests need no system tools).
func TestPDFRasterRoundTrip(t *testing.T) {
	pdftoppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm (poppler-utils) not installed")
	}
	c, err := BuildContent(domain, sgtinDL, Attributes{})
	require.NoError(t, err)
	l := Label{Content: c, Title: "Electric kettle"}
	dir := t.TempDir()
	var buf bytes.Buffer
	require.NoError(t, Sheet{Layout: Layout{DataMatrix: true}}.PDF(&buf, []Label{l, l}))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "s.pdf"), buf.Bytes(), 0o644))
	// 200 dpi: 70 x 37 mm is 551 x 291 px; the grid starts 0.5 mm from the top.
	cmd := exec.Command(pdftoppm, "-r", "200", "-png", "-singlefile", "-W", "560", "-H", "300",
		filepath.Join(dir, "s.pdf"), filepath.Join(dir, "p"))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	f, err := os.Open(filepath.Join(dir, "p.png"))
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	g := imageToGray(img)

	qr := decode(t, g.SubImage(image.Rect(0, 0, 280, 300)), gozxing.BarcodeFormat_QR_CODE)
	assert.Equal(t, c.URI, qr.GetText())
	dm := decode(t, g.SubImage(image.Rect(270, 0, 420, 140)), gozxing.BarcodeFormat_DATA_MATRIX)
	assert.Equal(t, "\x1d"+c.ElementString, dm.GetText())
	assert.Equal(t, "]d2", symbologyID(dm))
}
