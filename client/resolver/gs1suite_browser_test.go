//go:build browser

package resolver_test

import (
	"context"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// gs1SuiteResult is one check of GS1's resolver test suite as the suite
// itself recorded it.
type gs1SuiteResult struct {
	ID     string `json:"id"`
	Test   string `json:"test"`
	Status string `json:"status"`
	Msg    string `json:"msg"`
}

// gs1SuiteFiles are what TRACECHAIN_GS1_RESOLVER_SUITE must hold: the
// suite's page script, GS1's Digital Link toolkit and the PHP helper that
// makes the suite's HTTP requests (repository gs1/GS1DL-resolver-testsuite),
// the JSON Schema validator the page expects as window.ajv7
// (ajv-validator/ajv-dist, dist/ajv7.bundle.js), GS1's linkset schema
// (gs1/linkset), the resolver description-file schema 1.2.0 and the ratified
// link types (gs1/WebVoc currentLinkTypes.json), which the hosted suite
// fetches from ref.gs1.org. docs/resolver.md says where each comes from.
var gs1SuiteFiles = []string{
	"GS1DigitalLinkResolverTestSuite.js", "GS1DigitalLinkToolkit.js", "tester.php",
	"ajv7.bundle.js", "gs1-linkset-schema.json", "description-file-schema.json", "linktypes.json",
}

// TestGS1ResolverTestSuite runs GS1's own resolver test suite, unchanged
// but for where it fetches its helper, schemas and link types, against the
// resolver served over TLS on 127.0.0.1, in headless Chromium with the
// suite's PHP helper run by PHP's built-in server, and fails on any check
// that does not pass (a warning included). The suite is not part of the
// repository and make test downloads nothing, so the test runs only when
// TRACECHAIN_GS1_RESOLVER_SUITE names a directory holding gs1SuiteFiles;
// it needs php with the curl extension (Debian's php-cli, php-curl).
func TestGS1ResolverTestSuite(t *testing.T) {
	src := os.Getenv("TRACECHAIN_GS1_RESOLVER_SUITE")
	if src == "" {
		t.Skip("TRACECHAIN_GS1_RESOLVER_SUITE is not set (docs/resolver.md, Conformance)")
	}
	php, err := exec.LookPath("php")
	require.NoError(t, err, "php (Debian's php-cli and php-curl)")

	// The resolver, over TLS, on its own address as its domain.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "https://" + ln.Addr().String()
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: newResolver(ledger(), resolver.WithDomain(base), resolver.WithRateLimit(0, 1))}}
	srv.StartTLS()
	t.Cleanup(srv.Close)

	site := t.TempDir()
	public := filepath.Join(site, "public")
	require.NoError(t, os.MkdirAll(public, 0o755))
	caFile := filepath.Join(site, "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))

	phpLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	phpAddr := phpLn.Addr().String()
	require.NoError(t, phpLn.Close())
	local := "http://" + phpAddr + "/"
	for _, f := range gs1SuiteFiles {
		b, err := os.ReadFile(filepath.Join(src, f))
		require.NoError(t, err, "TRACECHAIN_GS1_RESOLVER_SUITE must hold %s", f)
		dst := filepath.Join(public, f)
		switch f {
		case "tester.php":
			dst = filepath.Join(site, f)
		case "GS1DigitalLinkResolverTestSuite.js":
			b = []byte(pointSuiteHome(t, string(b), local))
		}
		require.NoError(t, os.WriteFile(dst, b, 0o600))
	}
	page := `<!doctype html><meta charset="utf-8"><title>GS1 resolver test suite</title>
<div id="rotatingcircle"></div><div id="gs1ResolverTests"></div>
<script src="ajv7.bundle.js"></script><script src="GS1DigitalLinkToolkit.js"></script>
<script src="GS1DigitalLinkResolverTestSuite.js"></script>
<script>testDL(decodeURIComponent(location.hash.slice(1)));</script>`
	require.NoError(t, os.WriteFile(filepath.Join(public, "index.html"), []byte(page), 0o600))

	cmd := exec.Command(php, "-d", "curl.cainfo="+caFile, "-d", "openssl.cafile="+caFile, "-S", phpAddr, "tester.php")
	cmd.Dir = site
	phpLog, err := os.Create(filepath.Join(site, "php.log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = phpLog, phpLog
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			b, _ := os.ReadFile(phpLog.Name())
			t.Logf("php log (last 4 KiB):\n%s", tail(b, 4096))
		}
	})
	waitListening(t, phpAddr)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(testnet.ChromiumPath(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		// The resolver's certificate is the test's own.
		chromedp.Flag("ignore-certificate-errors", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancel := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	defer cancel()
	ctx, cancelRun := context.WithTimeout(bctx, 3*time.Minute)
	defer cancelRun()

	tab, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()
	dl := base + "/01/" + gtin + "/21/SN-1"
	require.NoError(t, chromedp.Do(tab, chromedp.Navigate(local+"#"+url.QueryEscape(dl))))
	// testDL hides its spinner when it is done, whether or not it got as far
	// as its summary.
	require.Eventually(t, func() bool {
		done, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.getElementById('rotatingcircle').style.visibility === 'hidden'`))
		return err == nil && done
	}, 2*time.Minute, 200*time.Millisecond, "the suite did not finish")
	results, err := chromedp.Run(tab, chromedp.Evaluate[[]gs1SuiteResult](`resultsArray.map(r => ({id: r.id, test: r.test, status: r.status, msg: r.msg}))`))
	require.NoError(t, err)
	require.NotEmpty(t, results)
	for _, r := range results {
		t.Logf("%-5s %-24s %s: %s", r.Status, r.ID, r.Test, r.Msg)
		assert.Equal(t, "pass", r.Status, "%s (%s): %s", r.ID, r.Test, r.Msg)
	}

	// The suite reads only uncompressed links (its compression checks are
	// commented out), so the compressed links the resolver answers are
	// checked against the GS1 toolkit the page loaded: it must read every
	// link our compressor writes as the AIs it was made from, and we must
	// read every link it compresses. No SSCC: the
	// toolkit turns a run of digits into a JavaScript number, exact only up
	// to 2^53, and reads even its own compression of the 18-digit SSCC
	// 106141411234567897 back as 106141411234567900 (docs/resolver.md).
	t.Run("GS1 toolkit and our compression agree", func(t *testing.T) {
		for _, c := range []struct {
			link string
			ais  map[string]string
			// The toolkit sorts its optimisation table in place (its
			// constructor's tableOpt[k].sort()), so it writes the values of
			// optimisation codes 1A and 9D in sorted AI order, not in the
			// table's order, which our decoder and OpenEPCIS's port follow.
			toolkitSortsCode bool
		}{
			{"/01/" + gtin + "/21/SN-1", map[string]string{"01": gtin, "21": "SN-1"}, false},
			{"/01/" + gtin + "/10/L42?17=271231", map[string]string{"01": gtin, "10": "L42", "17": "271231"}, false},
			{"/01/" + gtin + "/21/ABC%2F12.3_x", map[string]string{"01": gtin, "21": "ABC/12.3_x"}, false},
			{"/414/" + gln + "/254/A1", map[string]string{"414": gln, "254": "A1"}, true},
			{"/01/" + gtin + "/10/L42/21/7?17=271231", map[string]string{"01": gtin, "10": "L42", "21": "7", "17": "271231"}, true},
			{"/01/" + gtin + "/21/98765", map[string]string{"01": gtin, "21": "98765"}, false},
		} {
			compressed, err := identifier.CompressDigitalLink(base + c.link)
			require.NoError(t, err, c.link)
			got, err := chromedp.Run(tab, chromedp.Evaluate[map[string]string](
				`new GS1DigitalLinkToolkit().extractFromCompressedGS1digitalLink(`+strconv.Quote(compressed)+`).GS1`))
			require.NoError(t, err, "%s compressed to %s", c.link, compressed)
			assert.Equal(t, c.ais, got, "%s compressed to %s", c.link, compressed)

			if c.toolkitSortsCode {
				continue
			}
			// And the other way: what the toolkit compresses, we read.
			theirs, err := chromedp.Run(tab, chromedp.Evaluate[string](
				`new GS1DigitalLinkToolkit().compressGS1DigitalLink(`+strconv.Quote(base+c.link)+`, false, `+strconv.Quote(base)+`, false, true, false)`))
			require.NoError(t, err, c.link)
			dl, err := identifier.ParseDigitalLinkURI(theirs)
			require.NoError(t, err, "the toolkit compressed %s to %s", c.link, theirs)
			read := map[string]string{dl.PrimaryKey.AI: dl.PrimaryKey.Value}
			for _, a := range append(dl.Qualifiers, dl.Attributes...) {
				read[a.AI] = a.Value
			}
			assert.True(t, dl.Compressed, theirs)
			assert.Equal(t, c.ais, read, "the toolkit compressed %s to %s", c.link, theirs)
		}
	})
}

// pointSuiteHome makes the suite fetch its PHP helper, its two schemas and
// the link types from the local server instead of GS1's and its author's
// hosts; nothing else of the script changes.
func pointSuiteHome(t *testing.T, js, local string) string {
	t.Helper()
	for _, r := range [][2]string{
		{"const testUri = 'https://philarcher.org/gs1/tester.php'", "const testUri = '" + local + "tester.php'"},
		{"'https://ref.gs1.org/standards/resolver/description-file-schema'", "'" + local + "description-file-schema.json'"},
		{"'https://gs1.github.io/linkset/gs1-linkset-schema.json'", "'" + local + "gs1-linkset-schema.json'"},
		{"'https://ref.gs1.org/voc/data/linktypes'", "'" + local + "linktypes.json'"},
	} {
		require.Contains(t, js, r[0], "the suite's script changed: look again at what it fetches")
		js = strings.ReplaceAll(js, r[0], r[1])
	}
	return js
}

// waitListening waits until something accepts connections on addr.
func waitListening(t *testing.T, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return
		}
		require.True(t, time.Now().Before(deadline), "nothing listens on %s: %v", addr, err)
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
