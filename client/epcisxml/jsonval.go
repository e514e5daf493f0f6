package epcisxml

import (
	"bytes"
	"encoding/json"
)

// object is a JSON object that keeps its keys in the order they were set,
// so that a converted event reads like its XML, and refuses a key set
// twice.
type object struct {
	keys []string
	vals map[string]any // string, json.Number, bool, *object or []any
}

func newObject() *object { return &object{vals: map[string]any{}} }

// has says whether key is set.
func (o *object) has(key string) bool {
	_, ok := o.vals[key]
	return ok
}

// set sets a new key; it reports false when the key is already set.
func (o *object) set(key string, v any) bool {
	if o.has(key) {
		return false
	}
	o.keys = append(o.keys, key)
	o.vals[key] = v
	return true
}

// add sets key, or appends v to its value when it is set: repeated
// extension elements are a list in the JSON binding.
func (o *object) add(key string, v any) {
	old, ok := o.vals[key]
	if !ok {
		o.set(key, v)
		return
	}
	if l, isList := old.(listValue); isList {
		o.vals[key] = append(l, v)
		return
	}
	o.vals[key] = listValue{old, v}
}

// listValue is a list made of repeated elements.
type listValue []any

// writeJSON appends v as JSON.
func writeJSON(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case *object:
		b.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			writeJSON(b, t.vals[k])
		}
		b.WriteByte('}')
	case []any:
		writeList(b, t)
	case listValue:
		writeList(b, t)
	case string:
		writeString(b, t)
	case json.Number:
		b.WriteString(string(t))
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	}
}

func writeList(b *bytes.Buffer, l []any) {
	b.WriteByte('[')
	for i, e := range l {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSON(b, e)
	}
	b.WriteByte(']')
}

// writeString writes s as a JSON string, as encoding/json does (invalid
// UTF-8 cannot occur: the XML reader refuses it).
func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s) // a string always marshals
	b.Write(q)
}
