// Package identifier turns every accepted written form of a traceability code
// (GS1 element strings and Digital Link URIs, EPC URNs, Ecode, CCC certificate
// numbers and issuer-scoped digital identity codes) into one canonical string,
// which the chaincode uses as the ledger key. Inputs it cannot accept are
// rejected with an *Error naming the rule that failed and the byte offset.
//
// The package is plain Go with no Fabric dependency and no clock or other
// ambient state: every endorsing peer must derive the same key from the same
// input.
package identifier

import (
	"strings"
	"unicode"
)

// Kind says what a code identifies.
type Kind string

// Kinds of code.
const (
	KindSGTIN Kind = "sgtin" // GS1 trade item instance: GTIN + serial (AI 01+21) -> a serialised unit
	KindLGTIN Kind = "lgtin" // GS1 GTIN + batch/lot (AI 01+10) -> a lot
	KindGTIN  Kind = "gtin"  // GS1 product class (AI 01 alone)
	KindSSCC  Kind = "sscc"  // GS1 logistic unit (AI 00) -> a container (case/pallet)
	KindGLN   Kind = "gln"   // GS1 location/party (AI 414)
	KindEcode Kind = "ecode" // IoT identification code, GB/T 31866
	KindDIC   Kind = "dic"   // digital identity code (issuer-scoped opaque)
	KindCCC   Kind = "ccc"   // CCC certification code / certificate number
)

// Scheme returns which of the four SAMR code types k belongs to: "gs1"
// (product barcode), "ecode", "dic" or "ccc"; "" for an unknown Kind.
func (k Kind) Scheme() string {
	switch k {
	case KindSGTIN, KindLGTIN, KindGTIN, KindSSCC, KindGLN:
		return "gs1"
	case KindEcode:
		return "ecode"
	case KindDIC:
		return "dic"
	case KindCCC:
		return "ccc"
	}
	return ""
}

// Code is a parsed traceability code. Canonical is the ledger key; the other
// fields are what the input stated. Fields that are not part of the identity
// (batch of a serialised unit, dates, AI 22, the EPC company prefix) are kept
// for the caller but are not encoded in Canonical; see Identity.
type Code struct {
	Kind           Kind              `json:"kind"`
	Canonical      string            `json:"canonical"`
	GTIN           string            `json:"gtin,omitempty"`           // always GTIN-14
	Serial         string            `json:"serial,omitempty"`         // AI 21
	Batch          string            `json:"batch,omitempty"`          // AI 10
	SSCC           string            `json:"sscc,omitempty"`           // AI 00
	GLN            string            `json:"gln,omitempty"`            // AI 414
	CompanyPrefix  string            `json:"companyPrefix,omitempty"`  // only when the input states it (EPC URN)
	ProductionDate string            `json:"productionDate,omitempty"` // AI 11 as YYYY-MM-DD
	ExpiryDate     string            `json:"expiryDate,omitempty"`     // AI 17 as YYYY-MM-DD
	Attributes     map[string]string `json:"attributes,omitempty"`     // AI 22 and scheme fields
}

// String returns the canonical form.
func (c Code) String() string { return c.Canonical }

// Identity returns c reduced to the fields that its canonical form carries,
// which is exactly what Parse(c.Canonical) returns. Two codes denote the same
// ledger entry iff their identities are equal.
func (c Code) Identity() Code {
	id := Code{Kind: c.Kind, Canonical: c.Canonical}
	switch c.Kind {
	case KindSGTIN:
		id.GTIN, id.Serial = c.GTIN, c.Serial
	case KindLGTIN:
		id.GTIN, id.Batch = c.GTIN, c.Batch
	case KindGTIN:
		id.GTIN = c.GTIN
	case KindSSCC:
		id.SSCC = c.SSCC
	case KindGLN:
		id.GLN = c.GLN
	default:
		// Ecode, CCC and DIC attributes are all derived from the canonical string.
		id.Attributes = c.Attributes
	}
	return id
}

// maxInputLen bounds the work a single input can cause inside a transaction.
const maxInputLen = 2048

// Parse parses any accepted form of a traceability code. Surrounding
// whitespace is ignored. The form is detected from the input:
//
//	http:// https://           GS1 Digital Link URI
//	urn:epc:                   EPC pure identity (or LGTIN class) URN
//	ecode: ccc: dic:           Ecode, CCC certificate number, digital identity code
//	( ]                        bracketed element string, symbology identifier
//	contains GS (0x1D)         unbracketed GS1 element string
//	starts with 00, 01 or 414  unbracketed GS1 element string
//	16 digits starting "20"    CCC certificate number
//	other, starting 1-9        Ecode
//
// A bare string is classified by that order only; see docs/identifiers.md for
// the ambiguous shapes that need a prefix.
func Parse(input string) (Code, error) {
	return run(input, parseAny)
}

// MustParse is Parse that panics on error; for tests and examples only.
func MustParse(input string) Code {
	c, err := Parse(input)
	if err != nil {
		panic(err)
	}
	return c
}

func parseAny(s string) (Code, *Error) {
	switch {
	case hasPrefixFold(s, "http://"), hasPrefixFold(s, "https://"):
		return parseDigitalLink(s)
	case hasPrefixFold(s, "urn:"):
		return parseEPC(s)
	case hasPrefixFold(s, "ecode:"):
		return parseEcode(s)
	case hasPrefixFold(s, "ccc:"):
		return parseCCC(s)
	case hasPrefixFold(s, "dic:"):
		return parseDIC(s)
	case s[0] == '(' || s[0] == ']':
		return parseElementString(s)
	case strings.IndexByte(s, gs) >= 0,
		strings.HasPrefix(s, "00"), strings.HasPrefix(s, "01"), strings.HasPrefix(s, "414"):
		return parseElementString(s)
	case len(s) == cccLen && strings.HasPrefix(s, "20") && allDigits(s):
		return parseCCC(s)
	case s[0] >= '1' && s[0] <= '9':
		c, e := parseEcode(s)
		if e != nil && len(s) > 2 {
			switch s[:2] {
			case AIBatch, AIProductionDate, AIExpiry, AISerial:
				e.Msg += " (read as Ecode; a GS1 element string not led by AI 00, 01 or 414 needs brackets or a symbology identifier such as ]d2)"
			}
		}
		return c, e
	}
	return Code{}, errAt(0, RuleUnknownForm,
		"not a GS1 element string or Digital Link, EPC URN, Ecode, CCC or DIC code")
}

// run trims input, applies the length bound, calls parse and rebases any
// error onto the untrimmed input.
func run(input string, parse func(string) (Code, *Error)) (Code, error) {
	return runAs(input, parse)
}

// runAs is run for any result type; on error the result is T's zero value.
func runAs[T any](input string, parse func(string) (T, *Error)) (T, error) {
	var zero T
	s := strings.TrimLeftFunc(input, unicode.IsSpace)
	lead := len(input) - len(s)
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	var e *Error
	var c T
	switch {
	case len(s) == 0:
		e = errAt(0, RuleLength, "empty input")
	case len(s) > maxInputLen:
		e = errAt(maxInputLen, RuleLength, "input longer than %d bytes", maxInputLen)
	default:
		c, e = parse(s)
	}
	if e != nil {
		e.Input = input
		e.Offset += lead
		return zero, e
	}
	return c, nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// firstNonDigit returns the index of the first non-digit in s, or -1.
func firstNonDigit(s string) int {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return i
		}
	}
	return -1
}

// quoteByte renders a byte for error messages without assuming it is text.
func quoteByte(b byte) string {
	if b >= 0x21 && b < 0x7f {
		return "'" + string(rune(b)) + "'"
	}
	const hex = "0123456789ABCDEF"
	return "0x" + string([]byte{hex[b>>4], hex[b&15]})
}
