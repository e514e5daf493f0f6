package epcis

import (
	"bytes"
	"encoding/json"
	"strings"
)

// maxDepth bounds the nesting of objects and arrays in anything the package
// reads. An EPCIS event needs eight levels (document, epcisBody, eventList,
// event, sensorElementList, element, sensorReport, report); the bound keeps
// adversarial nesting from exhausting the stack of every endorser.
const maxDepth = 64

// smallObject is the number of keys up to which an object's keys are
// compared pairwise for case variants; a larger object keeps their folds.
const smallObject = 16

// span locates a value in the input: src[start:end].
type span struct{ start, end int }

// member is one key of an object whose values' bytes are kept, in document
// order.
type member struct {
	key string
	span
}

// eventSpans are the bytes of one element of an event list (or of the one
// event read): the element itself, and when it is an object its members
// and the members of its ilmd, for Event.Raw, Extensions, ILMD and
// CertificationInfo.
type eventSpans struct {
	span
	members []member
	ilmd    []member
}

// reading is one strict reading of an input: the generic tree every
// consumer works from, and the bytes of the values the model keeps raw.
// Every list of events has exactly one eventSpans per element, in order, so
// the events hashed and the events built are the same elements by
// construction.
type reading struct {
	src  []byte // the input (own makes it a private copy): raw values are slices of it
	root any    // map[string]any, []any, string, json.Number, bool or nil

	top         []member     // the members of the root object (document mode)
	body        []member     // the members of epcisBody (document mode)
	bodyEvents  []eventSpans // epcisBody.eventList
	queryEvents []eventSpans // epcisBody.queryResults.resultsBody.eventList
	single      *eventSpans  // epcisBody.event, or the root in event mode
}

// raw returns the bytes of s, capped so that appending to them cannot
// overwrite what follows.
func (rd *reading) raw(s span) json.RawMessage {
	return json.RawMessage(rd.src[s.start:s.end:s.end])
}

// readMode says what the input is, so that the reading keeps the bytes the
// model needs of it and no others.
type readMode uint8

const (
	readValue    readMode = iota // any JSON value: no bytes kept
	readDocument                 // an EPCIS document
	readEvent                    // one event
)

// role is the place of an object or array in an EPCIS document. Only the
// containers of the model's raw values have a role; everything else is
// roleNone, and so are all its descendants.
type role uint8

const (
	roleNone role = iota
	roleDocument
	roleBody
	roleQueryResults
	roleResultsBody
	roleBodyEventList
	roleQueryEventList
	roleEvent
	roleILMD
)

// childRole is the role of the value under key in a container of role r.
func childRole(r role, key string) role {
	switch {
	case r == roleDocument && key == "epcisBody":
		return roleBody
	case r == roleBody && key == "eventList":
		return roleBodyEventList
	case r == roleBody && key == "queryResults":
		return roleQueryResults
	case r == roleBody && key == "event":
		return roleEvent
	case r == roleQueryResults && key == "resultsBody":
		return roleResultsBody
	case r == roleResultsBody && key == "eventList":
		return roleQueryEventList
	case r == roleEvent && key == "ilmd":
		return roleILMD
	}
	return roleNone
}

// readTree reads any JSON value strictly and returns its tree.
func readTree(b []byte) (any, error) {
	rd, err := readStrict(b, readValue)
	if err != nil {
		return nil, err
	}
	return rd.root, nil
}

// readStrict reads b once, token by token, into a generic tree, and
// refuses, as an *Error with the JSON pointer of the offending key or
// value: invalid JSON and data after the value (SYNTAX), a key given twice
// in one object (DUPLICATE_KEY), a key that equals a standard key of the
// model only up to case, or two keys of one object that differ only by case
// (KEY_CASE), and nesting deeper than maxDepth (INVALID_VALUE). Strings and
// numbers come out as encoding/json with UseNumber gives them, so hashes do
// not change. Reading once, strictly, is what makes the event that is
// hashed the event that is applied: there is no second reading that could
// resolve a key differently.
func readStrict(b []byte, mode readMode) (*reading, error) {
	r := &reader{in: b, rd: &reading{src: b}}
	top := roleNone
	switch mode {
	case readDocument:
		top = roleDocument
	case readEvent:
		top = roleEvent
	}
	r.space()
	if top == roleEvent {
		r.rd.single = &eventSpans{span: span{start: r.pos}}
		r.event = r.rd.single
	}
	v, err := r.value(top)
	if err != nil {
		return nil, err
	}
	if top == roleEvent {
		r.rd.single.end = r.pos
	}
	r.space()
	if r.pos < len(r.in) {
		return nil, r.syntax("data after the top-level value")
	}
	r.rd.root = v
	return r.rd, nil
}

// reader is the state of one strict reading.
type reader struct {
	in    []byte
	pos   int
	depth int
	path  []pathSeg
	rd    *reading
	event *eventSpans // the event whose members are being kept
}

// pathSeg is one step of the JSON pointer of the value being read: a key,
// or an index when key is "" and index >= 0.
type pathSeg struct {
	key   string
	index int
}

// pointer returns the JSON pointer of the value being read, built only for
// an error.
func (r *reader) pointer() string {
	var b strings.Builder
	for _, s := range r.path {
		b.WriteByte('/')
		if s.index >= 0 {
			b.WriteString(itoa(s.index))
		} else {
			b.WriteString(pointerKey(s.key))
		}
	}
	return b.String()
}

func (r *reader) syntax(msg string) *Error {
	if r.pos >= len(r.in) {
		return errorf(CodeSyntax, "", "invalid JSON: unexpected end of input (%s)", msg)
	}
	return errorf(CodeSyntax, "", "invalid JSON at offset %d: %s", r.pos, msg)
}

// space skips JSON whitespace.
func (r *reader) space() {
	for r.pos < len(r.in) {
		switch r.in[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// value reads one value at r.pos (after whitespace).
func (r *reader) value(ro role) (any, error) {
	if r.pos >= len(r.in) {
		return nil, r.syntax("a value was expected")
	}
	switch c := r.in[r.pos]; {
	case c == '{':
		return r.object(ro)
	case c == '[':
		return r.array(ro)
	case c == '"':
		return r.str()
	case c == '-' || '0' <= c && c <= '9':
		return r.number()
	case c == 't':
		return true, r.literal("true")
	case c == 'f':
		return false, r.literal("false")
	case c == 'n':
		return nil, r.literal("null")
	}
	return nil, r.syntax("a value was expected")
}

func (r *reader) literal(lit string) error {
	if !bytes.HasPrefix(r.in[r.pos:], []byte(lit)) {
		return r.syntax("invalid literal")
	}
	r.pos += len(lit)
	return nil
}

// enter counts one level of nesting.
func (r *reader) enter() error {
	r.depth++
	if r.depth > maxDepth {
		return errorf(CodeInvalidValue, r.pointer(), "nested deeper than %d levels", maxDepth)
	}
	return nil
}

// kept returns where the members of an object of role ro are kept, or nil.
func (r *reader) kept(ro role) *[]member {
	switch ro {
	case roleDocument:
		return &r.rd.top
	case roleBody:
		return &r.rd.body
	case roleEvent:
		return &r.event.members
	case roleILMD:
		return &r.event.ilmd
	}
	return nil
}

func (r *reader) object(ro role) (any, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	r.pos++ // '{'
	m := map[string]any{}
	keep := r.kept(ro)
	var small []string        // the keys so far, while the object is small
	var folds map[string]bool // their folds, once it is not
	r.space()
	if r.pos < len(r.in) && r.in[r.pos] == '}' {
		r.pos++
		r.depth--
		return m, nil
	}
	for {
		r.space()
		if r.pos >= len(r.in) || r.in[r.pos] != '"' {
			return nil, r.syntax("an object key was expected")
		}
		k, err := r.str()
		if err != nil {
			return nil, err
		}
		r.path = append(r.path, pathSeg{key: k, index: -1})
		if err := r.checkKey(m, k, &small, &folds); err != nil {
			return nil, err
		}
		r.space()
		if r.pos >= len(r.in) || r.in[r.pos] != ':' {
			return nil, r.syntax("':' was expected after an object key")
		}
		r.pos++
		r.space()
		cr := childRole(ro, k)
		if cr == roleEvent {
			r.rd.single = &eventSpans{span: span{start: r.pos}}
			r.event = r.rd.single
		}
		start := r.pos
		v, err := r.value(cr)
		if err != nil {
			return nil, err
		}
		if cr == roleEvent {
			r.rd.single.end = r.pos
			r.event = nil
		}
		if keep != nil {
			*keep = append(*keep, member{key: k, span: span{start, r.pos}})
		}
		m[k] = v
		r.path = r.path[:len(r.path)-1]
		r.space()
		if r.pos >= len(r.in) {
			return nil, r.syntax("',' or '}' was expected")
		}
		switch r.in[r.pos] {
		case ',':
			r.pos++
		case '}':
			r.pos++
			r.depth--
			return m, nil
		default:
			return nil, r.syntax("',' or '}' was expected")
		}
	}
}

// checkKey refuses a key of the object m (whose pointer is on r.path) that
// repeats one of its keys exactly or up to case, or that is a standard key
// only up to case.
func (r *reader) checkKey(m map[string]any, k string, small *[]string, folds *map[string]bool) error {
	if _, dup := m[k]; dup {
		return errorf(CodeDuplicateKey, r.pointer(), "the key %q is given twice in one object", k)
	}
	if std := caseVariantOf(k); std != "" {
		return errorf(CodeKeyCase, r.pointer(), "the key %q is the standard key %q in another case", k, std)
	}
	if *folds == nil {
		for _, o := range *small {
			if strings.EqualFold(o, k) {
				return errorf(CodeKeyCase, r.pointer(), "the keys %q and %q of one object differ only by case", o, k)
			}
		}
		if len(*small) < smallObject {
			*small = append(*small, k)
			return nil
		}
		*folds = make(map[string]bool, 2*smallObject)
		for _, o := range *small {
			(*folds)[string(appendFold(nil, o))] = true
		}
	}
	f := string(appendFold(nil, k))
	if (*folds)[f] {
		return errorf(CodeKeyCase, r.pointer(), "the key %q differs from another key of its object only by case", k)
	}
	(*folds)[f] = true
	return nil
}

func (r *reader) array(ro role) (any, error) {
	if err := r.enter(); err != nil {
		return nil, err
	}
	r.pos++ // '['
	var list *[]eventSpans
	switch ro {
	case roleBodyEventList:
		list = &r.rd.bodyEvents
	case roleQueryEventList:
		list = &r.rd.queryEvents
	}
	elem := roleNone
	if list != nil {
		elem = roleEvent
	}
	out := []any{}
	r.space()
	if r.pos < len(r.in) && r.in[r.pos] == ']' {
		r.pos++
		r.depth--
		return out, nil
	}
	for i := 0; ; i++ {
		r.space()
		r.path = append(r.path, pathSeg{index: i})
		if list != nil {
			// Every element gets its spans, objects or not, so that the
			// count of spans is the count of elements.
			*list = append(*list, eventSpans{span: span{start: r.pos}})
			r.event = &(*list)[len(*list)-1]
		}
		v, err := r.value(elem)
		if err != nil {
			return nil, err
		}
		if list != nil {
			r.event.end = r.pos
			r.event = nil
		}
		out = append(out, v)
		r.path = r.path[:len(r.path)-1]
		r.space()
		if r.pos >= len(r.in) {
			return nil, r.syntax("',' or ']' was expected")
		}
		switch r.in[r.pos] {
		case ',':
			r.pos++
		case ']':
			r.pos++
			r.depth--
			return out, nil
		default:
			return nil, r.syntax("',' or ']' was expected")
		}
	}
}

// str reads a string literal. A literal of printable ASCII without escapes
// is taken as it is; any other goes through encoding/json, after the reader
// has checked its syntax, so that escapes, surrogates and invalid UTF-8 come
// out exactly as they did before the strict reading (hashes depend on it).
func (r *reader) str() (string, error) {
	start := r.pos + 1
	i := start
	for ; i < len(r.in); i++ {
		c := r.in[i]
		if c == '"' {
			r.pos = i + 1
			return string(r.in[start:i]), nil
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			break
		}
	}
	for i < len(r.in) {
		c := r.in[i]
		switch {
		case c == '"':
			var s string
			if err := json.Unmarshal(r.in[r.pos:i+1], &s); err != nil {
				return "", r.syntax(err.Error())
			}
			r.pos = i + 1
			return s, nil
		case c < 0x20:
			r.pos = i
			return "", r.syntax("a control character in a string")
		case c == '\\':
			if i+1 >= len(r.in) {
				r.pos = i + 1
				return "", r.syntax("an unfinished escape")
			}
			switch r.in[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(r.in) || !isHex4(r.in[i+2:i+6]) {
					r.pos = i
					return "", r.syntax("an invalid \\u escape")
				}
				i += 6
			default:
				r.pos = i
				return "", r.syntax("an invalid escape")
			}
		default:
			i++
		}
	}
	r.pos = len(r.in)
	return "", r.syntax("an unterminated string")
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if hexVal(c) < 0 {
			return false
		}
	}
	return true
}

// number reads a number literal as json.Number, its text unchanged, as
// encoding/json's UseNumber does.
func (r *reader) number() (any, error) {
	start := r.pos
	digits := func() int {
		n := 0
		for r.pos < len(r.in) && '0' <= r.in[r.pos] && r.in[r.pos] <= '9' {
			r.pos++
			n++
		}
		return n
	}
	if r.in[r.pos] == '-' {
		r.pos++
	}
	switch {
	case r.pos < len(r.in) && r.in[r.pos] == '0':
		r.pos++
	case digits() == 0:
		return nil, r.syntax("an invalid number")
	}
	if r.pos < len(r.in) && r.in[r.pos] == '.' {
		r.pos++
		if digits() == 0 {
			return nil, r.syntax("an invalid number")
		}
	}
	if r.pos < len(r.in) && (r.in[r.pos] == 'e' || r.in[r.pos] == 'E') {
		r.pos++
		if r.pos < len(r.in) && (r.in[r.pos] == '+' || r.in[r.pos] == '-') {
			r.pos++
		}
		if digits() == 0 {
			return nil, r.syntax("an invalid number")
		}
	}
	return json.Number(r.in[start:r.pos]), nil
}
