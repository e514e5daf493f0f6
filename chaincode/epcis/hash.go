package epcis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
)

// HashVersion is the algorithm version carried in every hash: the CBV
// release that specifies the pre-hash rules.
const HashVersion = "CBV2.0"

// EventTypes are the EPCIS 2.0 event types the hash is defined for.
var EventTypes = []string{"ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"}

// EventHash returns the CBV 2.0 event hash ID of one JSON-LD event,
// "ni:///sha-256;{hex}?ver=CBV2.0" (RFC 6920). ctx supplies the prefixes of
// the enclosing document's @context (nil: only the standard ones); an
// @context on the event itself is added to it.
func EventHash(event json.RawMessage, ctx *Context) (string, error) {
	pre, err := PreHash(event, ctx)
	if err != nil {
		return "", err
	}
	return HashPreHash(pre), nil
}

// HashPreHash turns a pre-hash string into the hash ID.
func HashPreHash(pre string) string {
	sum := sha256.Sum256([]byte(pre))
	return "ni:///sha-256;" + hex.EncodeToString(sum[:]) + "?ver=" + HashVersion
}

// PreHash returns the canonical pre-hash string of one JSON-LD event: the
// string whose SHA-256 is the event hash. The event is read strictly
// (readStrict). Errors are *Error with pointers relative to the event.
func PreHash(event json.RawMessage, ctx *Context) (string, error) {
	v, err := readTree(event)
	if err != nil {
		return "", err
	}
	return preHashValue(v, ctx, "")
}

func preHashValue(v any, ctx *Context, ptr string) (string, error) {
	ev, ok := v.(map[string]any)
	if !ok {
		return "", errorf(CodeNotObject, ptr, "an event must be a JSON object")
	}
	ctx, err := eventContext(ev, ctx, ptr)
	if err != nil {
		return "", err
	}
	return preHashEvent(ev, ctx, ptr)
}

// eventContext returns the prefixes an event is read with: the document's,
// extended by the event's own @context. The hash and the capture mapping
// both take them from here.
func eventContext(ev map[string]any, ctx *Context, ptr string) (*Context, error) {
	c, ok := ev["@context"]
	if !ok {
		return ctx, nil
	}
	return ctx.With(c, ptr+"/@context")
}

// preHashEvent is the pre-hash string of an event object read with ctx
// (eventContext).
func preHashEvent(ev map[string]any, ctx *Context, ptr string) (string, error) {
	h := &hasher{ctx: ctx, ptr: ptr}
	return h.event(ev)
}

// hasher builds the pre-hash string of one event; err keeps the first
// problem found so the field writers stay straight-line code.
type hasher struct {
	ctx *Context
	ptr string // JSON pointer of the event
	err *Error
}

func (h *hasher) fail(code Code, ptr, format string, args ...any) {
	if h.err == nil {
		h.err = errorf(code, ptr, format, args...)
	}
}

// ignoredEverywhere are comments, which describe an event without being
// part of it, and the text node of the XML-to-JSON mapping.
var ignoredEverywhere = map[string]bool{"rdfs:comment": true, "comment": true, "#text": true}

// ignoredInEvent are event fields outside the pre-hash string: the type is
// written first as eventType; recordTime and eventID are assigned by the
// capturing repository, and errorDeclaration is left out so that a corrected
// event keeps the hash of the event it corrects.
var ignoredInEvent = map[string]bool{"type": true, "recordTime": true, "eventID": true, "errorDeclaration": true, "@context": true}

// The canonical property order of CBV 2.0. Items of the same name are
// sorted among themselves; bizTransactionList, sourceList, destinationList,
// ilmd and user extensions follow, sorted together (see leftovers).
func (h *hasher) event(ev map[string]any) (string, error) {
	typ, _ := ev["type"].(string)
	if !isEventType(typ) {
		h.fail(CodeUnknownType, h.ptr+"/type", "event type %q is not one of %s", typ, strings.Join(EventTypes, ", "))
		return "", h.err
	}
	var b strings.Builder
	b.WriteString("eventType=" + typ)
	used := map[string]bool{}
	at := func(k string) (any, string) {
		used[k] = true
		v, ok := ev[k]
		if !ok {
			return nil, "" // an absent field renders as "" and fails nothing: no pointer to build
		}
		return v, h.ptr + "/" + pointerKey(k)
	}
	scalar := func(k string, voc *vocabulary) {
		v, p := at(k)
		b.WriteString(h.scalarField(k, v, p, voc))
	}
	epcs := func(k string) {
		v, p := at(k)
		b.WriteString(h.listField(k, v, p, func(e any, ep string) []string {
			return h.scalarItem("epc", e, ep, nil)
		}))
	}
	quantities := func(k string) {
		v, p := at(k)
		b.WriteString(h.listField(k, v, p, h.quantityElement))
	}

	v, p := at("eventTime")
	b.WriteString(h.timeField("eventTime", v, p))
	scalar("eventTimeZoneOffset", nil)
	v, p = at("certificationInfo")
	b.WriteString(strings.Join(sorted(h.scalarItem("certificationInfo", v, p, nil)), ""))
	scalar("parentID", nil)
	epcs("epcList")
	epcs("inputEPCList")
	epcs("childEPCs")
	quantities("quantityList")
	quantities("childQuantityList")
	quantities("inputQuantityList")
	epcs("outputEPCList")
	quantities("outputQuantityList")
	scalar("action", nil)
	scalar("transformationID", nil)
	scalar("bizStep", vocabBizStep)
	scalar("disposition", vocabDisposition)
	v, p = at("persistentDisposition")
	b.WriteString(h.persistentDisposition(v, p))
	v, p = at("readPoint")
	b.WriteString(h.location("readPoint", v, p))
	v, p = at("bizLocation")
	b.WriteString(h.location("bizLocation", v, p))
	v, p = at("sensorElementList")
	b.WriteString(h.listField("sensorElementList", v, p, h.sensorElement))

	b.WriteString(strings.Join(h.leftovers(ev, used), ""))
	if h.err != nil {
		return "", h.err
	}
	return b.String(), nil
}

// leftovers renders every event field not consumed by the canonical order.
// The reference implementation emits bizTransactionList, sourceList and
// destinationList in this block too, so they sort with ilmd and user
// extensions ("bizTransactionList..." < "destinationList..." < "ilmd..." <
// "sourceList..." < "{namespace}..."), and its published hashes depend on it.
func (h *hasher) leftovers(ev map[string]any, used map[string]bool) []string {
	var out []string
	for _, k := range sortedKeys(ev) {
		v := ev[k]
		if used[k] || ignoredInEvent[k] || ignoredEverywhere[k] {
			continue
		}
		p := h.ptr + "/" + pointerKey(k)
		switch k {
		case "bizTransactionList":
			out = append(out, h.listField(k, v, p, h.typedItem("bizTransaction", vocabBizTransactionType)))
		case "sourceList":
			out = append(out, h.listField(k, v, p, h.typedItem("source", vocabSourceDestType)))
		case "destinationList":
			out = append(out, h.listField(k, v, p, h.typedItem("destination", vocabSourceDestType)))
		default:
			out = append(out, h.generic(k, v)...)
		}
	}
	return sorted(out)
}

// scalarText returns the text of a JSON scalar; ok is false for objects and
// arrays. null counts as absent.
func scalarText(v any) (text string, present, ok bool) {
	switch t := v.(type) {
	case nil:
		return "", false, true
	case string:
		return t, true, true
	case json.Number:
		return t.String(), true, true
	case bool:
		if t {
			return "true", true, true
		}
		return "false", true, true
	}
	return "", false, false
}

// scalarField renders "key=value" for a standard single-valued field, or ""
// when the field is absent or blank (CBV: omitted fields are not added).
func (h *hasher) scalarField(k string, v any, ptr string, voc *vocabulary) string {
	items := h.scalarItem(k, v, ptr, voc)
	if len(items) > 1 {
		h.fail(CodeInvalidValue, ptr, "%s must be a single value", k)
		return ""
	}
	return strings.Join(items, "")
}

// scalarItem renders a scalar, or each scalar of an array, as "key=value".
func (h *hasher) scalarItem(k string, v any, ptr string, voc *vocabulary) []string {
	if arr, ok := v.([]any); ok {
		var out []string
		for i, e := range arr {
			out = append(out, h.scalarItem(k, e, ptr+"/"+itoa(i), voc)...)
		}
		return out
	}
	s, present, ok := scalarText(v)
	if !ok {
		h.fail(CodeInvalidValue, ptr, "%s must be a string or a number", k)
		return nil
	}
	s = strings.TrimSpace(s)
	if !present || s == "" {
		return nil
	}
	return []string{k + "=" + canonValue(h.ctx, voc.expand(s))}
}

func (h *hasher) timeField(k string, v any, ptr string) string {
	s, present, ok := scalarText(v)
	if !ok {
		h.fail(CodeInvalidValue, ptr, "%s must be a string", k)
		return ""
	}
	if !present || strings.TrimSpace(s) == "" {
		return ""
	}
	t, ok := canonTime(s)
	if !ok {
		h.fail(CodeInvalidTime, ptr, "%s %q is not a dateTimeStamp like 2023-01-18T11:04:03.142+01:00", k, s)
		return ""
	}
	return k + "=" + t
}

// listField renders a list as its name followed by its items, sorted; an
// absent or empty list renders as "".
func (h *hasher) listField(k string, v any, ptr string, item func(any, string) []string) string {
	if v == nil {
		return ""
	}
	arr, ok := v.([]any)
	if !ok {
		h.fail(CodeInvalidValue, ptr, "%s must be a list", k)
		return ""
	}
	var items []string
	for i, e := range arr {
		items = append(items, item(e, ptr+"/"+itoa(i))...)
	}
	if len(items) == 0 {
		return ""
	}
	return k + strings.Join(sorted(items), "")
}

// object renders an object of the standard structure: its name, then the
// given fields in order, then its user extensions (any other key), sorted.
// Each field writer is called with the field's value and pointer.
type fieldWriter struct {
	key   string
	write func(k string, v any, ptr string) []string
}

func (h *hasher) object(name string, v any, ptr string, fields []fieldWriter) string {
	m, ok := v.(map[string]any)
	if !ok {
		h.fail(CodeNotObject, ptr, "%s must be an object", name)
		return ""
	}
	var b strings.Builder
	known := map[string]bool{}
	for _, f := range fields {
		known[f.key] = true
		fv, present := m[f.key]
		if !present {
			continue
		}
		b.WriteString(strings.Join(f.write(f.key, fv, ptr+"/"+pointerKey(f.key)), ""))
	}
	var ext []string
	for _, k := range sortedKeys(m) {
		ev := m[k]
		if !known[k] && !ignoredEverywhere[k] {
			ext = append(ext, h.generic(k, ev)...)
		}
	}
	body := b.String() + strings.Join(sorted(ext), "")
	if body == "" {
		return ""
	}
	return name + body
}

// plain, vocab and timestamp are the field writers of object().
func (h *hasher) plain(k string, v any, ptr string) []string {
	return sorted(h.scalarItem(k, v, ptr, nil))
}

func (h *hasher) vocab(voc *vocabulary) func(string, any, string) []string {
	return func(k string, v any, ptr string) []string { return sorted(h.scalarItem(k, v, ptr, voc)) }
}

func (h *hasher) timestamp(k string, v any, ptr string) []string {
	if s := h.timeField(k, v, ptr); s != "" {
		return []string{s}
	}
	return nil
}

func fields(w func(string, any, string) []string, keys ...string) []fieldWriter {
	out := make([]fieldWriter, len(keys))
	for i, k := range keys {
		out[i] = fieldWriter{k, w}
	}
	return out
}

func (h *hasher) quantityElement(v any, ptr string) []string {
	s := h.object("quantityElement", v, ptr, fields(h.plain, "epcClass", "quantity", "uom"))
	return nonEmpty(s)
}

func (h *hasher) persistentDisposition(v any, ptr string) string {
	if v == nil {
		return ""
	}
	return h.object("persistentDisposition", v, ptr, fields(h.vocab(vocabDisposition), "set", "unset"))
}

func (h *hasher) location(name string, v any, ptr string) string {
	if v == nil {
		return ""
	}
	return h.object(name, v, ptr, fields(h.plain, "id"))
}

func (h *hasher) sensorElement(v any, ptr string) []string {
	meta := func(k string, v any, p string) []string {
		return nonEmpty(h.object(k, v, p, []fieldWriter{
			{"time", h.timestamp}, {"startTime", h.timestamp}, {"endTime", h.timestamp},
			{"deviceID", h.plain}, {"deviceMetadata", h.plain}, {"rawData", h.plain},
			{"dataProcessingMethod", h.plain}, {"bizRules", h.plain},
		}))
	}
	reports := func(k string, v any, p string) []string {
		arr, ok := v.([]any)
		if !ok {
			arr = []any{v} // a single report written without the list
		}
		var out []string
		for i, r := range arr {
			out = append(out, h.sensorReport(r, p+"/"+itoa(i))...)
		}
		return sorted(out)
	}
	return nonEmpty(h.object("sensorElement", v, ptr, []fieldWriter{{"sensorMetadata", meta}, {"sensorReport", reports}}))
}

func (h *hasher) sensorReport(v any, ptr string) []string {
	return nonEmpty(h.object("sensorReport", v, ptr, []fieldWriter{
		{"type", h.vocab(vocabMeasurementType)}, {"exception", h.vocab(vocabSensorException)},
		{"deviceID", h.plain}, {"deviceMetadata", h.plain}, {"rawData", h.plain},
		{"dataProcessingMethod", h.plain}, {"time", h.timestamp}, {"microorganism", h.plain},
		{"chemicalSubstance", h.plain}, {"value", h.plain}, {"component", h.vocab(vocabComponent)},
		{"stringValue", h.plain}, {"booleanValue", h.plain}, {"hexBinaryValue", h.plain},
		{"uriValue", h.plain}, {"minValue", h.plain}, {"maxValue", h.plain}, {"meanValue", h.plain},
		{"sDev", h.plain}, {"percRank", h.plain}, {"percValue", h.plain}, {"uom", h.plain},
		{"coordinateReferenceSystem", h.plain},
	}))
}

// typedItem renders a bizTransaction, source or destination: its type first,
// then its value ("type=...BTT-pobizTransaction=..."), without the item's
// name, as in the published reference pre-hash strings.
func (h *hasher) typedItem(key string, voc *vocabulary) func(any, string) []string {
	return func(v any, ptr string) []string {
		s := h.object(key, v, ptr, []fieldWriter{{"type", h.vocab(voc)}, {key, h.plain}})
		return nonEmpty(strings.TrimPrefix(s, key))
	}
}

// generic renders a user extension or ILMD element: "{namespace}local=value"
// for a scalar; for an object its key followed by its children, sorted; for a
// list one entry per element under the list's key.
func (h *hasher) generic(k string, v any) []string {
	if ignoredEverywhere[k] {
		return nil
	}
	name := h.ctx.expandKey(k)
	switch t := v.(type) {
	case []any:
		var out []string
		for _, e := range t {
			out = append(out, h.generic(k, e)...)
		}
		return out
	case map[string]any:
		var kids []string
		for _, ck := range sortedKeys(t) {
			kids = append(kids, h.generic(ck, t[ck])...)
		}
		return []string{name + strings.Join(sorted(kids), "")}
	case nil:
		return nil
	}
	s, _, _ := scalarText(v)
	if s = strings.TrimSpace(s); s == "" {
		return []string{name}
	}
	return []string{name + "=" + canonValue(h.ctx, s)}
}

func isEventType(t string) bool {
	for _, e := range EventTypes {
		if t == e {
			return true
		}
	}
	return false
}

// sorted sorts in place by byte value, which for UTF-8 is the code point
// order CBV 2.0 asks for, and returns its argument.
func sorted(s []string) []string {
	sort.Strings(s)
	return s
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// sortedKeys returns m's keys in order. Maps are walked in this order, not
// Go's random one, so that the first error reported for an event is always
// the same: chaincode endorsements must agree on failures too.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return sorted(keys)
}

// pointerKey escapes a key for a JSON pointer (RFC 6901).
func pointerKey(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}
