package identifier

import "strings"

const dicMaxCode = 64

// ParseDIC parses a digital identity code "dic:{issuer}/{code}" (prefix in
// any case). The issuer is the issuing enterprise's unified social credit
// code, validated and upper-cased; code is 1-64 URI-unreserved characters
// (A-Z a-z 0-9 - . _ ~), opaque and case-sensitive. Whether the issuer
// really issued the code is for the chaincode's access control to decide.
func ParseDIC(input string) (Code, error) {
	return run(input, parseDIC)
}

func parseDIC(s string) (Code, *Error) {
	const prefix = "dic:"
	if !hasPrefixFold(s, prefix) {
		return Code{}, errAt(0, RuleSyntax, "digital identity code must start with dic:")
	}
	rest := s[len(prefix):]
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return Code{}, errAt(len(s), RuleSyntax, "expected dic:{issuer USCC}/{code}")
	}
	issuer, e := parseUSCC(rest[:slash], len(prefix))
	if e != nil {
		return Code{}, e
	}
	code := rest[slash+1:]
	off := len(prefix) + slash + 1
	if len(code) == 0 {
		return Code{}, errAt(off, RuleLength, "digital identity code is empty")
	}
	for i := 0; i < len(code); i++ {
		if !isUnreserved(code[i]) {
			return Code{}, errAt(off+i, RuleCharset, "digital identity code: %s is not allowed (A-Z a-z 0-9 - . _ ~)", quoteByte(code[i]))
		}
	}
	if len(code) > dicMaxCode {
		return Code{}, errAt(off+dicMaxCode, RuleLength, "digital identity code has %d characters, at most %d allowed", len(code), dicMaxCode)
	}
	return Code{
		Kind:       KindDIC,
		Canonical:  prefix + issuer + "/" + code,
		Attributes: map[string]string{"issuer": issuer, "code": code},
	}, nil
}
