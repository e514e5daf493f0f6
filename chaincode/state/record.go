package state

import (
	"encoding/json"
	"fmt"
)

// GetJSON reads key into v. It reports false, leaving v untouched, when the
// key is absent.
func GetJSON(s Store, key string, v any) (bool, error) {
	raw, err := s.Get(key)
	if err != nil {
		return false, fmt.Errorf("reading %q: %w", key, err)
	}
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("decoding %q: %w", key, err)
	}
	return true, nil
}

// PutJSON writes v as JSON under key.
func PutJSON(s Store, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding %q: %w", key, err)
	}
	return s.Put(key, raw)
}

// SetEventJSON sets the transaction's chaincode event with a JSON payload.
func SetEventJSON(s Store, name string, payload any) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("encoding event %s: %w", name, err)
	}
	return s.SetEvent(name, raw)
}
