//go:build browser

// The browser test opens the verification page in a real headless Chromium
// on a phone-sized screen and reads what a person reads. It needs Chromium
// and a CJK font, so it only builds with the tag:
//
//	go test -tags browser -run TestBrowser -v ./client/resolver/
//
// test-network/browser.sh ensure finds Chromium or installs it (Debian's
// chromium and fonts-noto-cjk, as root); TRACECHAIN_CHROMIUM names a binary
// instead. Screenshots go to TRACECHAIN_SCREENSHOTS (default: a temporary
// directory, kept only for the test's life).

package resolver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// The phone the pages are looked at on: an iPhone 12-15 sized viewport in
// CSS pixels, at twice the density so the screenshots show what a phone
// shows.
const (
	phoneWidth  = 390
	phoneHeight = 844
	phoneScale  = 2
)

// seenRequest is what the server got from the browser.
type seenRequest struct{ path, accept, acceptLanguage string }

type requestLog struct {
	sync.Mutex
	reqs []seenRequest
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.Lock()
		l.reqs = append(l.reqs, seenRequest{r.URL.RequestURI(), r.Header.Get("Accept"), r.Header.Get("Accept-Language")})
		l.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (l *requestLog) since(n int) []seenRequest {
	l.Lock()
	defer l.Unlock()
	return append([]seenRequest(nil), l.reqs[n:]...)
}

func (l *requestLog) len() int {
	l.Lock()
	defer l.Unlock()
	return len(l.reqs)
}

// browser starts one headless Chromium for the test; each page gets a tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(testnet.ChromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox, // the test may run as root, where the sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("hide-scrollbars", true),
		// Nothing but the test server resolves: a page that tried to load
		// a font or a script from elsewhere fails here, as well as being
		// caught by the request check, and the browser itself calls home
		// to no one.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(phoneWidth, phoneHeight),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	// The first Do starts the browser; it gets no timeout, which would
	// stop the whole browser when it ran out.
	require.NoError(t, chromedp.Do(ctx), "start Chromium")
	return ctx
}

// tab is one page in the browser, with every request it made.
type tab struct {
	ctx  context.Context
	mu   sync.Mutex
	urls []string
}

func newTab(t *testing.T, browserCtx context.Context, acceptLanguage string) *tab {
	t.Helper()
	tb := &tab{}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithListener(func(ev any) {
		// Runs in the tab's event loop: record and return.
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			tb.mu.Lock()
			tb.urls = append(tb.urls, e.Request.URL)
			tb.mu.Unlock()
		}
	}))
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx), "open a tab")
	tctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(cancelT)
	tb.ctx = tctx
	require.NoError(t, chromedp.Do(tctx,
		chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateScale(phoneScale), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": acceptLanguage}})
			return err
		}),
	))
	return tb
}

func (tb *tab) requests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.urls...)
}

// shown is what a person sees of the page.
type shown struct {
	url, htmlLang, verdict, text string
	innerWidth, scrollWidth      int
	verdictBottom, titleFontPx   float64
}

func (tb *tab) read(t *testing.T) shown {
	t.Helper()
	var s shown
	var err error
	ctx := tb.ctx
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("verdict"))))
	s.url, err = chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	s.text, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("verdict")))
	require.NoError(t, err)
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.ID("verdict"), "data-verdict"))
	require.NoError(t, err)
	s.verdict = attr.Value
	s.htmlLang, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	require.NoError(t, err)
	s.innerWidth, err = chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`))
	require.NoError(t, err)
	s.scrollWidth, err = chromedp.Run(ctx, chromedp.Evaluate[int](`Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`))
	require.NoError(t, err)
	s.verdictBottom, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`document.getElementById('verdict').getBoundingClientRect().bottom`))
	require.NoError(t, err)
	s.titleFontPx, err = chromedp.Run(ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.querySelector('#verdict h1')).fontSize)`))
	require.NoError(t, err)
	return s
}

// screenshot saves the first screen, what a person sees when the page
// opens, as name.png, and the whole page as name-full.png.
func (tb *tab) screenshot(t *testing.T, dir, name string) {
	t.Helper()
	for suffix, shot := range map[string]chromedp.Action[[]byte]{"": chromedp.CaptureScreenshot(), "-full": chromedp.FullScreenshot(100)} {
		png, err := chromedp.Run(tb.ctx, shot)
		require.NoError(t, err)
		p := filepath.Join(dir, name+suffix+".png")
		require.NoError(t, os.WriteFile(p, png, 0o644))
		t.Logf("screenshot %s (%d KB)", p, len(png)/1024)
	}
}

// assertInline checks that every request the page made went to the test
// server: the page and its form, nothing else (no CDN, font or script).
func assertInline(t *testing.T, tb *tab, server string) {
	t.Helper()
	reqs := tb.requests()
	require.NotEmpty(t, reqs, "the listener saw the page's own request")
	for _, u := range reqs {
		assert.True(t, strings.HasPrefix(u, server+"/") || strings.HasPrefix(u, "data:"), "request to %s leaves the page's server", u)
	}
}

// TestBrowserPage opens the page for each verdict in Chinese and English on
// a phone, reads the verdict as a person does, and saves a screenshot.
func TestBrowserPage(t *testing.T) {
	dir := testnet.ScreenshotDir(t)
	log := &requestLog{}
	// No WithDomain: the links and the form point at the test server.
	h := resolver.New(pageLedger(), resolver.WithClock(func() time.Time { return now }))
	srv := httptest.NewServer(log.wrap(h))
	t.Cleanup(srv.Close)
	ctx := browser(t)

	// A person arrives by scanning the QR code (a Digital Link, redirected
	// to the page) or by a link to /verify; both are covered.
	targets := map[string]string{
		"genuine":  unitPath,
		"mismatch": "/01/" + gtin + "/21/SN-1?17=281231",
	}
	languages := []struct{ name, acceptLanguage, htmlLang string }{
		{"zh", "zh-CN,zh;q=0.9", "zh-CN"},
		{"en", "en-US,en;q=0.9", "en"},
	}
	for _, c := range pageCases {
		for _, lang := range languages {
			t.Run(c.name+"_"+lang.name, func(t *testing.T) {
				target := c.target
				if dl, ok := targets[c.name]; ok {
					target = dl
				}
				n := log.len()
				tb := newTab(t, ctx, lang.acceptLanguage)
				require.NoError(t, chromedp.Do(tb.ctx, chromedp.Navigate(srv.URL+target)))
				s := tb.read(t)

				want := c.zh
				if lang.name == "en" {
					want = c.en
				}
				assert.Equal(t, c.verdict, s.verdict, "data-verdict")
				assert.Contains(t, s.text, want, "the words of the verdict")
				assert.Equal(t, lang.htmlLang, s.htmlLang)
				assert.True(t, strings.HasPrefix(s.url, srv.URL+"/verify?"), "ends on the page: %s", s.url)

				// The phone: laid out at the device width (the viewport
				// meta works), nothing wider than the screen, and the
				// verdict whole on the first screen in large type.
				assert.Equal(t, phoneWidth, s.innerWidth, "layout viewport is the device width")
				assert.LessOrEqual(t, s.scrollWidth, phoneWidth, "no horizontal scrolling")
				assert.LessOrEqual(t, s.verdictBottom, float64(phoneHeight), "the verdict is on the first screen")
				assert.GreaterOrEqual(t, s.titleFontPx, 28.0, "the verdict is large")

				assertInline(t, tb, srv.URL)
				// The server saw a browser's navigation: HTML preferred, and
				// the language the tab asked for.
				for _, r := range log.since(n) {
					assert.Contains(t, r.accept, "text/html", r.path)
					assert.Equal(t, lang.acceptLanguage, r.acceptLanguage, r.path)
				}
				tb.screenshot(t, dir, "verify-"+c.verdict+"-"+lang.name)
			})
		}
	}

	// A suspended producer: the verdict stays the unit's, and the warning
	// card is seen, in the person's language, without scrolling far.
	for _, lang := range []struct{ name, acceptLanguage, htmlLang, words string }{
		{"zh", "zh-CN,zh;q=0.9", "zh-CN", "生产企业已被监管部门暂停"},
		{"en", "en-US,en;q=0.9", "en", "the producer is suspended"},
	} {
		t.Run("suspended_producer_"+lang.name, func(t *testing.T) {
			tb := newTab(t, ctx, lang.acceptLanguage)
			require.NoError(t, chromedp.Do(tb.ctx, chromedp.Navigate(srv.URL+"/verify?code="+url.QueryEscape(suspendedURI))))
			s := tb.read(t)
			assert.Equal(t, "genuine", s.verdict)
			assert.Equal(t, lang.htmlLang, s.htmlLang)
			require.NoError(t, chromedp.Do(tb.ctx, chromedp.WaitVisible(chromedp.ID("suspended-producer"))))
			warning, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.ID("suspended-producer")))
			require.NoError(t, err)
			assert.Contains(t, warning, lang.words)
			top, err := chromedp.Run(tb.ctx, chromedp.Evaluate[float64](`document.getElementById('suspended-producer').getBoundingClientRect().top`))
			require.NoError(t, err)
			assert.Less(t, top, float64(phoneHeight), "the warning starts on the first screen")
			assert.LessOrEqual(t, s.scrollWidth, phoneWidth, "no horizontal scrolling")
			assertInline(t, tb, srv.URL)
			tb.screenshot(t, dir, "verify-suspended-"+lang.name)
		})
	}

	t.Run("language_switch_keeps_the_verdict", func(t *testing.T) {
		tb := newTab(t, ctx, "zh-CN,zh;q=0.9")
		require.NoError(t, chromedp.Do(tb.ctx, chromedp.Navigate(srv.URL+targets["mismatch"])))
		assert.Equal(t, "mismatch", tb.read(t).verdict)
		_, err := chromedp.RunResponse(tb.ctx, chromedp.Click(chromedp.ID("lang-en"), chromedp.NodeVisible))
		require.NoError(t, err)
		s := tb.read(t)
		assert.Equal(t, "mismatch", s.verdict, "the batch and date parameters came along")
		assert.Equal(t, "en", s.htmlLang)
		assert.Contains(t, s.text, "Batch/expiry mismatch")
		assertInline(t, tb, srv.URL)
	})

	t.Run("a_clerk_types_a_code_into_the_form", func(t *testing.T) {
		tb := newTab(t, ctx, "zh-CN,zh;q=0.9")
		require.NoError(t, chromedp.Do(tb.ctx,
			chromedp.Navigate(srv.URL+"/verify"),
			chromedp.WaitVisible(chromedp.ID("code")),
		))
		_, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.getElementById('verdict') === null`))
		require.NoError(t, err)
		tb.screenshot(t, dir, "verify-form-zh")
		require.NoError(t, chromedp.Do(tb.ctx, chromedp.SendKeys(chromedp.ID("code"), "(01)"+gtin+"(21)RC")))
		_, err = chromedp.RunResponse(tb.ctx, chromedp.Submit(chromedp.ID("code")))
		require.NoError(t, err)
		s := tb.read(t)
		assert.Equal(t, "recalled", s.verdict)
		assert.Contains(t, s.text, "召回")
		q := url.Values{"code": {"(01)" + gtin + "(21)RC"}, "lang": {"zh"}}
		assert.Equal(t, srv.URL+"/verify?"+q.Encode(), s.url)
		assertInline(t, tb, srv.URL)
	})

	t.Run("no_text_outside_the_catalog", func(t *testing.T) {
		// Sanity check of the fixtures the screenshots show: the page has
		// no empty labels, which a missing catalog key would leave as the
		// key itself.
		tb := newTab(t, ctx, "en")
		require.NoError(t, chromedp.Do(tb.ctx, chromedp.Navigate(srv.URL+pageCases[2].target)))
		body, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS("body")))
		require.NoError(t, err)
		raw := regexp.MustCompile(`\b(verdict|field|section|status|form|page|recall|reason|rule|notice|lang)\.[a-z]`)
		assert.Empty(t, raw.FindAllString(body, -1), "catalog keys shown raw")
	})
}
