package identifier

import (
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// ParseDigitalLink parses a GS1 Digital Link URI into a Code. The URI is
// validated as ParseDigitalLinkURI does; the Code can then only be built on
// the primary keys the ledger keys on:
//
//	https://example.com/some/prefix/01/{gtin}[/22/{cpv}][/10/{batch}][/21/{serial}][?{AI}={value}...]
//	https://example.com/00/{sscc}[?{AI}={value}...]
//	https://example.com/414/{gln}[?{AI}={value}...]
//
// Other primary keys (8004, 253, 8006, ...) and the qualifiers 235 (TPX),
// 254 (GLN extension) and 7040 are valid Digital Link but are refused here
// with RuleAI: the ledger has no kind for them, and dropping a qualifier
// would give two items one key. Query data attributes other than 11 and 17
// of a GTIN are returned in Code.Attributes keyed by AI.
func ParseDigitalLink(input string) (Code, error) {
	return run(input, parseDigitalLink)
}

// AIValue is one GS1 Application Identifier and its value, percent-decoded.
type AIValue struct {
	AI    string `json:"ai"`
	Value string `json:"value"`
}

// DigitalLink is a parsed, validated, uncompressed GS1 Digital Link URI.
type DigitalLink struct {
	Scheme      string     // "http" or "https", lower case
	Host        string     // host and optional port, as given
	PathPrefix  string     // the resolver's own path before the primary key, as given ("" if none)
	PrimaryKey  AIValue    // for AI 01 the GTIN is zero-padded to 14 digits
	Qualifiers  []AIValue  // key qualifiers in path order
	Attributes  []AIValue  // data attributes from the query, in query order
	OtherParams url.Values // non-AI query parameters (linkType, context, lang, utm_*, ...), decoded
	Compressed  bool       // the input was a compressed Digital Link; the fields hold its uncompressed form
}

// ParseDigitalLinkURI parses a GS1 Digital Link URI (GS1 Digital Link
// Standard: URI Syntax 1.2 and later) on any domain, with any primary key of
// the AI table:
//
//   - scheme http or https; the host is a DNS name, an IPv4 address or a
//     bracketed IPv6 address, with an optional port (see checkHost);
//   - an optional path prefix, then /{primary key AI}/{value} and the key
//     qualifiers allowed for that key, in their defined order;
//   - a query whose all-digit keys must be GS1 AIs permitted as data
//     attributes, each at most once and none of them a key qualifier of the
//     primary key or the primary key itself; other keys are kept in
//     OtherParams; the fragment is ignored;
//   - values are percent-decoded and then checked against the AI's format.
//
// A compressed Digital Link URI (GS1 Digital Link compression: one URI-safe
// base64 segment after the path prefix, or after /{primary key}/{value}) is
// decompressed and then checked like any other; Compressed is set, and
// malformed binary data fails with RuleCompression. Convenience alphas (/gtin/, /ser/, ...) were deprecated by the standard and
// are not accepted either.
func ParseDigitalLinkURI(input string) (DigitalLink, error) {
	return runAs(input, func(s string) (DigitalLink, *Error) {
		p, e := parseDL(s)
		if e != nil {
			return DigitalLink{}, e
		}
		return p.dl, nil
	})
}

// CanonicalURI returns the link on id.gs1.org without path prefix: primary
// key, qualifiers, then the data attributes in their query order. Values are
// percent-encoded as in Code.Canonical. Non-AI parameters are dropped.
func (d DigitalLink) CanonicalURI() string {
	var b strings.Builder
	b.WriteString(d.pathURI(len(d.Qualifiers)))
	for i, a := range d.Attributes {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(a.AI)
		b.WriteByte('=')
		writeDLValue(&b, a.Value)
	}
	return b.String()
}

// Levels returns the id.gs1.org URIs of d's path and of each less specific
// level down to the primary key, most specific first: for
// /01/X/10/L/21/S that is /01/X/10/L/21/S, /01/X/10/L, /01/X. A resolver
// falls back along this list when it has no links for a level.
func (d DigitalLink) Levels() []string {
	out := make([]string, 0, len(d.Qualifiers)+1)
	for n := len(d.Qualifiers); n >= 0; n-- {
		out = append(out, d.pathURI(n))
	}
	return out
}

func (d DigitalLink) pathURI(nQuals int) string {
	var b strings.Builder
	b.WriteString(dlBase)
	b.WriteString(d.PrimaryKey.AI)
	b.WriteByte('/')
	writeDLValue(&b, d.PrimaryKey.Value)
	for _, q := range d.Qualifiers[:nQuals] {
		b.WriteByte('/')
		b.WriteString(q.AI)
		b.WriteByte('/')
		writeDLValue(&b, q.Value)
	}
	return b.String()
}

// dlSeg is a path segment and its offset in the input.
type dlSeg struct {
	s   string
	off int
}

// dlParsed is a DigitalLink plus where each AI was found, for errors that
// callers raise after parsing.
type dlParsed struct {
	dl      DigitalLink
	keyOff  int
	qualOff []int
	attrOff []int // offsets of the query keys
	attrVal []int // offsets of the query values
}

func parseDigitalLink(s string) (Code, *Error) {
	p, e := parseDL(s)
	if e != nil {
		return Code{}, e
	}
	k := p.dl.PrimaryKey
	if !isLedgerKey(k.AI) {
		return Code{}, errAt(p.keyOff, RuleAI, "primary key AI %s is valid Digital Link, but the ledger keys only on 01, 00 and 414", k.AI)
	}
	f := gs1Fields{primary: k.AI, key: k.Value}
	for i, q := range p.dl.Qualifiers {
		switch q.AI {
		case AICPV, AIBatch, AISerial:
			if e := f.assign(q.AI, q.Value, 0); e != nil {
				return Code{}, e
			}
		default:
			return Code{}, errAt(p.qualOff[i], RuleAI, "key qualifier AI %s is valid Digital Link, but not supported for a ledger key", q.AI)
		}
	}
	for i, a := range p.dl.Attributes {
		if e := f.assign(a.AI, a.Value, p.attrVal[i]); e != nil {
			return Code{}, e
		}
	}
	return f.code(), nil
}

// parseDL parses an uncompressed or compressed Digital Link.
func parseDL(s string) (dlParsed, *Error) {
	return parseDLWith(s, true)
}

// parseUncompressedDL parses the URI a compressed one expands to: it is not
// read as compressed again.
func parseUncompressedDL(s string) (dlParsed, *Error) {
	return parseDLWith(s, false)
}

func parseDLWith(s string, compressed bool) (dlParsed, *Error) {
	var out dlParsed
	pathStart, e := out.authority(s)
	if e != nil {
		return out, e
	}
	pathEnd := len(s)
	if i := strings.IndexAny(s[pathStart:], "?#"); i >= 0 {
		pathEnd = pathStart + i
	}
	if pathEnd-pathStart < 2 {
		return out, errAt(pathStart, RuleSyntax, "no path: expected /{primary key AI}/{value}, e.g. /01/{gtin}")
	}
	if s[pathEnd-1] == '/' {
		return out, errAt(pathEnd-1, RuleSyntax, "trailing '/' in path")
	}
	path, e := splitDLPath(s, pathStart, pathEnd)
	if e != nil {
		if compressed {
			return parseCompressedDL(s, pathStart, pathEnd, e)
		}
		return out, e
	}
	out, e = out.keyed(s, pathStart, pathEnd, path)
	if e != nil && compressed {
		// "/00/AQAAC1dFIA": a path prefix ending in a segment that reads as
		// a key AI, then compressed data. Read compressed only when the
		// keyed reading fails, and report that reading's error otherwise.
		if p, ce := parseCompressedDL(s, pathStart, pathEnd, e); ce == nil {
			return p, nil
		}
	}
	return out, e
}

// keyed reads the rest of an uncompressed Digital Link whose path splitDLPath
// split: the prefix, the primary key, the qualifiers and the query.
func (out dlParsed) keyed(s string, pathStart, pathEnd int, path dlPath) (dlParsed, *Error) {
	var e *Error
	// The resolver's prefix is opaque but must still be URI path text.
	if e := checkURIText(s[pathStart:path.key.off-1], pathStart, false); e != nil {
		return out, e
	}
	out.dl.PathPrefix = s[pathStart : path.key.off-1]
	out.keyOff = path.key.off
	kv, e := primaryKeyValue(path.key.s, path.keyVal, path.keyDef)
	if e != nil {
		return out, e
	}
	out.dl.PrimaryKey = AIValue{path.key.s, kv}
	elems, e := out.qualifiers(path)
	if e != nil {
		return out, e
	}
	if pathEnd < len(s) {
		if elems, e = out.query(s, pathEnd, path.keyDef, elems); e != nil {
			return out, e
		}
	}
	if e := checkAssociations(elems); e != nil {
		return out, e
	}
	return out, nil
}

// authority reads the scheme and host into out and returns where the path starts.
func (out *dlParsed) authority(s string) (int, *Error) {
	var p int
	switch {
	case hasPrefixFold(s, "https://"):
		p = len("https://")
		out.dl.Scheme = "https"
	case hasPrefixFold(s, "http://"):
		p = len("http://")
		out.dl.Scheme = "http"
	default:
		return 0, errAt(0, RuleSyntax, "Digital Link must start with http:// or https://")
	}
	host := p
	for p < len(s) && s[p] != '/' && s[p] != '?' && s[p] != '#' {
		p++
	}
	if p == host {
		return 0, errAt(p, RuleSyntax, "missing host")
	}
	if e := checkHost(s[host:p], host); e != nil {
		return 0, e
	}
	out.dl.Host = s[host:p]
	return p, nil
}

// dlPath is a Digital Link path split into its primary key and the key
// qualifiers after it, each segment with its offset.
type dlPath struct {
	key, keyVal dlSeg
	keyDef      *aiDef
	quals       []dlSeg // qualifier AIs, rightmost first
	qvals       []dlSeg // their values, in the same order
}

// splitDLPath walks (AI, value) pairs of s[pathStart:pathEnd] from the right:
// everything left of the primary key is the resolver's own path prefix and
// may contain anything.
func splitDLPath(s string, pathStart, pathEnd int) (dlPath, *Error) {
	var out dlPath
	end := pathEnd
	pop := func() (dlSeg, bool) {
		if end <= pathStart {
			return dlSeg{}, false
		}
		j := strings.LastIndexByte(s[pathStart:end], '/') + pathStart
		seg := dlSeg{s[j+1 : end], j + 1}
		end = j
		return seg, true
	}
	noKey := errAt(pathStart, RuleSyntax, noKeyMsg)
	for {
		val, ok := pop()
		if !ok {
			return out, noKey
		}
		ai, ok := pop()
		if !ok {
			return out, noKey
		}
		if ai.s == "" {
			return out, errAt(ai.off, RuleSyntax, "empty path segment")
		}
		d, known := lookupAIDef(ai.s)
		switch {
		case known && d.dlKey():
			out.key, out.keyVal, out.keyDef = ai, val, d
			return out, nil
		case known && dlQualAIs[ai.s]:
			if len(out.quals) == maxDLQuals {
				return out, errAt(ai.off, RuleQualifierOrder, "too many key qualifiers: at most %d", maxDLQuals)
			}
			out.quals = append(out.quals, ai)
			out.qvals = append(out.qvals, val)
		case isDLPathAI(val.s):
			return out, errAt(val.off+len(val.s), RuleSyntax, "AI %s has no value", val.s)
		case allDigits(ai.s):
			return out, errAt(ai.off, RuleAI, "AI %s cannot appear in a Digital Link path: it is neither a primary key nor a key qualifier", ai.s)
		default:
			return out, noKey
		}
	}
}

// primaryKeyValue decodes and checks the primary key's value.
func primaryKeyValue(ai string, val dlSeg, d *aiDef) (string, *Error) {
	if ai == AIGTIN {
		// GTIN-8/12/13 are tolerated and zero-padded, though the grammar asks for 14 digits.
		return normalizeGTIN(val.s, val.off)
	}
	t, e := decodeURIValue(val.s, val.off, isPathRaw, false)
	if e != nil {
		return "", e
	}
	if e := d.checkValue(&t); e != nil {
		return "", e
	}
	return t.v, nil
}

// qualifiers checks and decodes the key qualifiers, left to right: sequence
// first, then the value, so the first problem in reading order is the one
// reported. It returns the path's elements, primary key first.
func (out *dlParsed) qualifiers(path dlPath) ([]aiElem, *Error) {
	key, keyDef := path.key, path.keyDef
	elems := []aiElem{{keyDef, key.off}}
	var alt []string
	prev := -1
	for k := len(path.quals) - 1; k >= 0; k-- {
		q := path.quals[k]
		qd, _ := lookupAIDef(q.s)
		if alt == nil {
			for _, a := range keyDef.quals {
				if indexOf(a, q.s) >= 0 {
					alt = a
					break
				}
			}
			if alt == nil {
				return nil, errAt(q.off, RuleQualifierOrder, "AI %s cannot qualify primary key %s", q.s, key.s)
			}
		}
		r := indexOf(alt, q.s)
		switch {
		case r < 0 && keyDef.qualifies(q.s):
			return nil, errAt(q.off, RuleQualifierOrder, "AI %s cannot be combined with AI %s after primary key %s", q.s, alt[0], key.s)
		case r < 0:
			return nil, errAt(q.off, RuleQualifierOrder, "AI %s cannot qualify primary key %s", q.s, key.s)
		case r == prev:
			return nil, errAt(q.off, RuleQualifierOrder, "AI %s repeated in path", q.s)
		case r < prev:
			return nil, errAt(q.off, RuleQualifierOrder, "AI %s after AI %s: qualifiers must be in the order %s", q.s, alt[prev], strings.Join(alt, ", "))
		}
		prev = r
		t, e := decodeURIValue(path.qvals[k].s, path.qvals[k].off, isPathRaw, false)
		if e != nil {
			return nil, e
		}
		if e := qd.checkValue(&t); e != nil {
			return nil, e
		}
		out.dl.Qualifiers = append(out.dl.Qualifiers, AIValue{q.s, t.v})
		out.qualOff = append(out.qualOff, q.off)
		elems = append(elems, aiElem{qd, q.off})
	}
	return elems, nil
}

// qualifies reports whether ai is in any qualifier sequence of d.
func (d *aiDef) qualifies(ai string) bool {
	for _, a := range d.quals {
		if indexOf(a, ai) >= 0 {
			return true
		}
	}
	return false
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// query handles "?query#fragment" starting at s[p].
//
// Query keys made only of digits are read as AIs. The standard says a
// resolver ignores query parameters it does not know, but an all-digit key
// is in the AI namespace: one that is not a GS1 AI (a typo such as 3130 for
// 3103, or an AI from a later release) is refused rather than silently
// dropped, as the GS1 Syntax Engine does. Other keys (linkType, context,
// lang, utm_*, ...) are kept in OtherParams. Parameters are separated by
// '&' only; '+' in an AI value decodes to a space, which no AI allows (use
// %2B), matching HTML form encoding and the Syntax Engine.
func (out *dlParsed) query(s string, p int, key *aiDef, elems []aiElem) ([]aiElem, *Error) {
	qEnd := len(s)
	if i := strings.IndexByte(s[p:], '#'); i >= 0 {
		qEnd = p + i
	}
	// The fragment is ignored but must still be URI text.
	if e := checkURIText(s[qEnd:], qEnd, true); e != nil {
		return elems, e
	}
	if s[p] != '?' {
		return elems, nil
	}
	if e := checkURIText(s[p+1:qEnd], p+1, false); e != nil {
		return elems, e
	}
	for i := p + 1; i < qEnd; {
		j := strings.IndexByte(s[i:qEnd], '&')
		if j < 0 {
			j = qEnd
		} else {
			j += i
		}
		param := s[i:j]
		k, v, voff := param, "", j
		if eq := strings.IndexByte(param, '='); eq >= 0 {
			k, v, voff = param[:eq], param[eq+1:], i+eq+1
		}
		// A key is read decoded: percent-encoded digits (%30 for 0) are the
		// digits themselves (RFC 3986, section 6.2.2.2), so such a key is an
		// AI key like any other, not a parameter that would be compressed,
		// printed or passed on as something else.
		dk, err1 := url.QueryUnescape(k)
		if err1 != nil { // cannot happen after checkURIText; keep the raw text
			dk = k
		}
		switch {
		case k == "":
		case allDigits(dk):
			var e *Error
			if elems, e = out.queryAI(dk, i, v, voff, key, elems); e != nil {
				return elems, e
			}
		default:
			if out.dl.OtherParams == nil {
				out.dl.OtherParams = url.Values{}
			}
			dv, err2 := url.QueryUnescape(v)
			if err2 != nil { // cannot happen after checkURIText; keep the raw text
				dv = v
			}
			out.dl.OtherParams.Add(dk, dv)
		}
		i = j + 1
	}
	return elems, nil
}

func (out *dlParsed) queryAI(k string, koff int, v string, voff int, key *aiDef, elems []aiElem) ([]aiElem, *Error) {
	d, ok := lookupAIDef(k)
	switch {
	case !ok:
		return elems, errAt(koff, RuleAI, "query key %s is not a GS1 application identifier", k)
	case d == key:
		return elems, errAt(koff, RuleAI, "primary key AI %s repeated in the query string", k)
	case key.qualifies(k):
		return elems, errAt(koff, RuleQualifierOrder, "AI %s is a key qualifier of AI %s: it belongs in the path, not the query", k, key.ai)
	}
	for _, el := range elems {
		if el.d == d {
			return elems, errAt(koff, RuleAI, "AI %s repeated in query", k)
		}
	}
	if !d.dlAttr() {
		return elems, errAt(koff, RuleAI, "AI %s is not permitted as a Digital Link data attribute", k)
	}
	t, e := decodeURIValue(v, voff, func(byte) bool { return true }, true)
	if e != nil {
		return elems, e
	}
	if e := d.checkValue(&t); e != nil {
		return elems, e
	}
	out.dl.Attributes = append(out.dl.Attributes, AIValue{k, t.v})
	out.attrOff = append(out.attrOff, koff)
	out.attrVal = append(out.attrVal, voff)
	return append(elems, aiElem{d, koff}), nil
}

// isDLPathAI reports whether s names an AI that can stand in a Digital Link
// path (a primary key or a key qualifier).
func isDLPathAI(s string) bool {
	d, ok := lookupAIDef(s)
	return ok && (d.dlKey() || dlQualAIs[s])
}

// checkHost validates the authority of a Digital Link. RFC 3986 would allow
// any reg-name (sub-delims such as '$' and ',' and %-escapes included), but a
// Digital Link must be resolvable over HTTP: the GS1 Digital Link standard
// expects a domain name, and the URIs of its resolvers are DNS names. So the
// host must be
//
//   - a DNS name: dot-separated labels of 1-63 letters, digits and hyphens,
//     not starting or ending with a hyphen, at most 253 characters, whose
//     last label is not all digits (internationalised names in their
//     xn-- form);
//   - an IPv4 address in dotted decimal without leading zeros; or
//   - an IPv6 address in brackets, without zone.
//
// An optional ":port" (digits, at most 65535; RFC 3986 allows it empty)
// may follow. User information ("user@") is refused: the DL grammar has
// none, and it is a classic phishing disguise.
func checkHost(h string, base int) *Error {
	hostEnd := len(h)
	if h[0] == '[' {
		c := strings.IndexByte(h, ']')
		if c < 0 {
			return errAt(base, RuleSyntax, "unclosed '[' in host")
		}
		a, err := netip.ParseAddr(h[1:c])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return errAt(base+1, RuleSyntax, "%q is not an IPv6 address", h[1:c])
		}
		hostEnd = c + 1
		if hostEnd < len(h) && h[hostEnd] != ':' {
			return errAt(base+hostEnd, RuleSyntax, "expected ':' or the end of the host after ']'")
		}
	} else {
		if i := strings.IndexByte(h, ':'); i >= 0 {
			hostEnd = i
		}
		for i := 0; i < hostEnd; i++ {
			c := h[i]
			if !(isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '.') {
				return errAt(base+i, RuleCharset, "%s is not allowed in a host name", quoteByte(c))
			}
		}
		if e := checkHostName(h[:hostEnd], base); e != nil {
			return e
		}
	}
	if hostEnd < len(h) {
		port := h[hostEnd+1:]
		if i := firstNonDigit(port); i >= 0 {
			return errAt(base+hostEnd+1+i, RuleCharset, "port: %s is not a digit", quoteByte(port[i]))
		}
		if n, _ := strconv.Atoi(port); len(port) > 5 || n > 65535 {
			return errAt(base+hostEnd+1, RuleSyntax, "port %s is out of range", port)
		}
	}
	return nil
}

func checkHostName(h string, base int) *Error {
	if h == "" {
		return errAt(base, RuleSyntax, "missing host")
	}
	if len(h) > 253 {
		return errAt(base+253, RuleLength, "host name longer than 253 characters")
	}
	labels := strings.Split(h, ".")
	last := labels[len(labels)-1]
	if allDigits(last) && last != "" {
		if _, err := netip.ParseAddr(h); err != nil || strings.Count(h, ".") != 3 {
			return errAt(base, RuleSyntax, "%q is neither an IPv4 address nor a DNS name", h)
		}
		return nil
	}
	off := base
	for _, l := range labels {
		switch {
		case l == "":
			return errAt(off, RuleSyntax, "empty label in host name")
		case len(l) > 63:
			return errAt(off+63, RuleLength, "host name label longer than 63 characters")
		case l[0] == '-':
			return errAt(off, RuleSyntax, "host name label starts with '-'")
		case l[len(l)-1] == '-':
			return errAt(off+len(l)-1, RuleSyntax, "host name label ends with '-'")
		}
		off += len(l) + 1
	}
	return nil
}

// decodeURIValue percent-decodes an AI value of a path segment or query
// parameter. raw says which characters may appear unencoded; plusSpace makes
// '+' a space (query values). Offsets in errors point into the encoded text.
// Values without escapes are not copied.
func decodeURIValue(v string, base int, raw func(byte) bool, plusSpace bool) (aiText, *Error) {
	t := aiText{v: v, base: base, end: base + len(v)}
	if strings.IndexByte(v, '%') < 0 && (!plusSpace || strings.IndexByte(v, '+') < 0) {
		for i := 0; i < len(v); i++ {
			if !raw(v[i]) && cs82[v[i]] {
				return t, errAt(base+i, RuleCharset, "%s must be percent-encoded", quoteByte(v[i]))
			}
		}
		return t, nil
	}
	buf := make([]byte, 0, len(v))
	t.offs = make([]int, 0, len(v))
	t.esc = make([]bool, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		start := i
		esc := false
		switch {
		case c == '%':
			if i+2 >= len(v) || !isHex(v[i+1]) || !isHex(v[i+2]) {
				return t, errAt(base+i, RuleSyntax, "invalid percent-escape")
			}
			c = unhex(v[i+1])<<4 | unhex(v[i+2])
			i += 2
			esc = true
		case c == '+' && plusSpace:
			c = ' '
		case !raw(c) && cs82[c]:
			return t, errAt(base+i, RuleCharset, "%s must be percent-encoded", quoteByte(c))
		}
		buf = append(buf, c)
		t.offs = append(t.offs, start)
		t.esc = append(t.esc, esc)
	}
	t.v = string(buf)
	return t, nil
}

// RFC 3986 character classes.
func isUnreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}

func isSubDelim(c byte) bool {
	switch c {
	case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=':
		return true
	}
	return false
}

// isPathRaw reports whether c may appear unencoded in a path segment (pchar).
func isPathRaw(c byte) bool { return isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' }

// checkURIText validates query or fragment text: pchar, '/', '?' and
// well-formed percent-escapes (and '#' never, it was split off already).
func checkURIText(t string, base int, fragment bool) *Error {
	start := 0
	if fragment && len(t) > 0 {
		start = 1 // the '#'
	}
	for i := start; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '%':
			if i+2 >= len(t) || !isHex(t[i+1]) || !isHex(t[i+2]) {
				return errAt(base+i, RuleSyntax, "invalid percent-escape")
			}
			i += 2
		case isPathRaw(c) || c == '/' || c == '?':
		default:
			return errAt(base+i, RuleCharset, "%s is not allowed in a URI", quoteByte(c))
		}
	}
	return nil
}

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case isDigit(c):
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
