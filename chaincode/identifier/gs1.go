package identifier

import "strings"

// GS1 Application Identifiers this package understands: the keys it
// identifies units, containers and places by, and the qualifiers and
// attributes a Digital Link of them may carry.
const (
	AISSCC           = "00"
	AIGTIN           = "01"
	AIBatch          = "10"
	AIProductionDate = "11"
	AIExpiry         = "17"
	AISerial         = "21"
	AICPV            = "22" // consumer product variant: Digital Link path only
	AIGLN            = "414"
)

const (
	gtinLen        = 14
	ssccLen        = 18
	glnLen         = 13
	maxBatchSerial = 20 // AI 10, 21 and 22 carry at most 20 characters
	dlBase         = "https://id.gs1.org/"
)

// cs82 marks the GS1 AI encodable character set 82 (GS1 General
// Specifications, "Character set 82"): digits, letters and
// ! " % & ' ( ) * + , - . / : ; < = > ? _
var cs82 = func() (t [256]bool) {
	for _, b := range []byte("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz") {
		t[b] = true
	}
	return t
}()

// CheckDigit returns the GS1 mod-10 check digit, as an ASCII digit, for the
// given digits (a GTIN, SSCC or GLN without its last digit).
func CheckDigit(digitsWithoutCheck string) (byte, error) {
	if len(digitsWithoutCheck) == 0 {
		return 0, &Error{Input: digitsWithoutCheck, Rule: RuleLength, Msg: "no digits"}
	}
	if i := firstNonDigit(digitsWithoutCheck); i >= 0 {
		e := errAt(i, RuleCharset, "%s is not a digit", quoteByte(digitsWithoutCheck[i]))
		e.Input = digitsWithoutCheck
		return 0, e
	}
	return checkDigit(digitsWithoutCheck), nil
}

// checkDigit computes the mod-10 check digit of an all-digit string: weights
// 3,1,3,1... from the rightmost digit.
func checkDigit[T ~string | ~[]byte](d T) byte {
	sum := 0
	w := 3
	for i := len(d) - 1; i >= 0; i-- {
		sum += int(d[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// verifyKey checks that v has exactly n digits and a valid check digit.
// name is used in messages ("SSCC", "GLN").
func verifyKey(v string, base, n int, name string) *Error {
	if e := exactDigits(v, base, n, name, ""); e != nil {
		return e
	}
	if want := checkDigit(v[:n-1]); v[n-1] != want {
		return errAt(base+n-1, RuleCheckDigit, "%s %s: expected %c, got %c", name, v, want, v[n-1])
	}
	return nil
}

// exactDigits checks that v, found at offset base, is exactly n digits; why
// ends the length message (e.g. " with this company prefix").
func exactDigits(v string, base, n int, name, why string) *Error {
	if i := firstNonDigit(v); i >= 0 {
		return errAt(base+i, RuleCharset, "%s: %s is not a digit", name, quoteByte(v[i]))
	}
	if len(v) != n {
		return errAt(base+min(len(v), n), RuleLength, "%s must have %d digits%s, got %d", name, n, why, len(v))
	}
	return nil
}

// NormalizeGTIN returns the GTIN-14 form of a GTIN-8, -12, -13 or -14
// (left-padded with zeros) after verifying its check digit.
func NormalizeGTIN(s string) (string, error) {
	g, e := normalizeGTIN(s, 0)
	if e != nil {
		e.Input = s
		return "", e
	}
	return g, nil
}

func normalizeGTIN(v string, base int) (string, *Error) {
	if i := firstNonDigit(v); i >= 0 {
		return "", errAt(base+i, RuleCharset, "GTIN: %s is not a digit", quoteByte(v[i]))
	}
	switch len(v) {
	case 8, 12, 13, 14:
	default:
		off := len(v)
		if off > gtinLen {
			off = gtinLen
		}
		return "", errAt(base+off, RuleLength, "GTIN must have 8, 12, 13 or 14 digits, got %d", len(v))
	}
	g := v
	if len(v) < gtinLen {
		g = "00000000000000"[:gtinLen-len(v)] + v
	}
	if want := checkDigit(g[:gtinLen-1]); g[gtinLen-1] != want {
		return "", errAt(base+len(v)-1, RuleCheckDigit, "GTIN %s: expected %c, got %c", g, want, g[gtinLen-1])
	}
	return g, nil
}

// ValidateSSCC checks an 18-digit SSCC and its check digit.
func ValidateSSCC(s string) error {
	if e := verifyKey(s, 0, ssccLen, "SSCC"); e != nil {
		e.Input = s
		return e
	}
	return nil
}

// ValidateGLN checks a 13-digit GLN and its check digit.
func ValidateGLN(s string) error {
	if e := verifyKey(s, 0, glnLen, "GLN"); e != nil {
		e.Input = s
		return e
	}
	return nil
}

// ValidateCompanyPrefix checks that p looks like a GS1 company prefix: 6 to
// 12 digits. Whether it is actually licensed cannot be checked offline.
func ValidateCompanyPrefix(p string) error {
	if e := validateCompanyPrefix(p, 0); e != nil {
		e.Input = p
		return e
	}
	return nil
}

func validateCompanyPrefix(p string, base int) *Error {
	if i := firstNonDigit(p); i >= 0 {
		return errAt(base+i, RuleCharset, "company prefix: %s is not a digit", quoteByte(p[i]))
	}
	if len(p) < 6 || len(p) > 12 {
		off := len(p)
		if off > 12 {
			off = 12
		}
		return errAt(base+off, RuleLength, "company prefix must have 6 to 12 digits, got %d", len(p))
	}
	return nil
}

// HasCompanyPrefix reports whether a GS1 key was issued under the company
// prefix (6-12 digits). key may be a GTIN-14 or an SSCC, whose first digit
// (indicator / extension) precedes the prefix, or a GLN, which starts with
// it. A zero-padded GTIN-8 has no company prefix and never matches.
func HasCompanyPrefix(gtin14, prefix string) bool {
	key := gtin14
	if validateCompanyPrefix(prefix, 0) != nil || !allDigits(key) {
		return false
	}
	var body string
	switch len(key) {
	case glnLen:
		body = key
	case gtinLen:
		body = key[1:]
		if strings.HasPrefix(body, "00000") {
			return false
		}
	case ssccLen:
		body = key[1:]
	default:
		return false
	}
	return strings.HasPrefix(body, prefix)
}

// SGTIN builds the code of a serialised trade item. gtin may be a GTIN-8, -12,
// -13 or -14; serial is AI 21 (1-20 characters of GS1 character set 82). On
// error, Error.Input is the offending argument.
func SGTIN(gtin, serial string) (Code, error) {
	g, e := normalizeGTIN(gtin, 0)
	if e != nil {
		e.Input = gtin
		return Code{}, e
	}
	if e := checkCS82(serial, 0, "serial (AI 21)"); e != nil {
		e.Input = serial
		return Code{}, e
	}
	f := gs1Fields{primary: AIGTIN, key: g, serial: serial}
	return f.code(), nil
}

// LGTIN builds the code of a batch/lot. gtin may be a GTIN-8, -12, -13 or -14;
// batch is AI 10 (1-20 characters of GS1 character set 82). On error,
// Error.Input is the offending argument.
func LGTIN(gtin, batch string) (Code, error) {
	g, e := normalizeGTIN(gtin, 0)
	if e != nil {
		e.Input = gtin
		return Code{}, e
	}
	if e := checkCS82(batch, 0, "batch (AI 10)"); e != nil {
		e.Input = batch
		return Code{}, e
	}
	f := gs1Fields{primary: AIGTIN, key: g, batch: batch}
	return f.code(), nil
}

// SSCC builds the code of a logistic unit from its 18-digit SSCC.
func SSCC(sscc string) (Code, error) {
	if err := ValidateSSCC(sscc); err != nil {
		return Code{}, err
	}
	f := gs1Fields{primary: AISSCC, key: sscc}
	return f.code(), nil
}

// checkCS82 validates an AI 10/21/22 value: 1-20 characters of set 82.
func checkCS82(v string, base int, what string) *Error {
	if len(v) == 0 {
		return errAt(base, RuleLength, "%s is empty", what)
	}
	for i := 0; i < len(v); i++ {
		if !cs82[v[i]] {
			return errAt(base+i, RuleCharset, "%s: %s is not in GS1 character set 82", what, quoteByte(v[i]))
		}
	}
	if len(v) > maxBatchSerial {
		return errAt(base+maxBatchSerial, RuleLength, "%s has %d characters, at most %d allowed", what, len(v), maxBatchSerial)
	}
	return nil
}

// gs1Fields collects what a GS1 form stated before it becomes a Code, so that
// element strings, Digital Link and EPC URNs share one notion of identity.
type gs1Fields struct {
	primary       string // AIGTIN, AISSCC or AIGLN
	key           string // GTIN-14, SSCC or GLN
	cpv           string // AI 22
	batch         string // AI 10
	serial        string // AI 21
	prod, expiry  string // AI 11 / 17 as YYYY-MM-DD
	companyPrefix string
	attrs         map[string]string // every other AI, keyed by AI, value as stated
}

// assign files an already validated element under its field: the key
// qualifiers and dates of a GTIN have fields of their own, every other AI is
// a data attribute.
func (f *gs1Fields) assign(ai, v string, off int) *Error {
	if ai == f.primary {
		return nil
	}
	if f.primary == AIGTIN {
		switch ai {
		case AIBatch:
			f.batch = v
			return nil
		case AISerial:
			f.serial = v
			return nil
		case AICPV:
			f.cpv = v
			return nil
		case AIProductionDate, AIExpiry:
			d, e := parseGS1Date(v, off, ai)
			if ai == AIProductionDate {
				f.prod = d
			} else {
				f.expiry = d
			}
			return e
		}
	}
	f.setAttr(ai, v)
	return nil
}

func (f *gs1Fields) setAttr(ai, v string) {
	if f.attrs == nil {
		f.attrs = map[string]string{}
	}
	f.attrs[ai] = v
}

func (f *gs1Fields) code() Code {
	c := Code{
		ProductionDate: f.prod,
		ExpiryDate:     f.expiry,
		CompanyPrefix:  f.companyPrefix,
	}
	switch f.primary {
	case AIGTIN:
		c.GTIN, c.Batch, c.Serial = f.key, f.batch, f.serial
		switch {
		case f.serial != "":
			// The unit is GTIN + serial; its batch is a property, not identity.
			c.Kind = KindSGTIN
			c.Canonical = dlURI(AIGTIN, f.key, AISerial, f.serial)
		case f.batch != "":
			c.Kind = KindLGTIN
			c.Canonical = dlURI(AIGTIN, f.key, AIBatch, f.batch)
		default:
			c.Kind = KindGTIN
			c.Canonical = dlURI(AIGTIN, f.key, "", "")
		}
		if f.cpv != "" {
			f.setAttr(AICPV, f.cpv)
		}
	case AISSCC:
		c.Kind, c.SSCC = KindSSCC, f.key
		c.Canonical = dlURI(AISSCC, f.key, "", "")
	case AIGLN:
		c.Kind, c.GLN = KindGLN, f.key
		c.Canonical = dlURI(AIGLN, f.key, "", "")
	}
	// Data attributes never enter Canonical: they describe the item, they
	// do not identify it (Identity drops them).
	if len(f.attrs) > 0 {
		c.Attributes = f.attrs
	}
	return c
}

// dlURI builds a canonical Digital Link URI on id.gs1.org.
func dlURI(keyAI, key, qualAI, qual string) string {
	var b strings.Builder
	b.Grow(len(dlBase) + len(keyAI) + len(key) + len(qualAI) + 3*len(qual) + 3)
	b.WriteString(dlBase)
	b.WriteString(keyAI)
	b.WriteByte('/')
	b.WriteString(key)
	if qualAI != "" {
		b.WriteByte('/')
		b.WriteString(qualAI)
		b.WriteByte('/')
		writeDLValue(&b, qual)
	}
	return b.String()
}

// writeDLValue percent-encodes every character except A-Z a-z 0-9 - . _ as
// the GS1 Digital Link grammar requires, with upper-case hex, so the
// canonical form is unique.
func writeDLValue(b *strings.Builder, v string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isDLPlain(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}

func isDLPlain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '.' || c == '_'
}

// centuryReferenceYear stands in for "the current year" of the GS1 century
// rule. It is frozen so every endorsing peer expands YY identically; with
// 2025 two-digit years map to 1976-2075.
const centuryReferenceYear = 2025

// parseGS1Date validates a YYMMDD value of AI 11 or 17 and returns it as
// YYYY-MM-DD. Day 00 means "no day given" and resolves to the last day of
// the month (GS1 General Specifications, date AIs).
func parseGS1Date(v string, base int, ai string) (string, *Error) {
	if i := firstNonDigit(v); i >= 0 {
		return "", errAt(base+i, RuleCharset, "AI %s: %s is not a digit", ai, quoteByte(v[i]))
	}
	if len(v) != 6 {
		off := len(v)
		if off > 6 {
			off = 6
		}
		return "", errAt(base+off, RuleLength, "AI %s must have 6 digits (YYMMDD), got %d", ai, len(v))
	}
	yy := int(v[0]-'0')*10 + int(v[1]-'0')
	mm := int(v[2]-'0')*10 + int(v[3]-'0')
	dd := int(v[4]-'0')*10 + int(v[5]-'0')
	if mm < 1 || mm > 12 {
		return "", errAt(base+2, RuleDate, "AI %s: month %02d out of range", ai, mm)
	}
	year := expandYear(yy)
	last := daysIn(year, mm)
	if dd > last {
		return "", errAt(base+4, RuleDate, "AI %s: day %02d out of range for %04d-%02d", ai, dd, year, mm)
	}
	if dd == 0 {
		dd = last
	}
	var out [10]byte
	out[0] = byte('0' + year/1000) //nolint:gosec // expandYear gives a four-digit year, so year/1000 is one digit
	out[1] = byte('0' + year/100%10)
	out[2] = byte('0' + year/10%10)
	out[3] = byte('0' + year%10)
	out[4] = '-'
	out[5] = byte('0' + mm/10)
	out[6] = byte('0' + mm%10)
	out[7] = '-'
	out[8] = byte('0' + dd/10) //nolint:gosec // dd is a day of the month, checked above, so dd/10 is one digit
	out[9] = byte('0' + dd%10)
	return string(out[:]), nil
}

// expandYear applies the GS1 General Specifications century rule: a year
// 51-99 ahead of the reference is in the previous century, one 50-99 behind
// it is in the next century, anything else is in the reference century.
func expandYear(yy int) int {
	cur := centuryReferenceYear % 100
	century := centuryReferenceYear - cur
	switch d := yy - cur; {
	case d >= 51:
		century -= 100
	case d <= -50:
		century += 100
	}
	return century + yy
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
