package epcisxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// Namespaces of the EPCIS XML documents read here.
const (
	NamespaceEPCIS1      = "urn:epcglobal:epcis:xsd:1"
	NamespaceEPCIS2      = "urn:epcglobal:epcis:xsd:2"
	NamespaceEPCISQuery1 = "urn:epcglobal:epcis-query:xsd:1"
	NamespaceEPCISQuery2 = "urn:epcglobal:epcis-query:xsd:2"
)

// Document is a converted XML document.
type Document struct {
	// JSON is the EPCIS 2.0 JSON-LD document: what is captured, hashed and
	// anchored.
	JSON []byte
	// Version is the EPCIS version the XML declared: "1.0", "1.1", "1.2" or
	// "2.0".
	Version string
	// Type is EPCISDocument or EPCISQueryDocument.
	Type   string
	Events int
}

// Convert reads an EPCIS 2.0 or 1.x XML EPCISDocument or EPCISQueryDocument
// from r, once, as a stream, and returns its EPCIS 2.0 JSON-LD form. Any
// refusal is an *Error; nothing of a refused document is returned.
func Convert(r io.Reader, opts ...Option) (*Document, error) {
	lim := DefaultLimits
	for _, o := range opts {
		o(&lim)
	}
	s := newStream(r, lim)
	c := newConverter(s.prefix)
	rd := &docReader{s: s, c: c}
	doc, err := rd.read()
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// ConvertBytes is Convert of b.
func ConvertBytes(b []byte, opts ...Option) (*Document, error) {
	return Convert(bytes.NewReader(b), opts...)
}

// docReader reads the document around the events, and the events one at a
// time.
type docReader struct {
	s      *stream
	c      *converter
	events bytes.Buffer // the JSON of the events so far, comma-separated
	n      int
}

func (rd *docReader) read() (*Document, error) {
	root, err := rd.firstElement()
	if err != nil {
		return nil, err
	}
	doc := &Document{Type: root.Name.Local}
	query := false
	switch {
	case root.Name.Local == "EPCISDocument" && (root.Name.Space == NamespaceEPCIS2 || root.Name.Space == NamespaceEPCIS1):
	case root.Name.Local == "EPCISQueryDocument" && (root.Name.Space == NamespaceEPCISQuery2 || root.Name.Space == NamespaceEPCISQuery1):
		query = true
	default:
		return nil, rd.s.fail(CodeNotEPCIS, "the root element {"+clip(root.Name.Space)+"}"+clip(root.Name.Local)+
			" is neither an EPCIS 2.0 or 1.x EPCISDocument nor an EPCISQueryDocument")
	}
	v2 := root.Name.Space == NamespaceEPCIS2 || root.Name.Space == NamespaceEPCISQuery2
	created, err := rd.rootAttrs(root, v2, doc)
	if err != nil {
		return nil, err
	}
	body := map[string]any{}
	if err := rd.children(func(t xml.StartElement) error {
		switch {
		case t.Name.Space == "" && t.Name.Local == "EPCISHeader":
			// Master data and the SBDH: the ledger reads neither (docs/epcis.md).
			return rd.s.skip()
		case t.Name.Space == "" && t.Name.Local == "EPCISBody" && len(body) == 0:
			if query {
				return rd.queryBody(body)
			}
			body["eventList"] = true
			return rd.children(rd.eventListIn("EventList"))
		}
		return rd.unknown(t, "the document")
	}); err != nil {
		return nil, err
	}
	if len(body) == 0 {
		return nil, rd.s.fail(CodeInvalidValue, "the document has no EPCISBody")
	}
	if err := rd.end(); err != nil {
		return nil, err
	}
	doc.Events = rd.n
	doc.JSON = rd.json(doc.Type, created, query, body)
	return doc, nil
}

// firstElement returns the root's start tag: only whitespace, comments and
// the XML declaration may come before it.
func (rd *docReader) firstElement() (xml.StartElement, error) {
	for {
		t, err := rd.s.next()
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, rd.s.fail(CodeSyntax, "text before the root element")
			}
		}
	}
}

// end checks that only whitespace and comments follow the root.
func (rd *docReader) end() error {
	for {
		t, err := rd.s.d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return rd.s.readError(err)
		}
		switch t := t.(type) {
		case xml.Comment:
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return rd.s.fail(CodeSyntax, "text after the root element")
			}
		case xml.ProcInst:
			return rd.s.fail(CodeProcInst, "processing instruction "+excerpt(t.Target)+" refused")
		case xml.Directive:
			return rd.s.fail(CodeDTD, "a DTD declaration refused")
		default:
			return rd.s.fail(CodeSyntax, "a second root element")
		}
	}
}

// rootAttrs reads schemaVersion and creationDate; namespace declarations
// and xsi's attributes are ignored, any other is refused.
func (rd *docReader) rootAttrs(root xml.StartElement, v2 bool, doc *Document) (string, error) {
	var created string
	for _, a := range root.Attr {
		switch {
		case a.Name.Space == nsXMLNS || a.Name.Space == "" && a.Name.Local == nsXMLNS || a.Name.Space == NamespaceXSI:
		case a.Name.Space == "" && a.Name.Local == "schemaVersion":
			doc.Version = strings.TrimSpace(a.Value)
		case a.Name.Space == "" && a.Name.Local == "creationDate":
			created = strings.TrimSpace(a.Value)
		default:
			return "", rd.s.fail(CodeUnknownAttr, "the document has no attribute "+excerpt(a.Name.Local))
		}
	}
	switch {
	case v2 && (doc.Version == "2.0" || doc.Version == "2.0.0"):
		doc.Version = "2.0"
	case !v2 && (doc.Version == "1.0" || doc.Version == "1.1" || doc.Version == "1.2"):
	default:
		return "", rd.s.fail(CodeInvalidValue, "schemaVersion "+excerpt(doc.Version)+" does not match the document's namespace")
	}
	return created, nil
}

// children calls start for each child element of the element just
// entered, until its end; text between them must be whitespace.
func (rd *docReader) children(start func(xml.StartElement) error) error {
	for {
		t, err := rd.s.next()
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if len(t.Attr) > 0 {
				for _, a := range t.Attr {
					if a.Name.Space != nsXMLNS && !(a.Name.Space == "" && a.Name.Local == nsXMLNS) && a.Name.Space != NamespaceXSI {
						return rd.s.fail(CodeUnknownAttr, "the attribute "+excerpt(a.Name.Local)+" has no place on "+t.Name.Local)
					}
				}
			}
			if err := start(t); err != nil {
				return err
			}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return rd.s.fail(CodeUnsupported, "text where elements are expected")
			}
		case xml.EndElement:
			rd.s.pop()
			return nil
		}
	}
}

// unknown refuses an element the document has no place for.
func (rd *docReader) unknown(t xml.StartElement, where string) error {
	if t.Name.Space == "" {
		return rd.s.fail(CodeUnknownElement, where+" has no element "+excerpt(t.Name.Local))
	}
	return rd.s.fail(CodeUnsupported, "the extension element {"+clip(t.Name.Space)+"}"+clip(t.Name.Local)+" of "+where+" has no place in the JSON-LD document")
}

// eventListIn returns the handler of a body's children: the one EventList.
func (rd *docReader) eventListIn(where string) func(xml.StartElement) error {
	seen := false
	return func(t xml.StartElement) error {
		if t.Name.Space == "" && t.Name.Local == "EventList" && !seen {
			seen = true
			return rd.children(rd.event)
		}
		return rd.unknown(t, where)
	}
}

// event reads one child of an EventList: an event, converted at once, or
// 1.2's extension wrappers around TransformationEvent and
// AssociationEvent.
func (rd *docReader) event(t xml.StartElement) error {
	if t.Name.Space == "" && t.Name.Local == "extension" {
		return rd.children(rd.event)
	}
	if t.Name.Space == "" && t.Name.Local == "QuantityEvent" {
		return rd.s.fail(CodeUnsupported, "QuantityEvent is deprecated since EPCIS 1.2 and has no EPCIS 2.0 form: write an ObjectEvent with a quantityList")
	}
	if _, ok := eventFields[t.Name.Local]; !ok || t.Name.Space != "" {
		return rd.unknown(t, "EventList")
	}
	rd.n++
	if rd.n > rd.s.lim.Events {
		return rd.s.fail(CodeTooManyEvents, "more than "+strconv.Itoa(rd.s.lim.Events)+" events")
	}
	rd.s.path[len(rd.s.path)-1] = t.Name.Local + "[" + strconv.Itoa(rd.n) + "]"
	e, err := rd.s.readElem(t)
	if err != nil {
		return err
	}
	o, err := rd.c.event(e, t.Name.Local)
	if err != nil {
		return err
	}
	if rd.n > 1 {
		rd.events.WriteByte(',')
	}
	writeJSON(&rd.events, o)
	return nil
}

// queryBody reads the body of an EPCISQueryDocument: its QueryResults.
func (rd *docReader) queryBody(body map[string]any) error {
	return rd.children(func(t xml.StartElement) error {
		if (t.Name.Space == NamespaceEPCISQuery2 || t.Name.Space == NamespaceEPCISQuery1) && t.Name.Local == "QueryResults" && len(body) == 0 {
			body["queryResults"] = true
			return rd.children(func(t xml.StartElement) error {
				switch {
				case t.Name.Space == "" && (t.Name.Local == "queryName" || t.Name.Local == "subscriptionID") && body[t.Name.Local] == nil:
					e, err := rd.s.readElem(t)
					if err != nil {
						return err
					}
					v, err := leaf(e)
					body[t.Name.Local] = v
					return err
				case t.Name.Space == "" && t.Name.Local == "resultsBody" && body["resultsBody"] == nil:
					body["resultsBody"] = true
					return rd.children(rd.eventListIn("resultsBody"))
				}
				return rd.unknown(t, "QueryResults")
			})
		}
		return rd.unknown(t, "EPCISBody")
	})
}

// json assembles the JSON-LD document: its @context declares every
// extension namespace the events used.
func (rd *docReader) json(typ, created string, query bool, body map[string]any) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@context":`)
	writeJSON(&b, rd.c.context())
	b.WriteString(`,"type":`)
	writeString(&b, typ)
	b.WriteString(`,"schemaVersion":"2.0"`)
	if created != "" {
		b.WriteString(`,"creationDate":`)
		writeString(&b, created)
	}
	b.WriteString(`,"epcisBody":{`)
	if query {
		b.WriteString(`"queryResults":{`)
		if n, ok := body["queryName"].(string); ok {
			b.WriteString(`"queryName":`)
			writeString(&b, n)
			b.WriteByte(',')
		}
		if n, ok := body["subscriptionID"].(string); ok {
			b.WriteString(`"subscriptionID":`)
			writeString(&b, n)
			b.WriteByte(',')
		}
		b.WriteString(`"resultsBody":{"eventList":[`)
		b.Write(rd.events.Bytes())
		b.WriteString(`]}}}}`)
		return b.Bytes()
	}
	b.WriteString(`"eventList":[`)
	b.Write(rd.events.Bytes())
	b.WriteString(`]}}`)
	return b.Bytes()
}
