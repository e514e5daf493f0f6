package epciscapture

import (
	"strconv"

	"github.com/tracechain/tracechain/client/epcisxml"
)

// fromXML converts a posted EPCIS 2.0 or 1.2 XML document to the EPCIS 2.0
// JSON-LD document that is captured: the chaincode reads JSON only, so the
// conversion runs here, once, before validation, and everything after it
// (ParseCaptureDocument, the plan, the kept copies, the transient document
// and its digest) is what it is for a JSON capture. The XML reader has the
// document limits of a JSON capture; its refusals are *epcisxml.Error.
func (h *Handler) fromXML(doc []byte) ([]byte, error) {
	d, err := epcisxml.ConvertBytes(doc, epcisxml.WithLimits(epcisxml.Limits{
		Bytes: h.limits.DocumentBytes, Events: h.limits.DocumentEvents}))
	if err != nil {
		return nil, err
	}
	return d.JSON, nil
}

// excerpt quotes at most the first 60 bytes of a client's header value.
func excerpt(s string) string {
	if len(s) > 60 {
		return strconv.Quote(s[:60]) + "..."
	}
	return strconv.Quote(s)
}
