package epcisxml

import (
	"encoding/xml"
	"strings"
)

// elem is one element of an event read whole: its name, its attributes
// other than namespace declarations and xsi's, its children and its text.
// An event is converted from this tree; the document around the events is
// never held whole.
type elem struct {
	name  xml.Name
	attrs []xml.Attr
	kids  []*elem
	text  strings.Builder
	path  string // for errors
	line  int
}

// hasText says whether the element holds text other than whitespace.
func (e *elem) hasText() bool { return strings.TrimSpace(e.text.String()) != "" }

// value is the element's text, trimmed as xsd:anyURI and the other token
// types of the binding are.
func (e *elem) value() string { return strings.TrimSpace(e.text.String()) }

// readElem reads the element whose start tag was just read, to its end.
func (s *stream) readElem(start xml.StartElement) (*elem, error) {
	line, _ := s.d.InputPos()
	e := &elem{name: start.Name, path: "/" + strings.Join(s.path, "/"), line: line}
	for _, a := range start.Attr {
		if a.Name.Space == nsXMLNS || a.Name.Space == "" && a.Name.Local == nsXMLNS || a.Name.Space == NamespaceXSI {
			continue // declarations, and xsi:type/schemaLocation/nil, which are XML typing only
		}
		e.attrs = append(e.attrs, a)
	}
	for {
		t, err := s.next()
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			k, err := s.readElem(t)
			if err != nil {
				return nil, err
			}
			e.kids = append(e.kids, k)
		case xml.CharData:
			e.text.Write(t)
		case xml.EndElement:
			s.pop()
			return e, nil
		}
	}
}

// skip reads past the element whose start tag was just read, with every
// check of the stream still applied to its content.
func (s *stream) skip() error {
	for {
		t, err := s.next()
		if err != nil {
			return err
		}
		switch t.(type) {
		case xml.StartElement:
			if err := s.skip(); err != nil {
				return err
			}
		case xml.EndElement:
			s.pop()
			return nil
		}
	}
}

// errAt returns an *Error at element e.
func errAt(e *elem, code Code, msg string) *Error {
	return &Error{Code: code, Path: e.path, Line: e.line, Msg: msg}
}
