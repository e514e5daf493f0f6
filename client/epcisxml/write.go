package epcisxml

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tracechain/tracechain/chaincode/epcis"
)

// MediaType is the media type of the XML binding's answers.
const MediaType = "application/xml"

// FromJSON writes an EPCIS 2.0 JSON-LD EPCISDocument or EPCISQueryDocument
// (as the query binding answers, or as Convert returns) as EPCIS 2.0 XML:
// the standard fields as the XSD orders them, user extensions as elements
// in their namespaces (from the document's and the event's @context), and
// sensor data as attributes. Convert of the result gives events with the
// same CBV 2.0 hashes. The input is the service's own JSON, read with
// encoding/json; a key the XML binding cannot name (an extension whose
// prefix no @context declares) is an error.
func FromJSON(doc []byte) ([]byte, error) {
	var d map[string]any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("epcisxml: reading the JSON document: %w", err)
	}
	ctx, err := epcis.ParseContext(mustJSON(d["@context"]))
	if err != nil {
		return nil, err
	}
	w := &xmlWriter{}
	typ, _ := d["type"].(string)
	created, _ := d["creationDate"].(string)
	body, _ := d["epcisBody"].(map[string]any)
	w.b.WriteString(xml.Header)
	var events []any
	switch typ {
	case "EPCISQueryDocument":
		qr, _ := body["queryResults"].(map[string]any)
		w.open("epcisq:EPCISQueryDocument", "xmlns:epcisq", NamespaceEPCISQuery2, "xmlns:epcis", NamespaceEPCIS2,
			"schemaVersion", "2.0", "creationDate", created)
		w.open("EPCISBody")
		w.open("epcisq:QueryResults")
		w.leaf("queryName", str(qr["queryName"]))
		if s := str(qr["subscriptionID"]); s != "" {
			w.leaf("subscriptionID", s)
		}
		w.open("resultsBody")
		rb, _ := qr["resultsBody"].(map[string]any)
		events, _ = rb["eventList"].([]any)
	case "EPCISDocument":
		w.open("epcis:EPCISDocument", "xmlns:epcis", NamespaceEPCIS2, "schemaVersion", "2.0", "creationDate", created)
		w.open("EPCISBody")
		events, _ = body["eventList"].([]any)
	default:
		return nil, fmt.Errorf("epcisxml: %q is neither an EPCISDocument nor an EPCISQueryDocument", typ)
	}
	w.open("EventList")
	for i, e := range events {
		ev, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("epcisxml: event %d is not an object", i)
		}
		if err := w.event(ev, ctx); err != nil {
			return nil, fmt.Errorf("epcisxml: event %d: %w", i, err)
		}
	}
	w.close("EventList")
	if typ == "EPCISQueryDocument" {
		w.close("resultsBody")
		w.close("epcisq:QueryResults")
		w.close("EPCISBody")
		w.close("epcisq:EPCISQueryDocument")
	} else {
		w.close("EPCISBody")
		w.close("epcis:EPCISDocument")
	}
	return w.b.Bytes(), nil
}

func mustJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v) // decoded JSON always encodes
	return b
}

func str(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return string(t)
	case bool:
		if t {
			return "true"
		}
		return "false"
	}
	return ""
}

// fieldOrder is the order of an event's standard elements in the EPCIS 2.0
// XSD, by event type.
var fieldOrder = map[string][]string{
	"ObjectEvent": {"epcList", "action", "bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList",
		"quantityList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition", "ilmd"},
	"AggregationEvent": {"parentID", "childEPCs", "action", "bizStep", "disposition", "readPoint", "bizLocation",
		"bizTransactionList", "childQuantityList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition"},
	"TransactionEvent": {"bizTransactionList", "parentID", "epcList", "action", "bizStep", "disposition", "readPoint",
		"bizLocation", "quantityList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition"},
	"TransformationEvent": {"inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID",
		"bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList", "destinationList",
		"sensorElementList", "persistentDisposition", "ilmd"},
	"AssociationEvent": {"parentID", "childEPCs", "childQuantityList", "action", "bizStep", "disposition", "readPoint",
		"bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "persistentDisposition"},
}

// headFields come first in every event.
var headFields = []string{"eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration", "certificationInfo"}

// xmlWriter writes XML by hand: the binding's elements are unqualified, and
// each extension element declares its own namespace.
type xmlWriter struct{ b bytes.Buffer }

// open writes a start tag with attribute name/value pairs.
func (w *xmlWriter) open(name string, attrs ...string) {
	w.b.WriteByte('<')
	w.b.WriteString(name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i] == "creationDate" && attrs[i+1] == "" {
			continue
		}
		w.attr(attrs[i], attrs[i+1])
	}
	w.b.WriteByte('>')
}

func (w *xmlWriter) attr(name, value string) {
	w.b.WriteByte(' ')
	w.b.WriteString(name)
	w.b.WriteString(`="`)
	_ = xml.EscapeText(&w.b, []byte(value)) // a bytes.Buffer does not fail
	w.b.WriteByte('"')
}

func (w *xmlWriter) close(name string) {
	w.b.WriteString("</")
	w.b.WriteString(name)
	w.b.WriteByte('>')
}

func (w *xmlWriter) leaf(name, value string, attrs ...string) {
	w.open(name, attrs...)
	_ = xml.EscapeText(&w.b, []byte(value))
	w.close(name)
}

// errNoNamespace: an extension key whose prefix no @context declares.
var errNoNamespace = errors.New("no namespace")

// qname returns the element name and namespace declaration of a JSON
// extension key.
func qname(key string, ctx *epcis.Context) (prefix, local, ns string, err error) {
	p, l, ok := strings.Cut(key, ":")
	if ok && !strings.HasPrefix(l, "//") {
		if n, known := ctx.Namespace(p); known && validPrefix(p) && l != "" {
			if p == "cbvmda" && n == NamespaceCBVMDA+":" {
				n = NamespaceCBVMDA
			}
			return p, l, n, nil
		}
	}
	if strings.Contains(key, "://") {
		if j := strings.LastIndexAny(key, "/#"); j > 0 && j < len(key)-1 {
			return "ext", key[j+1:], key[:j+1], nil
		}
	}
	return "", "", "", fmt.Errorf("%w: the key %s", errNoNamespace, excerpt(key))
}

func (w *xmlWriter) event(ev map[string]any, docCtx *epcis.Context) error {
	typ, _ := ev["type"].(string)
	order, ok := fieldOrder[typ]
	if !ok {
		return fmt.Errorf("unknown event type %s", excerpt(typ))
	}
	ctx := docCtx
	if c, has := ev["@context"]; has {
		var err error
		if ctx, err = docCtx.With(c, "/@context"); err != nil {
			return err
		}
	}
	w.open(typ)
	for _, f := range append(slices.Clone(headFields), order...) {
		v, has := ev[f]
		if !has || v == nil {
			continue
		}
		if err := w.field(f, v, ctx); err != nil {
			return err
		}
	}
	known := map[string]bool{"type": true, "@context": true}
	for _, f := range append(slices.Clone(headFields), order...) {
		known[f] = true
	}
	for _, k := range slices.Sorted(maps.Keys(ev)) {
		if known[k] {
			continue
		}
		if err := w.extension(k, ev[k], ctx); err != nil {
			return err
		}
	}
	w.close(typ)
	return nil
}

// field writes one standard field.
func (w *xmlWriter) field(name string, v any, ctx *epcis.Context) error {
	switch name {
	case "epcList", "childEPCs", "inputEPCList", "outputEPCList":
		return w.strings(name, "epc", v)
	case "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList":
		return w.objects(name, "quantityElement", v, func(o map[string]any) error {
			return w.structure("quantityElement", o, ctx, "epcClass", "quantity", "uom")
		})
	case "certificationInfo":
		if l, ok := v.([]any); ok {
			for _, c := range l {
				w.leaf(name, str(c))
			}
			return nil
		}
	case "persistentDisposition":
		o, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is not an object", name)
		}
		w.open(name)
		for _, k := range []string{"unset", "set"} {
			if l, ok := o[k].([]any); ok {
				for _, s := range l {
					w.leaf(k, str(s))
				}
			}
		}
		if err := w.extensions(o, ctx, "set", "unset"); err != nil {
			return err
		}
		w.close(name)
		return nil
	case "readPoint", "bizLocation":
		o, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is not an object", name)
		}
		return w.structure(name, o, ctx, "id")
	case "bizTransactionList", "sourceList", "destinationList":
		child := map[string]string{"bizTransactionList": "bizTransaction", "sourceList": "source", "destinationList": "destination"}[name]
		return w.objects(name, child, v, func(o map[string]any) error {
			var attrs []string
			if t := str(o["type"]); t != "" {
				attrs = []string{"type", t}
			}
			w.leaf(child, str(o[child]), attrs...)
			return nil
		})
	case "sensorElementList":
		return w.objects(name, "sensorElement", v, func(o map[string]any) error { return w.sensorElement(o, ctx) })
	case "ilmd":
		o, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("ilmd is not an object")
		}
		w.open(name)
		if err := w.extensions(o, ctx); err != nil {
			return err
		}
		w.close(name)
		return nil
	case "errorDeclaration":
		o, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("errorDeclaration is not an object")
		}
		w.open(name)
		w.leaf("declarationTime", str(o["declarationTime"]))
		if r := str(o["reason"]); r != "" {
			w.leaf("reason", r)
		}
		if err := w.strings("correctiveEventIDs", "correctiveEventID", o["correctiveEventIDs"]); err != nil {
			return err
		}
		if err := w.extensions(o, ctx, "declarationTime", "reason", "correctiveEventIDs"); err != nil {
			return err
		}
		w.close(name)
		return nil
	}
	if _, isObj := v.(map[string]any); isObj {
		return fmt.Errorf("%s is not a value", name)
	}
	w.leaf(name, str(v))
	return nil
}

func (w *xmlWriter) strings(name, child string, v any) error {
	if v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%s is not a list", name)
	}
	w.open(name)
	for _, s := range l {
		w.leaf(child, str(s))
	}
	w.close(name)
	return nil
}

func (w *xmlWriter) objects(name, child string, v any, each func(map[string]any) error) error {
	l, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%s is not a list", name)
	}
	w.open(name)
	for _, e := range l {
		o, ok := e.(map[string]any)
		if !ok {
			return fmt.Errorf("an entry of %s is not an object", name)
		}
		if err := each(o); err != nil {
			return err
		}
	}
	w.close(name)
	return nil
}

// structure writes a structure's fields, in the order given, then its
// extensions.
func (w *xmlWriter) structure(name string, o map[string]any, ctx *epcis.Context, fields ...string) error {
	w.open(name)
	for _, f := range fields {
		if v, ok := o[f]; ok && v != nil {
			w.leaf(f, str(v))
		}
	}
	if err := w.extensions(o, ctx, fields...); err != nil {
		return err
	}
	w.close(name)
	return nil
}

// extensions writes the keys of o that are not among skip as extension
// elements, sorted.
func (w *xmlWriter) extensions(o map[string]any, ctx *epcis.Context, skip ...string) error {
	for _, k := range slices.Sorted(maps.Keys(o)) {
		if slices.Contains(skip, k) {
			continue
		}
		if err := w.extension(k, o[k], ctx); err != nil {
			return err
		}
	}
	return nil
}

// extension writes one user extension: a list as repeated elements, an
// object as child elements.
func (w *xmlWriter) extension(key string, v any, ctx *epcis.Context) error {
	if l, ok := v.([]any); ok {
		for _, e := range l {
			if _, nested := e.([]any); nested {
				return fmt.Errorf("the extension %s holds a list of lists, which XML cannot write", excerpt(key))
			}
			if err := w.extension(key, e, ctx); err != nil {
				return err
			}
		}
		return nil
	}
	if v == nil {
		return nil
	}
	var name string
	var decl []string
	if strings.Contains(key, ":") {
		p, l, ns, err := qname(key, ctx)
		if err != nil {
			return err
		}
		name, decl = p+":"+l, []string{"xmlns:" + p, ns}
	} else {
		name = key // a nested key of no namespace
	}
	if !validXMLName(name) {
		return fmt.Errorf("the key %s is no XML name", excerpt(key))
	}
	if o, ok := v.(map[string]any); ok {
		w.open(name, decl...)
		for _, k := range slices.Sorted(maps.Keys(o)) {
			if err := w.extension(k, o[k], ctx); err != nil {
				return err
			}
		}
		w.close(name)
		return nil
	}
	w.leaf(name, str(v), decl...)
	return nil
}

// validXMLName says whether s is a plain XML name (ASCII letters, digits,
// '_', '-', '.', one ':').
func validXMLName(s string) bool {
	if s == "" || strings.Count(s, ":") > 1 {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' ||
			i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '.' || r == ':') || r > 0x7f
		if !ok {
			return false
		}
	}
	return true
}

func (w *xmlWriter) sensorElement(o map[string]any, ctx *epcis.Context) error {
	w.open("sensorElement")
	if m, ok := o["sensorMetadata"].(map[string]any); ok {
		if err := w.sensorAttrs("sensorMetadata", m, ctx); err != nil {
			return err
		}
	}
	if l, ok := o["sensorReport"].([]any); ok {
		for _, r := range l {
			m, ok := r.(map[string]any)
			if !ok {
				return fmt.Errorf("a sensorReport is not an object")
			}
			if err := w.sensorAttrs("sensorReport", m, ctx); err != nil {
				return err
			}
		}
	}
	if err := w.extensions(o, ctx, "sensorMetadata", "sensorReport"); err != nil {
		return err
	}
	w.close("sensorElement")
	return nil
}

// sensorAttrs writes sensorMetadata or a sensorReport as attributes.
func (w *xmlWriter) sensorAttrs(name string, o map[string]any, ctx *epcis.Context) error {
	var attrs []string
	decl := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(o)) {
		v := o[k]
		if _, scalar := v.(map[string]any); scalar || v == nil {
			return fmt.Errorf("%s.%s is not a value", name, excerpt(k))
		}
		if _, isList := v.([]any); isList {
			return fmt.Errorf("%s.%s is not a value", name, excerpt(k))
		}
		if !strings.Contains(k, ":") {
			attrs = append(attrs, k, str(v))
			continue
		}
		p, l, ns, err := qname(k, ctx)
		if err != nil {
			return err
		}
		decl[p] = ns
		attrs = append(attrs, p+":"+l, str(v))
	}
	for _, p := range slices.Sorted(maps.Keys(decl)) {
		attrs = append(attrs, "xmlns:"+p, decl[p])
	}
	w.open(name, attrs...)
	w.close(name)
	return nil
}
