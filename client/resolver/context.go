package resolver

import "net/http"

// linksetContext is the JSON-LD context of the resolver's linksets: it maps
// the RFC 9264 members onto RDF so that a linkset can be read as JSON-LD.
// Link relation types are already absolute IRIs (GS1 Web Vocabulary), the
// anchor and every href are node identifiers, and the target attributes are
// the Dublin Core terms RFC 8288's attributes correspond to.
var linksetContext = map[string]any{
	"@context": map[string]any{
		"@version":        1.1,
		"gs1":             VocabularyNamespace,
		"owl":             "http://www.w3.org/2002/07/owl#",
		"dcterms":         "http://purl.org/dc/terms/",
		"linkset":         "@graph",
		"anchor":          "@id",
		"href":            "@id",
		"title":           "dcterms:title",
		"type":            "dcterms:format",
		"hreflang":        map[string]any{"@id": "dcterms:language", "@container": "@set"},
		"itemDescription": "dcterms:description",
	},
}

// serveContext answers ContextPath.
func (h *Resolver) serveContext(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=86400")
	return h.writeJSON(w, r, http.StatusOK, "application/ld+json", linksetContext)
}
