package identifier

import "strings"

// gs is ASCII Group Separator, the transmitted form of FNC1 between fields.
const gs = 0x1D

// ParseElementString parses a GS1 element string: bracketed
// "(01)09506000134352(21)ABC" or unbracketed with GS (0x1D) after every
// variable-length field, optionally led by a GS1 symbology identifier
// (]C1, ]d2, ]Q3, ]e0). Accepted AIs: 00, 01, 10, 11, 17, 21, 414.
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
	if e := st.finish(i); e != nil {
		return Code{}, e
	}
	return st.f.code(), nil
}

// esAI describes one accepted AI: fixed is the value length, 0 if variable.
type esAI struct {
	ai    string
	fixed int
	bit   uint8
}

var esAIs = [...]esAI{
	{aiSSCC, ssccLen, 1 << 0},
	{aiGTIN, gtinLen, 1 << 1},
	{aiBatch, 0, 1 << 2},
	{aiProd, 6, 1 << 3},
	{aiExpiry, 6, 1 << 4},
	{aiSerial, 0, 1 << 5},
	{aiGLN, glnLen, 1 << 6},
}

func lookupAI(ai string) (esAI, bool) {
	for _, a := range esAIs {
		if a.ai == ai {
			return a, true
		}
	}
	return esAI{}, false
}

// esState accumulates elements and remembers offsets for association errors.
type esState struct {
	f          gs1Fields
	seen       uint8
	primaryAI  string
	primaryOff int
	depAI      string // first AI that needs AI 01 (10, 11, 17, 21)
	depOff     int
}

func (st *esState) readUnbracketed(s string, i int) *Error {
	for i < len(s) {
		if s[i] == gs {
			return errAt(i, RuleSyntax, "unexpected separator (GS) where an AI was expected")
		}
		a, e := aiAt(s, i)
		if e != nil {
			return e
		}
		v := i + len(a.ai)
		var val string
		next := 0
		if a.fixed > 0 {
			if v+a.fixed > len(s) {
				return errAt(len(s), RuleLength, "AI %s needs %d characters, got %d", a.ai, a.fixed, len(s)-v)
			}
			val, next = s[v:v+a.fixed], v+a.fixed
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
		if e := st.add(a, i, val, v); e != nil {
			return e
		}
		i = next
	}
	return nil
}

// aiAt identifies the AI starting at s[i] of an unbracketed string.
func aiAt(s string, i int) (esAI, *Error) {
	if i+2 <= len(s) {
		if a, ok := lookupAI(s[i : i+2]); ok {
			return a, nil
		}
	}
	if i+3 <= len(s) && s[i:i+3] == aiGLN {
		a, _ := lookupAI(aiGLN)
		return a, nil
	}
	if !isDigit(s[i]) {
		return esAI{}, errAt(i, RuleSyntax, "expected an application identifier, found %s", quoteByte(s[i]))
	}
	end := i + 4
	if end > len(s) {
		end = len(s)
	}
	if strings.HasPrefix(s[i:], aiCPV) {
		return esAI{}, unsupportedAI(aiCPV, i)
	}
	return esAI{}, errAt(i, RuleAI, "no supported AI at %q (accepted: 00, 01, 10, 11, 17, 21, 414)", s[i:end])
}

func unsupportedAI(ai string, off int) *Error {
	if ai == aiCPV {
		return errAt(off, RuleAI, "AI 22 is accepted only in a Digital Link path")
	}
	return errAt(off, RuleAI, "AI %s is not supported (accepted: 00, 01, 10, 11, 17, 21, 414)", ai)
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
		a, ok := lookupAI(ai)
		if !ok {
			return unsupportedAI(ai, i+1)
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
		val := s[v:end]
		if a.fixed > 0 && len(val) != a.fixed {
			off := v + len(val)
			if len(val) > a.fixed {
				off = v + a.fixed
			}
			return errAt(off, RuleLength, "AI %s must have %d characters, got %d", a.ai, a.fixed, len(val))
		}
		if e := st.add(a, i+1, val, v); e != nil {
			return e
		}
		i = end
	}
	return nil
}

// add validates one element. aiOff is the AI's offset, off the value's.
func (st *esState) add(a esAI, aiOff int, v string, off int) *Error {
	if st.seen&a.bit != 0 {
		return errAt(aiOff, RuleAI, "AI %s repeated", a.ai)
	}
	st.seen |= a.bit
	var e *Error
	switch a.ai {
	case aiGTIN, aiSSCC, aiGLN:
		if st.primaryAI != "" {
			return errAt(aiOff, RuleAI, "more than one primary key (AI %s and AI %s)", st.primaryAI, a.ai)
		}
		st.primaryAI, st.primaryOff = a.ai, aiOff
		st.f.primary, st.f.key = a.ai, v
		switch a.ai {
		case aiGTIN:
			e = verifyKey(v, off, gtinLen, "GTIN")
		case aiSSCC:
			e = verifyKey(v, off, ssccLen, "SSCC")
		default:
			e = verifyKey(v, off, glnLen, "GLN")
		}
		return e
	}
	if st.depAI == "" {
		st.depAI, st.depOff = a.ai, aiOff
	}
	switch a.ai {
	case aiBatch:
		st.f.batch = v
		e = checkCS82(v, off, "batch (AI 10)")
	case aiSerial:
		st.f.serial = v
		e = checkCS82(v, off, "serial (AI 21)")
	case aiProd:
		st.f.prod, e = parseGS1Date(v, off, a.ai)
	case aiExpiry:
		st.f.expiry, e = parseGS1Date(v, off, a.ai)
	}
	return e
}

// finish applies the association rules: one primary key, and 10/11/17/21
// only together with a GTIN.
func (st *esState) finish(start int) *Error {
	if st.primaryAI == "" {
		return errAt(start, RuleAI, "no primary key: one of AI 01, 00 or 414 is required")
	}
	if st.depAI != "" && st.primaryAI != aiGTIN {
		return errAt(st.depOff, RuleAI, "AI %s requires AI 01, not AI %s", st.depAI, st.primaryAI)
	}
	return nil
}
