package state

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Composite keys use the same encoding as the Fabric shim: a 0x00 namespace
// byte, then the object type and each attribute, each terminated by 0x00. The
// memory store uses it directly; the Fabric store delegates to the stub.
const (
	compositeNamespace = "\x00"
	keySeparator       = "\x00"
	maxRune            = utf8.MaxRune
)

// CompositeKey builds a composite key like shim.CreateCompositeKey.
func CompositeKey(objectType string, attrs ...string) (string, error) {
	if err := checkKeyPart(objectType); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(compositeNamespace)
	b.WriteString(objectType)
	b.WriteString(keySeparator)
	for _, a := range attrs {
		if err := checkKeyPart(a); err != nil {
			return "", err
		}
		b.WriteString(a)
		b.WriteString(keySeparator)
	}
	return b.String(), nil
}

// SplitCompositeKey splits a key built by CompositeKey.
func SplitCompositeKey(key string) (string, []string, error) {
	if !strings.HasPrefix(key, compositeNamespace) || !strings.HasSuffix(key, keySeparator) || len(key) < 2 {
		return "", nil, fmt.Errorf("not a composite key: %q", key)
	}
	parts := strings.Split(key[1:len(key)-1], keySeparator)
	return parts[0], parts[1:], nil
}

func checkKeyPart(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("key part %q is not valid UTF-8", s)
	}
	for _, r := range s {
		if r == 0 || r == maxRune {
			return errors.New("key part contains U+0000 or U+10FFFF")
		}
	}
	return nil
}

// PrefixRange returns the key range [start, end) of a partial composite key:
// what a Store's Scan covers, for Store implementations outside this package.
func PrefixRange(objectType string, attrs []string) (string, string, error) {
	start, err := CompositeKey(objectType, attrs...)
	if err != nil {
		return "", "", err
	}
	return start, start + string(maxRune), nil
}
