package identifier

import "strings"

// ParseDigitalLink parses a GS1 Digital Link URI on any http/https domain,
// with an optional path prefix before the primary key:
//
//	https://example.com/some/prefix/01/{gtin}[/22/{cpv}][/10/{batch}][/21/{serial}][?11=YYMMDD&17=YYMMDD]
//	https://example.com/00/{sscc}
//	https://example.com/414/{gln}
//
// Key qualifiers must be in the path in the order 22, 10, 21. The query may
// carry AI 11 and 17 (with a GTIN); other numeric query keys are rejected and
// non-numeric ones (utm_*, linkType, ...) ignored, as is any fragment.
func ParseDigitalLink(input string) (Code, error) {
	return run(input, parseDigitalLink)
}

// dlSeg is a path segment and its offset in the input.
type dlSeg struct {
	s   string
	off int
}

func parseDigitalLink(s string) (Code, *Error) {
	var p int
	switch {
	case hasPrefixFold(s, "https://"):
		p = len("https://")
	case hasPrefixFold(s, "http://"):
		p = len("http://")
	default:
		return Code{}, errAt(0, RuleSyntax, "Digital Link must start with http:// or https://")
	}
	host := p
	for p < len(s) && s[p] != '/' && s[p] != '?' && s[p] != '#' {
		if !isAuthorityChar(s[p]) {
			return Code{}, errAt(p, RuleCharset, "%s is not allowed in a URI host", quoteByte(s[p]))
		}
		p++
	}
	if p == host {
		return Code{}, errAt(p, RuleSyntax, "missing host")
	}
	pathStart := p
	pathEnd := len(s)
	if i := strings.IndexAny(s[p:], "?#"); i >= 0 {
		pathEnd = p + i
	}
	if pathEnd-pathStart < 2 {
		return Code{}, errAt(pathStart, RuleSyntax, "no path: expected /01/{gtin}, /00/{sscc} or /414/{gln}")
	}
	if s[pathEnd-1] == '/' {
		return Code{}, errAt(pathEnd-1, RuleSyntax, "trailing '/' in path")
	}

	// Walk (AI, value) pairs from the right: everything left of the primary
	// key is the resolver's own path prefix and may contain anything.
	var quals [3]dlSeg // qualifier AI segments, rightmost first
	var qvals [3]dlSeg
	nq := 0
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
	var key, keyVal dlSeg
	for {
		val, ok := pop()
		if !ok {
			return Code{}, errAt(pathStart, RuleSyntax, "no GS1 primary key (01, 00 or 414) in the path")
		}
		ai, ok := pop()
		if !ok {
			return Code{}, errAt(pathStart, RuleSyntax, "no GS1 primary key (01, 00 or 414) in the path")
		}
		if ai.s == "" {
			return Code{}, errAt(ai.off, RuleSyntax, "empty path segment")
		}
		switch ai.s {
		case aiGTIN, aiSSCC, aiGLN:
			key, keyVal = ai, val
		case aiCPV, aiBatch, aiSerial:
			if nq == len(quals) {
				return Code{}, errAt(ai.off, RuleQualifierOrder, "too many key qualifiers: at most 22, 10 and 21, once each")
			}
			quals[nq], qvals[nq] = ai, val
			nq++
			continue
		default:
			if isDLPathAI(val.s) {
				return Code{}, errAt(val.off+len(val.s), RuleSyntax, "AI %s has no value", val.s)
			}
			if allDigits(ai.s) {
				return Code{}, errAt(ai.off, RuleAI, "AI %s is not supported in a Digital Link path (accepted: 01 with 22/10/21, 00, 414)", ai.s)
			}
			return Code{}, errAt(pathStart, RuleSyntax, "no GS1 primary key (01, 00 or 414) in the path")
		}
		break
	}

	// The resolver's prefix is opaque but must still be URI path text.
	if e := checkURIText(s[pathStart:key.off-1], pathStart, false); e != nil {
		return Code{}, e
	}
	var f gs1Fields
	f.primary = key.s
	var e *Error
	switch key.s {
	case aiGTIN:
		// GTIN-8/12/13 are tolerated and zero-padded, though the grammar asks for 14 digits.
		f.key, e = normalizeGTIN(keyVal.s, keyVal.off)
	case aiSSCC:
		f.key, e = keyVal.s, verifyKey(keyVal.s, keyVal.off, ssccLen, "SSCC")
	case aiGLN:
		f.key, e = keyVal.s, verifyKey(keyVal.s, keyVal.off, glnLen, "GLN")
	}
	if e != nil {
		return Code{}, e
	}
	if nq > 0 && key.s != aiGTIN {
		q := quals[nq-1]
		return Code{}, errAt(q.off, RuleQualifierOrder, "AI %s cannot qualify primary key %s", q.s, key.s)
	}
	prevRank := 0
	var prev string
	for k := nq - 1; k >= 0; k-- { // left to right
		q := quals[k]
		r := qualifierRank(q.s)
		if r == prevRank {
			return Code{}, errAt(q.off, RuleQualifierOrder, "AI %s repeated in path", q.s)
		}
		if r < prevRank {
			return Code{}, errAt(q.off, RuleQualifierOrder, "AI %s after AI %s: qualifiers must be in the order 22, 10, 21", q.s, prev)
		}
		prevRank, prev = r, q.s
		v, e := decodeValue(qvals[k].s, qvals[k].off, "AI "+q.s, isPathRaw)
		if e != nil {
			return Code{}, e
		}
		switch q.s {
		case aiCPV:
			f.cpv = v
		case aiBatch:
			f.batch = v
		case aiSerial:
			f.serial = v
		}
	}

	if pathEnd < len(s) {
		if e := dlQuery(s, pathEnd, &f); e != nil {
			return Code{}, e
		}
	}
	return f.code(), nil
}

// dlQuery handles "?query#fragment" starting at s[p].
func dlQuery(s string, p int, f *gs1Fields) *Error {
	qEnd := len(s)
	if i := strings.IndexByte(s[p:], '#'); i >= 0 {
		qEnd = p + i
	}
	// The fragment is ignored but must still be URI text.
	if e := checkURIText(s[qEnd:], qEnd, true); e != nil {
		return e
	}
	if s[p] != '?' {
		return nil
	}
	if e := checkURIText(s[p+1:qEnd], p+1, false); e != nil {
		return e
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
		if k != "" && allDigits(k) {
			if e := dlQueryAI(k, i, v, voff, f); e != nil {
				return e
			}
		}
		i = j + 1
	}
	return nil
}

func dlQueryAI(k string, koff int, v string, voff int, f *gs1Fields) *Error {
	switch k {
	case aiProd, aiExpiry:
		if f.primary != aiGTIN {
			return errAt(koff, RuleAI, "AI %s requires primary key 01, not %s", k, f.primary)
		}
		dst := &f.prod
		if k == aiExpiry {
			dst = &f.expiry
		}
		if *dst != "" {
			return errAt(koff, RuleAI, "AI %s repeated in query", k)
		}
		d, e := parseGS1Date(v, voff, k)
		if e != nil {
			return e
		}
		*dst = d
		return nil
	case aiCPV, aiBatch, aiSerial:
		return errAt(koff, RuleQualifierOrder, "AI %s is a key qualifier: it belongs in the path, not the query", k)
	case aiGTIN, aiSSCC, aiGLN:
		return errAt(koff, RuleAI, "primary key AI %s in the query string", k)
	}
	return errAt(koff, RuleAI, "AI %s is not supported in the query (accepted: 11, 17)", k)
}

func qualifierRank(ai string) int {
	switch ai {
	case aiCPV:
		return 1
	case aiBatch:
		return 2
	}
	return 3
}

func isDLPathAI(s string) bool {
	switch s {
	case aiGTIN, aiSSCC, aiGLN, aiCPV, aiBatch, aiSerial:
		return true
	}
	return false
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

func isAuthorityChar(c byte) bool {
	return isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' || c == '[' || c == ']' || c == '%'
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

// decodeValue percent-decodes an AI 10/21/22 value (1-20 characters of set
// 82). raw says which characters may appear unencoded. Offsets in errors
// point into the encoded text. Values without escapes are not copied.
func decodeValue(v string, base int, what string, raw func(byte) bool) (string, *Error) {
	if len(v) == 0 {
		return "", errAt(base, RuleLength, "%s is empty", what)
	}
	var buf []byte
	n := 0 // decoded characters so far
	for i := 0; i < len(v); i++ {
		c := v[i]
		start := i
		if c == '%' {
			if i+2 >= len(v) || !isHex(v[i+1]) || !isHex(v[i+2]) {
				return "", errAt(base+i, RuleSyntax, "%s: invalid percent-escape", what)
			}
			c = unhex(v[i+1])<<4 | unhex(v[i+2])
			if buf == nil {
				buf = make([]byte, 0, len(v))
				buf = append(buf, v[:i]...)
			}
			i += 2
			if !cs82[c] {
				return "", errAt(base+start, RuleCharset, "%s: %%%s decodes to %s, not in GS1 character set 82", what, v[start+1:start+3], quoteByte(c))
			}
		} else {
			if !cs82[c] {
				return "", errAt(base+i, RuleCharset, "%s: %s is not in GS1 character set 82", what, quoteByte(c))
			}
			if !raw(c) {
				return "", errAt(base+i, RuleCharset, "%s: %s must be percent-encoded", what, quoteByte(c))
			}
		}
		if n == maxBatchSerial {
			return "", errAt(base+start, RuleLength, "%s has more than %d characters", what, maxBatchSerial)
		}
		n++
		if buf != nil {
			buf = append(buf, c)
		}
	}
	if buf == nil {
		return v, nil
	}
	return string(buf), nil
}
