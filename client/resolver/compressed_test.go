package resolver_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/client/resolver"
)

// Compressed forms of the fixture unit /01/{gtin}/10/L42/21/SN-1?17=271231,
// encoded by hand as GS1 Digital Link compression defines (optimisation code
// 1A = 01, 10, 21, 17; base64-encoded lot and serial) and checked against the
// decoder that decodes GS1's own examples (identifier's compression tests).
const (
	compressedUnit   = "/GhFKk4XBoMZfGzIkb9qhG_g"            // fully compressed
	compressedSerial = "/01/" + gtin + "/IWRI37U"            // /01/{gtin} + compressed 21=SN-1
	unitWithExpiry   = unitPath + "?17=271231"               // what compressedUnit stands for
	canonicalUnit    = "https://id.gs1.org" + unitWithExpiry // its canonical id.gs1.org form
)

func TestCompressedDigitalLinks(t *testing.T) {
	h := newResolver(ledger())

	t.Run("redirects_like_the_uncompressed_link_with_the_compressed_attributes_passed_on", func(t *testing.T) {
		w := get(h, compressedUnit+"?foo=bar")
		require.Equal(t, http.StatusTemporaryRedirect, w.Code, w.Body.String())
		plain := get(h, unitWithExpiry+"&foo=bar")
		assert.Equal(t, plain.Header().Get("Location"), w.Header().Get("Location"))
	})

	t.Run("exposes_the_uncompressed_URI_as_owl_sameAs", func(t *testing.T) {
		w := get(h, compressedUnit)
		var same []string
		for _, l := range linkHeaders(w) {
			if strings.Contains(l, `rel="owl:sameAs"`) {
				same = append(same, l)
			}
		}
		assert.Equal(t, []string{
			`<` + canonicalUnit + `>; rel="owl:sameAs"`,
			`<` + domain + unitWithExpiry + `>; rel="owl:sameAs"`,
		}, same)
		assert.Equal(t, `<`+domain+unitPath+`?linkType=linkset>; rel="linkset"; type="application/linkset+json"`, hasLinkRel(w, "linkset"))
	})

	t.Run("linkset_anchor_is_the_uncompressed_URI", func(t *testing.T) {
		for _, target := range []string{compressedUnit + "?linkType=linkset", compressedSerial + "?linkType=linkset"} {
			anchors, _, _ := decodeLinkset(t, get(h, target))
			want := domain + unitPath
			if strings.HasPrefix(target, compressedSerial) {
				want = domain + "/01/" + gtin + "/21/SN-1"
			}
			assert.Equal(t, want, anchors[0], target)
			assert.NotContains(t, strings.Join(anchors, " "), "IWRI37U", target)
		}
	})

	t.Run("verify_page_and_JSON_accept_a_compressed_link", func(t *testing.T) {
		a, _ := decodeAnswer(t, get(h, "/verify?code="+url.QueryEscape(domain+compressedUnit)))
		assert.Equal(t, unitURI, a.Code)
		assert.Equal(t, "genuine", string(a.Verdict))
		w := get(h, "/verify?format=html&code="+url.QueryEscape(domain+compressedUnit))
		require.Equal(t, http.StatusOK, w.Code)
		assert.Contains(t, w.Body.String(), `data-verdict="genuine"`)
		// The answer is the uncompressed link's, but for the input echoed.
		_, compressed := decodeAnswer(t, get(h, "/verify?code="+url.QueryEscape(domain+compressedUnit)))
		_, plain := decodeAnswer(t, get(h, "/verify?code="+url.QueryEscape(domain+unitWithExpiry)))
		delete(compressed, "input")
		delete(plain, "input")
		assert.Equal(t, plain, compressed)
	})

	t.Run("malformed_compressed_data_is_400_compression", func(t *testing.T) {
		for _, target := range []string{"/ARHKVA", "/ARHKVAdpQh", "/1A", compressedSerial[:len(compressedSerial)-7] + "1A"} {
			w := get(h, target)
			assert.Equal(t, http.StatusBadRequest, w.Code, target)
			assert.Equal(t, "compression", decodeProblem(t, w).Rule, target)
			assert.Empty(t, linkHeaders(w), "no linkset for a link that does not parse")
		}
		w := get(h, "/"+strings.Repeat("A", 1500))
		assert.Equal(t, http.StatusBadRequest, w.Code)
	})
}

func TestLinkHeader(t *testing.T) {
	h := newResolver(ledger())

	t.Run("one_Link_field_on_every_answer_about_an_item", func(t *testing.T) {
		for _, tc := range []struct{ method, target string }{
			{http.MethodGet, unitPath},
			{http.MethodHead, unitPath},
			{http.MethodOptions, unitPath},
			{http.MethodOptions, compressedUnit},
			{http.MethodPost, unitPath},
			{http.MethodGet, unitPath + "?linkType=linkset"},
			{http.MethodGet, unitPath + "?linkType=gs1:nosuchlt"},
			{http.MethodGet, "/verify?code=" + url.QueryEscape(unitURI)},
			{http.MethodOptions, "/verify?code=" + url.QueryEscape(unitURI)},
			{http.MethodGet, "/recall?code=" + url.QueryEscape(unitURI)},
			{http.MethodGet, "/pip/01/" + gtin},
		} {
			w := do(h, tc.method, tc.target)
			require.Len(t, w.Header().Values("Link"), 1, "%s %s: %v", tc.method, tc.target, w.Header().Values("Link"))
			assert.NotEmpty(t, hasLinkRel(w, "linkset"), "%s %s", tc.method, tc.target)
		}
	})

	t.Run("OPTIONS_links_to_the_linkset", func(t *testing.T) {
		w := do(h, http.MethodOptions, unitPath)
		assert.Equal(t, http.StatusNoContent, w.Code)
		assert.Equal(t, `<`+domain+unitPath+`?linkType=linkset>; rel="linkset"; type="application/linkset+json"`, hasLinkRel(w, "linkset"))
	})

	t.Run("linkset_answers_link_to_their_JSON_LD_context", func(t *testing.T) {
		for _, w := range []*http.Response{
			get(h, unitPath+"?linkType=linkset").Result(),
			get(h, unitPath, "Accept", "application/linkset+json").Result(),
		} {
			assert.Contains(t, w.Header.Get("Link"),
				`<`+domain+resolver.ContextPath+`>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`)
		}
		// Not on a redirect: the context describes the linkset document.
		assert.NotContains(t, get(h, unitPath).Header().Get("Link"), "json-ld#context")
		w := get(h, resolver.ContextPath)
		require.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "application/ld+json", w.Header().Get("Content-Type"))
		var ctx map[string]map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &ctx))
		assert.Equal(t, "@id", ctx["@context"]["anchor"])
		assert.Equal(t, "@id", ctx["@context"]["href"])
	})

	t.Run("the_test_suite_reads_the_joined_field", func(t *testing.T) {
		// GS1DL-resolver-testsuite splits the Link field on `",` to find
		// rel="linkset", and on `,` to find the context link with its type.
		f := get(h, unitPath+"?linkType=linkset").Header().Get("Link")
		found := false
		for _, part := range strings.Split(f, ",") {
			if strings.Contains(part, `rel="http://www.w3.org/ns/json-ld#context"`) && strings.Contains(part, `type="application/ld+json"`) {
				found = true
			}
		}
		assert.True(t, found, f)
		assert.Contains(t, strings.Split(get(h, unitPath).Header().Get("Link"), `",`)[0], `rel="linkset`)
	})
}
