package identifier

// ecodeVersion is the structure of one Ecode version: a 1-digit version V,
// an NSI (number system identifier) of fixed length and an MD (master data
// code) of up to mdMax characters. Table per public descriptions of GB/T
// 31866; see docs/identifiers.md for what could and could not be verified.
type ecodeVersion struct {
	nsiLen int
	mdMax  int
	alnum  bool // MD may contain A-Z as well as digits
}

var ecodeVersions = [...]ecodeVersion{
	1: {nsiLen: 4, mdMax: 20},              // total at most 25 digits
	2: {nsiLen: 8, mdMax: 28},              // total at most 37 digits
	3: {nsiLen: 8, mdMax: 39, alnum: true}, // total at most 48 characters
}

// ParseEcode parses an Ecode (GB/T 31866 IoT identification code), with or
// without an "ecode:" prefix (any case). Versions 1-3 are accepted; V0 is the
// GS1-compatible form (submit the GS1 code instead) and V4 is not supported.
// The NSI's registration cannot be verified offline.
func ParseEcode(input string) (Code, error) {
	return run(input, parseEcode)
}

func parseEcode(s string) (Code, *Error) {
	p := 0
	if hasPrefixFold(s, "ecode:") {
		p = len("ecode:")
	}
	v := s[p:]
	if len(v) == 0 {
		return Code{}, errAt(p, RuleLength, "empty Ecode")
	}
	ver := v[0]
	switch {
	case !isDigit(ver):
		return Code{}, errAt(p, RuleCharset, "Ecode version must be a digit, found %s", quoteByte(ver))
	case ver == '0':
		return Code{}, errAt(p, RuleValue, "Ecode V0 is the GS1-compatible form: submit the GS1 code itself")
	case ver == '4':
		return Code{}, errAt(p, RuleValue, "Ecode V4 is not supported")
	case ver > '4':
		return Code{}, errAt(p, RuleValue, "Ecode version %c is reserved", ver)
	}
	spec := ecodeVersions[ver-'0']
	if len(v) < 1+spec.nsiLen+1 {
		return Code{}, errAt(p+len(v), RuleLength,
			"Ecode V%c needs a %d-digit NSI and at least 1 MD character, got %d characters in all", ver, spec.nsiLen, len(v))
	}
	nsi := v[1 : 1+spec.nsiLen]
	if i := firstNonDigit(nsi); i >= 0 {
		return Code{}, errAt(p+1+i, RuleCharset, "Ecode NSI: %s is not a digit", quoteByte(nsi[i]))
	}
	md := v[1+spec.nsiLen:]
	mdOff := p + 1 + spec.nsiLen
	for i := 0; i < len(md); i++ {
		c := md[i]
		if isDigit(c) || spec.alnum && c >= 'A' && c <= 'Z' {
			continue
		}
		if spec.alnum {
			return Code{}, errAt(mdOff+i, RuleCharset, "Ecode V%c MD: %s is not a digit or upper-case letter", ver, quoteByte(c))
		}
		return Code{}, errAt(mdOff+i, RuleCharset, "Ecode V%c MD: %s is not a digit", ver, quoteByte(c))
	}
	if len(md) > spec.mdMax {
		return Code{}, errAt(mdOff+spec.mdMax, RuleLength, "Ecode V%c MD has %d characters, at most %d allowed", ver, len(md), spec.mdMax)
	}
	return Code{
		Kind:      KindEcode,
		Canonical: "ecode:" + v,
		Attributes: map[string]string{
			"version":    v[:1],
			"nsi":        nsi,
			"masterData": md,
		},
	}, nil
}
