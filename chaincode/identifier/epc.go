package identifier

import "strings"

// EPC URN prefixes (EPC Tag Data Standard, pure identity and class URIs).
const (
	epcSGTIN = "urn:epc:id:sgtin:"
	epcSSCC  = "urn:epc:id:sscc:"
	epcSGLN  = "urn:epc:id:sgln:"
	epcLGTIN = "urn:epc:class:lgtin:"
)

// ParseEPC parses an EPC URN:
//
//	urn:epc:id:sgtin:{companyPrefix}.{indicator+itemRef}.{serial}
//	urn:epc:id:sscc:{companyPrefix}.{extension+serialRef}
//	urn:epc:id:sgln:{companyPrefix}.{locationRef}.0
//	urn:epc:class:lgtin:{companyPrefix}.{indicator+itemRef}.{lot}
//
// The GS1 key is rebuilt with its check digit; the company prefix is kept in
// Code.CompanyPrefix. Serial and lot use the URN %-escapes, which are decoded.
func ParseEPC(input string) (Code, error) {
	return run(input, parseEPC)
}

func parseEPC(s string) (Code, *Error) {
	switch {
	case hasPrefixFold(s, epcSGTIN):
		return parseEPCGTIN(s, len(epcSGTIN), true)
	case hasPrefixFold(s, epcLGTIN):
		return parseEPCGTIN(s, len(epcLGTIN), false)
	case hasPrefixFold(s, epcSSCC):
		return parseEPCSSCC(s, len(epcSSCC))
	case hasPrefixFold(s, epcSGLN):
		return parseEPCSGLN(s, len(epcSGLN))
	case hasPrefixFold(s, "urn:epc:id:"):
		scheme := s[len("urn:epc:id:"):]
		if i := strings.IndexByte(scheme, ':'); i >= 0 {
			scheme = scheme[:i]
		}
		return Code{}, errAt(len("urn:epc:id:"), RuleUnknownForm, "EPC scheme %q is not supported (accepted: sgtin, sscc, sgln)", scheme)
	case hasPrefixFold(s, "urn:epc:"):
		return Code{}, errAt(len("urn:epc:"), RuleUnknownForm, "only urn:epc:id: pure identities and urn:epc:class:lgtin are accepted")
	}
	return Code{}, errAt(0, RuleUnknownForm, "not an EPC URN")
}

// epcField cuts the next '.'-terminated field of s starting at p. last says
// the field runs to the end of the input.
func epcField(s string, p int, last bool, what string) (string, int, *Error) {
	if last {
		return s[p:], len(s), nil
	}
	i := strings.IndexByte(s[p:], '.')
	if i < 0 {
		return "", 0, errAt(len(s), RuleSyntax, "missing '.' after %s", what)
	}
	return s[p : p+i], p + i + 1, nil
}

// epcDigits checks that ref has exactly want digits; the company prefix
// length decides want, so the message says so.
func epcDigits(ref string, off, want int, what string) *Error {
	return exactDigits(ref, off, want, what, " with this company prefix")
}

func parseEPCGTIN(s string, p int, serialised bool) (Code, *Error) {
	cp, q, e := epcField(s, p, false, "company prefix")
	if e != nil {
		return Code{}, e
	}
	if e := validateCompanyPrefix(cp, p); e != nil {
		return Code{}, e
	}
	ref, r, e := epcField(s, q, false, "indicator and item reference")
	if e != nil {
		return Code{}, e
	}
	if e := epcDigits(ref, q, 13-len(cp), "indicator and item reference"); e != nil {
		return Code{}, e
	}
	what := "serial"
	if !serialised {
		what = "lot"
	}
	v, e := decodeValue(s[r:], r, what, isEPCRaw)
	if e != nil {
		return Code{}, e
	}
	var g [gtinLen]byte
	g[0] = ref[0]
	copy(g[1:], cp)
	copy(g[1+len(cp):], ref[1:])
	g[gtinLen-1] = checkDigit(g[:gtinLen-1])
	f := gs1Fields{primary: AIGTIN, key: string(g[:]), companyPrefix: cp}
	if serialised {
		f.serial = v
	} else {
		f.batch = v
	}
	return f.code(), nil
}

func parseEPCSSCC(s string, p int) (Code, *Error) {
	cp, q, e := epcField(s, p, false, "company prefix")
	if e != nil {
		return Code{}, e
	}
	if e := validateCompanyPrefix(cp, p); e != nil {
		return Code{}, e
	}
	ref := s[q:]
	if i := strings.IndexByte(ref, '.'); i >= 0 {
		return Code{}, errAt(q+i, RuleSyntax, "unexpected '.': an SSCC URN has two fields")
	}
	if e := epcDigits(ref, q, 17-len(cp), "extension and serial reference"); e != nil {
		return Code{}, e
	}
	var k [ssccLen]byte
	k[0] = ref[0]
	copy(k[1:], cp)
	copy(k[1+len(cp):], ref[1:])
	k[ssccLen-1] = checkDigit(k[:ssccLen-1])
	f := gs1Fields{primary: AISSCC, key: string(k[:]), companyPrefix: cp}
	return f.code(), nil
}

func parseEPCSGLN(s string, p int) (Code, *Error) {
	cp, q, e := epcField(s, p, false, "company prefix")
	if e != nil {
		return Code{}, e
	}
	if e := validateCompanyPrefix(cp, p); e != nil {
		return Code{}, e
	}
	ref, r, e := epcField(s, q, false, "location reference")
	if e != nil {
		return Code{}, e
	}
	if e := epcDigits(ref, q, 12-len(cp), "location reference"); e != nil {
		return Code{}, e
	}
	// Extension "0" means the GLN itself; others are AI 254 sub-locations.
	if s[r:] != "0" {
		return Code{}, errAt(r, RuleAI, "SGLN extension %q (AI 254) is not supported: only 0 (no extension)", s[r:])
	}
	var k [glnLen]byte
	copy(k[:], cp)
	copy(k[len(cp):], ref)
	k[glnLen-1] = checkDigit(k[:glnLen-1])
	f := gs1Fields{primary: AIGLN, key: string(k[:]), companyPrefix: cp}
	return f.code(), nil
}

// isEPCRaw reports whether c may appear unescaped in an EPC URN serial: the
// set 82 characters other than " % & / < > ? (EPC TDS, URI form of AI 21).
func isEPCRaw(c byte) bool {
	switch c {
	case '"', '%', '&', '/', '<', '>', '?':
		return false
	}
	return cs82[c]
}

// decodeValue percent-decodes an EPC serial or lot (1-20 characters of set
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
