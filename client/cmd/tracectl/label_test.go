package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/client/label"
)

const labelDomain = "https://id.tracechain.example"

func TestLabelPNGDirectory(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	dir := filepath.Join(t.TempDir(), "labels")
	code, out, errOut := runCLI(t, "label", "--domain", labelDomain, "--datamatrix", "--expiry", "351231",
		"--batch", "CB2025-05", "--title", "Electric kettle", "--line", "Model TK-1700", "--out", dir,
		"(01)06901234000016(21)CA25-000901", "(01)06901234000016(21)CA25-000902")
	require.Equal(t, exitOK, code, errOut)
	first := filepath.Join(dir, "01_06901234000016_21_CA25-000901.png")
	assert.Equal(t, first+"\n"+filepath.Join(dir, "01_06901234000016_21_CA25-000902.png")+"\n", out)

	// The file is a label whose QR code leads to the resolver.
	b, err := os.ReadFile(first)
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	require.NoError(t, err)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	require.NoError(t, err)
	assert.Equal(t, labelDomain+"/01/06901234000016/10/CB2025-05/21/CA25-000901?17=351231", res.GetText())
}

func TestLabelSVGFileAndPDFSheet(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	if _, err := label.FindCJKFont(); err != nil {
		// Without a CJK font a Chinese title is refused, never left out.
		code, _, errOut := runCLI(t, "label", "--domain", labelDomain, "--title", "头盔", "--out", t.TempDir(), "ecode:10001123456789")
		assert.Equal(t, exitError, code)
		assert.Contains(t, errOut, "fonts-droid-fallback")
		t.Skipf("no CJK font (%v): bash test-network/labeltools.sh font installs one", err)
	}
	dir := t.TempDir()
	svg := filepath.Join(dir, "one.svg")
	code, _, errOut := runCLI(t, "label", "--domain", labelDomain, "--format", "svg", "--title", "头盔", "--out", svg, "ecode:10001123456789")
	require.Equal(t, exitOK, code, errOut)
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<svg")
	assert.Contains(t, string(b), ">头盔</text>")
	assert.Empty(t, errOut)

	csv := filepath.Join(dir, "codes.csv")
	require.NoError(t, os.WriteFile(csv, []byte("serial\nS1\nS2\nS3\n"), 0o644))
	pdf := filepath.Join(dir, "sheet.pdf")
	code, out, errOut := runCLI(t, "label", "--json", "--domain", labelDomain, "--format", "pdf", "--title", "电热水壶",
		"--line", "TK-1700", "--csv", csv, "--gtin", "06901234000016", "--out", pdf, "ccc:2016010901123456")
	require.Equal(t, exitOK, code, errOut)
	assert.Empty(t, errOut, "the Chinese title is printed, with no warning")
	var files []string
	require.NoError(t, json.Unmarshal([]byte(out), &files))
	assert.Equal(t, []string{pdf}, files)
	b, err = os.ReadFile(pdf)
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(b, []byte("%PDF-")))
}

func TestLabelRefuses(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		exit int
		msg  string
	}{
		{[]string{"label", "--out", dir, "ecode:10001123456789"}, exitUsage, "--domain is required"},
		{[]string{"label", "--domain", labelDomain, "ecode:10001123456789"}, exitUsage, "--out is required"},
		{[]string{"label", "--domain", labelDomain, "--out", dir}, exitUsage, "no codes"},
		{[]string{"label", "--domain", labelDomain, "--out", dir, "--format", "gif", "ecode:10001123456789"}, exitUsage, "--format"},
		{[]string{"label", "--domain", labelDomain, "--out", dir, "(01)06901234000017(21)X"}, exitError, "check digit"},
		{[]string{"label", "--domain", labelDomain, "--out", dir, "--batch", "B", "ecode:10001123456789"}, exitError, "data attribute"},
		{[]string{"label", "--domain", labelDomain, "--out", dir, "ccc:2016010901123456", "ccc:2016010901123456"}, exitError, "twice"},
		{[]string{"label", "--domain", labelDomain, "--out", dir, "--xdim", "0.2", "ccc:2016010901123456"}, exitError, "X-dimension"},
		{[]string{"label", "--domain", labelDomain, "--out", dir, "--font", dir + "/none.ttf", "ccc:2016010901123456"}, exitError, "font"},
	} {
		code, _, errOut := runCLI(t, tc.args...)
		assert.Equal(t, tc.exit, code, strings.Join(tc.args, " "))
		assert.Contains(t, errOut, tc.msg, strings.Join(tc.args, " "))
	}
}
