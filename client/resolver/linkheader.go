package resolver

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

// relJSONLDContext is the relation type of a link to a JSON-LD context
// (JSON-LD 1.1, "Interpreting JSON as JSON-LD").
const relJSONLDContext = "http://www.w3.org/ns/json-ld#context"

// ContextPath is where the resolver serves the JSON-LD context of its
// linksets, which linkset answers link to.
const ContextPath = "/context/linkset.jsonld"

// addLink appends one link value to the answer's Link header. All values go
// into ONE header field, comma-separated (RFC 8288 §3, RFC 9110 §5.3): some
// clients read several Link field lines as one and keep only the last.
func addLink(w http.ResponseWriter, value string) {
	hd := w.Header()
	if old := hd.Get("Link"); old != "" {
		value = old + ", " + value
	}
	hd.Set("Link", value)
}

// addItemLinks adds the links every answer about an item carries: its
// linkset (conformance SHOULD: "expose link to the linkset in an HTTP Link
// header, even when redirecting") and the item's uncompressed URI as
// owl:sameAs, on id.gs1.org and, for a compressed request, on this
// resolver's own domain (conformance SHALL for compressed requests).
func addItemLinks(w http.ResponseWriter, dl identifier.DigitalLink, domain string) {
	anchor := domain + dl.PathPrefix + strings.TrimPrefix(dl.Levels()[0], gs1Base)
	addLink(w, fmt.Sprintf(`<%s?linkType=linkset>; rel="linkset"; type="%s"`, anchor, mediaLinkset))
	canonical := dl.CanonicalURI()
	addLink(w, fmt.Sprintf(`<%s>; rel="owl:sameAs"`, canonical))
	if dl.Compressed {
		addLink(w, fmt.Sprintf(`<%s>; rel="owl:sameAs"`, domain+dl.PathPrefix+strings.TrimPrefix(canonical, gs1Base)))
	}
}

// addContextLink adds the link to the linkset's JSON-LD context
// (conformance test suite: "When requesting the linkset the HTTP response
// headers SHOULD include a Link header pointing to a JSON-LD context file").
func addContextLink(w http.ResponseWriter, domain string) {
	addLink(w, fmt.Sprintf(`<%s%s>; rel="%s"; type="application/ld+json"`, domain, ContextPath, relJSONLDContext))
}

// codeLinks adds the item links for an answer about a code given as a
// parameter (/verify, /recall, /certification) or a product page path:
// a GS1 code the resolver answers has a linkset too.
func (h *Resolver) codeLinks(w http.ResponseWriter, r *http.Request, code string) {
	if code == "" {
		return
	}
	c, err := identifier.Parse(code)
	if err != nil || c.Kind.Scheme() != "gs1" {
		return
	}
	dl, err := identifier.ParseDigitalLinkURI(c.Canonical)
	if err != nil || !supportedKey(dl) {
		return
	}
	addItemLinks(w, dl, h.domainFor(r))
}
