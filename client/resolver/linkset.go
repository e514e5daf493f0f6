package resolver

import (
	"net/url"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

// VocabularyNamespace is the GS1 Web Vocabulary namespace the linkset's
// relation types are written in. The 1.2 material (the conformance test
// suite's model linkset, the description file schema) uses ref.gs1.org; the
// older https://gs1.org/voc/ and https://www.gs1.org/voc/ forms are still
// accepted in a linkType request.
const VocabularyNamespace = "https://ref.gs1.org/voc/"

// acceptedNamespaces are the prefixes a linkType may carry; see linkTypeName.
var acceptedNamespaces = []string{
	"gs1:",
	VocabularyNamespace,
	"http://ref.gs1.org/voc/",
	"https://gs1.org/voc/",
	"http://gs1.org/voc/",
	"https://www.gs1.org/voc/",
	"http://www.gs1.org/voc/",
}

// Link types, as GS1 Web Vocabulary terms without namespace.
const (
	LinkPIP           = "pip"
	LinkVerification  = "verificationService"
	LinkRecall        = "recallStatus"
	LinkCertification = "certificationInfo"
	LinkEPCIS         = "epcis"
	LinkDefault       = "defaultLink"
	linkDefaultMulti  = "defaultLinkMulti"
)

// Media types of link targets.
const (
	mediaHTML    = "text/html"
	mediaJSON    = "application/json"
	mediaLinkset = "application/linkset+json"
)

// titles are the human-readable link titles, Chinese first: the resolver
// serves the Chinese market, so zh is the default language.
var titles = map[string][2]string{ // {zh, en}
	LinkPIP:           {"产品信息", "Product information"},
	LinkVerification:  {"真伪与状态查验", "Verify authenticity and status"},
	LinkRecall:        {"召回状态", "Recall status"},
	LinkCertification: {"认证与许可信息", "Certification and licence information"},
	LinkEPCIS:         {"追溯事件（仅限成员）", "Traceability events (members only)"},
}

// offered lists the link types in the order they appear in a linkset.
var offered = []string{LinkVerification, LinkPIP, LinkRecall, LinkCertification, LinkEPCIS}

// linkTypeName reduces a linkType parameter to the vocabulary term, or ""
// if it is not in a GS1 namespace. "linkset" and "all" stay as they are.
func linkTypeName(lt string) string {
	switch lt {
	case "linkset", "all":
		return lt
	}
	for _, ns := range acceptedNamespaces {
		if len(lt) > len(ns) && strings.EqualFold(lt[:len(ns)], ns) {
			return lt[len(ns):]
		}
	}
	return ""
}

// LinkObject is one RFC 9264 target link, with the members the GS1 linkset
// schema allows.
type LinkObject struct {
	Href     string   `json:"href"`
	Title    string   `json:"title"`
	Type     string   `json:"type,omitempty"`
	Hreflang []string `json:"hreflang,omitempty"`
}

// Context is one linkset context object: an anchor, a description and the
// links keyed by relation type URI. It marshals as a flat JSON object.
type Context struct {
	Anchor          string
	ItemDescription string
	Links           map[string][]LinkObject // relation type URI -> links
	order           []string                // relation types in insertion order, for stable output
}

// Linkset is the RFC 9264 application/linkset+json document.
type Linkset struct {
	Linkset []*Context `json:"linkset"`
}

func (c *Context) add(rel string, l ...LinkObject) {
	if c.Links == nil {
		c.Links = map[string][]LinkObject{}
	}
	if _, ok := c.Links[rel]; !ok {
		c.order = append(c.order, rel)
	}
	c.Links[rel] = append(c.Links[rel], l...)
}

// MarshalJSON writes anchor, itemDescription, then the relations in the
// order they were added (encoding/json would sort a map).
func (c *Context) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteString(`{"anchor":`)
	b.Write(mustJSON(c.Anchor))
	b.WriteString(`,"itemDescription":`)
	b.Write(mustJSON(c.ItemDescription))
	for _, rel := range c.order {
		b.WriteByte(',')
		b.Write(mustJSON(rel))
		b.WriteByte(':')
		b.Write(mustJSON(c.Links[rel]))
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// level is one level of a request URI: the id.gs1.org URI of that level, the
// resolver's URI for it (the anchor) and the ledger's code for it.
type level struct {
	gs1     string // https://id.gs1.org/01/X/10/L
	anchor  string // {domain}{prefix}/01/X/10/L
	path    string // /01/X/10/L
	primary bool   // the primary key alone
}

// levels lists dl's levels, most specific first (Levels order).
func (h *Resolver) levels(dl identifier.DigitalLink, domain string) []level {
	ls := dl.Levels()
	out := make([]level, len(ls))
	for i, u := range ls {
		p := strings.TrimPrefix(u, gs1Base)
		out[i] = level{gs1: u, anchor: domain + dl.PathPrefix + p, path: p, primary: i == len(ls)-1}
	}
	return out
}

// gs1Base is the scheme and host of identifier's canonical Digital Links.
const gs1Base = "https://id.gs1.org"

// links returns the links offered for one level, keyed by link type, each
// with a Chinese and an English link object (same target, the title and
// hreflang differ). Product-class information (pip, certificationInfo)
// belongs to the GTIN and sits at the primary-key level only; the answers
// about a code (verification, recall, events) are offered at every level,
// each for that level's own code.
func (h *Resolver) links(lv level, keyAI, domain string) map[string][]LinkObject {
	code := url.QueryEscape(lv.gs1)
	out := map[string][]LinkObject{}
	add := func(lt, href, media string) {
		t := titles[lt]
		out[lt] = []LinkObject{
			{Href: href, Title: t[0], Type: media, Hreflang: []string{"zh"}},
			{Href: href, Title: t[1], Type: media, Hreflang: []string{"en"}},
		}
	}
	add(LinkVerification, domain+"/verify?code="+code, mediaJSON)
	if keyAI == identifier.AIGTIN && lv.primary {
		add(LinkPIP, domain+"/pip"+lv.path, mediaHTML)
		add(LinkCertification, domain+"/certification?code="+code, mediaJSON)
	}
	if keyAI != identifier.AIGLN {
		add(LinkRecall, domain+"/recall?code="+code, mediaJSON)
	}
	add(LinkEPCIS, domain+"/epcs/"+url.QueryEscape(lv.gs1)+"/events", mediaJSON)
	return out
}

// defaultTitle is the default link's single title; the standard allows the
// default link no attribute but href and title, so it carries both languages.
func defaultTitle() string {
	t := titles[LinkVerification]
	return t[0] + " / " + t[1]
}

// linkset builds the linkset of dl: one context object per level.
func (h *Resolver) linkset(dl identifier.DigitalLink, domain, description string) Linkset {
	var ls Linkset
	for _, lv := range h.levels(dl, domain) {
		c := &Context{Anchor: lv.anchor, ItemDescription: levelDescription(description, dl, lv)}
		links := h.links(lv, dl.PrimaryKey.AI, domain)
		for _, lt := range offered {
			if l, ok := links[lt]; ok {
				c.add(VocabularyNamespace+lt, l...)
			}
		}
		c.add(VocabularyNamespace+LinkDefault, LinkObject{Href: links[LinkVerification][0].Href, Title: defaultTitle()})
		ls.Linkset = append(ls.Linkset, c)
	}
	return ls
}

// levelDescription names the item of one level: the product name when the
// ledger knows it, else the key, then the level's qualifiers.
func levelDescription(name string, dl identifier.DigitalLink, lv level) string {
	var b strings.Builder
	if name != "" {
		b.WriteString(name)
	} else {
		b.WriteString(keyLabel(dl.PrimaryKey.AI))
		b.WriteByte(' ')
		b.WriteString(dl.PrimaryKey.Value)
	}
	// lv.path holds the level's qualifiers after the key: /01/X[/10/L...]
	segs := strings.Split(strings.TrimPrefix(lv.path, "/"), "/")
	for i := 2; i+1 < len(segs); i += 2 {
		v, err := url.PathUnescape(segs[i+1])
		if err != nil {
			v = segs[i+1]
		}
		b.WriteString(", ")
		b.WriteString(keyLabel(segs[i]))
		b.WriteByte(' ')
		b.WriteString(v)
	}
	return b.String()
}

func keyLabel(ai string) string {
	switch ai {
	case identifier.AIGTIN:
		return "GTIN"
	case identifier.AISSCC:
		return "SSCC"
	case identifier.AIGLN:
		return "GLN"
	case "10":
		return "batch"
	case "21":
		return "serial"
	case "22":
		return "CPV"
	}
	return "AI " + ai
}
