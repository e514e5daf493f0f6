package identifier

import (
	"math/big"
	"strings"
)

// CompressDigitalLink returns the compressed form of an uncompressed GS1
// Digital Link (GS1 Digital Link compression, the inverse of what
// ParseDigitalLinkURI decompresses): the same scheme, host and path prefix,
// then one segment holding the primary key, its qualifiers and the data
// attributes; non-AI query parameters stay in the query, uncompressed.
// Optimisation codes are not used: every decoder must read plain AIs, and
// the gain is one or two characters. A compressed input is compressed anew.
func CompressDigitalLink(input string) (string, error) {
	return runAs(input, func(s string) (string, *Error) {
		p, e := parseDL(s)
		if e != nil {
			return "", e
		}
		c := compressDL(p.dl)
		if len(c) > maxInputLen {
			// Percent-encoding the other query parameters can lengthen them.
			return "", errAt(maxInputLen, RuleLength, "the compressed form would be %d bytes, more than the %d a Digital Link may have", len(c), maxInputLen)
		}
		// A path prefix ending in a segment that reads as a key AI ("/00")
		// could make the compressed form read as another, valid,
		// uncompressed link: never hand out a URI that reads back otherwise.
		if back, e := parseDL(c); e != nil || !back.dl.Compressed || back.dl.Uncompressed() != p.dl.Uncompressed() {
			return "", errAt(len(p.dl.Scheme)+3+len(p.dl.Host), RuleCompression,
				"the compressed form would not read back as this link (path prefix %q)", p.dl.PathPrefix)
		}
		return c, nil
	})
}

func compressDL(d DigitalLink) string {
	var w bitWriter
	for _, el := range append(append([]AIValue{d.PrimaryKey}, d.Qualifiers...), d.Attributes...) {
		def, _ := lookupAIDef(el.AI)
		for i := 0; i < len(el.AI); i++ {
			w.uint(int(el.AI[i]-'0'), 4)
		}
		w.value(def, el.Value)
	}
	var b strings.Builder
	b.WriteString(d.Scheme)
	b.WriteString("://")
	b.WriteString(d.Host)
	b.WriteString(d.PathPrefix)
	b.WriteByte('/')
	b.WriteString(w.base64())
	if len(d.OtherParams) > 0 {
		b.WriteByte('?')
		b.WriteString(d.OtherParams.Encode())
	}
	return b.String()
}

// bitWriter builds the bit string of a compressed segment.
type bitWriter struct{ bits []byte }

func (w *bitWriter) uint(v, n int) {
	for k := n - 1; k >= 0; k-- {
		w.bits = append(w.bits, byte(v>>k&1))
	}
}

// digits writes a decimal string as an integer of valueBits(len) bits.
func (w *bitWriter) digits(s string) {
	v, _ := new(big.Int).SetString("0"+s, 10)
	n := valueBits(len(s))
	for k := n - 1; k >= 0; k-- {
		var b byte
		if v.Bit(k) == 1 {
			b = 1
		}
		w.bits = append(w.bits, b)
	}
}

// chars writes an alphanumeric field's encoding indicator, its length when
// lenWidth > 0, and its characters in the densest encoding that holds them.
func (w *bitWriter) chars(s string, lenWidth int) {
	enc := alphaEncoding(s)
	w.uint(enc, 3)
	if lenWidth > 0 {
		w.uint(len(s), lenWidth)
	}
	if enc == encDigits {
		w.digits(s)
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch enc {
		case encHexLower, encHexUpper:
			if c >= 'a' {
				c -= 'a' - 'A'
			}
			w.uint(strings.IndexByte("0123456789ABCDEF", c), 4)
		case encBase64:
			w.uint(strings.IndexByte(compressAlphabet, c), 6)
		default:
			w.uint(int(c), 7)
		}
	}
}

// alphaEncoding picks the encoding indicator for an alphanumeric value, in
// the standard's order of preference: digits, hex, base64, ASCII.
func alphaEncoding(s string) int {
	digits, lower, upper, b64 := true, true, true, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		d := isDigit(c)
		digits = digits && d
		lower = lower && (d || c >= 'a' && c <= 'f')
		upper = upper && (d || c >= 'A' && c <= 'F')
		b64 = b64 && strings.IndexByte(compressAlphabet, c) >= 0
	}
	switch {
	case len(s) == 0 || digits:
		return encDigits
	case upper:
		return encHexUpper
	case lower:
		return encHexLower
	case b64:
		return encBase64
	}
	return encASCII
}

// value writes an AI's value component by component (compressFormat).
func (w *bitWriter) value(d *aiDef, v string) {
	comps := compressFormat(d)
	for i, c := range comps {
		n := min(c.n, len(v))
		if !c.fixed && i == len(comps)-1 {
			n = len(v)
		}
		part := v[:n]
		v = v[n:]
		switch {
		case c.numeric && c.fixed:
			w.digits(part)
		case c.numeric:
			w.uint(len(part), lengthBits(c.n))
			w.digits(part)
		case c.fixed:
			w.chars(part, 0)
		default:
			w.chars(part, lengthBits(c.n))
		}
	}
}

// base64 pads the bit string with zeros to a multiple of 6 and writes it in
// the URI-safe alphabet.
func (w *bitWriter) base64() string {
	for len(w.bits)%6 != 0 {
		w.bits = append(w.bits, 0)
	}
	out := make([]byte, len(w.bits)/6)
	for i := range out {
		v := 0
		for _, b := range w.bits[6*i : 6*i+6] {
			v = v<<1 | int(b)
		}
		out[i] = compressAlphabet[v]
	}
	return string(out)
}
