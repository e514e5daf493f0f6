package epcisxml

import "bytes"

// LooksLikeXML says whether a document is XML rather than JSON: its first
// character after a byte-order mark and whitespace is '<'. A JSON document
// starts with '{'. Callers that are told the format (a Content-Type, a
// --format flag) do not sniff.
func LooksLikeXML(doc []byte) bool {
	doc = bytes.TrimPrefix(doc, []byte("\xef\xbb\xbf"))
	doc = bytes.TrimLeft(doc, " \t\r\n")
	return len(doc) > 0 && doc[0] == '<'
}
