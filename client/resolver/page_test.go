package resolver_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/client/resolver/resolvertest"
)

// browserAccept is the Accept header Chromium sends for a navigation.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

// pageLedger is ledger() with a unit for each verdict that ledger() lacks.
func pageLedger() *resolvertest.Verifier {
	v := ledger()
	base := v.Answers[unitURI]
	clone, gone := base, base
	clone.Code, clone.Verdict, clone.AlertID, clone.Disposition = "https://id.gs1.org/01/"+gtin+"/21/CL", model.VerdictSuspectedClone, "alert-7", "retail_sold"
	gone.Code, gone.Verdict, gone.Disposition = "https://id.gs1.org/01/"+gtin+"/21/DC", model.VerdictDecommissioned, "destroyed"
	v.Set(clone)
	v.Set(gone)
	v.Set(suspendedUnit(base))
	return v
}

// suspendedURI is a genuine unit whose maker the Regulator has suspended.
const suspendedURI = "https://id.gs1.org/01/" + gtin + "/21/SP"

// suspendedUnit is base as Verify answers it once the Regulator suspended
// its producer.
func suspendedUnit(base model.Verification) model.Verification {
	p := *base.Producer
	p.Suspended = true
	base.Code, base.Producer = suspendedURI, &p
	return base
}

// pageCase is one code a person checks, and the verdict the page must show.
type pageCase struct {
	name, target string
	verdict      string
	status       int
	zh, en       string // words of the verdict title
}

// pageCases cover every verdict; the browser test opens the same pages.
var pageCases = []pageCase{
	{"genuine", "/verify?code=" + url.QueryEscape(unitURI), "genuine", 200, "正品", "Genuine"},
	{"sold", "/verify?code=" + url.QueryEscape("(01)"+gtin+"(21)OLD"), "sold", 200, "已售出", "Sold — genuine, already sold"},
	{"recalled", "/verify?code=" + url.QueryEscape("https://id.gs1.org/01/"+gtin+"/21/RC"), "recalled", 200, "召回", "Recalled — do not use"},
	{"suspected_clone", "/verify?code=" + url.QueryEscape("https://id.gs1.org/01/"+gtin+"/21/CL"), "suspected_clone", 200, "疑似仿冒", "Suspected counterfeit"},
	{"decommissioned", "/verify?code=" + url.QueryEscape("https://id.gs1.org/01/"+gtin+"/21/DC"), "decommissioned", 200, "已注销", "Decommissioned"},
	{"unknown", "/verify?code=" + url.QueryEscape("https://id.gs1.org/01/"+gtin+"/21/NEVER"), "unknown", 200, "未登记", "Unknown code — not registered"},
	{"invalid_code", "/verify?code=" + url.QueryEscape("(01)09506000134353(21)1"), "invalid_code", 400, "无效码", "Invalid code"},
	{"mismatch", "/verify?code=" + url.QueryEscape("https://id.gs1.org/01/"+gtin+"/21/SN-1") + "&17=281231", "mismatch", 200, "批号/有效期不符", "Batch/expiry mismatch — possibly a copied code"},
}

var (
	verdictAttr = regexp.MustCompile(`<section id="verdict" class="verdict tone-[a-z]+" data-verdict="([a-z_]+)"`)
	verdictText = regexp.MustCompile(`(?s)<section id="verdict"[^>]*>(.*?)</section>`)
	tagRE       = regexp.MustCompile(`<[^>]+>`)
)

// verdictOf is the data-verdict word and the visible text of #verdict.
func verdictOf(t *testing.T, body string) (string, string) {
	t.Helper()
	m := verdictAttr.FindStringSubmatch(body)
	require.NotNil(t, m, "no #verdict in %s", body)
	txt := verdictText.FindStringSubmatch(body)
	require.NotNil(t, txt)
	return m[1], strings.Join(strings.Fields(tagRE.ReplaceAllString(txt[1], " ")), " ")
}

func TestPageContentNegotiation(t *testing.T) {
	h := newResolver(pageLedger())
	code := "/verify?code=" + url.QueryEscape(unitURI)
	for _, c := range []struct {
		target, accept, want string
	}{
		{code, browserAccept, "text/html; charset=utf-8"},
		{code, "text/html", "text/html; charset=utf-8"},
		{code, "application/json;q=0.5, text/html", "text/html; charset=utf-8"},
		{code, "application/json", "application/json"},
		{code, "text/html;q=0.5, application/json", "application/json"},
		{code, "", "application/json"},
		{code, "*/*", "application/json"},
		{code, "text/*", "text/html; charset=utf-8"},
		{code, "text/html;q=0", "application/json"},
		{code + "&format=json", browserAccept, "application/json"},
		{code + "&format=html", "", "text/html; charset=utf-8"},
		{"/", browserAccept, "text/html; charset=utf-8"},
		{"/", "", "application/json"},
		// The JSON-only link targets stay JSON for a browser.
		{"/recall?code=" + url.QueryEscape(unitURI), browserAccept, "application/json"},
		{"/certification?code=" + url.QueryEscape(unitURI), browserAccept, "application/json"},
		{"/.well-known/gs1resolver", browserAccept, "application/json"},
	} {
		w := get(h, c.target, "Accept", c.accept)
		assert.Equal(t, c.want, w.Header().Get("Content-Type"), "%s Accept %q", c.target, c.accept)
		if strings.HasPrefix(c.target, "/verify") {
			assert.Equal(t, http.StatusOK, w.Code)
			assert.Contains(t, w.Header().Values("Vary"), "Accept", c.target)
			assert.Contains(t, w.Header().Values("Vary"), "Accept-Language", c.target)
		}
	}

	t.Run("a_Digital_Link_redirects_a_browser_to_the_page", func(t *testing.T) {
		w := get(h, unitPath, "Accept", browserAccept)
		require.Equal(t, http.StatusTemporaryRedirect, w.Code)
		loc, err := url.Parse(w.Header().Get("Location"))
		require.NoError(t, err)
		p := get(h, loc.RequestURI(), "Accept", browserAccept)
		require.Equal(t, http.StatusOK, p.Code)
		word, _ := verdictOf(t, p.Body.String())
		assert.Equal(t, "genuine", word)
	})

	t.Run("lang_and_format_pass_through_the_redirect", func(t *testing.T) {
		w := get(h, unitPath+"?lang=en", "Accept", browserAccept)
		require.Equal(t, http.StatusTemporaryRedirect, w.Code)
		loc, err := url.Parse(w.Header().Get("Location"))
		require.NoError(t, err)
		p := get(h, loc.RequestURI(), "Accept", browserAccept)
		assert.Equal(t, "en", p.Header().Get("Content-Language"))
		w = get(h, unitPath+"?format=json", "Accept", browserAccept)
		loc, err = url.Parse(w.Header().Get("Location"))
		require.NoError(t, err)
		a, _ := decodeAnswer(t, get(h, loc.RequestURI(), "Accept", browserAccept))
		assert.Equal(t, model.VerdictGenuine, a.Verdict)
	})

	t.Run("HEAD_has_the_headers_and_no_body", func(t *testing.T) {
		w := do(h, http.MethodHead, code, "Accept", browserAccept)
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
		assert.NotEmpty(t, w.Header().Get("Content-Length"))
		assert.Empty(t, w.Body.Bytes())
	})
}

func TestPageVerdicts(t *testing.T) {
	h := newResolver(pageLedger())
	for _, c := range pageCases {
		for _, lang := range []struct{ accept, want, htmlLang string }{
			{"", c.zh, "zh-CN"},
			{"zh-CN,zh;q=0.9,en;q=0.8", c.zh, "zh-CN"},
			{"en-US,en;q=0.9", c.en, "en"},
		} {
			w := get(h, c.target, "Accept", browserAccept, "Accept-Language", lang.accept)
			body := w.Body.String()
			assert.Equal(t, c.status, w.Code, c.name)
			assert.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"), c.name)
			assert.Equal(t, lang.htmlLang, w.Header().Get("Content-Language"), c.name)
			assert.Contains(t, body, `<html lang="`+lang.htmlLang+`">`, c.name)
			word, text := verdictOf(t, body)
			assert.Equal(t, c.verdict, word, c.name)
			assert.Contains(t, text, lang.want, "%s %s", c.name, lang.accept)
			assert.Contains(t, body, `<form id="check" method="get" action="/verify">`, "every page has the form")
		}
	}
}

func TestPageContent(t *testing.T) {
	h := newResolver(pageLedger())
	page := func(target string, hdr ...string) (int, string) {
		w := get(h, target, append([]string{"Accept", browserAccept}, hdr...)...)
		return w.Code, w.Body.String()
	}

	t.Run("genuine_shows_product_producer_batch_and_dates", func(t *testing.T) {
		_, body := page(pageCases[0].target)
		for _, s := range []string{"BV 2.5 电线", "electric wire and cable", "BV 2.5mm²", "GB/T 5023.3-2008", "2016010901123456",
			"福州电缆厂", uscc, "L42", "2026-01-10", "2027-12-31（未过期）", "2028-01-10（在保修期内）",
			`id="canonical" class="code">` + unitURI + "<", "2026-06-15 12:00"} {
			assert.Contains(t, body, s)
		}
		assert.NotContains(t, body, `id="recall"`)
		assert.NotContains(t, body, `id="reasons"`, "a plain genuine answer has no reasons")
	})

	t.Run("never_shows_the_holder_or_MSP_IDs", func(t *testing.T) {
		for _, c := range pageCases {
			_, body := page(c.target)
			assert.NotContains(t, body, "SECRET DISTRIBUTOR", c.name)
			assert.NotContains(t, body, "914403001922038216", c.name)
			assert.NotContains(t, body, "MSP", c.name)
		}
	})

	t.Run("recall_notice", func(t *testing.T) {
		_, body := page(pageCases[2].target)
		assert.Contains(t, body, `<section id="recall" class="card recall">`)
		assert.Contains(t, body, "召回编号：tx-recall-1")
		assert.Contains(t, body, "该产品或其批次正在召回。")
		_, en := page(pageCases[2].target, "Accept-Language", "en")
		assert.Contains(t, en, "Recall ID: tx-recall-1")
	})

	t.Run("sold_and_expired", func(t *testing.T) {
		_, body := page(pageCases[1].target, "Accept-Language", "en")
		assert.Contains(t, body, "2026-01-31 (expired)")
		assert.Contains(t, body, "2026-03-01 (warranty ended)")
		assert.Contains(t, body, "The expiry date (2026-01-31) has passed.")
	})

	t.Run("mismatch_reason_names_both_values", func(t *testing.T) {
		_, body := page(pageCases[7].target)
		assert.Contains(t, body, "包装上的有效期 2028-12-31 与账本登记的 2027-12-31 不一致。")
		_, en := page("/verify?code=" + url.QueryEscape("https://id.gs1.org/01/"+gtin+"/10/FAKE/21/SN-1") + "&lang=en")
		word, _ := verdictOf(t, en)
		assert.Equal(t, "mismatch", word)
		assert.Contains(t, en, "The batch on the pack, FAKE, differs from the ledger&#39;s, L42.")
	})

	t.Run("invalid_code_echoes_the_input_escaped", func(t *testing.T) {
		status, body := page("/verify?code=" + url.QueryEscape(`<script>alert(1)</script>`))
		assert.Equal(t, http.StatusBadRequest, status)
		word, _ := verdictOf(t, body)
		assert.Equal(t, "invalid_code", word)
		assert.NotContains(t, body, "<script>")
		assert.Contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
		_, body = page(pageCases[6].target)
		assert.Contains(t, body, "校验位不正确")
		assert.Contains(t, body, `id="input" class="code">(01)09506000134353(21)1<`)
	})

	t.Run("invalid_Digital_Link_path_is_a_400_page", func(t *testing.T) {
		status, body := page("/01/09506000134353/21/1")
		assert.Equal(t, http.StatusBadRequest, status)
		word, _ := verdictOf(t, body)
		assert.Equal(t, "invalid_code", word)
		assert.Contains(t, body, `value="`+domain+`/01/09506000134353/21/1"`, "offered back in the form")
	})

	t.Run("verify_without_code_is_the_form", func(t *testing.T) {
		status, body := page("/verify", "Accept-Language", "en")
		assert.Equal(t, http.StatusOK, status)
		assert.NotContains(t, body, `id="verdict"`)
		assert.Contains(t, body, "Check a code")
		assert.Contains(t, body, `<input id="code" name="code" type="text" value=""`)
		assert.Contains(t, body, `<input type="hidden" name="lang" value="en">`)
		assert.Equal(t, http.StatusBadRequest, get(h, "/verify", "Accept", "application/json").Code, "JSON clients still get the 400")
	})

	t.Run("language_switch_keeps_the_whole_query", func(t *testing.T) {
		_, body := page(pageCases[7].target)
		q := url.Values{"code": {"https://id.gs1.org/01/" + gtin + "/21/SN-1"}, "17": {"281231"}}
		q.Set("lang", "en")
		assert.Contains(t, body, `<a id="lang-en" href="?`+strings.ReplaceAll(q.Encode(), "&", "&amp;")+`" hreflang="en" lang="en">English</a>`)
		q.Set("lang", "zh")
		assert.Contains(t, body, `<a id="lang-zh" href="?`+strings.ReplaceAll(q.Encode(), "&", "&amp;")+`" hreflang="zh" lang="zh" aria-current="page">中文</a>`)
		_, en := page(pageCases[7].target+"&lang=en", "Accept-Language", "zh-CN")
		assert.Contains(t, en, `<html lang="en">`, "lang= beats Accept-Language")
	})

	t.Run("Accept_Language_picks_the_best_of_zh_and_en", func(t *testing.T) {
		for accept, want := range map[string]string{
			"fr-FR, en;q=0.5":       "en",
			"en-GB;q=0.4, zh;q=0.6": "zh-CN",
			"de, fr":                "zh-CN",
			"zh-Hant-TW":            "zh-CN",
			"EN":                    "en",
		} {
			w := get(h, pageCases[0].target, "Accept", browserAccept, "Accept-Language", accept)
			assert.Equal(t, want, w.Header().Get("Content-Language"), accept)
		}
	})

	t.Run("everything_is_inline", func(t *testing.T) {
		for _, c := range pageCases {
			w := get(h, c.target, "Accept", browserAccept)
			body := w.Body.String()
			assert.NotContains(t, body, "<script", c.name)
			assert.NotContains(t, body, "<img", c.name)
			assert.NotContains(t, body, "@import", c.name)
			assert.NotContains(t, body, "url(", c.name)
			for _, m := range regexp.MustCompile(`(?:href|src|action)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
				ok := strings.HasPrefix(m[1], "?") || m[1] == "data:," || m[1] == "/verify"
				assert.True(t, ok, "%s: reference %q leaves the page", c.name, m[1])
			}
			// The Content-Security-Policy admits the inline style sheet by
			// its hash and nothing from elsewhere.
			csp := w.Header().Get("Content-Security-Policy")
			assert.Contains(t, csp, "default-src 'none'")
			style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(body)
			require.NotNil(t, style)
			sum := sha256.Sum256([]byte(style[1]))
			assert.Contains(t, csp, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'", c.name)
		}
	})

	t.Run("phone_layout", func(t *testing.T) {
		_, body := page(pageCases[0].target)
		assert.Contains(t, body, `<meta name="viewport" content="width=device-width, initial-scale=1">`)
	})

	t.Run("base_path_of_the_domain", func(t *testing.T) {
		hp := resolver.New(pageLedger(), resolver.WithDomain("https://example.org/resolver/"))
		w := get(hp, pageCases[0].target, "Accept", browserAccept)
		assert.Contains(t, w.Body.String(), `action="/resolver/verify"`)
	})
}

func TestPageErrors(t *testing.T) {
	t.Run("ledger_unavailable_is_a_503_notice", func(t *testing.T) {
		v := resolvertest.New()
		v.Err = errors.New("dial tcp 10.0.0.7:7051: connection refused")
		var log bytes.Buffer
		w := get(resolver.New(v, resolver.WithLogger(slog.New(slog.NewTextHandler(&log, nil)))), pageCases[0].target, "Accept", browserAccept)
		assert.Equal(t, http.StatusServiceUnavailable, w.Code)
		body := w.Body.String()
		ref := regexp.MustCompile(`ref=([0-9a-f]{16})`).FindStringSubmatch(log.String())
		require.NotNil(t, ref, "the cause is logged under a reference: %s", log.String())
		assert.Contains(t, log.String(), "10.0.0.7")
		assert.Contains(t, body, `<p id="notice" class="notice" role="alert">暂时无法连接追溯账本，请稍后再试。 参考编号：`+ref[1]+`</p>`,
			"the person gets the reference to quote")
		assert.NotContains(t, body, `id="verdict"`, "no verdict without the ledger")
		assert.NotContains(t, body, "10.0.0.7")
		assert.Contains(t, body, `value="`+unitURI+`"`, "the code stays in the form for a retry")
	})

	t.Run("rate_limited_is_a_429_notice", func(t *testing.T) {
		h := newResolver(pageLedger(), resolver.WithRateLimit(1, 1))
		get(h, pageCases[0].target, "Accept", browserAccept)
		w := get(h, pageCases[0].target, "Accept", browserAccept, "Accept-Language", "en")
		assert.Equal(t, http.StatusTooManyRequests, w.Code)
		assert.NotEmpty(t, w.Header().Get("Retry-After"))
		assert.Contains(t, w.Body.String(), "Too many checks in a short time.")
	})

	t.Run("unsupported_key_is_a_404_notice", func(t *testing.T) {
		w := get(newResolver(pageLedger()), "/8004/9506000134352ABC", "Accept", browserAccept)
		assert.Equal(t, http.StatusNotFound, w.Code)
		assert.Contains(t, w.Body.String(), "本服务只查验商品（GTIN）")
	})
}
