package identifier

import "fmt"

// EcodeNumberSystem returns the number system of a parsed Ecode: its version
// digit followed by its NSI (e.g. "10001" for V1, NSI 0001). A number system
// is registered to one member, who alone may commission codes in it.
func EcodeNumberSystem(c Code) string {
	if c.Kind != KindEcode {
		return ""
	}
	return c.Attributes["version"] + c.Attributes["nsi"]
}

// ValidateEcodeNumberSystem checks the shape of a number system as
// EcodeNumberSystem renders it: a supported version digit and an NSI of that
// version's length.
func ValidateEcodeNumberSystem(s string) error {
	if s == "" || s[0] < '1' || s[0] > '3' {
		return fmt.Errorf("must start with an Ecode version 1-3")
	}
	spec := ecodeVersions[s[0]-'0']
	if len(s) != 1+spec.nsiLen || !allDigits(s[1:]) {
		return fmt.Errorf("version %c needs a %d-digit NSI after the version digit", s[0], spec.nsiLen)
	}
	return nil
}
