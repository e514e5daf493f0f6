//go:build integration

package client_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// TestVerificationPageInABrowser opens the public verification page on the
// real ledger, as a shopper's phone does after scanning a QR code, for a
// genuine, a sold, a recalled, an unknown, an invalid and a mismatched code,
// in Chinese and in English, and reads the verdict a person reads.
func TestVerificationPageInABrowser(t *testing.T) {
	srv, _ := verificationService(t)
	browserPath := testnet.ChromiumPath(t)
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, R := org(t, mfrA), org(t, ret)
	u := f.Units(0, 3)
	_, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format("2006-01-02"), Codes: u})
	require.NoError(t, err)
	testnet.Deliver(t, A, R, u[1:2])
	_, err = R.Sell(ctx, model.SellRequest{Code: u[1]}, testnet.Buyer)
	require.NoError(t, err)
	_, err = admin(t, mfrA).Recall(ctx, model.RecallRequest{Codes: u[2:3], Reason: "insulation too thin"})
	require.NoError(t, err)
	testnet.Settled(t)

	path := func(code string) string {
		c, err := identifier.Parse(code)
		require.NoError(t, err)
		return strings.TrimPrefix(c.Canonical, "https://id.gs1.org")
	}
	serial := func(code string) string { c, _ := identifier.Parse(code); return c.Serial }
	cases := []struct{ name, target, verdict string }{
		{"genuine", path(u[0]), "genuine"},
		{"sold", path(u[1]), "sold"},
		{"recalled", path(u[2]), "recalled"},
		{"unknown", path(f.Unit(99)), "unknown"},
		{"invalid", "/verify?code=" + url.QueryEscape("(01)06901234000017(21)X"), "invalid_code"},
		// A copied label: the right serial under another batch.
		{"mismatch", "/01/" + f.GTIN + "/10/WRONG/21/" + url.PathEscape(serial(u[0])), "mismatch"},
	}

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(browserPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(390, 844))
	t.Cleanup(cancelAlloc)
	browser, cancel := chromedp.NewContext(alloc)
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(browser), "start Chromium")

	for _, lang := range []string{"zh", "en"} {
		for _, c := range cases {
			t.Run(c.name+"_"+lang, func(t *testing.T) {
				tab, cancel := chromedp.NewContext(browser)
				defer cancel()
				tctx, cancelT := context.WithTimeout(tab, 30*time.Second)
				defer cancelT()
				target := srv.URL + c.target
				sep := "?"
				if strings.Contains(target, "?") {
					sep = "&"
				}
				require.NoError(t, chromedp.Do(tctx, chromedp.Navigate(target+sep+"lang="+lang), chromedp.WaitVisible(chromedp.ID("verdict"))))
				attr, err := chromedp.Run(tctx, chromedp.AttributeValue(chromedp.ID("verdict"), "data-verdict"))
				require.NoError(t, err)
				verdict := attr.Value
				text, err := chromedp.Run(tctx, chromedp.Text(chromedp.ID("verdict")))
				require.NoError(t, err)
				lang0, err := chromedp.Run(tctx, chromedp.Evaluate[string](`document.documentElement.lang`))
				require.NoError(t, err)
				assert.Equal(t, c.verdict, verdict, "%s: %s", c.name, text)
				assert.True(t, strings.HasPrefix(lang0, lang), "page language %q", lang0)
				assert.NotEmpty(t, strings.TrimSpace(text), "the verdict is written out")
				for _, private := range []string{testnet.Buyer.BuyerName, "RetailerMSP"} {
					assert.NotContains(t, text, private)
				}
			})
		}
	}
}
