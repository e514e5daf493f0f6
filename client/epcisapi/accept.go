package epcisapi

import (
	"strconv"
	"strings"
)

// format is the binding of an answer.
type format uint8

const (
	formatNone format = iota // nothing this repository writes is acceptable
	formatJSON               // EPCIS 2.0 JSON-LD, the default
	formatXML                // EPCIS 2.0 XML (package epcisxml)
)

// answerFormat chooses the binding of an answer from an Accept header:
// XML when application/xml or text/xml is acceptable with a higher quality
// than any JSON type (a wildcard counts as JSON), JSON otherwise, and
// formatNone when neither is acceptable. JSON stays the default: "*/*",
// or JSON and XML at the same quality, get JSON.
func answerFormat(accept string) format {
	var qJSON, qXML float64
	for _, part := range strings.Split(accept, ",") {
		typ, params, _ := strings.Cut(part, ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(typ)) {
		case "*/*", "application/*", "application/json", "application/ld+json":
			qJSON = max(qJSON, q)
		case "application/xml", "text/xml":
			qXML = max(qXML, q)
		}
	}
	switch {
	case qXML > qJSON:
		return formatXML
	case qJSON > 0:
		return formatJSON
	}
	return formatNone
}

// clipHeader bounds a client's header value quoted in an answer.
func clipHeader(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
