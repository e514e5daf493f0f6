package epcis

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// canonValue applies the CBV 2.0 value rules to one scalar: surrounding
// whitespace trimmed, known CURIE prefixes expanded, EPCIS 1.x CBV URNs
// rewritten to web URIs, numbers in their shortest form, and GS1 identifiers
// as constrained canonical Digital Link URIs. The rules are applied to every
// value, not only to those of the fields that usually hold identifiers,
// because an identifier may appear anywhere (a source, a sensor's deviceID,
// a user extension) and must hash the same wherever it appears.
func canonValue(ctx *Context, s string) string {
	s = strings.TrimSpace(ctx.expandCURIE(strings.TrimSpace(s)))
	s = cbvWebURI(s)
	if n, ok := canonNumber(s); ok {
		return n
	}
	if dl, ok := canonicalDL(s); ok {
		return dl
	}
	return s
}

// isNumberText says whether s is a decimal number literal: optional sign,
// digits with an optional fraction (or a bare fraction), optional exponent.
func isNumberText(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	intDigits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		intDigits++
	}
	fracDigits := 0
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			fracDigits++
		}
	}
	if intDigits+fracDigits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		expDigits := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			expDigits++
		}
		if expDigits == 0 {
			return false
		}
	}
	return i == len(s)
}

// canonNumber writes a number literal the way the pre-hash string requires:
// no trailing zeros, no '+', no leading zeros, integers without a fraction.
// The value goes through an IEEE double, as in the reference implementation,
// so "1.50", "1.5" and 15e-1 all give "1.5"; a fraction is written with the
// fewest digits that identify the double, in exponent form below 1e-4.
func canonNumber(s string) (string, bool) {
	if !isNumberText(s) {
		return "", false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	if f == math.Trunc(f) {
		if f == 0 {
			return "0", true
		}
		return new(big.Float).SetFloat64(f).Text('f', 0), true
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // shortest digits, "d.ddde-05"
	if exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:]); exp < -4 {
		return e, true
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

// canonTime writes an xsd:dateTimeStamp in UTC with exactly three fraction
// digits ("2023-01-18T11:04:03.142Z"); a fourth fraction digit of 5 to 9
// rounds the third up, as CBV 2.0 specifies. A timestamp without UTC offset
// is refused: its instant would depend on the machine's time zone.
func canonTime(s string) (string, bool) {
	s = strings.TrimSpace(s)
	// YYYY-MM-DDTHH:MM:SS is 19 bytes; the offset is "Z" or "±HH:MM".
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' {
		return "", false
	}
	num := func(a, b int) (int, bool) {
		if !allDigits(s[a:b]) {
			return 0, false
		}
		n, _ := strconv.Atoi(s[a:b])
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return "", false
	}
	rest := s[19:]
	ms := 0
	if rest[0] == '.' {
		j := 1
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		frac := rest[1:j]
		if frac == "" {
			return "", false
		}
		padded := frac + "0000"
		ms, _ = strconv.Atoi(padded[:3])
		if padded[3] >= '5' {
			ms++ // may reach 1000: the carry goes through time.Time below
		}
		rest = rest[j:]
	}
	var off int
	switch {
	case rest == "Z" || rest == "z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
		allDigits(rest[1:3]) && allDigits(rest[4:6]):
		oh, _ := strconv.Atoi(rest[1:3])
		om, _ := strconv.Atoi(rest[4:6])
		if oh > 14 || om > 59 {
			return "", false
		}
		off = oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
	default:
		return "", false
	}
	if month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return "", false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.FixedZone("", off))
	if t.Day() != day {
		return "", false // 31 April and the like, which time.Date would roll over
	}
	t = t.Add(time.Duration(ms) * time.Millisecond).UTC()
	return t.Format("2006-01-02T15:04:05.000Z"), true
}

func itoa(i int) string { return strconv.Itoa(i) }
