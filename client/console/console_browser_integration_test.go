//go:build integration

package console_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// Screens the console is looked at on, in CSS pixels: a laptop and a
// tablet held upright.
var consoleScreens = []struct {
	name          string
	width, height int64
}{{"laptop", 1366, 800}, {"tablet", 820, 1180}}

// runTool runs one of the NSS or OpenSSL tools the test needs.
func runTool(t *testing.T, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput() //nolint:gosec // fixed tools, arguments of the test's own files
	require.NoError(t, err, "%s %s: %s", name, strings.Join(args, " "), out)
}

// staffBrowser starts a headless Chromium that presents s's certificate to
// the console at origin, as a staff member's browser does. Chromium on
// Linux takes client certificates from the NSS database in
// $HOME/.pki/nssdb: the test makes one under a temporary HOME with
// certutil and pk12util (Debian's libnss3-tools), imports the staff
// member's key and certificate as PKCS#12 (made by openssl) and trusts the
// console's server CA. Headless Chromium has no dialog to pick a
// certificate; the profile's content setting auto_select_certificate (what
// the AutoSelectCertificateForUrls policy sets, here in the profile's
// Preferences, so no system policy is written) selects it for origin.
func staffBrowser(t *testing.T, s staffFiles, serverCA, origin string) context.Context {
	t.Helper()
	home := t.TempDir()
	nss := "sql:" + filepath.Join(home, ".pki", "nssdb")
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".pki", "nssdb"), 0o700))
	runTool(t, "certutil", "-N", "-d", nss, "--empty-password")
	p12 := filepath.Join(home, "staff.p12")
	runTool(t, "openssl", "pkcs12", "-export", "-in", s.cert, "-inkey", s.key, "-name", "staff", "-out", p12, "-passout", "pass:console-test")
	runTool(t, "pk12util", "-i", p12, "-d", nss, "-W", "console-test")
	runTool(t, "certutil", "-A", "-n", "console-server-ca", "-t", "C,,", "-i", serverCA, "-d", nss)
	profile := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(profile, "Default"), 0o700))
	prefs := `{"profile":{"content_settings":{"exceptions":{"auto_select_certificate":{"` + origin + `,*":{"setting":{"filters":[{}]}}}}}}}`
	require.NoError(t, os.WriteFile(filepath.Join(profile, "Default", "Preferences"), []byte(prefs), 0o600))

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(testnet.ChromiumPath(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Env("HOME="+home), chromedp.UserDataDir(profile), chromedp.WindowSize(1366, 800))
	t.Cleanup(cancelAlloc)
	browser, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(browser), "start Chromium")
	return browser
}

// consoleShot saves the first screen of the page as name.png in dir.
func consoleShot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	p := filepath.Join(dir, name+".png")
	require.NoError(t, os.WriteFile(p, png, 0o644)) //nolint:gosec // a screenshot for the docs
	t.Logf("screenshot %s (%d KB)", p, len(png)/1024)
}

// publicVerdict opens the public verification page of code and reads its
// verdict.
func publicVerdict(t *testing.T, browser context.Context, public, code string) string {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	tctx, cancelT := context.WithTimeout(tab, 30*time.Second)
	defer cancelT()
	require.NoError(t, chromedp.Do(tctx, chromedp.Navigate(public+"/verify?lang=en&code="+url.QueryEscape(code)),
		chromedp.WaitVisible(chromedp.ID("verdict"))))
	attr, err := chromedp.Run(tctx, chromedp.AttributeValue(chromedp.ID("verdict"), "data-verdict"))
	require.NoError(t, err)
	return attr.Value
}

// TestRegulatorConsoleInABrowser opens the console in headless Chromium as
// the Regulator's admin staff, with the staff certificate in the browser:
// it reads a recall's reach, decides a clone report with the page's own
// form, and sees the verdict change on the public verification page; a
// browser with another organisation's certificate is refused the console.
// Screenshots in Chinese and English, on a laptop and a tablet, go to
// TRACECHAIN_SCREENSHOTS (default: a temporary directory).
func TestRegulatorConsoleInABrowser(t *testing.T) {
	dir := testnet.ScreenshotDir(t)
	rc := startRegulatorConsole(t)
	base := rc.srv.URL + "/console/"
	// The public page, answering from the ledger with no cache, as the
	// Regulator's read-only identity.
	p, err := client.LoadProfile(testnet.Current().ProfilePath(testnet.Regulator))
	require.NoError(t, err)
	reader, err := client.Connect(context.Background(), client.WithProfileAs(p, client.IdentityReader))
	require.NoError(t, err)
	t.Cleanup(func() { _ = reader.Close() })
	public := httptest.NewServer(nil)
	t.Cleanup(public.Close)
	public.Config.Handler = resolver.New(reader, resolver.WithDomain(public.URL), resolver.WithCacheTTL(0), resolver.WithRateLimit(0, 1))

	rec, _ := recallStory(t)
	code, alertID := cloneStory(t)
	rc.caughtUp(t)
	browser := staffBrowser(t, adminStaff(testnet.Regulator), rc.serverC, rc.srv.URL)

	// The recall's reach, as a person reads it, on both screens and in both languages.
	for _, screen := range consoleScreens {
		for _, lang := range []string{"zh", "en"} {
			tab, cancel := chromedp.NewContext(browser)
			tctx, cancelT := context.WithTimeout(tab, 30*time.Second)
			require.NoError(t, chromedp.Do(tctx, chromedp.EmulateViewport(screen.width, screen.height),
				chromedp.Navigate(base+"?lang="+lang+"&id="+url.QueryEscape(rec.ID)), chromedp.WaitVisible(chromedp.ID("reach-table"))))
			row, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`tr[data-holder="`+testnet.MSPID(testnet.ManufacturerB)+`"]`)))
			require.NoError(t, err)
			want := map[string]string{"zh": "未确认", "en": "not acknowledged"}[lang]
			assert.Contains(t, row, want, "ManufacturerB has not acknowledged (%s)", lang)
			row, err = chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`tr[data-holder="`+testnet.MSPID(testnet.Distributor)+`"]`)))
			require.NoError(t, err)
			assert.Contains(t, row, map[string]string{"zh": "已确认", "en": "acknowledged"}[lang])
			staff, err := chromedp.Run(tctx, chromedp.Text(chromedp.ID("staff")))
			require.NoError(t, err)
			assert.Equal(t, "Admin@regulator.tracechain.example", staff, "signed in with the certificate")
			consoleShot(t, tctx, dir, "console-recall-"+lang+"-"+screen.name)
			cancelT()
			cancel()
		}
	}

	// Decide the report with the page's form; the public page follows.
	assert.Equal(t, "sold", publicVerdict(t, browser, public.URL, code), "a report alone changes no verdict")
	queue, _ := findQueueAlert(t, rc.as(t, adminStaff(testnet.Regulator)), base, alertID)
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	tctx, cancelT := context.WithTimeout(tab, time.Minute)
	defer cancelT()
	card := `li[data-alert="` + alertID + `"]`
	require.NoError(t, chromedp.Do(tctx, chromedp.EmulateViewport(1366, 800), chromedp.Navigate(queue), chromedp.WaitVisible(chromedp.CSS(card))))
	consoleShot(t, tctx, dir, "console-queue-en-laptop")
	require.NoError(t, chromedp.Do(tctx, chromedp.SendKeys(chromedp.CSS(card+` input[name="note"]`), "browser test: confirmed at the shop"),
		chromedp.Click(chromedp.CSS(card+` button.confirm`)), chromedp.WaitVisible(chromedp.CSS(`#decided, #notice`))))
	decided, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`#decided, #notice`)))
	require.NoError(t, err)
	assert.Contains(t, decided, "confirmed clone")
	testnet.Settled(t)
	assert.Equal(t, "suspected_clone", publicVerdict(t, browser, public.URL, code), "the public page shows the decision")
	require.NoError(t, chromedp.Do(tctx, chromedp.EmulateViewport(820, 1180), chromedp.Navigate(base+"stats?lang=zh"), chromedp.WaitVisible(chromedp.ID("stats"))))
	consoleShot(t, tctx, dir, "console-stats-zh-tablet")

	// Another organisation's administrator, with its own CA's certificate in its browser, is refused.
	stranger := staffBrowser(t, adminStaff(testnet.ManufacturerA), rc.serverC, rc.srv.URL)
	stab, scancel := chromedp.NewContext(stranger)
	defer scancel()
	sctx, scancelT := context.WithTimeout(stab, 30*time.Second)
	defer scancelT()
	err = chromedp.Do(sctx, chromedp.Navigate(base+"?lang=en"))
	require.Error(t, err, "ManufacturerA's certificate opens no console")
	assert.Contains(t, err.Error(), "net::ERR_", "the TLS handshake fails")
}
