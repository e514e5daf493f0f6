// Package label builds print-ready labels for commissioned traceability
// codes: a QR code that leads a shopper's phone camera to the public
// verification service, an optional GS1 DataMatrix for scanners in the supply
// chain, and the human-readable text, as PNG, SVG or an A4 PDF sheet.
//
// For GS1 codes the QR holds a GS1 Digital Link URI on the resolver domain
// the brand owner runs (so that a plain camera app opens the verification
// page, while any GS1 scanner still reads the AIs out of the path); other
// codes get https://{domain}/verify?code={canonical}. See docs/labels.md.
//
// The package is plain Go with no Fabric dependency. Symbols are made with
// github.com/makiuchi-d/gozxing and PDFs with codeberg.org/go-pdf/fpdf.
package label

import (
	"net/url"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

// Attributes are the optional GS1 data attributes a label adds to a code.
// Values the code already states are used when a field is empty; a value
// that contradicts the code is refused rather than silently preferred.
type Attributes struct {
	Expiry string // AI 17, YYMMDD (day 00 = end of month)
	Batch  string // AI 10; for a serialised unit it is a key qualifier before AI 21
}

// Content is what one label encodes and prints, derived from a code.
type Content struct {
	// Code is the identity of the code: exactly what identifier.Parse of URI
	// (or of the element string) gives back, reduced by Identity.
	Code identifier.Code
	// URI is the QR content: a GS1 Digital Link on the resolver domain for
	// GS1 codes, https://{domain}/verify?code=... for the others.
	URI string
	// GS1 tells whether the code is a GS1 key, i.e. whether the label can
	// carry a GS1 DataMatrix and AI text.
	GS1 bool
	// Elements are the GS1 AIs in element-string order (01, 11, 17, 22, 10,
	// 21): fixed-length AIs first so the string needs fewer separators.
	Elements []identifier.AIValue
	// ElementString is Elements concatenated with a GS (0x1D) after each
	// variable-length value that is not last. It carries neither FNC1 nor a
	// symbology identifier: the DataMatrix encoder puts FNC1 first.
	ElementString string
	// HRI is the human-readable interpretation, one entry per AI such as
	// "(01) 06901234000016"; for a non-GS1 code it is the canonical code.
	HRI []string
}

// HRIText returns the HRI entries joined by two spaces, the usual GS1
// rendering on one line: "(01) 06901234000016  (17) 351231  (21) A1".
func (c Content) HRIText() string { return strings.Join(c.HRI, "  ") }

// verifyPath is where the verification service takes codes that have no
// Digital Link form.
const verifyPath = "/verify"

// BuildContent parses code (any form identifier.Parse accepts) and builds
// the content of its label for the resolver at domain, an absolute http(s)
// URL with an optional path prefix ("https://id.tracechain.example"; a bare
// host name means https).
//
// The result is checked before it is returned: the URI re-parses as a GS1
// Digital Link (or verify link) to the same identity, and so does the
// element string, so a label can never point at another ledger entry.
func BuildContent(domain, code string, attrs Attributes) (Content, error) {
	c, err := identifier.Parse(code)
	if err != nil {
		return Content{}, fail(ErrCode, code, err)
	}
	base, err := resolverBase(domain)
	if err != nil {
		return Content{}, err
	}
	if c.Kind.Scheme() != "gs1" {
		if attrs != (Attributes{}) {
			return Content{}, fail(ErrAttribute, code, errorString(string(c.Kind)+" codes carry no GS1 data attributes"))
		}
		id := c.Identity()
		return Content{
			Code: id,
			URI:  base + verifyPath + "?code=" + url.QueryEscape(id.Canonical),
			HRI:  []string{id.Canonical},
		}, nil
	}
	return buildGS1(base, code, c, attrs)
}

func buildGS1(base, input string, c identifier.Code, attrs Attributes) (Content, error) {
	var key identifier.AIValue
	switch c.Kind {
	case identifier.KindSSCC:
		key = identifier.AIValue{AI: identifier.AISSCC, Value: c.SSCC}
	case identifier.KindGLN:
		key = identifier.AIValue{AI: identifier.AIGLN, Value: c.GLN}
	default:
		key = identifier.AIValue{AI: identifier.AIGTIN, Value: c.GTIN}
	}
	batch := c.Batch
	if attrs.Batch != "" {
		if batch != "" && batch != attrs.Batch {
			return Content{}, fail(ErrAttribute, attrs.Batch, errorString("the code states batch "+batch))
		}
		if key.AI != identifier.AIGTIN {
			return Content{}, fail(ErrAttribute, attrs.Batch, errorString("a batch qualifies a GTIN only"))
		}
		batch = attrs.Batch
	}
	expiry := attrs.Expiry
	if expiry == "" && c.ExpiryDate != "" {
		expiry = yymmdd(c.ExpiryDate)
	}
	var prod string
	if c.ProductionDate != "" {
		prod = yymmdd(c.ProductionDate)
	}
	cpv := c.Attributes[identifier.AICPV]

	// Digital Link: key qualifiers in the path in the order the standard
	// fixes for AI 01 (22, 10, 21), dates as query data attributes.
	var b strings.Builder
	b.WriteString(base)
	seg := func(ai, v string) {
		if v != "" {
			b.WriteString("/" + ai + "/")
			writeDLValue(&b, v)
		}
	}
	seg(key.AI, key.Value)
	seg(identifier.AICPV, cpv)
	seg(identifier.AIBatch, batch)
	seg(identifier.AISerial, c.Serial)
	sep := byte('?')
	for _, q := range [][2]string{{identifier.AIProductionDate, prod}, {identifier.AIExpiry, expiry}} {
		if q[1] != "" {
			b.WriteByte(sep)
			b.WriteString(q[0] + "=")
			writeDLValue(&b, q[1])
			sep = '&'
		}
	}
	uri := b.String()

	back, err := identifier.Parse(uri)
	if err != nil {
		return Content{}, fail(ErrAttribute, input, err)
	}
	if back.Canonical != c.Canonical {
		// A batch turns a bare GTIN into a lot: another ledger entry.
		return Content{}, fail(ErrAttribute, input, errorString("the attributes would make it "+back.Canonical))
	}
	if c.ExpiryDate != "" && back.ExpiryDate != c.ExpiryDate {
		return Content{}, fail(ErrAttribute, attrs.Expiry, errorString("the code states expiry "+c.ExpiryDate))
	}

	out := Content{Code: back.Identity(), URI: uri, GS1: true}
	for _, e := range []identifier.AIValue{key, {AI: identifier.AIProductionDate, Value: prod}, {AI: identifier.AIExpiry, Value: expiry},
		{AI: identifier.AICPV, Value: cpv}, {AI: identifier.AIBatch, Value: batch}, {AI: identifier.AISerial, Value: c.Serial}} {
		if e.Value != "" {
			out.Elements = append(out.Elements, e)
		}
	}
	var es strings.Builder
	for i, e := range out.Elements {
		es.WriteString(e.AI + e.Value)
		if !predefinedLength(e.AI) && i < len(out.Elements)-1 {
			es.WriteByte(gs)
		}
		out.HRI = append(out.HRI, "("+e.AI+") "+e.Value)
	}
	out.ElementString = es.String()
	if again, err := identifier.Parse("]d2" + out.ElementString); err != nil || again.Canonical != c.Canonical {
		// Cannot happen for values the Digital Link parser accepted; refuse
		// rather than print a DataMatrix that scans as something else.
		return Content{}, fail(ErrEncode, input, errorString("element string does not re-parse to the code"))
	}
	return out, nil
}

// gs is the ASCII group separator that ends a variable-length GS1 field.
const gs = 0x1D

// predefinedLength reports whether an AI has a length fixed by the GS1
// General Specifications table of predefined lengths (first two digits), so
// that no separator is needed after it.
func predefinedLength(ai string) bool {
	if len(ai) < 2 {
		return false
	}
	switch ai[:2] {
	case "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19",
		"20", "31", "32", "33", "34", "35", "36", "41":
		return true
	}
	return false
}

// yymmdd turns identifier's YYYY-MM-DD back into the AI's YYMMDD. Day 00
// (end of month) was resolved by the parser to the last day, which denotes
// the same date.
func yymmdd(d string) string {
	if len(d) != 10 {
		return ""
	}
	return d[2:4] + d[5:7] + d[8:10]
}

// writeDLValue percent-encodes every byte except A-Z a-z 0-9 - . _, as the
// GS1 Digital Link grammar (and identifier's canonical form) does.
func writeDLValue(b *strings.Builder, v string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}

// probeGTIN is a valid GTIN used to let the identifier package judge a
// resolver host exactly as it judges hosts of scanned links.
const probeGTIN = "06901234000016"

// resolverBase validates domain and returns it as scheme://host[/prefix]
// without a trailing slash.
func resolverBase(domain string) (string, error) {
	d := strings.TrimSpace(domain)
	if d == "" {
		return "", fail(ErrDomain, domain, errorString("no resolver domain"))
	}
	if !strings.Contains(d, "://") {
		d = "https://" + d
	}
	u, err := url.Parse(d)
	if err != nil {
		return "", fail(ErrDomain, domain, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return "", fail(ErrDomain, domain, errorString("want an absolute http(s) URL with no query or fragment"))
	}
	base := u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/")
	if _, err := identifier.ParseDigitalLinkURI(base + "/01/" + probeGTIN); err != nil {
		return "", fail(ErrDomain, domain, err)
	}
	return base, nil
}

// CodeFromContent parses what a scanner read from a label's QR code: a GS1
// Digital Link, or a verify link as BuildContent makes for other codes
// (whose code parameter is parsed), and returns the code's identity. It is
// what a verification service behind the resolver does with the request.
func CodeFromContent(s string) (identifier.Code, error) {
	if u, err := url.Parse(strings.TrimSpace(s)); err == nil && strings.HasSuffix(u.Path, verifyPath) {
		if v := u.Query().Get("code"); v != "" {
			s = v
		}
	}
	c, err := identifier.Parse(s)
	if err != nil {
		return identifier.Code{}, fail(ErrCode, s, err)
	}
	return c.Identity(), nil
}

type errorString string

func (e errorString) Error() string { return string(e) }
