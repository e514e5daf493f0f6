// Package epcisxml reads EPCIS 2.0 and EPCIS 1.2 XML documents and converts
// them to the project's EPCIS 2.0 JSON-LD document, which then takes the
// one path every capture takes (epcis.ParseCaptureDocument, the transient
// document of CaptureEvents, the chaincode's one strict reading); and it
// writes the query binding's EPCISQueryDocument as EPCIS 2.0 XML.
//
// The conversion runs in the client (traced's capture interface, tracectl),
// never in the chaincode: the chaincode reads JSON only, so the document the
// ledger anchors (model.CaptureDigest) is the JSON form, and each event's
// eventID is the CBV 2.0 hash of its JSON form, which is the hash of the XML
// event too: CBV 2.0 defines the hash over the event's content, whichever
// binding carried it (docs/epcis.md, "EPCIS XML").
//
// XML is read once, as a stream of tokens (encoding/xml), strictly: any
// DOCTYPE or DTD, entity reference, processing instruction other than the
// XML declaration, nesting deeper than Limits.Depth and elements with more
// than Limits.Attributes attributes are refused before anything is
// converted; an element of the EPCIS binding (no namespace) that the
// binding does not define where it stands is refused; a standard field
// given twice is refused; elements in other namespaces are user extensions
// and are kept.
package epcisxml
