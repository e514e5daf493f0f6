package label

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

func TestBuildContent(t *testing.T) {
	for _, tc := range []struct {
		name, code string
		attrs      Attributes
		uri, es    string
		hri        string
	}{
		{"sgtin digital link keeps batch and expiry", sgtinDL, Attributes{}, wantSGTIN,
			"0106901234000016173512311" + "0CB2025-05\x1d21CA25-000901",
			"(01) 06901234000016  (17) 351231  (10) CB2025-05  (21) CA25-000901"},
		{"sgtin plus attributes", sgtinES, Attributes{Expiry: "351231", Batch: "CB2025-05"}, wantSGTIN,
			"010690123400001617351231" + "10CB2025-05\x1d21CA25-000901",
			"(01) 06901234000016  (17) 351231  (10) CB2025-05  (21) CA25-000901"},
		{"sgtin alone", sgtinES, Attributes{}, domain + "/01/06901234000016/21/CA25-000901",
			"0106901234000016" + "21CA25-000901", "(01) 06901234000016  (21) CA25-000901"},
		{"lgtin with expiry", lgtin, Attributes{Expiry: "271100"}, domain + "/01/06901234000016/10/CB2025-05?17=271100",
			"010690123400001617271100" + "10CB2025-05", "(01) 06901234000016  (17) 271100  (10) CB2025-05"},
		{"serial is percent-encoded", "(01)06901234000016(21)A/1&x", Attributes{},
			domain + "/01/06901234000016/21/A%2F1%26x", "010690123400001621A/1&x", "(01) 06901234000016  (21) A/1&x"},
		{"sscc", sscc, Attributes{}, domain + "/00/106141411234567897", "00106141411234567897", "(00) 106141411234567897"},
		{"ecode", ecode, Attributes{}, domain + "/verify?code=ecode%3A10001123456789", "", "ecode:10001123456789"},
		{"ccc", ccc, Attributes{}, domain + "/verify?code=ccc%3A2016010901123456", "", "ccc:2016010901123456"},
		{"dic", dic, Attributes{}, domain + "/verify?code=dic%3A91350100M000100Y43%2Funit-1", "", "dic:91350100M000100Y43/unit-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := BuildContent(domain, tc.code, tc.attrs)
			require.NoError(t, err)
			assert.Equal(t, tc.uri, c.URI)
			assert.Equal(t, tc.es, c.ElementString)
			assert.Equal(t, tc.hri, c.HRIText())
			want := identifier.MustParse(tc.code).Identity()
			assert.Equal(t, want, c.Code)
			back, err := CodeFromContent(c.URI)
			require.NoError(t, err)
			assert.Equal(t, want, back)
		})
	}
}

func TestBuildContentDomain(t *testing.T) {
	for in, want := range map[string]string{
		"id.tracechain.example":              "https://id.tracechain.example/01/06901234000016/21/S1",
		"https://id.tracechain.example/":     "https://id.tracechain.example/01/06901234000016/21/S1",
		"http://localhost:8080/resolver/v1/": "http://localhost:8080/resolver/v1/01/06901234000016/21/S1",
		" HTTPS://ID.tracechain.example ":    "https://ID.tracechain.example/01/06901234000016/21/S1",
	} {
		c, err := BuildContent(in, "(01)06901234000016(21)S1", Attributes{})
		require.NoError(t, err, in)
		assert.Equal(t, want, c.URI, in)
	}
}

func TestBuildContentRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, domain, code string
		attrs              Attributes
		kind, cause        error
	}{
		{"check digit", domain, "(01)06901234000017(21)X", Attributes{}, ErrCode, identifier.ErrCheckDigit},
		{"garbage", domain, "nope", Attributes{}, ErrCode, identifier.ErrInvalid},
		{"empty", domain, "", Attributes{}, ErrCode, identifier.ErrInvalid},
		{"no domain", "", sgtinES, Attributes{}, ErrDomain, nil},
		{"ftp domain", "ftp://x.example", sgtinES, Attributes{}, ErrDomain, nil},
		{"domain with query", "https://x.example/?a=1", sgtinES, Attributes{}, ErrDomain, nil},
		{"bad host", "https://exa mple", sgtinES, Attributes{}, ErrDomain, nil},
		{"bad expiry", domain, sgtinES, Attributes{Expiry: "351331"}, ErrAttribute, identifier.ErrDate},
		{"short expiry", domain, sgtinES, Attributes{Expiry: "3512"}, ErrAttribute, identifier.ErrLength},
		{"batch contradicts", domain, sgtinDL, Attributes{Batch: "OTHER"}, ErrAttribute, nil},
		{"expiry contradicts", domain, sgtinDL, Attributes{Expiry: "361231"}, ErrAttribute, nil},
		{"batch makes a gtin a lot", domain, "(01)06901234000016", Attributes{Batch: "L1"}, ErrAttribute, nil},
		{"batch on sscc", domain, sscc, Attributes{Batch: "L1"}, ErrAttribute, nil},
		{"attributes on ecode", domain, ecode, Attributes{Expiry: "351231"}, ErrAttribute, nil},
		{"batch charset", domain, sgtinES, Attributes{Batch: "é"}, ErrAttribute, identifier.ErrCharset},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := BuildContent(tc.domain, tc.code, tc.attrs)
			require.Error(t, err)
			var le *Error
			require.True(t, errors.As(err, &le), "%T %v", err, err)
			assert.ErrorIs(t, err, tc.kind)
			if tc.cause != nil {
				assert.ErrorIs(t, err, tc.cause)
			}
		})
	}
}

// labels covers every kind of code, with and without DataMatrix.
func labels(t *testing.T) []struct {
	name  string
	label Label
	dm    bool
} {
	mk := func(code string, a Attributes) Content {
		c, err := BuildContent(domain, code, a)
		require.NoError(t, err)
		return c
	}
	return []struct {
		name  string
		label Label
		dm    bool
	}{
		{"sgtin", Label{Content: mk(sgtinDL, Attributes{}), Title: "Electric kettle", Lines: []string{"Model TK-1700"}}, true},
		{"sgtin no datamatrix", Label{Content: mk(sgtinES, Attributes{Expiry: "351231"}), Title: "Kettle"}, false},
		{"lgtin", Label{Content: mk(lgtin, Attributes{}), Lines: []string{"Lot label"}}, true},
		{"sscc", Label{Content: mk(sscc, Attributes{}), Title: "Pallet"}, true},
		{"ecode", Label{Content: mk(ecode, Attributes{}), Title: "Helmet"}, false},
		{"ccc", Label{Content: mk(ccc, Attributes{}), Title: "Charger"}, false},
		{"dic", Label{Content: mk(dic, Attributes{}), Title: "Gas cylinder", Lines: []string{"电动自行车"}}, false},
	}
}

// TestPNGRoundTrip renders each label, decodes the QR code (and the GS1
// DataMatrix) back out of the PNG bytes and checks that the decoded text is
// the expected link and parses to the label's code.
func TestPNGRoundTrip(t *testing.T) {
	for _, tc := range labels(t) {
		t.Run(tc.name, func(t *testing.T) {
			lay := Layout{DataMatrix: tc.dm}
			var buf bytes.Buffer
			require.NoError(t, lay.PNG(&buf, tc.label))
			require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("\x89PNG\r\n\x1a\n")))
			img, err := png.Decode(&buf)
			require.NoError(t, err)
			gray := imageToGray(img)

			res := decode(t, gray, gozxing.BarcodeFormat_QR_CODE)
			assert.Equal(t, tc.label.Content.URI, res.GetText())
			back, err := CodeFromContent(res.GetText())
			require.NoError(t, err)
			assert.Equal(t, tc.label.Content.Code, back)
			if tc.label.Content.GS1 {
				id, err := identifier.Parse(res.GetText())
				require.NoError(t, err)
				assert.Equal(t, tc.label.Content.Code.Canonical, id.Canonical)
			}

			if tc.dm && tc.label.Content.GS1 {
				dm := decode(t, symbolCrop(t, lay, tc.label, gray, 1, dmQuiet), gozxing.BarcodeFormat_DATA_MATRIX)
				// FNC1 first is reported as symbology identifier ]d2 and the
				// FNC1 itself comes out as a leading GS, as from a scanner.
				assert.Equal(t, "]d2", symbologyID(dm))
				assert.Equal(t, "\x1d"+tc.label.Content.ElementString, dm.GetText())
				id, err := identifier.Parse("]d2" + strings.TrimPrefix(dm.GetText(), "\x1d"))
				require.NoError(t, err)
				assert.Equal(t, tc.label.Content.Code.Canonical, id.Canonical)
			}
		})
	}
}

func symbologyID(r *gozxing.Result) string {
	v, _ := r.GetResultMetadata()[gozxing.ResultMetadataType_SYMBOLOGY_IDENTIFIER].(string)
	return v
}

// TestChineseText renders a default label with a Chinese product name: the
// Go font draws the Latin runs and the CJK font FindCJKFont finds the rest.
// Without any CJK font on the machine, every format refuses with ErrFont
// instead of leaving the line out.
func TestChineseText(t *testing.T) {
	c, err := BuildContent(domain, dic, Attributes{})
	require.NoError(t, err)
	l := Label{Content: c, Title: "电动自行车", Lines: []string{"Model X1", "型号 X1"}}
	var buf bytes.Buffer
	if _, ferr := FindCJKFont(); ferr != nil {
		require.ErrorIs(t, ferr, ErrFont)
		assert.ErrorIs(t, Layout{}.PNG(&buf, l), ErrFont)
		assert.ErrorIs(t, Layout{}.SVG(&buf, l), ErrFont)
		assert.ErrorIs(t, Sheet{}.PDF(&buf, []Label{l}), ErrFont)
		t.Skipf("no CJK font here (%v): test-network/labeltools.sh font installs one; the decoder tests require it", ferr)
	}
	p, err := Layout{}.layout(l, padding, 0)
	require.NoError(t, err)
	require.Len(t, p.texts, 4)
	assert.Equal(t, "电动自行车", p.texts[0].text)
	require.Len(t, p.texts[0].runs, 1)
	assert.Equal(t, "cjk", p.texts[0].runs[0].f.name)
	mixed := p.texts[2].runs
	require.Len(t, mixed, 2, "型号 X1 is two runs")
	assert.Equal(t, []string{"型号", " X1"}, []string{mixed[0].s, mixed[1].s})
	assert.Equal(t, []string{"cjk", "goregular"}, []string{mixed[0].f.name, mixed[1].f.name})

	require.NoError(t, Sheet{}.PDF(&buf, []Label{l}))
	assert.Contains(t, buf.String(), "/BaseFont /utf8cjk")
	buf.Reset()
	require.NoError(t, Layout{}.SVG(&buf, l))
	assert.Contains(t, buf.String(), ">电动自行车</text>")
	buf.Reset()
	require.NoError(t, Layout{}.PNG(&buf, l))
}

func TestSVG(t *testing.T) {
	for _, tc := range labels(t) {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Layout{DataMatrix: tc.dm}.SVG(&buf, tc.label))
			texts, paths := []string{}, []string{}
			dec := xml.NewDecoder(&buf)
			inText := false
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				switch e := tok.(type) {
				case xml.StartElement:
					switch e.Name.Local {
					case "path":
						for _, a := range e.Attr {
							if a.Name.Local == "class" {
								paths = append(paths, a.Value)
							}
						}
					case "text":
						inText = true
					}
				case xml.CharData:
					if inText {
						texts = append(texts, string(e))
					}
				case xml.EndElement:
					inText = false
				}
			}
			// One path per symbol: no renderer can open a seam between runs.
			want := []string{"qr"}
			if tc.dm && tc.label.Content.GS1 {
				want = append(want, "datamatrix")
			}
			assert.Equal(t, want, paths)
			for _, h := range tc.label.Content.HRI {
				assert.Contains(t, texts, h)
			}
			if tc.label.Title != "" {
				assert.Equal(t, tc.label.Title, texts[0])
			}
		})
	}
}

var pageObj = regexp.MustCompile(`/Type /Page\b[^s]`)

func TestPDFSheet(t *testing.T) {
	var all []Label
	for _, tc := range labels(t) {
		all = append(all, tc.label)
	}
	for _, tc := range []struct {
		name  string
		sheet Sheet
		n     int
		pages int
	}{
		{"one label", Sheet{}, 1, 1},
		{"full page", Sheet{}, 24, 1},
		{"one more", Sheet{Layout: Layout{DataMatrix: true}}, 25, 2},
		{"small labels", Sheet{Layout: Layout{Width: 50, Height: 30}, Columns: 4, Rows: 9, Outline: true}, 80, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls := make([]Label, tc.n)
			for i := range ls {
				ls[i] = all[i%len(all)]
			}
			var buf bytes.Buffer
			require.NoError(t, tc.sheet.PDF(&buf, ls))
			b := buf.Bytes()
			require.True(t, bytes.HasPrefix(b, []byte("%PDF-")))
			assert.True(t, bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")))
			assert.Len(t, pageObj.FindAll(b, -1), tc.pages)
		})
	}
}

func TestLayoutRefuses(t *testing.T) {
	c, err := BuildContent(domain, sgtinES, Attributes{})
	require.NoError(t, err)
	l := Label{Content: c}
	var buf bytes.Buffer
	assert.ErrorIs(t, Layout{Width: 5, Height: 5}.PNG(&buf, l), ErrLayout)
	assert.ErrorIs(t, Sheet{Columns: 4}.PDF(&buf, []Label{l}), ErrLayout)
	assert.ErrorIs(t, Sheet{}.PDF(&buf, nil), ErrLayout)
	assert.ErrorIs(t, Layout{XDim: 0.3}.SVG(&buf, l), ErrLayout)
	assert.ErrorIs(t, Layout{XDim: 1.2}.SVG(&buf, l), ErrLayout)
	assert.ErrorIs(t, Layout{DPI: 10}.PNG(&buf, l), ErrLayout)
	assert.ErrorIs(t, Sheet{Margin: 120}.PDF(&buf, []Label{l}), ErrLayout)
}

// TestFontFile uses a system TrueType font for the title and lines, as a
// maker's own font would be used; DejaVu Sans stands in where it is
// installed. A glyph it lacks is an ErrFont, not a dropped line.
func TestFontFile(t *testing.T) {
	const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	if _, err := os.Stat(dejavu); err != nil {
		t.Skip("no DejaVu Sans")
	}
	c, err := BuildContent(domain, sgtinES, Attributes{})
	require.NoError(t, err)
	lay := Layout{FontFile: dejavu}
	// DejaVu has the check mark that the Go fonts lack.
	l := Label{Content: c, Title: "Kettle ✔", Lines: []string{"Model TK-1700"}}
	var buf bytes.Buffer
	require.NoError(t, Sheet{Layout: lay}.PDF(&buf, []Label{l}))
	assert.Contains(t, buf.String(), "/BaseFont /utf8custom")
	buf.Reset()
	require.NoError(t, lay.PNG(&buf, l))

	l.Lines = append(l.Lines, "电热水壶")
	err = lay.PNG(&buf, l)
	require.ErrorIs(t, err, ErrFont)
	assert.Contains(t, err.Error(), "U+7535")
	assert.ErrorIs(t, Sheet{Layout: lay}.PDF(&buf, []Label{l}), ErrFont)
}

// TestFontFileRefused: font files the PDF writer cannot embed are refused
// when the label is laid out, with ErrFont.
func TestFontFileRefused(t *testing.T) {
	c, err := BuildContent(domain, sgtinES, Attributes{})
	require.NoError(t, err)
	dir := t.TempDir()
	ttc := dir + "/c.ttc"
	require.NoError(t, os.WriteFile(ttc, []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"), 0o600))
	cff := dir + "/c.otf"
	require.NoError(t, os.WriteFile(cff, []byte("OTTO\x00\x01\x00\x00\x00\x00\x00\x00CFF \x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"), 0o600))
	files := map[string]string{"collection": ttc, "cff": cff, "missing": dir + "/none.ttf", "not a font": "label_test.go"}
	// The CJK fonts Debian ships as collections, where installed.
	for _, f := range []string{"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"} {
		if _, err := os.Stat(f); err == nil {
			files[f] = f
		}
	}
	for name, path := range files {
		var buf bytes.Buffer
		err := Layout{FontFile: path}.SVG(&buf, Label{Content: c, Title: "x"})
		assert.ErrorIs(t, err, ErrFont, name)
	}
}
