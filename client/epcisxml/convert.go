package epcisxml

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/tracechain/tracechain/chaincode/epcis"
)

// converter turns the elements of events into their JSON-LD form. It names
// every namespace of a user extension with one JSON-LD prefix for the
// whole document, which the document's @context declares.
type converter struct {
	prefixOf map[string]string // namespace -> prefix
	nsOf     map[string]string // prefix -> namespace, declared in @context
	hint     map[string]string // namespace -> the prefix the XML declared it with
	std      *epcis.Context    // the standard context's prefixes only
}

func newConverter(hint map[string]string) *converter {
	std, _ := epcis.ParseContext(nil)
	return &converter{prefixOf: map[string]string{}, nsOf: map[string]string{}, hint: hint, std: std}
}

// standardPrefixNames are the prefixes of the EPCIS 2.0 standard context,
// which no declared prefix may shadow.
var standardPrefixNames = []string{"epcis", "cbv", "cbvmda", "gs1", "rdfs", "owl", "xsd", "dcterms"}

// NamespaceCBVMDA is the namespace of CBV master-data attributes in the XML
// binding; the JSON-LD context's cbvmda prefix is the same IRI with a
// trailing colon. Both are the one prefix cbvmda here, so an ILMD lot
// number has one pre-hash key ({urn:epcglobal:cbv:mda:}lotNumber) and the
// ledger finds it whichever binding carried it.
const NamespaceCBVMDA = "urn:epcglobal:cbv:mda"

// prefix returns the JSON-LD prefix of namespace ns.
func (c *converter) prefix(e *elem, ns string) (string, error) {
	if p, ok := c.prefixOf[ns]; ok {
		return p, nil
	}
	if ns == NamespaceCBVMDA {
		return "cbvmda", nil
	}
	for _, p := range standardPrefixNames {
		if n, _ := c.std.Namespace(p); n == ns {
			return p, nil
		}
	}
	if !epcis.IsIRI(ns) {
		return "", errAt(e, CodeUnsupported, "the namespace "+excerpt(ns)+" is not an absolute IRI, so its elements have no JSON-LD name")
	}
	p := c.hint[ns]
	if !validPrefix(p) || slices.Contains(standardPrefixNames, p) || c.nsOf[p] != "" {
		for i := 1; ; i++ {
			p = "ns" + strconv.Itoa(i)
			if c.nsOf[p] == "" {
				break
			}
		}
	}
	c.prefixOf[ns], c.nsOf[p] = p, ns
	return p, nil
}

// context returns the document's @context: the standard context, and the
// prefixes of its extensions.
func (c *converter) context() any {
	if len(c.nsOf) == 0 {
		return []any{epcis.StandardContextURL}
	}
	o := newObject()
	for _, p := range slices.Sorted(maps.Keys(c.nsOf)) {
		o.set(p, c.nsOf[p])
	}
	return []any{epcis.StandardContextURL, o}
}

// validPrefix says whether p may be used as a JSON-LD prefix: a simple name.
func validPrefix(p string) bool {
	if p == "" || len(p) > 32 {
		return false
	}
	for i, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || i > 0 && (r >= '0' && r <= '9' || r == '-')) {
			return false
		}
	}
	return true
}

// key is the JSON key of an extension element or attribute.
func (c *converter) key(e *elem, n nameOf) (string, error) {
	if n.Space == "" {
		return n.Local, nil
	}
	p, err := c.prefix(e, n.Space)
	if err != nil {
		return "", err
	}
	return p + ":" + n.Local, nil
}

// nameOf is an element's or attribute's expanded name.
type nameOf struct{ Space, Local string }

// event converts an event element of type typ.
func (c *converter) event(e *elem, typ string) (*object, error) {
	if len(e.attrs) > 0 {
		return nil, errAt(e, CodeUnknownAttr, "the attribute "+excerpt(e.attrs[0].Name.Local)+" has no place on an event")
	}
	if e.hasText() {
		return nil, errAt(e, CodeUnsupported, "text directly inside an event")
	}
	o := newObject()
	o.set("type", typ)
	if err := c.eventKids(o, e, typ); err != nil {
		return nil, err
	}
	return o, nil
}

// eventKids converts the children of an event, or of an extension wrapper
// inside it (1.2's extension, extension/extension and baseExtension, and
// 2.0's extension): a field found in a wrapper is the event's field, as
// the EPCIS 2.0 standard's backward-compatibility rules put it.
func (c *converter) eventKids(o *object, e *elem, typ string) error {
	for _, k := range e.kids {
		if k.name.Space != "" {
			if err := c.addExtension(o, k); err != nil {
				return err
			}
			continue
		}
		name := k.name.Local
		if name == "extension" || name == "baseExtension" {
			if len(k.attrs) > 0 || k.hasText() {
				return errAt(k, CodeUnsupported, "an extension wrapper holds elements only")
			}
			if err := c.eventKids(o, k, typ); err != nil {
				return err
			}
			continue
		}
		if !eventFields[typ][name] {
			return errAt(k, CodeUnknownElement, "a "+typ+" has no element "+excerpt(name)+" (an extension must be in a namespace of its own)")
		}
		v, err := c.field(k, name)
		if err != nil {
			return err
		}
		if name == "certificationInfo" && o.has(name) {
			o.add(name, v) // several certificates: a list in the JSON binding
			continue
		}
		if !o.set(name, v) {
			return errAt(k, CodeDuplicate, "the field "+name+" is given twice in one event")
		}
	}
	return nil
}

// field converts one standard field of an event.
func (c *converter) field(k *elem, name string) (any, error) {
	switch name {
	case "bizStep", "disposition":
		v, err := leaf(k)
		return epcis.CBVWord(v), err
	case "epcList", "childEPCs", "inputEPCList", "outputEPCList":
		return c.list(k, "epc", leafAny)
	case "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList":
		return c.list(k, "quantityElement", c.quantityElement)
	case "persistentDisposition":
		return c.persistentDisposition(k)
	case "readPoint", "bizLocation":
		return c.location(k)
	case "bizTransactionList":
		return c.list(k, "bizTransaction", typed("bizTransaction", false))
	case "sourceList":
		return c.list(k, "source", typed("source", true))
	case "destinationList":
		return c.list(k, "destination", typed("destination", true))
	case "sensorElementList":
		return c.list(k, "sensorElement", c.sensorElement)
	case "ilmd":
		return c.ilmd(k)
	case "errorDeclaration":
		return c.errorDeclaration(k)
	}
	return leaf(k)
}

// leaf is the text of an element that holds text only.
func leaf(e *elem) (string, error) {
	if len(e.attrs) > 0 {
		return "", errAt(e, CodeUnknownAttr, "the attribute "+excerpt(e.attrs[0].Name.Local)+" has no place on "+e.name.Local)
	}
	if len(e.kids) > 0 {
		return "", errAt(e.kids[0], CodeUnknownElement, e.name.Local+" holds text, not the element "+excerpt(e.kids[0].name.Local))
	}
	return e.value(), nil
}

// wrapperOnly refuses attributes and text on an element that holds
// elements only.
func wrapperOnly(e *elem) error {
	if len(e.attrs) > 0 {
		return errAt(e, CodeUnknownAttr, "the attribute "+excerpt(e.attrs[0].Name.Local)+" has no place on "+e.name.Local)
	}
	if e.hasText() {
		return errAt(e, CodeUnsupported, "text inside "+e.name.Local+", which holds elements only")
	}
	return nil
}

// list converts a list element whose children are each named child.
func (c *converter) list(e *elem, child string, conv func(*elem) (any, error)) (any, error) {
	if err := wrapperOnly(e); err != nil {
		return nil, err
	}
	out := []any{}
	for _, k := range e.kids {
		if k.name.Space != "" || k.name.Local != child {
			return nil, errAt(k, CodeUnknownElement, e.name.Local+" lists "+child+" elements only, not "+excerpt(k.name.Local))
		}
		v, err := conv(k)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// structure converts the children of a structure: fields by name (each at
// most once, converted by conv), extension wrappers read through, and
// namespaced children as extensions.
func (c *converter) structure(e *elem, o *object, conv func(k *elem) (any, error), allowed ...string) error {
	if err := wrapperOnly(e); err != nil {
		return err
	}
	for _, k := range e.kids {
		if k.name.Space != "" {
			if err := c.addExtension(o, k); err != nil {
				return err
			}
			continue
		}
		if k.name.Local == "extension" {
			if err := c.structure(k, o, conv, allowed...); err != nil {
				return err
			}
			continue
		}
		if !slices.Contains(allowed, k.name.Local) {
			return errAt(k, CodeUnknownElement, e.name.Local+" has no element "+excerpt(k.name.Local))
		}
		v, err := conv(k)
		if err != nil {
			return err
		}
		if !o.set(k.name.Local, v) {
			return errAt(k, CodeDuplicate, "the field "+k.name.Local+" is given twice in "+e.name.Local)
		}
	}
	return nil
}

func (c *converter) quantityElement(e *elem) (any, error) {
	o := newObject()
	err := c.structure(e, o, func(k *elem) (any, error) {
		v, err := leaf(k)
		if err != nil || k.name.Local != "quantity" {
			return v, err
		}
		return decimal(k, v)
	}, "epcClass", "quantity", "uom")
	if err == nil && !o.has("epcClass") {
		err = errAt(e, CodeInvalidValue, "a quantityElement needs its epcClass")
	}
	return o, err
}

func (c *converter) persistentDisposition(e *elem) (any, error) {
	o := newObject()
	for _, k := range e.kids {
		if k.name.Space == "" && (k.name.Local == "set" || k.name.Local == "unset") {
			v, err := leaf(k)
			if err != nil {
				return nil, err
			}
			l, _ := o.vals[k.name.Local].([]any)
			if l == nil {
				o.set(k.name.Local, []any{})
			}
			o.vals[k.name.Local] = append(l, epcis.CBVWord(v))
		}
	}
	rest := &elem{name: e.name, attrs: e.attrs, path: e.path, line: e.line}
	for _, k := range e.kids {
		if k.name.Space != "" || k.name.Local != "set" && k.name.Local != "unset" {
			rest.kids = append(rest.kids, k)
		}
	}
	rest.text.WriteString(e.text.String())
	return o, c.structure(rest, o, leafAny)
}

func leafAny(k *elem) (any, error) { return leaf(k) }

func (c *converter) location(e *elem) (any, error) {
	o := newObject()
	err := c.structure(e, o, leafAny, "id")
	if err == nil && !o.has("id") {
		err = errAt(e, CodeInvalidValue, e.name.Local+" needs its id")
	}
	return o, err
}

// typed converts a bizTransaction, source or destination: its type
// attribute (required for source and destination) and its text.
func typed(name string, typeRequired bool) func(*elem) (any, error) {
	return func(e *elem) (any, error) {
		o := newObject()
		for _, a := range e.attrs {
			if a.Name.Space != "" || a.Name.Local != "type" {
				return nil, errAt(e, CodeUnknownAttr, "the attribute "+excerpt(a.Name.Local)+" has no place on "+name)
			}
			if v := strings.TrimSpace(a.Value); v != "" {
				o.set("type", epcis.CBVWord(v)) // an empty type is no type, as in the hash
			}
		}
		if typeRequired && !o.has("type") {
			return nil, errAt(e, CodeInvalidValue, name+" needs its type attribute")
		}
		if len(e.kids) > 0 {
			return nil, errAt(e.kids[0], CodeUnknownElement, name+" holds text, not the element "+excerpt(e.kids[0].name.Local))
		}
		o.set(name, e.value())
		return o, nil
	}
}

func (c *converter) sensorElement(e *elem) (any, error) {
	o := newObject()
	var reports []any
	rest := &elem{name: e.name, attrs: e.attrs, path: e.path, line: e.line}
	rest.text.WriteString(e.text.String())
	for _, k := range e.kids {
		switch {
		case k.name.Space == "" && k.name.Local == "sensorMetadata":
			v, err := c.sensorAttrs(k, sensorMetadataAttrs)
			if err != nil {
				return nil, err
			}
			if !o.set("sensorMetadata", v) {
				return nil, errAt(k, CodeDuplicate, "sensorMetadata is given twice in one sensorElement")
			}
		case k.name.Space == "" && k.name.Local == "sensorReport":
			v, err := c.sensorAttrs(k, sensorReportAttrs)
			if err != nil {
				return nil, err
			}
			reports = append(reports, v)
		default:
			rest.kids = append(rest.kids, k)
		}
	}
	if len(reports) == 0 {
		return nil, errAt(e, CodeInvalidValue, "a sensorElement needs at least one sensorReport")
	}
	o.set("sensorReport", reports)
	return o, c.structure(rest, o, leafAny)
}

// sensorAttrs converts sensorMetadata or a sensorReport, whose fields are
// attributes: the binding's own, typed, and namespaced ones as extensions.
func (c *converter) sensorAttrs(e *elem, known map[string]kind) (any, error) {
	if len(e.kids) > 0 || e.hasText() {
		return nil, errAt(e, CodeUnsupported, e.name.Local+" carries attributes only")
	}
	o := newObject()
	for _, a := range e.attrs {
		key := a.Name.Local
		v := strings.TrimSpace(a.Value)
		var val any = v
		if a.Name.Space != "" {
			k, err := c.key(e, nameOf(a.Name))
			if err != nil {
				return nil, err
			}
			key = k
		} else {
			kd, ok := known[key]
			if !ok {
				return nil, errAt(e, CodeUnknownAttr, e.name.Local+" has no attribute "+excerpt(key))
			}
			var err error
			switch kd {
			case number:
				val, err = decimal(e, v)
			case boolean:
				val, err = xsdBoolean(e, v)
			}
			if err != nil {
				return nil, err
			}
		}
		if !o.set(key, val) {
			return nil, errAt(e, CodeDuplicate, "the attribute "+excerpt(key)+" is given twice")
		}
	}
	return o, nil
}

func (c *converter) ilmd(e *elem) (any, error) {
	o := newObject()
	return o, c.structure(e, o, leafAny)
}

func (c *converter) errorDeclaration(e *elem) (any, error) {
	o := newObject()
	err := c.structure(e, o, func(k *elem) (any, error) {
		switch k.name.Local {
		case "correctiveEventIDs":
			return c.list(k, "correctiveEventID", leafAny)
		case "reason":
			v, err := leaf(k)
			return epcis.CBVWord(v), err
		}
		return leaf(k)
	}, "declarationTime", "reason", "correctiveEventIDs")
	return o, err
}

// addExtension converts a user extension element and adds it to o under
// its JSON key: text as a string, child elements as an object, a repeated
// element as a list.
func (c *converter) addExtension(o *object, e *elem) error {
	key, err := c.key(e, nameOf(e.name))
	if err != nil {
		return err
	}
	v, err := c.extValue(e)
	if err != nil {
		return err
	}
	o.add(key, v)
	return nil
}

func (c *converter) extValue(e *elem) (any, error) {
	if len(e.attrs) > 0 {
		return nil, errAt(e, CodeUnsupported, "the attribute "+excerpt(e.attrs[0].Name.Local)+" of an extension element has no JSON-LD form here")
	}
	if len(e.kids) == 0 {
		return e.value(), nil
	}
	if e.hasText() {
		return nil, errAt(e, CodeUnsupported, "an extension element with both text and elements (mixed content)")
	}
	o := newObject()
	for _, k := range e.kids {
		if err := c.addExtension(o, k); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// decimal converts an xsd:decimal or xsd:double to a JSON number: a leading
// '+' and superfluous leading zeros dropped, a bare '.' completed.
func decimal(e *elem, v string) (any, error) {
	s := strings.TrimPrefix(v, "+")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	var exp string
	if i := strings.IndexAny(frac, "eE"); hasDot && i >= 0 {
		frac, exp = frac[:i], frac[i:]
	} else if i := strings.IndexAny(intPart, "eE"); !hasDot && i >= 0 {
		intPart, exp = intPart[:i], intPart[i:]
	}
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" {
		intPart = "0"
	}
	n := intPart
	if frac != "" {
		n += "." + frac
	}
	n += exp
	if neg {
		n = "-" + n
	}
	if !jsonNumber(n) {
		return nil, errAt(e, CodeInvalidValue, excerpt(v)+" is not a number")
	}
	return json.Number(n), nil
}

// jsonNumber says whether s is a number in JSON's grammar.
func jsonNumber(s string) bool {
	if !json.Valid([]byte(s)) {
		return false
	}
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9')
}

// xsdBoolean converts an xsd:boolean.
func xsdBoolean(e *elem, v string) (any, error) {
	switch v {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return nil, errAt(e, CodeInvalidValue, excerpt(v)+" is not a boolean")
}
