package identifier

// CCC certificate numbers: 16 digits, year (4) + certification body (2) +
// product category (4) + sequence (6), per public descriptions of the
// CNCA numbering.
const (
	cccLen     = 16
	cccMinYear = 2002 // compulsory certification began in 2002
	cccMaxYear = 2099 // fixed bound: a clock would make peers disagree
)

// ParseCCC parses a CCC (China Compulsory Certification) certificate number,
// with or without a "ccc:" prefix (any case). Only the shape and the
// plausibility of the year are checked: whether the certificate exists or is
// valid needs the CNCA registry.
func ParseCCC(input string) (Code, error) {
	return run(input, parseCCC)
}

func parseCCC(s string) (Code, *Error) {
	p := 0
	if hasPrefixFold(s, "ccc:") {
		p = len("ccc:")
	}
	v := s[p:]
	if i := firstNonDigit(v); i >= 0 {
		return Code{}, errAt(p+i, RuleCharset, "CCC certificate number: %s is not a digit", quoteByte(v[i]))
	}
	if len(v) != cccLen {
		off := len(v)
		if off > cccLen {
			off = cccLen
		}
		return Code{}, errAt(p+off, RuleLength, "CCC certificate number must have 16 digits, got %d", len(v))
	}
	year := int(v[0]-'0')*1000 + int(v[1]-'0')*100 + int(v[2]-'0')*10 + int(v[3]-'0')
	if year < cccMinYear || year > cccMaxYear {
		return Code{}, errAt(p, RuleDate, "CCC certificate year %d outside %d-%d", year, cccMinYear, cccMaxYear)
	}
	return Code{
		Kind:      KindCCC,
		Canonical: "ccc:" + v,
		Attributes: map[string]string{
			"year":     v[:4],
			"body":     v[4:6],
			"category": v[6:10],
			"sequence": v[10:],
		},
	}, nil
}
