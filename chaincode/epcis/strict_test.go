package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// strictDoc is a capture document with one event whose body is ev.
func strictDoc(ev string) string {
	return `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ns.example.com/"}],` +
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-01T00:00:00Z","epcisBody":{"eventList":[` +
		`{"type":"ObjectEvent",` + capTime + `,"epcList":["https://id.gs1.org/01/06901234000016/21/A1"],"action":"OBSERVE"` + ev + `}]}}`
}

// TestStrictReadingRefusals lists every refusal of the one reading, with its
// code and the JSON pointer of the offending key, and checks that every
// entry point gives the same refusal: nothing reads a document another way.
func TestStrictReadingRefusals(t *testing.T) {
	const ev = "/epcisBody/eventList/0"
	// The event is at depth 4: its extension's objects reach depth 65.
	deep := strings.Repeat(`{"a":`, maxDepth-3) + "1" + strings.Repeat("}", maxDepth-3)
	tests := []struct {
		name, doc string
		code      Code
		pointer   string
	}{
		{"a duplicate bizStep", strictDoc(`,"bizStep":"receiving","bizStep":"shipping"`), CodeDuplicateKey, ev + "/bizStep"},
		{"a duplicate epcList", strictDoc(`,"bizStep":"receiving","epcList":["https://id.gs1.org/01/06901234000016/21/B2"]`), CodeDuplicateKey, ev + "/epcList"},
		{"a duplicate document key", strings.Replace(strictDoc(""), `"schemaVersion":"2.0"`, `"type":"EPCISQueryDocument"`, 1), CodeDuplicateKey, "/type"},
		{"a duplicate epcisBody", strings.TrimSuffix(strictDoc(""), "}") + `,"epcisBody":{"eventList":[]}}`, CodeDuplicateKey, "/epcisBody"},
		{"a duplicate key in an extension", strictDoc(`,"ex:a":{"x":1,"x":2}`), CodeDuplicateKey, ev + "/ex:a/x"},
		{"a duplicate key that needs escaping", strictDoc(`,"ex:a/b~":1,"ex:a/b~":2`), CodeDuplicateKey, ev + "/ex:a~1b~0"},
		{"bizStep and BizStep", strictDoc(`,"bizStep":"receiving","BizStep":"shipping"`), CodeKeyCase, ev + "/BizStep"},
		{"BizStep alone", strictDoc(`,"BizStep":"receiving"`), CodeKeyCase, ev + "/BizStep"},
		{"EPCList", strictDoc(`,"EPCList":["https://id.gs1.org/01/06901234000016/21/B2"]`), CodeKeyCase, ev + "/EPCList"},
		{"EventTime", strictDoc(`,"EventTime":"2026-03-01T10:00:00Z"`), CodeKeyCase, ev + "/EventTime"},
		{"Type", strictDoc(`,"Type":"AggregationEvent"`), CodeKeyCase, ev + "/Type"},
		{"eventId", strictDoc(`,"eventId":"urn:uuid:1"`), CodeKeyCase, ev + "/eventId"},
		{"ID in a readPoint", strictDoc(`,"readPoint":{"ID":"urn:epc:id:sgln:6901234.00002.0"}`), CodeKeyCase, ev + "/readPoint/ID"},
		{"Source in a sourceList", strictDoc(`,"sourceList":[{"type":"owning_party","Source":"urn:epc:id:pgln:6901234.00001"}]`), CodeKeyCase, ev + "/sourceList/0/Source"},
		{"EPCISBody", strings.Replace(strictDoc(""), `"epcisBody"`, `"EPCISBody"`, 1), CodeKeyCase, "/EPCISBody"},
		{"EPCISBody beside epcisBody", strings.TrimSuffix(strictDoc(""), "}") + `,"EPCISBody":{"eventList":[]}}`, CodeKeyCase, "/EPCISBody"},
		{"@Context", strings.Replace(strictDoc(""), `"@context"`, `"@Context"`, 1), CodeKeyCase, "/@Context"},
		{"a long s (U+017F) folds like s", strictDoc(",\"\u017fourceList\":[]"), CodeKeyCase, ev + "/\u017fourceList"},
		{"a Kelvin sign (U+212A) folds like k", strictDoc(",\"sensorElementList\":[{\"sensorReport\":[{\"percRan\u212a\":1}]}]"), CodeKeyCase,
			ev + "/sensorElementList/0/sensorReport/0/percRan\u212a"},
		{"a standard key in another case inside ilmd", strictDoc(`,"ilmd":{"LotNumber":"x","Disposition":"y"}`), CodeKeyCase, ev + "/ilmd/Disposition"},
		{"two extension keys that differ by case", strictDoc(`,"ex:a":1,"EX:A":2`), CodeKeyCase, ev + "/EX:A"},
		{"two keys that differ by case in a large object", strictDoc(`,"ex:o":{` + manyKeys(20) + `,"K19":1}`), CodeKeyCase, ev + "/ex:o/K19"},
		{"nesting beyond the bound", strictDoc(`,"ex:deep":` + deep), CodeInvalidValue, ev + "/ex:deep" + strings.Repeat("/a", maxDepth-4)},
		{"data after the document", strictDoc("") + ` {}`, CodeSyntax, ""},
		{"invalid JSON", strictDoc(`,"bizStep":receiving`), CodeSyntax, ""},
		{"a control character in a string", strictDoc(",\"bizStep\":\"a\tb\""), CodeSyntax, ""},
		{"an invalid escape", strictDoc(`,"bizStep":"a\qb"`), CodeSyntax, ""},
		{"a leading zero", strictDoc(`,"ex:n":01`), CodeSyntax, ""},
		{"a truncated document", strictDoc("")[:100], CodeSyntax, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(tc.doc)
			check := func(api string, err error) {
				t.Helper()
				var e *Error
				require.True(t, errors.As(err, &e), "%s: %v", api, err)
				assert.Equal(t, tc.code, e.Code, "%s: %s", api, e)
				assert.Equal(t, tc.pointer, e.Pointer, "%s: %s", api, e)
				assert.ErrorIs(t, err, ErrInvalid)
			}
			_, err := DocumentHashes(doc)
			check("DocumentHashes", err)
			_, err = ParseDocument(doc)
			check("ParseDocument", err)
			_, err = ParseCapture(doc, 10)
			check("ParseCapture", err)
			_, _, err = ParseCaptureDocument(doc, 10)
			check("ParseCaptureDocument", err)
			if tc.code != CodeSyntax { // encoding/json refuses invalid JSON itself, before UnmarshalJSON
				var d Document
				check("json.Unmarshal into a Document", json.Unmarshal(doc, &d))
			}
		})
	}
}

// manyKeys writes n members "k0":0 ... of an object.
func manyKeys(n int) string {
	kv := make([]string, n)
	for i := range kv {
		kv[i] = fmt.Sprintf(`"k%d":%d`, i, i)
	}
	return strings.Join(kv, ",")
}

// TestStrictReadingOfOneEvent: an event alone (Event.UnmarshalJSON,
// EventHash) is read as strictly, with pointers relative to the event.
func TestStrictReadingOfOneEvent(t *testing.T) {
	for _, tc := range []struct {
		event   string
		code    Code
		pointer string
	}{
		{`{"type":"ObjectEvent","bizStep":"shipping","BizStep":"receiving"}`, CodeKeyCase, "/BizStep"},
		{`{"type":"ObjectEvent","epcList":["a"],"epcList":["b"]}`, CodeDuplicateKey, "/epcList"},
		{`{"type":"ObjectEvent","ilmd":{"ex:a":1,"ex:a":2}}`, CodeDuplicateKey, "/ilmd/ex:a"},
		{`{"type":"ObjectEvent"} {}`, CodeSyntax, ""},
	} {
		var e *Error
		_, err := EventHash(json.RawMessage(tc.event), nil)
		require.True(t, errors.As(err, &e), "%s: %v", tc.event, err)
		assert.Equal(t, tc.code, e.Code, tc.event)
		assert.Equal(t, tc.pointer, e.Pointer, tc.event)
		if tc.code == CodeSyntax {
			continue // encoding/json refuses the trailing data itself, before UnmarshalJSON
		}
		var ev Event
		err = json.Unmarshal([]byte(tc.event), &ev)
		require.True(t, errors.As(err, &e), "%s: %v", tc.event, err)
		assert.Equal(t, tc.code, e.Code, tc.event)
		assert.Equal(t, tc.pointer, e.Pointer, tc.event)
	}
	// A list of events decodes each strictly too.
	var evs []Event
	err := json.Unmarshal([]byte(`[{"type":"ObjectEvent"},{"type":"ObjectEvent","Action":"ADD"}]`), &evs)
	assert.ErrorIs(t, err, ErrInvalid)
}

// TestStrictReadingIsEncodingJSONsTree: what the strict reading accepts, it
// reads into the very tree encoding/json with UseNumber gives, so the hashes
// of the GS1 examples cannot move.
func TestStrictReadingIsEncodingJSONsTree(t *testing.T) {
	docs, err := filepath.Glob("testdata/*.jsonld")
	require.NoError(t, err)
	inputs := []string{`"a\u00e9\ud83d\ude00\ud800x\u0000\/"`, "\"\xff\xfe invalid UTF-8\"", `[1.50e+3,-0,0.0,true,false,null,{},[]]`, " \n\t{\"a\" : [ ] }\r "}
	for _, d := range docs {
		b, err := os.ReadFile(d)
		require.NoError(t, err)
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		got, err := readTree([]byte(in))
		require.NoError(t, err, in)
		want, err := encodingJSONTree([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

// encodingJSONTree is the reading of encoding/json that the package used
// before the strict reading.
func encodingJSONTree(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("data after the value")
	}
	return v, nil
}

// TestRawIsTheEventAsWritten: each event's Raw, its extensions, ILMD and
// certificationInfo, and the document's @context and header are the bytes
// of the input, whitespace and escapes as written (client/epciscapture
// splices them into the documents it forwards).
func TestRawIsTheEventAsWritten(t *testing.T) {
	ev0 := `{ "type" : "ObjectEvent", "eventTime":"2026-03-01T10:00:00Z" , "ex:f" : [ 1.50 , "\u00e9" ],` +
		`"certificationInfo" : "https://cert.example/1" , "ilmd" : { "cbvmda:lotNumber" : "L\u0031" , "ex:q":{ "a" : 1 } } }`
	ev1 := "{\"type\":\"AggregationEvent\",\"ex:g\":\"\u6d4b\u8bd5\"}"
	ctx := `[ "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld" , {"ex":"https://ns.example.com/"} ]`
	hdr := `{ "epcisMasterData" : { "vocabularyList" : [ ] } }`
	doc := `{"@context": ` + ctx + `, "type":"EPCISDocument","epcisHeader":` + hdr + `,"epcisBody":{"eventList":[ ` + ev0 + ` ,` + ev1 + `]}}`
	b := []byte(doc)
	d, err := ParseDocument(b)
	require.NoError(t, err)
	assert.Equal(t, ctx, string(d.Context))
	assert.Equal(t, hdr, string(d.Header))
	evs := d.Events()
	require.Len(t, evs, 2)
	assert.Equal(t, ev0, string(evs[0].Raw))
	assert.Equal(t, ev1, string(evs[1].Raw))
	assert.Equal(t, `[ 1.50 , "\u00e9" ]`, string(evs[0].Extensions["ex:f"]))
	assert.Equal(t, `"https://cert.example/1"`, string(evs[0].CertificationInfo))
	assert.Equal(t, `"L\u0031"`, string(evs[0].ILMD["cbvmda:lotNumber"]))
	assert.Equal(t, `{ "a" : 1 }`, string(evs[0].ILMD["ex:q"]))
	assert.Equal(t, "\"\u6d4b\u8bd5\"", string(evs[1].Extensions["ex:g"]))

	// The document's own bytes: changing the input afterwards changes nothing.
	for i := range b {
		b[i] = ' '
	}
	assert.Equal(t, ev0, string(evs[0].Raw))
	// Appending to a Raw does not write into its neighbour.
	grown := append(evs[0].Raw, "xxxx"...)
	assert.Equal(t, ev0+"xxxx", string(grown))
	assert.Equal(t, ev1, string(evs[1].Raw))

	// The same through Event.UnmarshalJSON.
	var e Event
	require.NoError(t, json.Unmarshal([]byte(ev0), &e))
	assert.Equal(t, ev0, string(e.Raw))
	assert.Equal(t, `{ "a" : 1 }`, string(e.ILMD["ex:q"]))
}

// TestOneListOfEvents: DocumentHashes, ParseDocument and ParseCapture take
// their events from the one place a document holds them; a body with
// events in two places is refused, whatever the document type.
func TestOneListOfEvents(t *testing.T) {
	const ev = `{"type":"ObjectEvent",` + capTime + `,"epcList":["https://id.gs1.org/01/06901234000016/21/A1"],"action":"OBSERVE","bizStep":"receiving"}`
	for _, tc := range []struct {
		name, body, pointer string
	}{
		{"eventList and queryResults", `{"eventList":[` + ev + `],"queryResults":{"resultsBody":{"eventList":[` + ev + `,` + ev + `]}}}`, "/epcisBody/queryResults"},
		{"queryResults and eventList", `{"queryResults":{"resultsBody":{"eventList":[]}},"eventList":[` + ev + `]}`, "/epcisBody/eventList"},
		{"eventList and event", `{"eventList":[` + ev + `],"event":` + ev + `}`, "/epcisBody/event"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := []byte(`{"type":"EPCISDocument","epcisBody":` + tc.body + `}`)
			for api, err := range map[string]error{
				"DocumentHashes": func() error { _, err := DocumentHashes(doc); return err }(),
				"ParseDocument":  func() error { _, err := ParseDocument(doc); return err }(),
				"ParseCapture":   func() error { _, err := ParseCapture(doc, 10); return err }(),
			} {
				var e *Error
				require.True(t, errors.As(err, &e), "%s: %v", api, err)
				assert.Equal(t, CodeInvalidValue, e.Code, api)
				assert.Equal(t, tc.pointer, e.Pointer, api)
			}
		})
	}
	// The single-event form: one event everywhere, with its pointer.
	doc := []byte(`{"type":"EPCISDocument","epcisBody":{"event":` + ev + `}}`)
	hashes, err := DocumentHashes(doc)
	require.NoError(t, err)
	d, err := ParseDocument(doc)
	require.NoError(t, err)
	require.Len(t, d.Events(), 1)
	h, err := d.Events()[0].Hash(nil)
	require.NoError(t, err)
	assert.Equal(t, hashes, []string{h})
	caps, err := ParseCapture(doc, 10)
	require.NoError(t, err)
	require.Len(t, caps, 1)
	assert.Equal(t, "/epcisBody/event", caps[0].Pointer)
	assert.Equal(t, hashes[0], caps[0].EventID)
}

// TestExampleDocumentsReadOnce: every GS1 example in testdata is read by
// ParseDocument into the events DocumentHashes hashes, as many, each
// hashing to its published value from its Raw.
func TestExampleDocumentsReadOnce(t *testing.T) {
	docs, err := filepath.Glob("testdata/*.jsonld")
	require.NoError(t, err)
	for _, f := range docs {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".jsonld"), func(t *testing.T) {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			want, err := os.ReadFile(strings.TrimSuffix(f, ".jsonld") + ".hashes")
			require.NoError(t, err)
			d, err := ParseDocument(b)
			require.NoError(t, err)
			ctx, err := d.ParseContext()
			require.NoError(t, err)
			var got []string
			for _, e := range d.Events() {
				h, err := e.Hash(ctx)
				require.NoError(t, err)
				got = append(got, h)
			}
			assert.Equal(t, strings.Fields(string(want)), got)
		})
	}
}

// TestEventBuiltInGoRefusesCaseVariants: an Event built in Go cannot carry
// an extension that the strict reading would refuse.
func TestEventBuiltInGoRefusesCaseVariants(t *testing.T) {
	e := Event{Type: "ObjectEvent", Extensions: map[string]json.RawMessage{"BizStep": json.RawMessage(`"shipping"`)}}
	_, err := json.Marshal(e)
	assert.ErrorIs(t, err, ErrInvalid)
	_, err = e.renderedHash()
	assert.ErrorIs(t, err, ErrInvalid)
}

// FuzzStrictReading compares the strict reading with encoding/json's:
// whatever it accepts, encoding/json reads into the same tree; whatever
// encoding/json accepts, it accepts too, unless the input has a duplicate
// key, a key in another case, or nesting beyond the bound; it never panics.
func FuzzStrictReading(f *testing.F) {
	docs, _ := filepath.Glob("testdata/*.jsonld")
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{"a":1,"a":2}`, `{"bizStep":1,"BizStep":2}`, `{"ſ":1,"S":2}`, `"\ud800\udc00\ud800"`, "\"\xff\"",
		`[1e5,-0.0e-0,1E+2]`, `{"a":[{"b":{}}]} `, ` [ ] x`, `01`, `-`, `1.`, `tru`, `{"a" 1}`, `{,}`, `[1,]`, `"\u12"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := readTree(in)
		want, werr := encodingJSONTree(in)
		if err == nil {
			if werr != nil {
				t.Fatalf("strict reading accepted what encoding/json refuses (%v): %q", werr, in)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("trees differ for %q:\n%#v\n%#v", in, got, want)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("untyped error %T %v", err, err)
		}
		if werr == nil && e.Code != CodeDuplicateKey && e.Code != CodeKeyCase && e.Code != CodeInvalidValue {
			t.Fatalf("refused %q, which encoding/json reads, with %v", in, err)
		}
		if werr != nil && e.Code != CodeSyntax && e.Code != CodeDuplicateKey && e.Code != CodeKeyCase && e.Code != CodeInvalidValue {
			t.Fatalf("invalid JSON %q refused with %v", in, err)
		}
	})
}
