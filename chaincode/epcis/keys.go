package epcis

import (
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// standardKeys are the JSON names of the model: every key the structs of
// model.go declare, and the single-event form of epcisBody. A key that
// equals one of them only up to case is refused wherever it appears
// (strict.go): encoding/json would have read "BizStep" as bizStep while the
// hash reads it as a user extension, and a strict reading must not leave a
// second reading possible to any later caller.
var standardKeys = func() map[string]bool {
	keys := map[string]bool{"event": true}
	for _, v := range []any{Document{}, Body{}, QueryResults{}, ResultsBody{}, eventAlias{}, QuantityElement{},
		PersistentDisposition{}, Location{}, BizTransaction{}, Source{}, Destination{}, ErrorDeclaration{},
		SensorElement{}, SensorMetadata{}, SensorReport{}} {
		t := reflect.TypeOf(v)
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name != "" && name != "-" {
				keys[name] = true
			}
		}
	}
	return keys
}()

// foldedStandardKeys maps the case fold of every standard key to the key.
var foldedStandardKeys = func() map[string]string {
	m := make(map[string]string, len(standardKeys))
	for k := range standardKeys {
		m[string(appendFold(nil, k))] = k
	}
	return m
}()

// caseVariantOf returns the standard key that k equals up to case without
// being it, or "".
func caseVariantOf(k string) string {
	if standardKeys[k] {
		return ""
	}
	var buf [64]byte
	return foldedStandardKeys[string(appendFold(buf[:0], k))] // the conversion in a map index does not allocate
}

// appendFold appends the case fold of s: each rune replaced by the smallest
// rune of its simple case-folding orbit. Two strings have the same fold
// exactly when strings.EqualFold says they are equal (the folding
// encoding/json matches keys with), so "K" (KELVIN SIGN) and "ſ" (LONG S)
// fold like K and S.
func appendFold(dst []byte, s string) []byte {
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			dst = append(dst, byte(r)) //nolint:gosec // r < 0x80
			continue
		}
		low := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			low = min(low, f)
		}
		dst = utf8.AppendRune(dst, low)
	}
	return dst
}
