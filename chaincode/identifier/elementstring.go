package identifier

import "strings"

// gs is ASCII Group Separator, the transmitted form of FNC1 between fields.
const gs = 0x1D

// ParseElementString parses a GS1 element string: bracketed
// "(01)09506000134352(21)ABC" or unbracketed with GS (0x1D) after every AI
// that is not of predefined length, optionally led by a GS1 symbology
// identifier (]C1, ]d2, ]Q3, ]e0). Every AI of the GS1 General
// Specifications is accepted (see ai.go) with its value's format, check
// digit and dates checked and the table's mandatory-association and
// invalid-pairing rules applied; unknown AIs are refused. Exactly one of AI
// 01, 00 or 414 must be present: it is the ledger key. AIs other than those
// and 10, 11, 17, 21 (with 01) are returned in Code.Attributes keyed by AI.
func ParseElementString(input string) (Code, error) {
	return run(input, parseElementString)
}

func parseElementString(s string) (Code, *Error) {
	i := 0
	if s[0] == ']' {
		if len(s) < 3 {
			return Code{}, errAt(len(s), RuleSyntax, "truncated symbology identifier")
		}
		switch s[1:3] {
		case "C1", "d2", "Q3", "e0": // GS1-128, GS1 DataMatrix, GS1 QR, GS1 DataBar
			i = 3
		case "Q1", "d1": // plain QR / DataMatrix: only a Digital Link URI is meaningful
			if hasPrefixFold(s[3:], "http://") || hasPrefixFold(s[3:], "https://") {
				c, e := parseDigitalLink(s[3:])
				if e != nil {
					e.Offset += 3
				}
				return c, e
			}
			return Code{}, errAt(3, RuleUnknownForm, "symbology identifier ]%s carries no GS1 data", s[1:3])
		default:
			return Code{}, errAt(0, RuleUnknownForm, "symbology identifier ]%s carries no GS1 data", s[1:3])
		}
		if i == len(s) {
			return Code{}, errAt(i, RuleLength, "no data after symbology identifier")
		}
	}
	// Some scanners transmit the leading FNC1 as GS; it carries no data.
	if s[i] == gs {
		i++
		if i == len(s) {
			return Code{}, errAt(i, RuleLength, "no data after leading separator (GS)")
		}
	}
	var st esState
	var e *Error
	if s[i] == '(' {
		e = st.readBracketed(s, i)
	} else {
		e = st.readUnbracketed(s, i)
	}
	if e != nil {
		return Code{}, e
	}
	return st.finish(i)
}

// esElem is one element of an element string.
type esElem struct {
	d     *aiDef
	v     string
	aiOff int
	off   int
}

// esState accumulates elements and remembers offsets for association errors.
type esState struct {
	elems   []esElem
	primary int // index+1 of the ledger key in elems, 0 if none yet
}

func (st *esState) readUnbracketed(s string, i int) *Error {
	for i < len(s) {
		if s[i] == gs {
			return errAt(i, RuleSyntax, "unexpected separator (GS) where an AI was expected")
		}
		d, e := aiAt(s, i)
		if e != nil {
			return e
		}
		v := i + len(d.ai)
		var val string
		next := 0
		if d.predefined() {
			// Predefined-length AIs are not followed by FNC1, so the value
			// is exactly the defined length.
			end := min(v+d.fixed, len(s))
			val, next = s[v:end], end
			// A separator after a predefined-length field is superfluous but harmless.
			if next < len(s) && s[next] == gs {
				next++
				if next == len(s) {
					return errAt(next-1, RuleSyntax, "trailing separator (GS)")
				}
			}
		} else {
			end := strings.IndexByte(s[v:], gs)
			if end < 0 {
				val, next = s[v:], len(s)
			} else {
				val, next = s[v:v+end], v+end+1
				if next == len(s) {
					return errAt(next-1, RuleSyntax, "trailing separator (GS)")
				}
			}
		}
		if e := st.add(d, i, val, v); e != nil {
			return e
		}
		i = next
	}
	return nil
}

// aiAt identifies the AI starting at s[i] of an unbracketed string.
func aiAt(s string, i int) (*aiDef, *Error) {
	if d, ok := aiPrefixAt(s[i:]); ok {
		return d, nil
	}
	if !isDigit(s[i]) {
		return nil, errAt(i, RuleSyntax, "expected an application identifier, found %s", quoteByte(s[i]))
	}
	end := min(i+4, len(s))
	return nil, errAt(i, RuleAI, "no GS1 application identifier starts %q", s[i:end])
}

func (st *esState) readBracketed(s string, i int) *Error {
	for i < len(s) {
		if s[i] != '(' {
			return errAt(i, RuleSyntax, "expected '(' to open an AI, found %s", quoteByte(s[i]))
		}
		c := strings.IndexByte(s[i+1:], ')')
		if c < 0 {
			return errAt(i, RuleSyntax, "unclosed '('")
		}
		ai := s[i+1 : i+1+c]
		if ai == "" || !allDigits(ai) {
			return errAt(i+1, RuleSyntax, "AI must be digits, got %q", ai)
		}
		d, ok := lookupAIDef(ai)
		if !ok {
			return errAt(i+1, RuleAI, "AI %s is not a GS1 application identifier", ai)
		}
		v := i + 2 + c
		// '(' always opens the next AI: a value holding '(' must use the
		// unbracketed or Digital Link form.
		end := strings.IndexByte(s[v:], '(')
		if end < 0 {
			end = len(s)
		} else {
			end += v
		}
		if e := st.add(d, i+1, s[v:end], v); e != nil {
			return e
		}
		i = end
	}
	return nil
}

// add validates one element. aiOff is the AI's offset, off the value's.
func (st *esState) add(d *aiDef, aiOff int, v string, off int) *Error {
	for _, el := range st.elems {
		if el.d == d {
			return errAt(aiOff, RuleAI, "AI %s repeated", d.ai)
		}
	}
	if isLedgerKey(d.ai) && st.primary != 0 {
		return errAt(aiOff, RuleAI, "more than one ledger key (AI %s and AI %s): the ledger cannot tell which one identifies the item", st.elems[st.primary-1].d.ai, d.ai)
	}
	t := plainText(v, off)
	if e := d.checkValue(&t); e != nil {
		return e
	}
	st.elems = append(st.elems, esElem{d: d, v: v, aiOff: aiOff, off: off})
	if isLedgerKey(d.ai) {
		st.primary = len(st.elems)
	}
	return nil
}

// isLedgerKey reports whether ai is one of the keys a Code can be built on.
func isLedgerKey(ai string) bool { return ai == AIGTIN || ai == AISSCC || ai == AIGLN }

// finish requires a ledger key, applies the association rules and builds
// the Code.
func (st *esState) finish(start int) (Code, *Error) {
	if st.primary == 0 {
		return Code{}, errAt(start, RuleAI, "no primary key: one of AI 01, 00 or 414 is required")
	}
	elems := make([]aiElem, len(st.elems))
	for i, el := range st.elems {
		elems[i] = aiElem{el.d, el.aiOff}
	}
	if e := checkAssociations(elems); e != nil {
		return Code{}, e
	}
	key := st.elems[st.primary-1]
	f := gs1Fields{primary: key.d.ai, key: key.v}
	for _, el := range st.elems {
		if e := f.assign(el.d.ai, el.v, el.off); e != nil {
			return Code{}, e
		}
	}
	return f.code(), nil
}
