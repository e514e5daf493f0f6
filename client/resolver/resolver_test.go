package resolver_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/client/resolver/resolvertest"
)

// Fixtures with verified check digits.
const (
	domain = "https://id.tracechain.example"
	gtin   = "09506000134352"
	sscc   = "106141411234567897"
	gln    = "9521234000006"
	uscc   = "91350100M000100Y43"
	vocab  = "https://ref.gs1.org/voc/"

	unitURI = "https://id.gs1.org/01/" + gtin + "/21/SN-1"
	lotURI  = "https://id.gs1.org/01/" + gtin + "/10/L42"
)

// clock is fixed on 2026-06-15 noon, China time.
var now = time.Date(2026, 6, 15, 4, 0, 0, 0, time.UTC)

func ledger() *resolvertest.Verifier {
	product := &model.Product{GTIN: gtin, Name: "BV 2.5 电线", Type: "electric wire and cable", Specification: "BV 2.5mm²",
		Standards: []string{"GB/T 5023.3-2008"}, Licence: "2016010901123456", WarrantyMonths: 24, Manufacturer: "ManufacturerAMSP"}
	producer := &model.Party{MSPID: "ManufacturerAMSP", Name: "福州电缆厂", USCC: uscc}
	holder := &model.Party{MSPID: "DistributorMSP", Name: "SECRET DISTRIBUTOR LTD", USCC: "914403001922038216"}
	return resolvertest.New(
		model.Verification{Code: unitURI, Verdict: model.VerdictGenuine, Class: "unit", Scheme: "gs1", Product: product, Producer: producer,
			Batch: "L42", ProductionDate: "2026-01-10", ExpiryDate: "2027-12-31", WarrantyEnd: "2028-01-10", Holder: holder, Disposition: "active"},
		model.Verification{Code: "https://id.gs1.org/01/" + gtin + "/21/OLD", Verdict: model.VerdictSold, Class: "unit", Scheme: "gs1", Product: product, Producer: producer,
			Batch: "L1", ExpiryDate: "2026-01-31", WarrantyEnd: "2026-03-01", Holder: holder, Disposition: "retail_sold",
			LastEventAt: time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC)},
		model.Verification{Code: "https://id.gs1.org/01/" + gtin + "/21/RC", Verdict: model.VerdictRecalled, Class: "unit", Scheme: "gs1",
			Product: product, Producer: producer, Batch: "L9", RecallID: "tx-recall-1", Holder: holder},
		model.Verification{Code: lotURI, Verdict: model.VerdictGenuine, Class: "lot", Scheme: "gs1", Product: product, Producer: producer, Batch: "L42", Holder: holder},
		model.Verification{Code: "https://id.gs1.org/00/" + sscc, Verdict: model.VerdictGenuine, Class: "container", Scheme: "gs1", Producer: producer, Holder: holder},
		model.Verification{Code: "ecode:10001123", Verdict: model.VerdictGenuine, Scheme: "ecode", Product: product, Producer: producer, Holder: holder},
		model.Verification{Code: "ccc:2016010901123456", Verdict: model.VerdictGenuine, Scheme: "ccc", Producer: producer, Holder: holder},
		model.Verification{Code: "dic:" + uscc + "/unit-1", Verdict: model.VerdictGenuine, Scheme: "dic", Producer: producer, Holder: holder},
	)
}

func newResolver(v resolver.Verifier, opts ...resolver.Option) *resolver.Resolver {
	return resolver.New(v, append([]resolver.Option{resolver.WithDomain(domain), resolver.WithClock(func() time.Time { return now })}, opts...)...)
}

func do(h http.Handler, method, target string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func get(h http.Handler, target string, hdr ...string) *httptest.ResponseRecorder {
	return do(h, http.MethodGet, target, hdr...)
}

type problemBody struct {
	Error  string `json:"error"`
	Rule   string `json:"rule"`
	Offset *int   `json:"offset"`
}

func decodeProblem(t *testing.T, w *httptest.ResponseRecorder) problemBody {
	t.Helper()
	var p problemBody
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &p), w.Body.String())
	require.NotEmpty(t, p.Error)
	require.NotEmpty(t, p.Rule)
	return p
}

// linkset decodes a linkset into anchor -> relation -> links.
type linkObj struct {
	Href     string   `json:"href"`
	Title    string   `json:"title"`
	Type     string   `json:"type"`
	Hreflang []string `json:"hreflang"`
}

func decodeLinkset(t *testing.T, w *httptest.ResponseRecorder) ([]string, map[string]map[string][]linkObj, map[string]string) {
	t.Helper()
	var doc struct {
		Linkset []map[string]json.RawMessage `json:"linkset"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &doc), w.Body.String())
	var anchors []string
	out := map[string]map[string][]linkObj{}
	desc := map[string]string{}
	for _, c := range doc.Linkset {
		var anchor, d string
		require.NoError(t, json.Unmarshal(c["anchor"], &anchor))
		require.NoError(t, json.Unmarshal(c["itemDescription"], &d))
		anchors = append(anchors, anchor)
		desc[anchor] = d
		out[anchor] = map[string][]linkObj{}
		for k, raw := range c {
			if k == "anchor" || k == "itemDescription" {
				continue
			}
			var ls []linkObj
			require.NoError(t, json.Unmarshal(raw, &ls), k)
			out[anchor][k] = ls
		}
	}
	return anchors, out, desc
}

func decodeAnswer(t *testing.T, w *httptest.ResponseRecorder) (resolver.Answer, map[string]any) {
	t.Helper()
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var a resolver.Answer
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &a))
	var m map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &m))
	return a, m
}

// linkHeaders splits the answer's one Link field into its link values.
func linkHeaders(w *httptest.ResponseRecorder) []string {
	var out []string
	for _, f := range w.Header().Values("Link") {
		for i, v := range strings.Split(f, ", <") {
			if i > 0 {
				v = "<" + v
			}
			out = append(out, v)
		}
	}
	return out
}

func hasLinkRel(w *httptest.ResponseRecorder, rel string) string {
	for _, l := range linkHeaders(w) {
		if strings.Contains(l, `rel="`+rel+`"`) {
			return l
		}
	}
	return ""
}

func assertCORS(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	assert.Equal(t, "*", w.Header().Get("Access-Control-Allow-Origin"))
	assert.Contains(t, w.Header().Get("Access-Control-Expose-Headers"), "Link")
	assert.Contains(t, w.Header().Get("Access-Control-Expose-Headers"), "Location")
	for _, m := range []string{"GET", "HEAD", "OPTIONS"} {
		assert.Contains(t, w.Header().Get("Access-Control-Allow-Methods"), m)
	}
}

const unitPath = "/01/" + gtin + "/10/L42/21/SN-1"

// TestConformance has one subtest per point of the GS1-Conformant Resolver
// 1.2 conformance list (and of the brief's resolver requirements) that the
// resolver meets; docs/resolver.md maps them.
func TestConformance(t *testing.T) {
	h := newResolver(ledger())

	t.Run("GET_HEAD_and_OPTIONS_are_supported", func(t *testing.T) {
		assert.Equal(t, http.StatusTemporaryRedirect, get(h, unitPath).Code)
		head := do(h, http.MethodHead, unitPath+"?linkType=linkset")
		assert.Equal(t, http.StatusOK, head.Code)
		assert.Empty(t, head.Body.Bytes(), "HEAD has no body")
		assert.Equal(t, "application/linkset+json", head.Header().Get("Content-Type"))
		assert.Equal(t, http.StatusNoContent, do(h, http.MethodOptions, unitPath).Code)
	})

	t.Run("OPTIONS_answers_with_CORS", func(t *testing.T) {
		w := do(h, http.MethodOptions, unitPath, "Origin", "https://shop.example", "Access-Control-Request-Method", "GET")
		assert.Equal(t, http.StatusNoContent, w.Code)
		assert.Equal(t, "GET, HEAD, OPTIONS", w.Header().Get("Allow"))
		assertCORS(t, w)
		assert.Contains(t, w.Header().Get("Access-Control-Allow-Headers"), "Accept")
		assert.Empty(t, w.Body.Bytes())
	})

	t.Run("CORS_on_every_answer", func(t *testing.T) {
		for _, target := range []string{unitPath, unitPath + "?linkType=linkset", "/01/" + gtin + "/21/x/foo", unitPath + "?linkType=gs1:nosuchlt",
			"/.well-known/gs1resolver", "/verify?code=" + url.QueryEscape(unitURI), "/verify", "/"} {
			assertCORS(t, get(h, target))
		}
		assertCORS(t, do(h, http.MethodPost, unitPath))
	})

	t.Run("other_methods_are_405_with_Allow", func(t *testing.T) {
		w := do(h, http.MethodPost, unitPath)
		assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
		assert.Equal(t, "GET, HEAD, OPTIONS", w.Header().Get("Allow"))
		assert.Equal(t, "method not allowed", decodeProblem(t, w).Rule)
	})

	t.Run("invalid_Digital_Link_is_400_with_a_problem_body", func(t *testing.T) {
		for _, c := range []struct {
			name, path, rule string
			offset           int
		}{
			{"bad check digit", "/01/09506000134353/21/1", "check digit", 17},
			{"unknown AI in the query", "/01/" + gtin + "?2999=1", "application identifier", 19},
			{"AI that cannot stand in a path", "/01/" + gtin + "/17/261231", "application identifier", 19},
			{"qualifiers out of order", "/01/" + gtin + "/21/1/10/L", "qualifier order", 24},
			{"qualifier in the query", "/01/" + gtin + "?10=L", "qualifier order", 19},
			{"test suite's /foo after a valid link", unitPath + "/foo", "syntax", 0},
			{"no primary key", "/foo/bar", "syntax", 0},
			{"bad date attribute", "/01/" + gtin + "?17=261341", "date", 24},
		} {
			w := get(h, c.path)
			assert.Equal(t, http.StatusBadRequest, w.Code, c.name)
			assert.Equal(t, "application/json", w.Header().Get("Content-Type"), c.name)
			p := decodeProblem(t, w)
			assert.Equal(t, c.rule, p.Rule, c.name)
			if c.offset > 0 && assert.NotNil(t, p.Offset, c.name) {
				assert.Equal(t, c.offset, *p.Offset, "%s: %s", c.name, p.Error)
			}
			assert.Empty(t, w.Header().Get("Location"), c.name)
		}
	})

	t.Run("no_200_carries_an_error", func(t *testing.T) {
		for _, target := range []string{"/01/123", "/01/" + gtin + "/21/", "/verify?code=nonsense", "/verify", "/8004/1234567890", "/01/" + gtin + "?linkType=gs1:nosuchlt"} {
			w := get(h, target)
			assert.GreaterOrEqual(t, w.Code, 400, target)
			assert.Less(t, w.Code, 500, target)
		}
	})

	t.Run("trailing_slash_is_tolerated", func(t *testing.T) {
		a, b := get(h, unitPath), get(h, unitPath+"/")
		assert.Equal(t, a.Code, b.Code)
		assert.Equal(t, a.Header().Get("Location"), b.Header().Get("Location"))
		c := get(h, unitPath+"/?17=271231")
		assert.Equal(t, http.StatusTemporaryRedirect, c.Code)
		assert.Contains(t, c.Header().Get("Location"), "17=271231")
	})

	t.Run("linkType_linkset_returns_the_RFC9264_linkset", func(t *testing.T) {
		for _, req := range []struct {
			target string
			hdr    []string
		}{
			{unitPath + "?linkType=linkset", nil},
			{unitPath + "?linkType=all", nil},
			{unitPath, []string{"Accept", "application/linkset+json"}},
			{unitPath + "?linkType=linkset", []string{"Accept", "application/linkset+json, application/json;q=0.5"}},
		} {
			w := get(h, req.target, req.hdr...)
			require.Equal(t, http.StatusOK, w.Code, req.target)
			assert.Equal(t, "application/linkset+json", w.Header().Get("Content-Type"), req.target)
			assert.Empty(t, w.Header().Get("Location"), "a linkset request is not redirected")
			anchors, _, _ := decodeLinkset(t, w)
			assert.Equal(t, domain+unitPath, anchors[0], "the anchor is the uncompressed request URI")
		}
		// A generic JSON client gets the same document as application/json.
		w := get(h, unitPath+"?linkType=linkset", "Accept", "application/json")
		assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
		assert.Contains(t, w.Header().Values("Vary"), "Accept")
	})

	t.Run("linkset_covers_every_level_up_to_the_primary_key", func(t *testing.T) {
		anchors, ls, desc := decodeLinkset(t, get(h, unitPath+"?linkType=linkset"))
		base := domain + "/01/" + gtin
		require.Equal(t, []string{base + "/10/L42/21/SN-1", base + "/10/L42", base}, anchors)
		assert.Equal(t, "BV 2.5 电线, batch L42, serial SN-1", desc[anchors[0]])
		assert.Equal(t, "BV 2.5 电线", desc[base])
		// Each level offers its own code's answers; class data sits on the GTIN.
		for _, a := range anchors {
			assert.Contains(t, ls[a], vocab+"verificationService", a)
			assert.Contains(t, ls[a], vocab+"recallStatus", a)
			assert.Contains(t, ls[a], vocab+"epcis", a)
			assert.Contains(t, ls[a], vocab+"defaultLink", a)
		}
		assert.Contains(t, ls[base], vocab+"pip")
		assert.Contains(t, ls[base], vocab+"certificationInfo")
		assert.NotContains(t, ls[anchors[0]], vocab+"pip")
		v := ls[anchors[1]][vocab+"verificationService"][0].Href
		assert.Equal(t, domain+"/verify?code="+url.QueryEscape(lotURI), v)
	})

	t.Run("every_link_has_target_type_and_title_in_zh_and_en", func(t *testing.T) {
		_, ls, _ := decodeLinkset(t, get(h, unitPath+"?linkType=linkset"))
		for anchor, rels := range ls {
			for rel, links := range rels {
				assert.True(t, strings.HasPrefix(rel, vocab), "relation %s in the GS1 Web Vocabulary namespace", rel)
				if rel == vocab+"defaultLink" {
					continue
				}
				require.Len(t, links, 2, rel)
				for i, lang := range []string{"zh", "en"} {
					l := links[i]
					assert.True(t, strings.HasPrefix(l.Href, domain+"/"), "%s %s target %s", anchor, rel, l.Href)
					assert.NotEmpty(t, l.Title)
					assert.NotEmpty(t, l.Type)
					assert.Equal(t, []string{lang}, l.Hreflang)
				}
				assert.NotEqual(t, links[0].Title, links[1].Title, "two languages")
			}
		}
		pip := ls[domain+"/01/"+gtin][vocab+"pip"][0]
		assert.Equal(t, domain+"/pip/01/"+gtin, pip.Href)
		assert.Equal(t, "text/html", pip.Type)
		ep := ls[domain+unitPath][vocab+"epcis"][1]
		assert.Equal(t, domain+"/epcs/"+url.QueryEscape("https://id.gs1.org"+unitPath)+"/events", ep.Href)
		assert.Contains(t, ep.Title, "members only")
	})

	t.Run("one_default_link_per_request_URI_with_only_href_and_title", func(t *testing.T) {
		w := get(h, unitPath+"?linkType=linkset")
		var doc struct {
			Linkset []map[string]json.RawMessage `json:"linkset"`
		}
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &doc))
		for _, c := range doc.Linkset {
			var ls []map[string]any
			require.NoError(t, json.Unmarshal(c[vocab+"defaultLink"], &ls))
			require.Len(t, ls, 1)
			assert.Len(t, ls[0], 2, "href and title only: %v", ls[0])
			assert.Contains(t, ls[0]["href"], domain+"/verify?code=")
			assert.NotEmpty(t, ls[0]["title"])
		}
	})

	t.Run("redirects_to_the_default_link", func(t *testing.T) {
		w := get(h, unitPath)
		assert.Equal(t, http.StatusTemporaryRedirect, w.Code)
		assert.Equal(t, domain+"/verify?code="+url.QueryEscape("https://id.gs1.org"+unitPath), w.Header().Get("Location"))
		_, ls, _ := decodeLinkset(t, get(h, unitPath+"?linkType=linkset"))
		assert.Equal(t, ls[domain+unitPath][vocab+"defaultLink"][0].Href, w.Header().Get("Location"), "the linkset's default link")
		for _, lt := range []string{"gs1:defaultLink", vocab + "defaultLink", "gs1:defaultLinkMulti"} {
			assert.Equal(t, w.Header().Get("Location"), get(h, unitPath+"?linkType="+url.QueryEscape(lt)).Header().Get("Location"), lt)
		}
	})

	t.Run("redirects_to_the_requested_linkType", func(t *testing.T) {
		_, ls, _ := decodeLinkset(t, get(h, unitPath+"?linkType=linkset"))
		for _, lt := range []string{"gs1:pip", "https://ref.gs1.org/voc/pip", "https://gs1.org/voc/pip", "http://www.gs1.org/voc/pip"} {
			w := get(h, unitPath+"?linkType="+url.QueryEscape(lt))
			assert.Equal(t, http.StatusTemporaryRedirect, w.Code, lt)
			// pip is offered at the GTIN level only: the resolver walks up.
			assert.Equal(t, ls[domain+"/01/"+gtin][vocab+"pip"][0].Href, w.Header().Get("Location"), lt)
		}
		for _, lt := range []string{"verificationService", "recallStatus", "certificationInfo", "epcis"} {
			w := get(h, unitPath+"?linkType=gs1:"+lt)
			assert.Equal(t, http.StatusTemporaryRedirect, w.Code, lt)
			want := ""
			for _, a := range []string{domain + unitPath, domain + "/01/" + gtin + "/10/L42", domain + "/01/" + gtin} {
				if l, ok := ls[a][vocab+lt]; ok {
					want = l[0].Href
					break
				}
			}
			assert.Equal(t, want, w.Header().Get("Location"), lt)
		}
	})

	t.Run("unknown_linkType_is_404", func(t *testing.T) {
		for _, lt := range []string{"gs1:nosuchlt", "schema:url", "pip"} {
			w := get(h, unitPath+"?linkType="+url.QueryEscape(lt))
			assert.Equal(t, http.StatusNotFound, w.Code, lt)
			assert.Equal(t, "unknown link type", decodeProblem(t, w).Rule)
			assert.NotEmpty(t, hasLinkRel(w, "linkset"), "the linkset is still pointed to")
		}
		// GLNs have no recall status.
		assert.Equal(t, http.StatusNotFound, get(h, "/414/"+gln+"?linkType=gs1:recallStatus").Code)
	})

	t.Run("query_string_is_passed_on_when_redirecting", func(t *testing.T) {
		w := get(h, unitPath+"?17=271231&foo=bar&utm_source=qr%20code")
		loc := w.Header().Get("Location")
		assert.Equal(t, domain+"/verify?code="+url.QueryEscape("https://id.gs1.org"+unitPath)+"&17=271231&foo=bar&utm_source=qr%20code", loc)
		w = get(h, unitPath+"?linkType=gs1:pip&foo=bar")
		assert.Equal(t, domain+"/pip/01/"+gtin+"?foo=bar", w.Header().Get("Location"), "linkType itself is not passed on")
	})

	t.Run("Link_header_to_the_linkset_even_when_redirecting", func(t *testing.T) {
		want := `<` + domain + unitPath + `?linkType=linkset>; rel="linkset"; type="application/linkset+json"`
		for _, target := range []string{unitPath, unitPath + "/", unitPath + "?linkType=gs1:pip", unitPath + "?linkType=linkset", unitPath + "?linkType=gs1:nosuchlt"} {
			assert.Equal(t, want, hasLinkRel(get(h, target), "linkset"), target)
		}
	})

	t.Run("Link_header_owl_sameAs_names_the_uncompressed_canonical_URI", func(t *testing.T) {
		w := get(h, "/some/prefix/01/9506000134352/10/L42/21/SN-1?17=271231&linkType=gs1:pip")
		assert.Equal(t, `<https://id.gs1.org/01/09506000134352/10/L42/21/SN-1?17=271231>; rel="owl:sameAs"`, hasLinkRel(w, "owl:sameAs"))
		anchors, _, _ := decodeLinkset(t, get(h, "/some/prefix/01/9506000134352/21/SN-1?linkType=linkset"))
		assert.Equal(t, domain+"/some/prefix/01/09506000134352/21/SN-1", anchors[0], "custom path prefix kept; GTIN-13 padded")
	})

	t.Run("no_legacy_gs1_links_in_the_Link_header", func(t *testing.T) {
		for _, l := range linkHeaders(get(h, unitPath)) {
			assert.NotContains(t, l, `rel="gs1:`)
		}
	})

	t.Run("resolver_description_file", func(t *testing.T) {
		w := get(h, "/.well-known/gs1resolver")
		require.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
		var d map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &d))
		assert.Equal(t, domain, d["resolverRoot"])
		assert.Equal(t, []any{"01", "00", "414"}, d["supportedPrimaryKeys"])
		assert.NotEmpty(t, d["name"])
		assert.Equal(t, []any{map[string]any{"namespace": vocab, "prefix": "gs1:"}}, d["supportedLinkType"])
		assert.Equal(t, false, d["linkTypeDefaultCanBeLinkset"])
	})

	t.Run("valid_Digital_Link_of_an_unsupported_key_is_404", func(t *testing.T) {
		for _, p := range []string{"/8004/9506000134352ABC", "/414/" + gln + "/254/1"} {
			w := get(h, p)
			assert.Equal(t, http.StatusNotFound, w.Code, p)
			assert.Equal(t, "unsupported key", decodeProblem(t, w).Rule, p)
		}
	})

	t.Run("SSCC_and_GLN_resolve", func(t *testing.T) {
		w := get(h, "/00/"+sscc)
		assert.Equal(t, domain+"/verify?code="+url.QueryEscape("https://id.gs1.org/00/"+sscc), w.Header().Get("Location"))
		anchors, ls, _ := decodeLinkset(t, get(h, "/414/"+gln+"?linkType=linkset"))
		assert.Equal(t, []string{domain + "/414/" + gln}, anchors)
		assert.NotContains(t, ls[anchors[0]], vocab+"pip")
	})

	t.Run("oversized_requests_are_refused", func(t *testing.T) {
		w := get(h, "/01/"+gtin+"/21/"+strings.Repeat("a", 2100))
		assert.Equal(t, http.StatusRequestURITooLong, w.Code)
		assert.Equal(t, "uri too long", decodeProblem(t, w).Rule)
		w = get(h, "/01/"+gtin+"?foo="+strings.Repeat("a", 1100))
		assert.Equal(t, http.StatusBadRequest, w.Code)
		assert.Equal(t, "query too long", decodeProblem(t, w).Rule)
	})

	t.Run("index_points_at_the_services", func(t *testing.T) {
		w := get(h, "/")
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), domain+"/.well-known/gs1resolver")
	})
}

// TestStandardExamples resolves the example URIs of the GS1 Digital Link
// and resolver standards.
func TestStandardExamples(t *testing.T) {
	h := newResolver(ledger())
	for _, c := range []struct {
		uri, location string
	}{
		{"https://id.gs1.org/01/09506000134352", "https://id.gs1.org/01/09506000134352"},
		{"https://id.gs1.org/01/09506000134352/10/ABC123", "https://id.gs1.org/01/09506000134352/10/ABC123"},
		{"https://example.com/01/09506000134352/10/ABC/21/12345?17=180426", "https://id.gs1.org/01/09506000134352/10/ABC/21/12345"},
		{"https://id.gs1.org/01/9506000134352/21/12345?17=261200", "https://id.gs1.org/01/09506000134352/21/12345"},
		{"https://brand.example.com/p/01/9506000134352/10/L%2F7/21/SN-001?17=261200&utm_source=qr", "https://id.gs1.org/01/09506000134352/10/L%2F7/21/SN-001"},
		{"https://id.gs1.org/00/106141411234567897", "https://id.gs1.org/00/106141411234567897"},
		{"https://id.gs1.org/414/9521234000006", "https://id.gs1.org/414/9521234000006"},
	} {
		u, err := url.Parse(c.uri)
		require.NoError(t, err)
		w := get(h, u.RequestURI())
		require.Equal(t, http.StatusTemporaryRedirect, w.Code, c.uri)
		loc := w.Header().Get("Location")
		assert.True(t, strings.HasPrefix(loc, domain+"/verify?code="+url.QueryEscape(c.location)), "%s -> %s", c.uri, loc)
		if u.RawQuery != "" {
			assert.True(t, strings.HasSuffix(loc, "&"+u.RawQuery), "%s: query passed on in %s", c.uri, loc)
		}
		ls := get(h, u.RequestURI(), "Accept", "application/linkset+json")
		assert.Equal(t, http.StatusOK, ls.Code, c.uri)
	}
}

func TestVerify(t *testing.T) {
	h := newResolver(ledger())
	verify := func(code string, extra ...string) *httptest.ResponseRecorder {
		q := "/verify?code=" + url.QueryEscape(code)
		for _, e := range extra {
			q += "&" + e
		}
		return get(h, q, "Accept", "application/json")
	}

	t.Run("answers_every_code_type", func(t *testing.T) {
		for code, verdict := range map[string]model.Verdict{
			unitURI: model.VerdictGenuine,
			"https://brand.example.com/p/01/9506000134352/10/L42/21/SN-1?17=271231": model.VerdictGenuine,
			"(01)" + gtin + "(21)SN-1":                    model.VerdictGenuine,
			"]d201" + gtin + "21SN-1":                     model.VerdictGenuine,
			"urn:epc:id:sgtin:9506000.013435.SN-1":        model.VerdictGenuine,
			"ecode:10001123":                              model.VerdictGenuine,
			"10001123":                                    model.VerdictGenuine,
			"2016010901123456":                            model.VerdictGenuine,
			"dic:" + uscc + "/unit-1":                     model.VerdictGenuine,
			"(00)" + sscc:                                 model.VerdictGenuine,
			"https://id.gs1.org/01/" + gtin + "/21/NEVER": model.VerdictUnknown,
		} {
			a, _ := decodeAnswer(t, verify(code))
			assert.Equal(t, verdict, a.Verdict, code)
			assert.Equal(t, code, a.Input, code)
			assert.Equal(t, now.UTC(), a.CheckedAt)
		}
	})

	t.Run("the_DL_route_redirects_to_verify", func(t *testing.T) {
		w := get(h, unitPath+"?17=271231")
		u, err := url.Parse(w.Header().Get("Location"))
		require.NoError(t, err)
		a, _ := decodeAnswer(t, get(h, u.RequestURI()))
		assert.Equal(t, model.VerdictGenuine, a.Verdict)
		assert.Equal(t, "BV 2.5 电线", a.Product.Name)
	})

	t.Run("never_publishes_the_holder", func(t *testing.T) {
		w := verify(unitURI)
		_, m := decodeAnswer(t, w)
		assert.NotContains(t, m, "holder")
		assert.NotContains(t, w.Body.String(), "SECRET DISTRIBUTOR")
		assert.NotContains(t, w.Body.String(), "DistributorMSP")
		assert.NotContains(t, w.Body.String(), "ManufacturerAMSP", "no MSP IDs either")
		for _, p := range []string{"/recall", "/certification"} {
			w := get(h, p+"?code="+url.QueryEscape(unitURI))
			assert.Equal(t, http.StatusOK, w.Code)
			assert.NotContains(t, w.Body.String(), "SECRET DISTRIBUTOR")
		}
	})

	t.Run("public_fields", func(t *testing.T) {
		a, _ := decodeAnswer(t, verify(unitURI))
		assert.Equal(t, &resolver.PublicProduct{GTIN: gtin, Name: "BV 2.5 电线", Type: "electric wire and cable", Specification: "BV 2.5mm²",
			Standards: []string{"GB/T 5023.3-2008"}, Licence: "2016010901123456", WarrantyMonths: 24}, a.Product)
		assert.Equal(t, &resolver.PublicParty{Name: "福州电缆厂", USCC: uscc}, a.Producer)
		assert.Equal(t, "L42", a.Batch)
		assert.Equal(t, "2026-01-10", a.ProductionDate)
		assert.False(t, a.Expired)
		require.NotNil(t, a.WarrantyActive)
		assert.True(t, *a.WarrantyActive)
		assert.Nil(t, a.SoldAt)
	})

	t.Run("batch_mismatch_is_a_copied_code", func(t *testing.T) {
		for _, w := range []*httptest.ResponseRecorder{
			verify("https://id.gs1.org/01/" + gtin + "/10/FAKE/21/SN-1"),
			verify(unitURI, "10=FAKE"),
			verify("(01)" + gtin + "(10)FAKE(21)SN-1"),
		} {
			a, _ := decodeAnswer(t, w)
			assert.Equal(t, resolver.VerdictMismatch, a.Verdict)
			assert.Equal(t, model.VerdictGenuine, a.LedgerVerdict)
			require.NotEmpty(t, a.Reasons)
			assert.Equal(t, resolver.Reason{Code: resolver.ReasonBatchMismatch, Message: a.Reasons[0].Message, Scanned: "FAKE", Ledger: "L42"}, a.Reasons[0])
		}
	})

	t.Run("expiry_mismatch_is_a_copied_code", func(t *testing.T) {
		for _, w := range []*httptest.ResponseRecorder{
			verify(unitURI + "?17=281231"),
			verify(unitURI, "17=281231"),
			get(h, strings.Replace(get(h, unitPath+"?17=281231").Header().Get("Location"), domain, "", 1)),
		} {
			a, _ := decodeAnswer(t, w)
			assert.Equal(t, resolver.VerdictMismatch, a.Verdict)
			require.Len(t, a.Reasons, 1)
			assert.Equal(t, resolver.ReasonExpiryMismatch, a.Reasons[0].Code)
			assert.Equal(t, "2028-12-31", a.Reasons[0].Scanned)
			assert.Equal(t, "2027-12-31", a.Reasons[0].Ledger)
		}
		a, _ := decodeAnswer(t, verify(unitURI+"?17=271231"))
		assert.Equal(t, model.VerdictGenuine, a.Verdict, "matching expiry")
		assert.Empty(t, a.Reasons)
	})

	t.Run("recall_outranks_mismatch", func(t *testing.T) {
		a, _ := decodeAnswer(t, verify("https://id.gs1.org/01/"+gtin+"/10/OTHER/21/RC"))
		assert.Equal(t, model.VerdictRecalled, a.Verdict)
		assert.Equal(t, &resolver.RecallNotice{ID: "tx-recall-1"}, a.Recall)
		codes := []string{}
		for _, r := range a.Reasons {
			codes = append(codes, r.Code)
		}
		assert.Equal(t, []string{resolver.ReasonRecalled, resolver.ReasonBatchMismatch}, codes)
		w := get(h, "/recall?code="+url.QueryEscape("https://id.gs1.org/01/"+gtin+"/21/RC"))
		var ra resolver.RecallAnswer
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &ra))
		assert.True(t, ra.Recalled)
	})

	t.Run("expiry_and_warranty_against_the_clock", func(t *testing.T) {
		a, _ := decodeAnswer(t, verify("https://id.gs1.org/01/"+gtin+"/21/OLD"))
		assert.Equal(t, model.VerdictSold, a.Verdict)
		assert.True(t, a.Expired)
		require.NotNil(t, a.WarrantyActive)
		assert.False(t, *a.WarrantyActive)
		require.NotNil(t, a.SoldAt)
		assert.Equal(t, time.Date(2025, 12, 1, 8, 0, 0, 0, time.UTC), *a.SoldAt)
		assert.Equal(t, resolver.ReasonExpired, a.Reasons[len(a.Reasons)-1].Code)

		// Judged on the China calendar day: 2026-01-31 ends at 16:00 UTC.
		v := resolvertest.New(model.Verification{Code: unitURI, Verdict: model.VerdictGenuine, ExpiryDate: "2026-01-31", WarrantyEnd: "2026-01-31"})
		at := func(ts time.Time) resolver.Answer {
			a, _ := decodeAnswer(t, get(resolver.New(v, resolver.WithClock(func() time.Time { return ts })), "/verify?code="+url.QueryEscape(unitURI)))
			return a
		}
		before := at(time.Date(2026, 1, 31, 15, 59, 0, 0, time.UTC))
		assert.False(t, before.Expired)
		assert.True(t, *before.WarrantyActive)
		after := at(time.Date(2026, 1, 31, 16, 0, 0, 0, time.UTC))
		assert.True(t, after.Expired)
		assert.False(t, *after.WarrantyActive)
	})

	t.Run("certification", func(t *testing.T) {
		w := get(h, "/certification?code="+url.QueryEscape("https://id.gs1.org/01/"+gtin+"/21/SN-1"))
		var ca resolver.CertificationAnswer
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &ca))
		assert.Equal(t, "2016010901123456", ca.Licence)
		assert.Equal(t, []string{"GB/T 5023.3-2008"}, ca.Standards)
	})

	t.Run("invalid_code_is_400", func(t *testing.T) {
		for code, rule := range map[string]string{
			"(01)09506000134353": "check digit",
			"nonsense":           "unknown form",
			"https://id.gs1.org/01/" + gtin + "/21/1/10/L": "qualifier order",
		} {
			w := verify(code)
			assert.Equal(t, http.StatusBadRequest, w.Code, code)
			assert.Equal(t, rule, decodeProblem(t, w).Rule, code)
		}
		w := verify(unitURI, "17=261341")
		assert.Equal(t, http.StatusBadRequest, w.Code)
		assert.Equal(t, "date", decodeProblem(t, w).Rule)
		w = get(h, "/verify")
		assert.Equal(t, http.StatusBadRequest, w.Code)
		assert.Equal(t, "missing code", decodeProblem(t, w).Rule)
	})

	t.Run("ledger_unreachable_is_503_without_detail", func(t *testing.T) {
		v := resolvertest.New()
		v.Err = errors.New("dial tcp 10.0.0.7:7051: connection refused")
		w := get(resolver.New(v), "/verify?code="+url.QueryEscape(unitURI))
		assert.Equal(t, http.StatusServiceUnavailable, w.Code)
		assert.Equal(t, "ledger unavailable", decodeProblem(t, w).Rule)
		assert.NotContains(t, w.Body.String(), "10.0.0.7")
		// The linkset does not need the ledger: it falls back to the key.
		w = get(resolver.New(v), unitPath+"?linkType=linkset")
		assert.Equal(t, http.StatusOK, w.Code)
		_, _, desc := decodeLinkset(t, w)
		assert.Contains(t, desc, "http://example.com"+unitPath, "no domain: the request's host")
		assert.Equal(t, "GTIN "+gtin+", batch L42, serial SN-1", desc["http://example.com"+unitPath])
	})
}

func TestCache(t *testing.T) {
	v := ledger()
	clock := now
	h := resolver.New(v, resolver.WithClock(func() time.Time { return clock }))
	code := "/verify?code=" + url.QueryEscape(unitURI)
	get(h, code)
	get(h, "/verify?code="+url.QueryEscape("(01)"+gtin+"(21)SN-1"))
	assert.Equal(t, 1, v.Calls(), "the second form of the same code is served from the cache")

	v.Set(model.Verification{Code: unitURI, Verdict: model.VerdictSold})
	a, _ := decodeAnswer(t, get(h, code))
	assert.Equal(t, model.VerdictGenuine, a.Verdict, "within the TTL")
	h.Invalidate("]d201" + gtin + "21SN-1")
	a, _ = decodeAnswer(t, get(h, code))
	assert.Equal(t, model.VerdictSold, a.Verdict, "after Invalidate")
	assert.Equal(t, 2, v.Calls())

	clock = clock.Add(resolver.DefaultCacheTTL)
	get(h, code)
	assert.Equal(t, 3, v.Calls(), "after the TTL")

	off := resolver.New(v, resolver.WithCacheTTL(0))
	get(off, code)
	get(off, code)
	assert.Equal(t, 5, v.Calls(), "TTL 0 disables the cache")
}

func TestRateLimit(t *testing.T) {
	clock := now
	h := newResolver(ledger(), resolver.WithRateLimit(2, 3), resolver.WithClock(func() time.Time { return clock }))
	from := func(ip string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, unitPath, nil)
		r.RemoteAddr = ip + ":5000"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for range 3 {
		assert.Equal(t, http.StatusTemporaryRedirect, from("192.0.2.1").Code)
	}
	w := from("192.0.2.1")
	assert.Equal(t, http.StatusTooManyRequests, w.Code)
	assert.Equal(t, "1", w.Header().Get("Retry-After"))
	assert.Equal(t, "rate limited", decodeProblem(t, w).Rule)
	assertCORS(t, w)
	assert.Equal(t, http.StatusTemporaryRedirect, from("192.0.2.2").Code, "per client")
	assert.Equal(t, http.StatusNoContent, do(h, http.MethodOptions, unitPath).Code, "preflights are not counted")
	clock = clock.Add(500 * time.Millisecond)
	assert.Equal(t, http.StatusTemporaryRedirect, from("192.0.2.1").Code, "a token refilled")

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = "10.0.0.1:1"
	r.Header.Add("X-Forwarded-For", "203.0.113.9, 198.51.100.4")
	assert.Equal(t, "198.51.100.4", resolver.ForwardedIP(r))
	assert.Equal(t, "10.0.0.1", resolver.RemoteIP(r))
}

func TestValidateDomain(t *testing.T) {
	assert.NoError(t, resolver.ValidateDomain("https://id.tracechain.example"))
	assert.NoError(t, resolver.ValidateDomain("http://127.0.0.1:8080/resolver"))
	for _, bad := range []string{"", "id.tracechain.example", "ftp://x", "https://x?a=1", "https://u@x"} {
		assert.ErrorIs(t, resolver.ValidateDomain(bad), resolver.ErrDomain, bad)
	}
}

func TestBlockEventsInvalidateTheVerdictsTheyChange(t *testing.T) {
	u := "https://id.gs1.org/01/09506000134352/21/1"
	other := "https://id.gs1.org/01/09506000134352/21/2"
	for name, c := range map[string]struct {
		e       model.Event
		stale   []string // asked again after the event
		cleared bool     // every cached verdict is asked again
	}{
		"a sale":                          {model.Event{Type: model.EventSold, Count: 1, Codes: []string{u}}, []string{u}, false},
		"a confirmed clone":               {model.Event{Type: model.EventAlertDecided, Count: 1, Codes: []string{u}}, []string{u}, false},
		"a unit-list recall":              {model.Event{Type: model.EventRecalled, Count: 1, Codes: []string{u}}, []string{u}, false},
		"a batch recall names no code":    {model.Event{Type: model.EventRecalled, GTIN: "09506000134352", Batch: "B1"}, nil, true},
		"a decommissioned unit":           {model.Event{Type: model.EventDecommissioned, Count: 1, Codes: []string{u}}, []string{u}, false},
		"a decommissioned container":      {model.Event{Type: model.EventDecommissioned, Count: 1, Codes: []string{"https://id.gs1.org/00/095060001343520007"}, Contents: true}, nil, true},
		"a capture lists what it changed": {model.Event{Type: model.EventCaptured, Count: 1, Codes: []string{u}}, []string{u}, false},
		"a capture emptied a container":   {model.Event{Type: model.EventCaptured, Count: 1, Codes: []string{"https://id.gs1.org/00/095060001343520007"}, Contents: true}, nil, true},
		"more codes than the event lists": {model.Event{Type: model.EventCommissioned, Count: 500}, nil, true},
		"a pack names its container":      {model.Event{Type: model.EventPacked, Container: other, Count: 1, Codes: []string{u}}, []string{u, other}, false},
		"a pack too large to list":        {model.Event{Type: model.EventPacked, Container: other, Count: 20000}, nil, true},
		"an unpack names its container":   {model.Event{Type: model.EventUnpacked, Container: other, Count: 1, Codes: []string{u}}, []string{u, other}, false},
		"a split names its source":        {model.Event{Type: model.EventLotSplit, Source: other, Count: 1, Codes: []string{u}}, []string{u, other}, false},
		"a shipment":                      {model.Event{Type: model.EventShipped, Count: 1, Codes: []string{u}}, []string{u}, false},
		"a receipt":                       {model.Event{Type: model.EventReceived, Count: 1, Codes: []string{other}}, []string{other}, false},
		"a rejection":                     {model.Event{Type: model.EventRejected, Count: 1, Codes: []string{u}}, []string{u}, false},
		"a move too large to list":        {model.Event{Type: model.EventShipped, Count: 20000}, nil, false},
		"a member renamed or suspended":   {model.Event{Type: model.EventMemberUpdated, MSPID: "ManufacturerAMSP"}, nil, true},
		"a product's data changed":        {model.Event{Type: model.EventProductUpdated, GTIN: "09506000134352", Version: 2}, nil, true},
		"a new member changes nothing":    {model.Event{Type: model.EventMemberRegistered, MSPID: "NewMSP"}, nil, false},
		"a clone report changes nothing":  {model.Event{Type: model.EventCloneAlert, Count: 1, Codes: []string{u}}, nil, false},
		"a purged sale changes nothing":   {model.Event{Type: model.EventSalePurged, Count: 1, Codes: []string{u}}, nil, false},
	} {
		t.Run(name, func(t *testing.T) {
			v := resolvertest.New(model.Verification{Code: u, Verdict: model.VerdictGenuine}, model.Verification{Code: other, Verdict: model.VerdictGenuine})
			h := resolver.New(v, resolver.WithCacheTTL(time.Hour))
			ask := func(code string) {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/verify?code="+url.QueryEscape(code), nil))
			}
			ask(u)
			ask(other)
			before := v.Calls()
			h.Invalidates(client.Event{Event: c.e})
			ask(u)
			ask(other)
			want := len(c.stale)
			if c.cleared {
				want = 2
			}
			assert.Equal(t, want, v.Calls()-before, "verdicts asked again")
		})
	}
}

// productLedger is a fake ledger that also answers product master data.
type productLedger struct {
	*resolvertest.Verifier
}

func (productLedger) GetProduct(_ context.Context, g string) (*model.Product, error) {
	if g != gtin {
		return nil, client.ErrNotFound
	}
	return &model.Product{GTIN: gtin, Name: "BV 2.5mm² cable", Type: "electric wire and cable", Licence: "XK06-001-00001", Manufacturer: "MakerMSP"}, nil
}

func (productLedger) GetMember(_ context.Context, msp string) (*model.Member, error) {
	return &model.Member{MSPID: msp, Name: "A Cable Co.", USCC: uscc}, nil
}

// TestProductInformationPage: the gs1:pip link every linkset offers has a
// target, for people and for programs.
func TestProductInformationPage(t *testing.T) {
	h := resolver.New(productLedger{resolvertest.New()}, resolver.WithDomain(domain))
	get := func(path, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept", accept)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	// The pip link of the linkset of a serialised unit.
	rec := get("/01/"+gtin+"/21/SN-1?linkType=linkset", "application/linkset+json")
	require.Equal(t, http.StatusOK, rec.Code)
	pip := ""
	var ls struct {
		Linkset []map[string]json.RawMessage `json:"linkset"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &ls))
	for _, ctx := range ls.Linkset {
		if raw, ok := ctx[vocab+"pip"]; ok {
			var links []struct{ Href string }
			require.NoError(t, json.Unmarshal(raw, &links))
			pip = links[0].Href
		}
	}
	require.NotEmpty(t, pip, "the linkset offers a pip link")
	path := strings.TrimPrefix(pip, domain)

	rec = get(path, "application/json")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var info resolver.ProductInfo
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &info))
	assert.Equal(t, "BV 2.5mm² cable", info.Product.Name)
	assert.Equal(t, "A Cable Co.", info.Producer.Name)

	rec = get(path, "text/html")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "BV 2.5mm² cable")
	assert.Contains(t, rec.Body.String(), "A Cable Co.")

	assert.Equal(t, http.StatusNotFound, get("/pip/01/09506000134376", "application/json").Code, "no such product")
	assert.Equal(t, http.StatusBadRequest, get("/pip/01/09506000134353", "application/json").Code, "a bad check digit")
	without := resolver.New(resolvertest.New(), resolver.WithDomain(domain))
	rec = httptest.NewRecorder()
	without.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	assert.Equal(t, http.StatusNotFound, rec.Code, "a ledger without product data serves no pip")
}
