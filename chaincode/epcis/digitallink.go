package epcis

import (
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
)

// canonicalDL returns the constrained canonical GS1 Digital Link URI
// (https://id.gs1.org/...) of an EPC URI, EPC class URI, EPC pattern URI or
// GS1 Digital Link URI, and false for anything else. CBV 2.0 requires every
// GS1 identifier in the pre-hash string in this one form, so that the same
// object named as urn:epc:id:sgtin:... or as a product's own Digital Link
// domain yields the same hash.
func canonicalDL(s string) (string, bool) {
	switch {
	case strings.HasPrefix(s, "urn:epc:"):
		return epcToDL(s)
	case strings.HasPrefix(s, "https://"), strings.HasPrefix(s, "http://"):
		return constrainDL(s)
	}
	return "", false
}

// epcScheme describes how one EPC URN scheme maps to a Digital Link path.
// The URN body is "{companyPrefix}.{field}.{field}..."; build receives the
// company prefix and the remaining fields, already checked against fields.
type epcScheme struct {
	fields []epcField
	build  func(cp string, f []string) string
}

// epcField checks one '.'-separated field of an EPC URN after the company
// prefix. digits>0: exactly that many digits minus the company prefix length
// (refDigits); otherwise a character class with a length range.
type epcField struct {
	refDigits int // the field has refDigits-len(companyPrefix) digits
	class     func(string) (int, bool)
	min, max  int // for class: length bounds, counting a %-escape as one
	maxTotal  int // for class: bound on len(companyPrefix)+length instead of max
	star      bool
}

func refDigits(n int) epcField { return epcField{refDigits: n} }
func chars(min, max int) epcField {
	return epcField{class: epcChars, min: min, max: max}
}
func digits(min, max int) epcField { return epcField{class: digitChars, min: min, max: max} }
func star() epcField               { return epcField{star: true} }

// gtin14 rebuilds a GTIN-14 from the URN's company prefix and its
// indicator-plus-item-reference field, whose first digit is the indicator.
func gtin14(cp, ref string) string { return withCheck(ref[:1] + cp + ref[1:]) }

// withCheck appends the GS1 mod-10 check digit.
func withCheck(d string) string {
	c, err := identifier.CheckDigit(d)
	if err != nil { // cannot happen: callers pass digits checked by the field rules
		return d
	}
	return d + string(c)
}

var epcSchemes = map[string]epcScheme{
	"urn:epc:id:sgtin:": {[]epcField{refDigits(13), chars(1, 20)}, func(cp string, f []string) string {
		return "/01/" + gtin14(cp, f[0]) + "/21/" + dlEscape(f[1])
	}},
	"urn:epc:id:sscc:": {[]epcField{refDigits(17)}, func(cp string, f []string) string {
		return "/00/" + withCheck(f[0][:1]+cp+f[0][1:])
	}},
	"urn:epc:id:sgln:": {[]epcField{refDigits(12), chars(1, 20)}, func(cp string, f []string) string {
		if f[1] == "0" { // extension 0 means "no extension" in the EPC binding
			return "/414/" + withCheck(cp+f[0])
		}
		return "/414/" + withCheck(cp+f[0]) + "/254/" + dlEscape(f[1])
	}},
	"urn:epc:id:grai:": {[]epcField{refDigits(12), chars(1, 16)}, func(cp string, f []string) string {
		return "/8003/" + withCheck("0"+cp+f[0]) + dlEscape(f[1])
	}},
	"urn:epc:id:giai:": {[]epcField{{class: epcChars, min: 1, maxTotal: 30}}, func(cp string, f []string) string {
		return "/8004/" + cp + dlEscape(f[0])
	}},
	"urn:epc:id:gsrn:": {[]epcField{refDigits(17)}, func(cp string, f []string) string {
		return "/8018/" + withCheck(cp+f[0])
	}},
	"urn:epc:id:gsrnp:": {[]epcField{refDigits(17)}, func(cp string, f []string) string {
		return "/8017/" + withCheck(cp+f[0])
	}},
	"urn:epc:id:gdti:": {[]epcField{refDigits(12), chars(0, 17)}, func(cp string, f []string) string {
		return "/253/" + withCheck(cp+f[0]) + dlEscape(f[1])
	}},
	"urn:epc:id:cpi:": {[]epcField{{class: cpiChars, min: 1, maxTotal: 30}, digits(1, 12)}, func(cp string, f []string) string {
		return "/8010/" + dlEscape(cp+f[0]) + "/8011/" + f[1]
	}},
	"urn:epc:id:sgcn:": {[]epcField{refDigits(12), digits(1, 12)}, func(cp string, f []string) string {
		return "/255/" + withCheck(cp+f[0]) + f[1]
	}},
	"urn:epc:id:ginc:": {[]epcField{{class: epcChars, min: 1, maxTotal: 30}}, func(cp string, f []string) string {
		return "/401/" + cp + dlEscape(f[0])
	}},
	"urn:epc:id:gsin:": {[]epcField{refDigits(16)}, func(cp string, f []string) string {
		return "/402/" + withCheck(cp+f[0])
	}},
	"urn:epc:id:itip:": {[]epcField{refDigits(13), digits(2, 2), digits(2, 2), chars(1, 20)}, func(cp string, f []string) string {
		return "/8006/" + gtin14(cp, f[0]) + f[1] + f[2] + "/21/" + dlEscape(f[3])
	}},
	"urn:epc:id:upui:": {[]epcField{refDigits(13), chars(1, 28)}, func(cp string, f []string) string {
		return "/01/" + gtin14(cp, f[0]) + "/235/" + dlEscape(f[1])
	}},
	"urn:epc:id:pgln:": {[]epcField{refDigits(12)}, func(cp string, f []string) string {
		return "/417/" + withCheck(cp+f[0])
	}},
	"urn:epc:class:lgtin:": {[]epcField{refDigits(13), chars(1, 20)}, func(cp string, f []string) string {
		return "/01/" + gtin14(cp, f[0]) + "/10/" + dlEscape(f[1])
	}},
	// Pattern URIs name a whole class: the Digital Link keeps the key only.
	"urn:epc:idpat:sgtin:": {[]epcField{refDigits(13), star()}, func(cp string, f []string) string {
		return "/01/" + gtin14(cp, f[0])
	}},
	"urn:epc:idpat:grai:": {[]epcField{refDigits(12), star()}, func(cp string, f []string) string {
		return "/8003/" + withCheck("0"+cp+f[0])
	}},
	"urn:epc:idpat:gdti:": {[]epcField{refDigits(12), star()}, func(cp string, f []string) string {
		return "/253/" + withCheck(cp+f[0])
	}},
	"urn:epc:idpat:sgcn:": {[]epcField{refDigits(12), star()}, func(cp string, f []string) string {
		return "/255/" + withCheck(cp+f[0])
	}},
	"urn:epc:idpat:cpi:": {[]epcField{{class: cpiChars, min: 1, maxTotal: 30}, star()}, func(cp string, f []string) string {
		return "/8010/" + dlEscape(cp+f[0])
	}},
	"urn:epc:idpat:itip:": {[]epcField{refDigits(13), digits(2, 2), digits(2, 2), star()}, func(cp string, f []string) string {
		return "/8006/" + gtin14(cp, f[0]) + f[1] + f[2]
	}},
	"urn:epc:idpat:upui:": {[]epcField{refDigits(13), star()}, func(cp string, f []string) string {
		return "/01/" + gtin14(cp, f[0])
	}},
}

// epcToDL converts an EPC URN. The company prefix length is read from the
// URN (the '.' after it), which is what makes the GS1 key recoverable.
func epcToDL(s string) (string, bool) {
	i := strings.Index(s[len("urn:epc:"):], ":")
	if i < 0 {
		return "", false
	}
	j := strings.Index(s[len("urn:epc:")+i+1:], ":")
	if j < 0 {
		return "", false
	}
	head := s[:len("urn:epc:")+i+1+j+1]
	sc, ok := epcSchemes[head]
	if !ok {
		return "", false
	}
	body := s[len(head):]
	dot := strings.IndexByte(body, '.')
	if dot < 0 {
		return "", false
	}
	cp := body[:dot]
	if len(cp) < 6 || len(cp) > 12 || !allDigits(cp) {
		return "", false
	}
	// The last field may itself contain '.', which EPC serials allow.
	f := strings.SplitN(body[dot+1:], ".", len(sc.fields))
	if len(f) != len(sc.fields) {
		return "", false
	}
	for k, rule := range sc.fields {
		if !rule.accepts(cp, f[k], k == len(sc.fields)-1) {
			return "", false
		}
	}
	return "https://id.gs1.org" + sc.build(cp, f), true
}

func (r epcField) accepts(cp, v string, last bool) bool {
	switch {
	case r.star:
		return v == "*"
	case r.refDigits > 0:
		n := r.refDigits - len(cp)
		return len(v) == n && (n == 0 || allDigits(v))
	}
	if !last && strings.IndexByte(v, '.') >= 0 {
		return false
	}
	n, ok := r.class(v)
	if !ok || n < r.min {
		return false
	}
	if r.maxTotal > 0 {
		return len(cp)+n <= r.maxTotal
	}
	return n <= r.max
}

// epcChars counts the characters of an EPC URN component in the GS1 AI
// encodable character set 82, written with the URN's %-escapes; false if a
// character is not allowed.
func epcChars(v string) (int, bool) {
	n := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '%':
			if i+2 >= len(v) || !escapeAllowed(v[i+1], v[i+2]) {
				return 0, false
			}
			i += 2
		case isAlnum(c) || strings.IndexByte("!'()*+,.:;=_-", c) >= 0:
		default:
			return 0, false
		}
		n++
	}
	return n, true
}

// escapeAllowed says whether %XY escapes a character of set 82 that the URN
// syntax cannot carry raw (", %, &, /, <, >, ? and the like).
func escapeAllowed(x, y byte) bool {
	h := hexVal(y)
	if h < 0 {
		return false
	}
	switch x {
	case '2':
		return h == 1 || h == 2 || h >= 5
	case '3':
		return true
	case '4':
		return h >= 1
	case '5':
		return h <= 10 || h == 15
	case '6':
		return h >= 1
	case '7':
		return h <= 10
	}
	return false
}

// cpiChars counts a CPI component reference: digits, upper-case letters, '-'
// and the escapes of '#', '-' and '/'.
func cpiChars(v string) (int, bool) {
	n := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '%':
			if i+2 >= len(v) || v[i+1] != '2' || strings.IndexByte("3dDfF", v[i+2]) < 0 {
				return 0, false
			}
			i += 2
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c == '-':
		default:
			return 0, false
		}
		n++
	}
	return n, true
}

func digitChars(v string) (int, bool) { return len(v), allDigits(v) }

// dlEscape percent-encodes the characters that a Digital Link path must not
// carry raw but an EPC URN may; existing %-escapes are kept as they are.
func dlEscape(v string) string {
	const need = "!()*+,:"
	if !strings.ContainsAny(v, need) {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if strings.IndexByte(need, c) >= 0 {
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// dlShortNames are the Digital Link 1.0 short names for keys and qualifiers.
var dlShortNames = map[string]string{
	"gtin": "01", "itip": "8006", "cpid": "8010", "gln": "414", "party": "417", "gsrnp": "8017",
	"gsrn": "8018", "gcn": "255", "sscc": "00", "gdti": "253", "ginc": "401", "gsin": "402",
	"grai": "8003", "giai": "8004", "cpv": "22", "lot": "10", "ser": "21",
}

// dlKeys are the primary-key AIs, in the order in which a path is searched
// for its key (a path naming two keys is resolved by this order).
var dlKeys = []string{"00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010", "8017", "8018"}

// constrainDL rewrites a GS1 Digital Link URI to its constrained canonical
// form: domain id.gs1.org, numeric AIs instead of short names, GTIN padded
// to 14 digits, no query string, no CPV (22), and only the finest level of
// identification (a serial wins over a lot). A URI that is no Digital Link,
// or whose result is not one of the forms CBV 2.0 lists, is left as it is
// (false).
func constrainDL(s string) (string, bool) {
	rest := s[strings.Index(s, "//")+2:]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return "", false
	}
	path := rest[slash+1:]
	if q := strings.IndexByte(path, '?'); q >= 0 {
		path = path[:q]
	}
	seg := strings.Split(path, "/")
	for i, p := range seg {
		if ai, ok := dlShortNames[p]; ok {
			seg[i] = ai
		}
	}
	start := -1
	for _, key := range dlKeys {
		for i := 0; i+1 < len(seg); i++ {
			if seg[i] == key {
				start = i
				break
			}
		}
		if start >= 0 {
			break
		}
	}
	if start < 0 || !looksLikeKeyValue(seg[start+1]) {
		return "", false
	}
	seg = seg[start:]
	if seg[0] == "01" {
		switch len(seg[1]) {
		case 13:
			seg[1] = "0" + seg[1]
		case 12:
			seg[1] = "00" + seg[1]
		case 8:
			seg[1] = "000000" + seg[1]
		}
	}
	seg = dropQualifier(seg, "22")
	if (seg[0] == "01" || seg[0] == "8006") && hasQualifier(seg, "21") {
		seg = dropQualifier(seg, "10")
	}
	out := "/" + strings.Join(seg, "/")
	if !validConstrainedDL(seg) {
		return "", false
	}
	return "https://id.gs1.org" + out, true
}

// looksLikeKeyValue mirrors the Digital Link grammar's demand that a key
// value start with four digits (GS1 company prefixes are longer).
func looksLikeKeyValue(v string) bool { return len(v) > 4 && allDigits(v[:4]) }

func hasQualifier(seg []string, ai string) bool {
	for i := 2; i+1 < len(seg); i += 2 {
		if seg[i] == ai {
			return true
		}
	}
	return false
}

func dropQualifier(seg []string, ai string) []string {
	for i := 2; i+1 < len(seg); i += 2 {
		if seg[i] == ai {
			return append(append([]string{}, seg[:i]...), seg[i+2:]...)
		}
	}
	return seg
}

// validConstrainedDL checks the key/qualifier path against the forms CBV 2.0
// allows: 00, 01, 01+21, 01+10, 01+235, 253, 255, 401, 402, 414, 414+254,
// 417, 8003, 8004, 8006, 8006+21, 8006+10, 8010, 8010+8011, 8017, 8018.
func validConstrainedDL(seg []string) bool {
	key, v := seg[0], seg[1]
	q := seg[2:]
	qual := func(allowed map[string]int) bool {
		switch len(q) {
		case 0:
			return true
		case 2:
			max, ok := allowed[q[0]]
			return ok && dlChars(q[1], max)
		}
		return false
	}
	switch key {
	case "00":
		return len(q) == 0 && exactDigits(v, 18)
	case "01":
		return exactDigits(v, 14) && qual(map[string]int{"21": 20, "10": 20, "235": 28})
	case "253":
		return len(q) == 0 && len(v) >= 13 && allDigits(v[:13]) && dlChars(v[13:], 17)
	case "255":
		return len(q) == 0 && len(v) >= 13 && len(v) <= 25 && allDigits(v)
	case "401", "8004":
		return len(q) == 0 && dlChars(v, 30)
	case "402":
		return len(q) == 0 && exactDigits(v, 17)
	case "414":
		return exactDigits(v, 13) && qual(map[string]int{"254": 20})
	case "417":
		return len(q) == 0 && exactDigits(v, 13)
	case "8003":
		return len(q) == 0 && len(v) >= 14 && allDigits(v[:14]) && dlChars(v[14:], 16)
	case "8006":
		return exactDigits(v, 18) && qual(map[string]int{"21": 20, "10": 20})
	case "8010":
		if len(v) > 30 || strings.Trim(v, "#-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return false
		}
		return len(q) == 0 || len(q) == 2 && q[0] == "8011" && len(q[1]) <= 12 && allDigits(q[1])
	case "8017", "8018":
		return len(q) == 0 && exactDigits(v, 18)
	}
	return false
}

// dlChars says whether v is at most max characters of the raw character set
// a constrained Digital Link value may use (no %-escapes).
func dlChars(v string, max int) bool {
	if len(v) > max {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(isAlnum(c) || strings.IndexByte("\"'-.;<=>?_", c) >= 0) {
			return false
		}
	}
	return true
}

func exactDigits(v string, n int) bool { return len(v) == n && allDigits(v) }

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
