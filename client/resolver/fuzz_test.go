package resolver_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/client/resolver"
)

// FuzzHandler sends arbitrary request targets: the resolver never answers
// 5xx (the fake ledger is always up), never 200 for a Digital Link path
// that does not parse, and never more than one Link field.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{
		unitPath, unitPath + "/", unitPath + "?linkType=linkset", unitPath + "?17=271231&linkType=gs1:pip",
		"/00/" + sscc, "/414/" + gln, "/p/01/9506000134352/10/L%2F7", "/01/" + gtin + "?linkType=gs1:nosuchlt",
		"/verify?code=" + url.QueryEscape(unitURI) + "&17=271231", "/verify?code=ecode:10001123", "/recall?code=x",
		"/.well-known/gs1resolver", "/", "//01/" + gtin, "/01/%zz", "/01/" + gtin + "?%41=1",
		// The page, reached without an Accept header by format=html.
		"/verify?format=html&lang=en&code=" + url.QueryEscape(unitURI) + "&10=X", "/verify?format=html", "/01/123?format=html",
		"/?format=html", "/verify?format=html&code=%3Cb%3E",
		compressedUnit, compressedSerial + "?linkType=linkset", "/ARHKVA", resolver.ContextPath,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	h := newResolver(ledger(), resolver.WithCacheTTL(0))
	f.Fuzz(func(t *testing.T, target string, head bool) {
		if !strings.HasPrefix(target, "/") {
			return
		}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			return
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if head {
			r.Method = http.MethodHead
		}
		r.URL, r.RequestURI = u, target
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s: %d %s", target, w.Code, w.Body)
		}
		if w.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("%s: no CORS", target)
		}
		if n := len(w.Header().Values("Link")); n > 1 {
			t.Fatalf("%s: %d Link fields, want one", target, n)
		}
		switch u.Path {
		case "/", "/.well-known/gs1resolver", "/verify", "/recall", "/certification", resolver.ContextPath:
			return
		}
		if w.Code == http.StatusOK || w.Code == http.StatusTemporaryRedirect {
			p := u.EscapedPath()
			if len(p) > 1 && p[len(p)-1] == '/' {
				p = p[:len(p)-1]
			}
			raw := "https://id.gs1.org" + p
			if u.RawQuery != "" {
				raw += "?" + u.RawQuery
			}
			if _, err := identifier.ParseDigitalLinkURI(raw); err != nil {
				t.Fatalf("%s: %d for an invalid Digital Link (%v)", target, w.Code, err)
			}
		}
	})
}
