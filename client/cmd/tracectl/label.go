package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tracechain/tracechain/client/label"
)

// labelCommand renders print-ready labels. Like "code inspect" it never
// connects: labels are printed where the codes are commissioned, often on a
// packing-line PC that has no network identity of its own.
func (a *app) labelCommand() *cobra.Command {
	var (
		domain, format, expiry, batch, title, out, csvPath, gtin, fontFile string
		lines                                                              []string
		dm, outline, compressed                                            bool
		xdim                                                               float64
		sheet                                                              label.Sheet
	)
	cmd := &cobra.Command{
		Use:   "label --domain URL --out FILE|DIR [flags] CODE...",
		Short: "Render print-ready labels (QR, GS1 DataMatrix, text) as PNG, SVG or a PDF sheet, offline",
		Long: `Render a label for each CODE (any form "code inspect" accepts) without
contacting the network. The QR code holds the GS1 Digital Link of the code on
the resolver --domain (for Ecode, CCC and digital identity codes:
{domain}/verify?code={canonical}); --datamatrix adds a GS1 DataMatrix (GS1
codes only); the text is --title, each --line, and the GS1 human-readable
interpretation "(01) ...  (17) ...  (10) ...  (21) ...".

--compressed puts the compressed form of the Digital Link (GS1 Digital Link
compression) in the QR code, a smaller symbol for long links; it is never the
default, because people and apps that do not decompress cannot read it.

--expiry (AI 17, YYMMDD) and --batch (AI 10) add data attributes to GS1 codes
that do not state them; a value that contradicts the code is refused.

--format png and svg write one file per code: with one CODE, --out may name
the file; otherwise --out is a directory (created if needed) and the files are
named after the codes. --format pdf writes one A4 sheet (3 x 8 labels of
70 x 37 mm unless --columns, --rows, --width, --height say otherwise) to --out.

--csv FILE reads more codes from a CSV file: a "code" column, or a "serial"
column combined with --gtin, or else the first column.

Text in Latin script is set in the Go fonts; Chinese text in the CJK font
found on the machine (Debian's fonts-droid-fallback, or one of the fonts
docs/labels.md lists). --font names a maker's own TrueType font for the title
and lines instead. A line that no font can draw is an error, never left out.

Symbols get the X-dimension --xdim (default 0.508 mm, GS1's range is 0.396 to
0.990 mm), so their size follows from the data. On the PDF sheet no ink falls
into the printer's unprintable --margin (default 5 mm). See docs/labels.md.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			codes := append([]string(nil), args...)
			if csvPath != "" {
				more, err := readCodesCSV(csvPath, gtin)
				if err != nil {
					return err
				}
				codes = append(codes, more...)
			}
			switch {
			case len(codes) == 0:
				return usagef("no codes: give CODE arguments or --csv")
			case domain == "":
				return usagef("--domain is required (the resolver, e.g. https://id.tracechain.example)")
			case out == "":
				return usagef("--out is required")
			case format != "png" && format != "svg" && format != "pdf":
				return usagef("--format must be png, svg or pdf, not %q", format)
			}
			sheet.Layout = label.Layout{Width: sheet.Width, Height: sheet.Height, DataMatrix: dm, FontFile: fontFile, XDim: xdim}
			sheet.Outline = outline
			labels := make([]label.Label, len(codes))
			for i, code := range codes {
				c, err := label.BuildContent(domain, code, label.Attributes{Expiry: expiry, Batch: batch})
				if err == nil && compressed {
					c, err = c.Compressed()
				}
				if err != nil {
					return err
				}
				labels[i] = label.Label{Content: c, Title: title, Lines: lines}
			}
			var written []string
			if format == "pdf" {
				var buf bytes.Buffer
				if err := sheet.PDF(&buf, labels); err != nil {
					return err
				}
				if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
					return err
				}
				written = append(written, out)
			} else {
				var err error
				if written, err = writeLabelFiles(sheet.Layout, format, out, labels); err != nil {
					return err
				}
			}
			return a.emit(written, func(w io.Writer) {
				for _, f := range written {
					fmt.Fprintln(w, f)
				}
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&domain, "domain", "", "resolver base URL the QR codes point to, e.g. https://id.tracechain.example")
	f.StringVar(&format, "format", "png", "output format: png, svg or pdf")
	f.BoolVar(&dm, "datamatrix", false, "add a GS1 DataMatrix (GS1 codes only)")
	f.BoolVar(&compressed, "compressed", false, "put the compressed Digital Link in the QR code (GS1 codes only; not the default: docs/labels.md)")
	f.StringVar(&expiry, "expiry", "", "expiry date, AI 17, YYMMDD")
	f.StringVar(&batch, "batch", "", "batch/lot, AI 10")
	f.StringVar(&title, "title", "", "first text line, e.g. the product name")
	f.StringArrayVar(&lines, "line", nil, "further text line (repeatable), e.g. the model")
	f.StringVar(&out, "out", "", "output file, or directory for several png/svg labels")
	f.StringVar(&csvPath, "csv", "", "CSV file with more codes (code or serial column)")
	f.StringVar(&gtin, "gtin", "", "GTIN for a CSV file with a serial column")
	f.StringVar(&fontFile, "font", "", "a TrueType font (.ttf) of your own for --title and --line; it must have every glyph")
	f.Float64Var(&xdim, "xdim", 0, "module size (X-dimension) in mm, 0.396 to 0.990 (default 0.508)")
	f.Float64Var(&sheet.Margin, "margin", 0, "pdf: the printer's unprintable border in mm, no ink there (default 5; -1 for none)")
	f.Float64Var(&sheet.Width, "width", 0, "label width in mm (default 70)")
	f.Float64Var(&sheet.Height, "height", 0, "label height in mm (default 37)")
	f.IntVar(&sheet.Columns, "columns", 0, "pdf: labels across the page (default 3)")
	f.IntVar(&sheet.Rows, "rows", 0, "pdf: labels down the page (default 8)")
	f.BoolVar(&outline, "outline", false, "pdf: draw each label's outline, for test prints on plain paper")
	return cmd
}

// writeLabelFiles writes one png or svg file per label: to out itself for a
// single label unless out is a directory, else into the directory out.
func writeLabelFiles(lay label.Layout, format, out string, labels []label.Label) ([]string, error) {
	render := func(l label.Label) ([]byte, error) {
		var buf bytes.Buffer
		var err error
		if format == "svg" {
			err = lay.SVG(&buf, l)
		} else {
			err = lay.PNG(&buf, l)
		}
		return buf.Bytes(), err
	}
	st, statErr := os.Stat(out)
	isDir := statErr == nil && st.IsDir() || strings.HasSuffix(out, string(os.PathSeparator)) || len(labels) > 1
	paths := make([]string, len(labels))
	seen := map[string]bool{}
	for i, l := range labels {
		if !isDir {
			paths[i] = out
			break
		}
		name := labelFileName(l.Content.Code.Canonical) + "." + format
		if seen[name] {
			return nil, fmt.Errorf("code %s given twice", l.Content.Code.Canonical)
		}
		seen[name] = true
		paths[i] = filepath.Join(out, name)
	}
	if isDir {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, err
		}
	}
	for i, l := range labels {
		b, err := render(l)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(paths[i], b, 0o644); err != nil {
			return nil, err
		}
	}
	return paths, nil
}

// labelFileName turns a canonical code into a portable file name: the
// id.gs1.org prefix goes, and every character outside A-Z a-z 0-9 . - is
// replaced by "_" (percent-escapes, "/" and ":" included).
func labelFileName(canonical string) string {
	s := strings.TrimPrefix(canonical, "https://id.gs1.org/")
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}
