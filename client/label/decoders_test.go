//go:build labeldecode

package label

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestDecoders renders labels of every kind of code through every output
// format and renderer at 150, 300 and 600 dpi, cuts out every symbol of
// every label, and decodes each with independent decoders:
//
//	format  renderer                   dpi            QR code            GS1 DataMatrix
//	PDF     poppler pdftoppm           150, 300, 600  zbarimg, ZXingReader  dmtxread, ZXingReader
//	SVG     librsvg rsvg-convert       150, 300, 600  zbarimg, ZXingReader  dmtxread, ZXingReader
//	SVG     ImageMagick (MSVG, its own) 150, 300, 600  zbarimg, ZXingReader  dmtxread, ZXingReader
//	PNG     this package (Layout.DPI)  150, 300, 600  zbarimg, ZXingReader  dmtxread, ZXingReader
//
// zbar 0.23 reads no DataMatrix and libdmtx no QR code. Each decoder must
// return the exact data: the QR code's Digital Link (or verify link), and
// for the DataMatrix FNC1 first (dmtxread -G 29 transmits it as GS;
// ZXingReader reports symbology identifier ]d2) then the element string.
// The PDF is one A4 sheet, and every label on it is decoded, not only the
// first; poppler's pdftotext must find every label's Chinese and English
// title in it. make label-test runs it after test-network/labeltools.sh
// ensure.
func TestDecoders(t *testing.T) {
	tools := map[string]string{}
	for _, name := range []string{"zbarimg", "dmtxread", "ZXingReader", "pdftoppm", "pdftotext", "rsvg-convert"} {
		p, err := exec.LookPath(name)
		require.NoError(t, err, "%s missing: run bash test-network/labeltools.sh ensure (as root)", name)
		tools[name] = p
	}
	// The real ImageMagick (a stand-in of the same name may come first in PATH).
	tools["convert"] = "/usr/bin/convert"
	_, err := FindCJKFont()
	require.NoError(t, err, "run bash test-network/labeltools.sh ensure")

	labels := decoderLabels(t)
	dir := t.TempDir()
	// Render and cut: each job renders one image and writes its symbol crops.
	var (
		mu    sync.Mutex
		crops []crop
	)
	addCrops := func(img *image.Gray, tag string, i int, p *plan, ox, oy, scale float64) error {
		for _, s := range p.symbols {
			q := qrQuiet
			if s.kind == "datamatrix" {
				q = dmQuiet
			}
			x0 := int((ox+s.x-float64(q)*s.module)*scale) - 1
			y0 := int((oy+s.y-float64(q)*s.module)*scale) - 1
			side := int(float64(s.m.size()+2*q)*s.module*scale) + 3
			sub := img.SubImage(image.Rect(x0, y0, x0+side, y0+side)).(*image.Gray)
			path := filepath.Join(dir, fmt.Sprintf("%s-l%d-%s.pgm", tag, i, s.kind))
			if err := writePGM(path, sub); err != nil {
				return err
			}
			want := labels[i].Content.URI
			if s.kind == "datamatrix" {
				want = "\x1d" + labels[i].Content.ElementString
			}
			mu.Lock()
			crops = append(crops, crop{path: path, kind: s.kind, want: want, where: fmt.Sprintf("%s label %d", tag, i)})
			mu.Unlock()
		}
		return nil
	}
	// Each X-dimension renders a sheet, and its labels one by one.
	var jobs []func() error
	for _, cf := range []struct {
		xdim float64
		dpis []int
	}{
		{DefaultXDim, []int{150, 300, 600}},
		// GS1's minimum: modules of 4.68 dots at 300 dpi, not whole dots. At
		// 150 dpi (2.3 px a module) ZXingReader misses a DataMatrix that
		// ImageMagick rendered, so that resolution is left out here.
		{MinXDim, []int{300, 600}},
	} {
		sub := filepath.Join(dir, fmt.Sprintf("x%.3f", cf.xdim))
		require.NoError(t, os.Mkdir(sub, 0o700))
		sheet := Sheet{Layout: Layout{DataMatrix: true, XDim: cf.xdim}}
		var pdf bytes.Buffer
		require.NoError(t, sheet.PDF(&pdf, labels))
		pdfPath := filepath.Join(sub, "sheet.pdf")
		require.NoError(t, os.WriteFile(pdfPath, pdf.Bytes(), 0o600))
		plans, err := sheet.layouts(labels)
		require.NoError(t, err)
		full := sheet.withDefaults()
		// poppler reads the text back: every label's Chinese and English title
		// is on the sheet, none dropped.
		text, err := exec.Command(tools["pdftotext"], "-enc", "UTF-8", pdfPath, "-").Output() //nolint:gosec // the test's own tool
		require.NoError(t, err)
		for _, l := range labels {
			for _, word := range strings.Fields(l.Title) {
				require.Contains(t, string(text), word)
			}
		}
		svgPlans := make([]*plan, len(labels))
		for i, l := range labels {
			var b bytes.Buffer
			require.NoError(t, sheet.SVG(&b, l))
			require.NoError(t, os.WriteFile(filepath.Join(sub, fmt.Sprintf("l%d.svg", i)), b.Bytes(), 0o600))
			svgPlans[i], err = sheet.layout(l, padding, 0)
			require.NoError(t, err)
		}

		for _, dpi := range cf.dpis {
			scale := float64(dpi) / 25.4
			jobs = append(jobs, func() error {
				tag := fmt.Sprintf("x%.3f-pdf-pdftoppm-%d", cf.xdim, dpi)
				out := filepath.Join(sub, tag)
				if err := runCmd(tools["pdftoppm"], "-r", strconv.Itoa(dpi), "-gray", "-singlefile", pdfPath, out); err != nil {
					return err
				}
				img, err := readPGM(out + ".pgm")
				if err != nil {
					return err
				}
				for i, p := range plans {
					ox, oy := full.origin(i)
					if err := addCrops(img, tag, i, p, ox, oy, scale); err != nil {
						return err
					}
				}
				return nil
			})
			for i := range labels {
				svg := filepath.Join(sub, fmt.Sprintf("l%d.svg", i))
				jobs = append(jobs, func() error {
					tag := fmt.Sprintf("x%.3f-svg-rsvg-%d", cf.xdim, dpi)
					out := filepath.Join(sub, fmt.Sprintf("%s-l%d.png", tag, i))
					if err := runCmd(tools["rsvg-convert"], "-d", strconv.Itoa(dpi), "-p", strconv.Itoa(dpi), "-b", "white", "-o", out, svg); err != nil {
						return err
					}
					img, err := readPNG(out)
					if err != nil {
						return err
					}
					return addCrops(img, tag, i, svgPlans[i], 0, 0, scale)
				}, func() error {
					tag := fmt.Sprintf("x%.3f-svg-imagemagick-%d", cf.xdim, dpi)
					out := filepath.Join(sub, fmt.Sprintf("%s-l%d.pgm", tag, i))
					if err := runCmd(tools["convert"], "-density", strconv.Itoa(dpi), "MSVG:"+svg, "-colorspace", "Gray", "-depth", "8", out); err != nil {
						return err
					}
					img, err := readPGM(out)
					if err != nil {
						return err
					}
					return addCrops(img, tag, i, svgPlans[i], 0, 0, scale)
				}, func() error {
					tag := fmt.Sprintf("x%.3f-png-%d", cf.xdim, dpi)
					lay := sheet.Layout
					lay.DPI = dpi
					var b bytes.Buffer
					if err := lay.PNG(&b, labels[i]); err != nil {
						return err
					}
					if got := pngDPI(b.Bytes()); got != dpi {
						return fmt.Errorf("%s: pHYs says %d dpi", tag, got)
					}
					decoded, err := png.Decode(&b)
					if err != nil {
						return err
					}
					p, err := lay.layout(labels[i], padding, 25.4/float64(dpi))
					if err != nil {
						return err
					}
					return addCrops(imageToGray(decoded), tag, i, p, 0, 0, scale)
				})
			}
		}
	}
	require.NoError(t, parallel(2, jobs))

	// Decode, one decoder process per batch of crops.
	var qrs, dms []crop
	for _, c := range crops {
		if c.kind == "qr" {
			qrs = append(qrs, c)
		} else {
			dms = append(dms, c)
		}
	}
	require.NotEmpty(t, dms)
	got := map[string]map[string]string{} // decoder -> path -> data
	var gotMu sync.Mutex
	put := func(decoder string, m map[string]string) {
		gotMu.Lock()
		got[decoder] = m
		gotMu.Unlock()
	}
	require.NoError(t, parallel(2, []func() error{
		func() error { m, err := zbarimg(tools["zbarimg"], qrs); put("zbarimg", m); return err },
		func() error {
			m, err := zxingReader(tools["ZXingReader"], "QRCode", qrs)
			put("ZXingReader QR", m)
			return err
		},
		func() error {
			m, err := zxingReader(tools["ZXingReader"], "DataMatrix", dms)
			put("ZXingReader DM", m)
			return err
		},
		func() error { m, err := dmtxread(tools["dmtxread"], dms); put("dmtxread", m); return err },
	}))
	check := func(decoder string, cs []crop) {
		for _, c := range cs {
			if d, ok := got[decoder][c.path]; !ok {
				t.Errorf("%s: %s %s: not decoded", decoder, c.where, c.kind)
			} else if d != c.want {
				t.Errorf("%s: %s %s: got %q, want %q", decoder, c.where, c.kind, d, c.want)
			}
		}
	}
	check("zbarimg", qrs)
	check("ZXingReader QR", qrs)
	check("ZXingReader DM", dms)
	check("dmtxread", dms)
	t.Logf("%d QR codes and %d GS1 DataMatrix decoded by two decoders each", len(qrs), len(dms))
}

// crop is one symbol cut out of a rendered label, and what it must hold.
type crop struct {
	path, kind, want, where string
}

// decoderLabels are the labels of the sheet: every kind of code, GS1 ones
// with a DataMatrix, Chinese and English text, a long serial.
func decoderLabels(t *testing.T) []Label {
	t.Helper()
	var out []Label
	for _, tc := range []struct {
		code  string
		attrs Attributes
		title string
	}{
		{sgtinDL, Attributes{}, "电热水壶 Electric kettle"},
		{lgtin, Attributes{Expiry: "271100"}, "电线电缆 Cable"},
		{sscc, Attributes{}, "托盘 Pallet"},
		{"(01)06901234000016(21)ABCDEFGHIJKLMNOPQRST", Attributes{}, "燃气灶 Gas hob"},
		{ecode, Attributes{}, "头盔 Helmet"},
		{dic, Attributes{}, "电动自行车 E-bike"},
	} {
		c, err := BuildContent(domain, tc.code, tc.attrs)
		require.NoError(t, err)
		out = append(out, Label{Content: c, Title: tc.title, Lines: []string{"型号 TK-1700"}})
	}
	return out
}

// parallel runs jobs on n workers and returns the first error.
func parallel(n int, jobs []func() error) error {
	ch := make(chan func() error)
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				errs <- j()
			}
		}()
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func runCmd(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput() //nolint:gosec // the test's own renderers
	if err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// zbarimg decodes QR codes; its XML output names the file of each symbol.
func zbarimg(bin string, cs []crop) (map[string]string, error) {
	args := []string{"-q", "--xml", "-Sdisable", "-Sqrcode.enable"}
	for _, c := range cs {
		args = append(args, c.path)
	}
	out, _ := exec.Command(bin, args...).Output() //nolint:gosec // the test's own decoder; exit 4 when one file has no symbol
	var doc struct {
		Sources []struct {
			Href    string `xml:"href,attr"`
			Symbols []struct {
				Data string `xml:"data"`
			} `xml:"index>symbol"`
		} `xml:"source"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		return nil, fmt.Errorf("zbarimg output: %w: %.300s", err, out)
	}
	m := map[string]string{}
	for _, s := range doc.Sources {
		if len(s.Symbols) == 1 {
			m[s.Href] = s.Symbols[0].Data
		}
	}
	return m, nil
}

// zxingReader decodes with zxing-cpp's reader; it takes the exact bytes
// (not the escaped text) and, for DataMatrix, requires identifier ]d2 and
// transmits it as FNC1's GS, as dmtxread -G 29 does.
func zxingReader(bin, format string, cs []crop) (map[string]string, error) {
	args := []string{"-format", format}
	for _, c := range cs {
		args = append(args, c.path)
	}
	out, err := exec.Command(bin, args...).Output() //nolint:gosec // the test's own decoder
	if err != nil {
		return nil, fmt.Errorf("ZXingReader: %w", err)
	}
	m := map[string]string{}
	var file, data, id string
	flush := func() {
		if file == "" {
			return
		}
		if format == "DataMatrix" {
			if id == "]d2" {
				m[file] = "\x1d" + data
			} else {
				m[file] = "symbology " + id + ": " + data
			}
		} else if id != "" {
			m[file] = data
		}
		file, data, id = "", "", ""
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		v = strings.TrimSpace(v)
		switch k {
		case "File":
			flush()
			file = v
		case "Bytes":
			b, err := hex.DecodeString(strings.ReplaceAll(v, " ", ""))
			if err != nil {
				return nil, err
			}
			data = string(b)
		case "Identifier":
			id = v
		}
	}
	flush()
	return m, nil
}

// dmtxread decodes each DataMatrix crop (one process each: its output does
// not name files), FNC1 as GS.
func dmtxread(bin string, cs []crop) (map[string]string, error) {
	m := map[string]string{}
	var mu sync.Mutex
	jobs := make([]func() error, len(cs))
	for i, c := range cs {
		jobs[i] = func() error {
			out, _ := exec.Command(bin, "-N1", "-m", "5000", "-G", "29", c.path).Output() //nolint:gosec // the test's own decoder
			if len(out) > 0 {
				mu.Lock()
				m[c.path] = string(out)
				mu.Unlock()
			}
			return nil
		}
	}
	return m, parallel(2, jobs)
}

// pngDPI reads the pHYs chunk of a PNG as dots per inch (0 if none).
func pngDPI(b []byte) int {
	i := bytes.Index(b, []byte("pHYs"))
	if i < 0 || len(b) < i+13 || b[i+12] != 1 {
		return 0
	}
	ppm := int(b[i+4])<<24 | int(b[i+5])<<16 | int(b[i+6])<<8 | int(b[i+7])
	return int(float64(ppm)*0.0254 + 0.5)
}

func readPNG(path string) (*image.Gray, error) {
	f, err := os.Open(path) //nolint:gosec // the test's own temp file
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, err
	}
	return imageToGray(img), nil
}

// readPGM reads a binary 8-bit PGM (P5), as pdftoppm -gray and ImageMagick
// write it.
func readPGM(path string) (*image.Gray, error) {
	b, err := os.ReadFile(path) //nolint:gosec // the test's own temp file
	if err != nil {
		return nil, err
	}
	var w, h, maxv int
	var n int
	fields := 0
	i := 2
	if len(b) < 2 || string(b[:2]) != "P5" {
		return nil, fmt.Errorf("%s: not a P5 PGM", path)
	}
	for fields < 3 && i < len(b) {
		switch c := b[i]; {
		case c == '#':
			for i < len(b) && b[i] != '\n' {
				i++
			}
		case c >= '0' && c <= '9':
			n = 0
			for i < len(b) && b[i] >= '0' && b[i] <= '9' {
				n = n*10 + int(b[i]-'0')
				i++
			}
			switch fields {
			case 0:
				w = n
			case 1:
				h = n
			case 2:
				maxv = n
			}
			fields++
			continue
		}
		i++
	}
	i++ // the one whitespace after maxval
	if maxv != 255 || len(b) < i+w*h {
		return nil, fmt.Errorf("%s: want 8-bit PGM, maxval %d, %d bytes for %dx%d", path, maxv, len(b)-i, w, h)
	}
	return &image.Gray{Pix: b[i : i+w*h], Stride: w, Rect: image.Rect(0, 0, w, h)}, nil
}

func writePGM(path string, img *image.Gray) error {
	r := img.Bounds()
	var b bytes.Buffer
	fmt.Fprintf(&b, "P5\n%d %d\n255\n", r.Dx(), r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if (image.Point{x, y}).In(img.Rect) {
				b.WriteByte(img.GrayAt(x, y).Y)
			} else {
				b.WriteByte(255)
			}
		}
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}
