package identifier

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// This file is the binary layer of GS1 Digital Link compression (GS1 Digital
// Link Standard 1.1, section "Compression of the URI"; the resolver standard
// 1.2 calls it [DL-Compression]). A compressed path segment is the URI-safe
// base64 form of a bit string that holds a sequence of elements:
//
//   - an AI: its digits as 4-bit nibbles; the first two digits say how many
//     digits the AI has (GenSpecs' AI prefix table, derived here from aiSpecs);
//   - or one hex code of the optimisation table (compressOptimisations): two
//     nibbles, at least one of them A-F, that stand for a fixed AI sequence;
//   - or a nibble F starting a non-GS1 key=value pair: a 7-bit key length
//     (the 4 bits after F and 3 more), the key at 6 bits per character of the
//     URI-safe base64 alphabet, then the value as an alphanumeric field with a
//     7-bit length.
//
// Each AI's value follows it, encoded component by component (compressFormat):
// a fixed-length numeric component as a binary integer of valueBits(n) bits;
// a variable-length numeric one with a length field of bits.Len(max) bits
// first; an alphanumeric one with a 3-bit encoding indicator (000 digits as
// an integer, 001 lower-case hex, 010 upper-case hex, 011 URI-safe base64,
// 100 7-bit ASCII) and, if variable, the length field. The bit string is
// padded with zero bits to a multiple of 6; a tail of 8 bits or fewer cannot
// hold an element and is padding.

// compressAlphabet is the URI-safe base64 alphabet the compressed form uses,
// for the whole bit string and for encodings 011 and the non-GS1 keys.
const compressAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// maxCompressedLen bounds a compressed segment in characters: a segment of
// this size already holds far more than any real label carries, and the bound
// keeps the work (and the expanded URI) proportional to a short input.
const maxCompressedLen = 1024

// Encoding indicators of alphanumeric fields.
const (
	encDigits = iota
	encHexLower
	encHexUpper
	encBase64
	encASCII
)

// compressOptimisations maps the standard's optimisation codes to the AI
// sequences they stand for (the "tableOpt" of GS1's compression reference
// material). The codes are written as the two hex nibbles of the bit string.
var compressOptimisations = map[string][]string{
	"0A": {"01", "22"}, "0B": {"01", "10"}, "0C": {"01", "21"}, "0D": {"01", "17"},
	"0E": {"01", "7003"}, "0F": {"01", "30"},
	"1A": {"01", "10", "21", "17"}, "1B": {"01", "15"}, "1C": {"01", "11"}, "1D": {"01", "16"},
	"1E": {"01", "91"}, "1F": {"01", "10", "15"},
	"2A": {"01", "3100"}, "2B": {"01", "3101"}, "2C": {"01", "3102"}, "2D": {"01", "3103"},
	"2E": {"01", "3104"}, "2F": {"01", "3105"},
	"3A": {"01", "3200"}, "3B": {"01", "3201"}, "3C": {"01", "3202"}, "3D": {"01", "3203"},
	"3E": {"01", "3204"}, "3F": {"01", "3205"},
	"9A": {"8010", "8011"}, "9B": {"8017", "8019"}, "9C": {"8018", "8019"}, "9D": {"414", "254"},
	"A0": {"01", "3920"}, "A1": {"01", "3921"}, "A2": {"01", "3922"}, "A3": {"01", "3923"},
	"A4": {"01", "3924"}, "A5": {"01", "3925"}, "A6": {"01", "3926"}, "A7": {"01", "3927"},
	"A8": {"01", "3928"}, "A9": {"01", "3929"},
	"C0": {"255", "3900"}, "C1": {"255", "3901"}, "C2": {"255", "3902"}, "C3": {"255", "3903"},
	"C4": {"255", "3904"}, "C5": {"255", "3905"}, "C6": {"255", "3906"}, "C7": {"255", "3907"},
	"C8": {"255", "3908"}, "C9": {"255", "3909"},
	"CA": {"255", "3940"}, "CB": {"255", "3941"}, "CC": {"255", "3942"}, "CD": {"255", "3943"},
}

// packComp is one component of an AI value as compression encodes it.
type packComp struct {
	numeric bool
	fixed   bool
	n       int // the length if fixed, else the maximum length
}

// compressFormat gives the components compression encodes for an AI. The
// standard's format table writes a run of mandatory fixed-length components
// of one kind as one component (GRAI 8003 is N14 + X..16, where the AI table
// says N1 + N13 + [X..16]) and a run of optional ones as one variable-length
// component (8008 is N8 + N..4, not N6 + N2 + [N2] + [N2]); Y and Z sets are
// alphanumeric.
func compressFormat(d *aiDef) []packComp {
	var out []packComp
	prevOptional := false
	for _, c := range d.comps {
		pc := packComp{numeric: c.cset == 'N', fixed: !c.optional && c.min == c.max, n: c.max}
		if k := len(out) - 1; k >= 0 && out[k].numeric == pc.numeric {
			last := &out[k]
			switch {
			case pc.fixed && last.fixed:
				last.n += pc.n
				continue
			case c.optional && prevOptional:
				last.n += pc.n
				continue
			}
		}
		prevOptional = c.optional
		out = append(out, pc)
	}
	return out
}

// valueBits is the number of bits of an n-digit decimal integer, written as
// the standard writes it: ceil(n·log2(10) + 0.01).
func valueBits(n int) int {
	return int(math.Ceil(float64(n)*math.Log(10)/math.Log(2) + 0.01))
}

// lengthBits is the width of the length field of a component of at most max
// characters: ceil(log2(max) + 0.01), which is bits.Len(max).
func lengthBits(maxLen int) int { return bits.Len(uint(maxLen)) }

// aiLenByPrefix maps the first two digits of an AI to its number of digits.
var aiLenByPrefix = func() map[string]int {
	m := map[string]int{}
	for ai := range aiByCodeForPrefix() {
		m[ai[:2]] = len(ai)
	}
	return m
}()

// aiByCodeForPrefix expands aiSpecs without depending on init order: package
// variables are initialised before init functions run.
func aiByCodeForPrefix() map[string]bool {
	out := map[string]bool{}
	for _, s := range aiSpecs {
		lo, hi, isRange := strings.Cut(s.ai, "-")
		if !isRange {
			out[lo] = true
			continue
		}
		a, _ := strconv.Atoi(lo)
		b, _ := strconv.Atoi(hi)
		for i := a; i <= b; i++ {
			out[strconv.Itoa(i)] = true
		}
	}
	return out
}

// compressedPair is a non-GS1 key=value pair carried in the binary data.
type compressedPair struct{ key, value string }

// compressedData is what a compressed segment decodes to.
type compressedData struct {
	elems []AIValue        // in the order they were encoded
	other []compressedPair // non-GS1 key=value pairs
}

// bitReader reads a compressed segment's bit string. Errors are reported at
// the segment's offset plus the character the failing bit is in.
type bitReader struct {
	bits []byte // one 0 or 1 per bit
	pos  int
	base int // offset of the segment in the input
}

func (r *bitReader) left() int { return len(r.bits) - r.pos }

func (r *bitReader) errf(rule Rule, format string, args ...any) *Error {
	return errAt(r.base+min(r.pos/6, len(r.bits)/6), rule, format, args...)
}

// uint reads n ≤ 32 bits as an unsigned integer.
func (r *bitReader) uint(n int, what string) (int, *Error) {
	if r.left() < n {
		return 0, r.errf(RuleCompression, "compressed data ends inside %s", what)
	}
	v := 0
	for _, b := range r.bits[r.pos : r.pos+n] {
		v = v<<1 | int(b)
	}
	r.pos += n
	return v, nil
}

// digits reads an n-digit decimal integer and writes it zero-padded to n
// digits. A value of more than n digits cannot come from an encoder.
func (r *bitReader) digits(n int, what string) (string, *Error) {
	w := valueBits(n)
	if r.left() < w {
		return "", r.errf(RuleCompression, "compressed data ends inside %s", what)
	}
	v := new(big.Int)
	for _, b := range r.bits[r.pos : r.pos+w] {
		v.Lsh(v, 1)
		v.SetBit(v, 0, uint(b))
	}
	r.pos += w
	if n == 0 {
		return "", nil
	}
	s := v.String()
	if len(s) > n {
		return "", r.errf(RuleCompression, "%s: %d bits hold %s, more than %d digits", what, w, s, n)
	}
	return strings.Repeat("0", n-len(s)) + s, nil
}

// chars reads n characters in encoding enc.
func (r *bitReader) chars(enc, n int, what string) (string, *Error) {
	if enc == encDigits {
		return r.digits(n, what)
	}
	var width int
	switch enc {
	case encHexLower, encHexUpper:
		width = 4
	case encBase64:
		width = 6
	case encASCII:
		width = 7
	default:
		return "", r.errf(RuleCompression, "%s: unknown encoding indicator %03b", what, enc)
	}
	var b strings.Builder
	for range n {
		v, e := r.uint(width, what)
		if e != nil {
			return "", e
		}
		switch enc {
		case encHexLower:
			b.WriteByte("0123456789abcdef"[v])
		case encHexUpper:
			b.WriteByte("0123456789ABCDEF"[v])
		case encBase64:
			b.WriteByte(compressAlphabet[v])
		default:
			b.WriteByte(byte(v)) //nolint:gosec // v was read as 7 bits: 0-127
		}
	}
	return b.String(), nil
}

// field reads one alphanumeric field: the encoding indicator, the length if
// the field is variable (maxLen > 0), then the characters.
func (r *bitReader) field(fixedLen, maxLen, lenWidth int, what string) (string, *Error) {
	enc, e := r.uint(3, what)
	if e != nil {
		return "", e
	}
	n := fixedLen
	if maxLen > 0 {
		if n, e = r.uint(lenWidth, what); e != nil {
			return "", e
		}
		if n > maxLen {
			return "", r.errf(RuleCompression, "%s: length %d exceeds the maximum %d", what, n, maxLen)
		}
	}
	return r.chars(enc, n, what)
}

// value reads the value of AI d.
func (r *bitReader) value(d *aiDef) (string, *Error) {
	what := "AI " + d.ai
	var b strings.Builder
	for _, c := range compressFormat(d) {
		var s string
		var e *Error
		switch {
		case c.numeric && c.fixed:
			s, e = r.digits(c.n, what)
		case c.numeric:
			var n int
			if n, e = r.uint(lengthBits(c.n), what); e == nil {
				if n > c.n {
					return "", r.errf(RuleCompression, "%s: length %d exceeds the maximum %d", what, n, c.n)
				}
				s, e = r.digits(n, what)
			}
		case c.fixed:
			s, e = r.field(c.n, 0, 0, what)
		default:
			s, e = r.field(0, c.n, lengthBits(c.n), what)
		}
		if e != nil {
			return "", e
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// decompressSegment decodes a compressed segment that starts at offset base.
func decompressSegment(seg string, base int) (compressedData, *Error) {
	var out compressedData
	if len(seg) > maxCompressedLen {
		return out, errAt(base+maxCompressedLen, RuleLength, "compressed segment longer than %d characters", maxCompressedLen)
	}
	r := bitReader{bits: make([]byte, 0, 6*len(seg)), base: base}
	for i := 0; i < len(seg); i++ {
		v := strings.IndexByte(compressAlphabet, seg[i])
		if v < 0 {
			return out, errAt(base+i, RuleCompression, "%q is not a character of compressed data", seg[i])
		}
		for k := 5; k >= 0; k-- {
			r.bits = append(r.bits, byte(v>>k&1))
		}
	}
	seen := map[string]bool{}
	add := func(d *aiDef) *Error {
		if seen[d.ai] {
			return r.errf(RuleCompression, "AI %s appears twice", d.ai)
		}
		seen[d.ai] = true
		v, e := r.value(d)
		if e != nil {
			return e
		}
		out.elems = append(out.elems, AIValue{d.ai, v})
		return nil
	}
	for r.left() > 8 {
		h1, _ := r.uint(4, "an AI")
		h2, _ := r.uint(4, "an AI")
		switch {
		case h1 <= 9 && h2 <= 9:
			ai := strconv.Itoa(h1) + strconv.Itoa(h2)
			n, ok := aiLenByPrefix[ai]
			if !ok {
				return out, r.errf(RuleCompression, "no GS1 AI starts with %s", ai)
			}
			for len(ai) < n {
				h, e := r.uint(4, "AI "+ai)
				if e != nil {
					return out, e
				}
				if h > 9 {
					return out, r.errf(RuleCompression, "AI %s… continues with the non-digit %X", ai, h)
				}
				ai += strconv.Itoa(h)
			}
			d, ok := lookupAIDef(ai)
			if !ok {
				return out, r.errf(RuleCompression, "unknown AI %s", ai)
			}
			if e := add(d); e != nil {
				return out, e
			}
		case h1 == 0xF:
			if e := r.pair(h2, &out); e != nil {
				return out, e
			}
		default:
			code := string([]byte{"0123456789ABCDEF"[h1], "0123456789ABCDEF"[h2]})
			seq, ok := compressOptimisations[code]
			if !ok {
				return out, r.errf(RuleCompression, "unknown optimisation code %s", code)
			}
			for _, ai := range seq {
				d, _ := lookupAIDef(ai)
				if e := add(d); e != nil {
					return out, e
				}
			}
		}
	}
	for _, b := range r.bits[r.pos:] {
		if b != 0 {
			return out, r.errf(RuleCompression, "non-zero padding at the end of compressed data")
		}
	}
	if len(out.elems) == 0 {
		return out, errAt(base, RuleCompression, "compressed data holds no GS1 AI")
	}
	return out, nil
}

// pair reads a non-GS1 key=value pair whose key length starts with the
// nibble hi (already read after the F).
func (r *bitReader) pair(hi int, out *compressedData) *Error {
	lo, e := r.uint(3, "a non-GS1 key")
	if e != nil {
		return e
	}
	n := hi<<3 | lo
	if n == 0 {
		return r.errf(RuleCompression, "empty non-GS1 key")
	}
	key, e := r.chars(encBase64, n, "a non-GS1 key")
	if e != nil {
		return e
	}
	if allDigits(key) {
		return r.errf(RuleCompression, "non-GS1 key %s is all digits, the namespace of GS1 AIs", key)
	}
	val, e := r.field(0, 127, 7, "the value of "+key)
	if e != nil {
		return e
	}
	out.other = append(out.other, compressedPair{key, val})
	return nil
}
