package epcis

import (
	"encoding/json"
	"strings"
)

// Context maps the CURIE prefixes of a JSON-LD @context to their namespace
// IRIs. The hash needs it twice: user extension keys such as
// "example:myField" enter the pre-hash string as "{namespace}myField", and
// CURIE values such as "cbv:BizStep-shipping" are expanded to full IRIs.
//
// The zero value knows only the prefixes that the EPCIS 2.0 standard context
// itself defines (epcis, cbv, cbvmda, gs1, ...).
type Context struct {
	prefixes map[string]string
}

// standardPrefixes are the term definitions of
// https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld that are
// namespace prefixes. A document that references the standard context may use
// them without declaring them again, so they are always known.
var standardPrefixes = map[string]string{
	"epcis":   "https://ref.gs1.org/epcis/",
	"cbv":     "https://ref.gs1.org/cbv/",
	"cbvmda":  "urn:epcglobal:cbv:mda:",
	"gs1":     "https://gs1.org/voc/",
	"rdfs":    "http://www.w3.org/2000/01/rdf-schema#",
	"owl":     "http://www.w3.org/2002/07/owl#",
	"xsd":     "http://www.w3.org/2001/XMLSchema#",
	"dcterms": "http://purl.org/dc/terms/",
}

// ParseContext reads a JSON-LD @context value: a string (a remote context,
// which declares no prefix we can see), an object of prefix definitions, or a
// list of both. Remote contexts are not fetched: the hash must be computable
// offline and deterministically.
func ParseContext(raw json.RawMessage) (*Context, error) {
	c := &Context{}
	if len(raw) == 0 {
		return c, nil
	}
	v, err := readTree(raw)
	if err != nil {
		return nil, err
	}
	if err := c.add(v, "/@context"); err != nil {
		return nil, err
	}
	return c, nil
}

// With returns a copy of c extended by the @context value v (already decoded),
// as found on an event that carries its own @context. ptr locates v.
func (c *Context) With(v any, ptr string) (*Context, error) {
	n := &Context{prefixes: map[string]string{}}
	if c != nil {
		for k, ns := range c.prefixes {
			n.prefixes[k] = ns
		}
	}
	if err := n.add(v, ptr); err != nil {
		return nil, err
	}
	return n, nil
}

func (c *Context) add(v any, ptr string) error {
	switch t := v.(type) {
	case nil, string:
		return nil
	case []any:
		for i, e := range t {
			if err := c.add(e, ptr+"/"+itoa(i)); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for k, d := range t {
			if strings.HasPrefix(k, "@") {
				continue
			}
			// A prefix is defined either as "p": "iri" or "p": {"@id": "iri"}.
			ns, _ := d.(string)
			if m, ok := d.(map[string]any); ok {
				ns, _ = m["@id"].(string)
			}
			if ns == "" || !isIRI(ns) {
				continue
			}
			if c.prefixes == nil {
				c.prefixes = map[string]string{}
			}
			c.prefixes[k] = ns
		}
		return nil
	}
	return errorf(CodeInvalidContext, ptr, "@context must be a string, an object or a list of them")
}

// Namespace returns the IRI the prefix stands for.
func (c *Context) Namespace(prefix string) (string, bool) {
	if c != nil {
		if ns, ok := c.prefixes[prefix]; ok {
			return ns, true
		}
	}
	ns, ok := standardPrefixes[prefix]
	return ns, ok
}

// IsIRI says whether s looks like an absolute IRI (has a scheme), which is
// what a prefix of @context must expand to: a converter that declares
// prefixes (package epcisxml) checks namespaces with it.
func IsIRI(s string) bool { return isIRI(s) }

// isIRI says whether s looks like an absolute IRI (has a scheme), which is
// what a prefix definition must expand to.
func isIRI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// expandKey turns a JSON key into the "{namespace}localname" form the
// pre-hash string uses for extension elements. Keys with an unknown prefix
// and plain keys are returned unchanged.
func (c *Context) expandKey(k string) string {
	if i := strings.IndexByte(k, ':'); i > 0 {
		if ns, ok := c.Namespace(k[:i]); ok {
			return "{" + ns + "}" + k[i+1:]
		}
		// A key that is already a full IRI: split at its last '/' or '#',
		// which is how the XML binding would name the same element.
		if strings.Contains(k, "://") {
			if j := strings.LastIndexAny(k, "/#"); j > 0 && j < len(k)-1 {
				return "{" + k[:j+1] + "}" + k[j+1:]
			}
		}
	}
	return k
}

// expandCURIE expands a value "prefix:rest" whose prefix is known.
func (c *Context) expandCURIE(v string) string {
	i := strings.IndexByte(v, ':')
	if i <= 0 || strings.HasPrefix(v[i+1:], "//") {
		return v
	}
	if ns, ok := c.Namespace(v[:i]); ok {
		return ns + v[i+1:]
	}
	return v
}
