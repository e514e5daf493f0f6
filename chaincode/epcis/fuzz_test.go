package epcis

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzEventHash checks that hashing never panics, is deterministic (errors
// included), and does not depend on the order of list items or JSON keys.
func FuzzEventHash(f *testing.F) {
	docs, _ := filepath.Glob("testdata/*.jsonld")
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			f.Fatal(err)
		}
		var doc struct {
			EPCISBody struct {
				EventList []json.RawMessage `json:"eventList"`
			} `json:"epcisBody"`
		}
		if json.Unmarshal(b, &doc) == nil {
			for _, e := range doc.EPCISBody.EventList {
				f.Add([]byte(e))
			}
		}
	}
	f.Add([]byte(`{"type":"ObjectEvent","eventTime":"2023-01-18T11:04:03.9999+14:00","epcList":["urn:epc:id:sgtin:4012345.011111.1"," x "]}`))
	ctx, err := ParseContext(json.RawMessage(`{"example":"https://ns.example.com/epcis/"}`))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, event []byte) {
		h1, err1 := EventHash(event, ctx)
		h2, err2 := EventHash(event, ctx)
		if h1 != h2 || errString(err1) != errString(err2) {
			t.Fatalf("not deterministic: %q %v / %q %v", h1, err1, h2, err2)
		}
		if err1 != nil {
			return
		}
		v, err := readTree(event)
		if err != nil {
			t.Fatalf("hashed an event that does not read: %v", err)
		}
		// Re-encoding sorts keys; reversing every list reorders the children.
		for _, variant := range []any{v, reverseLists(v)} {
			b, err := json.Marshal(variant)
			if err != nil {
				t.Fatal(err)
			}
			h, err := EventHash(b, ctx)
			if err != nil || h != h1 {
				t.Fatalf("reordered event hashes differently: %q %v, want %q\n%s", h, err, h1, b)
			}
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// reverseLists reverses every JSON array except @context, whose order is
// significant (a later definition of a prefix wins).
func reverseLists(v any) any {
	switch t := v.(type) {
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[len(t)-1-i] = reverseLists(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if k == "@context" {
				out[k] = e
				continue
			}
			out[k] = reverseLists(e)
		}
		return out
	}
	return v
}
