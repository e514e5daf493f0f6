package main

import "github.com/tracechain/tracechain/client/epcisxml"

// docFormat is the --format of the epcis commands: auto (sniffed), json or
// xml.
type docFormat string

const (
	formatAuto docFormat = "auto"
	formatJSON docFormat = "json"
	formatXML  docFormat = "xml"
)

// isXML says whether doc is to be read as XML: as --format says, or, with
// auto, by its first character.
func (f docFormat) isXML(doc []byte) (bool, error) {
	switch f {
	case formatAuto, "":
		return epcisxml.LooksLikeXML(doc), nil
	case formatJSON:
		return false, nil
	case formatXML:
		return true, nil
	}
	return false, usagef("--format is auto, json or xml, not %q", string(f))
}

// asJSON returns the EPCIS 2.0 JSON-LD form of doc: doc itself, or the
// conversion of an EPCIS 2.0 or 1.2 XML document, which is the form the
// ledger hashes and anchors.
func (f docFormat) asJSON(doc []byte) ([]byte, error) {
	x, err := f.isXML(doc)
	if err != nil || !x {
		return doc, err
	}
	d, err := epcisxml.ConvertBytes(doc)
	if err != nil {
		return nil, err
	}
	return d.JSON, nil
}

// contentType is the Content-Type a document is posted with.
func (f docFormat) contentType(doc []byte) (string, error) {
	x, err := f.isXML(doc)
	switch {
	case err != nil:
		return "", err
	case x:
		return epcisxml.MediaType, nil
	}
	return "application/ld+json", nil
}
