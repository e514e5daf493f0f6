package lifecycle

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// ref is a parsed code: the canonical ledger code and what the input said.
type ref struct {
	input string
	code  string          // canonical; for a lot part "{lot}/part/{label}"
	id    identifier.Code // for a lot part: the lot's LGTIN
	part  bool
}

// partLabel restricts part labels so that a part code is unambiguous and
// stays a valid key attribute.
var partLabel = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

// parseCode parses any accepted code form, including lot part codes
// "{LGTIN in any form}/part/{label}". Errors are INVALID_CODE naming what.
func parseCode(input, what string) (ref, error) {
	s := strings.TrimSpace(input)
	if i := strings.LastIndex(s, model.PartSeparator); i > 0 {
		label := s[i+len(model.PartSeparator):]
		lot, err := identifier.Parse(s[:i])
		if err == nil && lot.Kind == identifier.KindLGTIN && partLabel.MatchString(label) {
			return ref{input: input, code: lot.Canonical + model.PartSeparator + label, id: lot, part: true}, nil
		}
	}
	c, err := identifier.Parse(s)
	if err != nil {
		return ref{}, invalidCode(input, what, err)
	}
	return ref{input: input, code: c.Canonical, id: c}, nil
}

// invalidCode reports a parse failure; every identifier error is ErrInvalid.
func invalidCode(input, what string, err error) error {
	return model.SubjectErrorf(model.CodeInvalidCode, input, "%s: %v", what, err)
}

// partCode returns the code of part label of a lot.
func partCode(lot, label string) string { return lot + model.PartSeparator + label }

// parseList parses a list of codes, refusing an empty or oversized list,
// invalid codes and repeats; the error names the first offender by index.
// loadList parses the codes of a request field and reads their items in one
// round trip.
func (l *Ledger) loadList(field string, inputs []string) ([]ref, error) {
	refs, err := parseList(field, inputs)
	if err != nil {
		return nil, err
	}
	return refs, l.load(codesOf(refs)...)
}

func parseList(field string, inputs []string) ([]ref, error) {
	if len(inputs) == 0 {
		return nil, model.Errorf(model.CodeInvalidArgument, "%s is empty", field)
	}
	if len(inputs) > model.MaxCodesPerTx {
		return nil, model.Errorf(model.CodeInvalidArgument, "%s has %d codes; at most %d per transaction", field, len(inputs), model.MaxCodesPerTx)
	}
	refs := make([]ref, len(inputs))
	seen := make(map[string]int, len(inputs))
	for i, in := range inputs {
		r, err := parseCode(in, fmt.Sprintf("%s[%d] %q", field, i, in))
		if err != nil {
			return nil, err
		}
		if j, dup := seen[r.code]; dup {
			return nil, model.SubjectErrorf(model.CodeDuplicate, in, "%s[%d] %q repeats %s[%d]", field, i, in, field, j)
		}
		seen[r.code] = i
		refs[i] = r
	}
	return refs, nil
}

// codesOf returns the canonical codes of refs.
func codesOf(refs []ref) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.code
	}
	return out
}

// what names the i-th code of a list in messages.
func (r ref) what(field string, i int) string { return fmt.Sprintf("%s[%d] %q", field, i, r.input) }

// sortedKeys returns the keys of a set in order, so that every endorser
// writes in the same order.
func sortedKeys(set map[string]bool) []string {
	return slices.Sorted(maps.Keys(set))
}
