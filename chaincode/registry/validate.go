package registry

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tracechain/tracechain/chaincode/model"
)

// mspIDPattern keeps MSP IDs usable inside collection names ("sales" + MSP ID).
var mspIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// ValidMSPID reports whether s is an acceptable MSP ID.
func ValidMSPID(s string) bool { return mspIDPattern.MatchString(s) }

// Text trims a free-text field and checks presence, length and that it has
// no control characters.
func Text(field, v string, maxLen int, required bool) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			return "", model.Errorf(model.CodeInvalidArgument, "%s is required", field)
		}
		return "", nil
	}
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxLen {
		return "", model.Errorf(model.CodeInvalidArgument, "%s must be valid text of at most %d characters", field, maxLen)
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return "", model.Errorf(model.CodeInvalidArgument, "%s contains control characters", field)
	}
	return v, nil
}

// TextList applies Text to each entry and refuses blanks and repeats.
func TextList(field string, vs []string, maxItems, maxLen int) ([]string, error) {
	if len(vs) > maxItems {
		return nil, model.Errorf(model.CodeInvalidArgument, "%s has more than %d entries", field, maxItems)
	}
	var out []string
	seen := map[string]bool{}
	for _, v := range vs {
		t, err := Text(field, v, maxLen, true)
		if err != nil {
			return nil, err
		}
		if seen[t] {
			return nil, model.SubjectErrorf(model.CodeInvalidArgument, t, "%s lists %q twice", field, t)
		}
		seen[t] = true
		out = append(out, t)
	}
	return out, nil
}
