package identifier

import "strconv"

// usccAlphabet is the GB 32100-2015 code character set; a character's value
// is its index. I, O, Z, S and V are never used.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

const usccLen = 18

// usccValue maps a byte (either case) to its value, or -1.
var usccValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(usccAlphabet); i++ {
		c := usccAlphabet[i]
		t[c] = int8(i)
		if c >= 'A' && c <= 'Z' {
			t[c+'a'-'A'] = int8(i)
		}
	}
	return t
}()

// usccWeights are 3^(i-1) mod 31 for positions 1..17.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccCategories lists, per registration authority (position 1), the
// organisation categories (position 2) published for it. Source: public
// summaries of the GB 32100-2015 code tables, not the standard text.
var usccCategories = map[byte]string{
	'1': "1239",   // institutional staffing: organ, public institution, mass organisation, other
	'2': "19",     // foreign affairs
	'3': "123459", // judicial administration
	'4': "19",     // culture
	'5': "1239",   // civil affairs: social organisation, private non-enterprise, foundation, other
	'6': "129",    // tourism
	'7': "129",    // religion
	'8': "19",     // trade unions
	'9': "123",    // industry and commerce: enterprise, individual business, farmer co-operative
	'A': "19",     // CMC reform and staffing office
	'N': "1239",   // agriculture: rural collective economic organisations
	'Y': "1",      // other
}

// ParseUSCC validates a unified social credit code (GB 32100-2015) and
// returns it upper-cased. It checks length, character set, the mod-31 check
// character, the registration authority / organisation category pair and
// that the administrative division code (positions 3-8) is numeric.
func ParseUSCC(s string) (string, error) {
	u, e := parseUSCC(s, 0)
	if e != nil {
		e.Input = s
		return "", e
	}
	return u, nil
}

func parseUSCC(v string, base int) (string, *Error) {
	if len(v) != usccLen {
		off := len(v)
		if off > usccLen {
			off = usccLen
		}
		return "", errAt(base+off, RuleLength, "USCC must have 18 characters, got %d", len(v))
	}
	lower := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if usccValue[c] < 0 {
			return "", errAt(base+i, RuleCharset, "USCC: %s is not in the GB 32100 character set (I, O, S, V, Z are never used)", quoteByte(c))
		}
		lower = lower || c >= 'a'
	}
	u := v
	if lower {
		b := []byte(v)
		for i, c := range b {
			if c >= 'a' {
				b[i] = c - ('a' - 'A')
			}
		}
		u = string(b)
	}
	if want := usccCheck(u); u[17] != want {
		return "", errAt(base+17, RuleCheckDigit, "USCC %s: expected %c, got %c", u, want, u[17])
	}
	cats, ok := usccCategories[u[0]]
	if !ok {
		return "", errAt(base, RuleValue, "USCC: unknown registration authority code %c", u[0])
	}
	if !containsByte(cats, u[1]) {
		return "", errAt(base+1, RuleValue, "USCC: organisation category %c is not defined for registration authority %c", u[1], u[0])
	}
	for i := 2; i < 8; i++ {
		if !isDigit(u[i]) {
			return "", errAt(base+i, RuleCharset, "USCC: administrative division code (positions 3-8) must be digits, found %s", quoteByte(u[i]))
		}
	}
	return u, nil
}

// USCCCheckChar returns the GB 32100-2015 check character for the first 17
// characters of a unified social credit code (either case).
func USCCCheckChar(first17 string) (byte, error) {
	if len(first17) != usccLen-1 {
		off := len(first17)
		if off > usccLen-1 {
			off = usccLen - 1
		}
		return 0, &Error{Input: first17, Offset: off, Rule: RuleLength,
			Msg: "need the first 17 characters of a USCC, got " + strconv.Itoa(len(first17))}
	}
	for i := 0; i < len(first17); i++ {
		if usccValue[first17[i]] < 0 {
			e := errAt(i, RuleCharset, "USCC: %s is not in the GB 32100 character set", quoteByte(first17[i]))
			e.Input = first17
			return 0, e
		}
	}
	return usccCheck(first17), nil
}

// usccCheck computes the check character over s[:17], whose bytes are
// known to be valid.
func usccCheck(s string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(usccValue[s[i]]) * usccWeights[i]
	}
	return usccAlphabet[(31-sum%31)%31]
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}
