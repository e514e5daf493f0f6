package epcisxml

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// doc wraps events in an EPCIS 2.0 document.
func doc(events string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" creationDate="2026-03-01T00:00:00Z">
<EPCISBody><EventList>` + events + `</EventList></EPCISBody></epcis:EPCISDocument>`
}

// object is an ObjectEvent with extra content.
func objectEvent(extra string) string {
	return `<ObjectEvent><eventTime>2026-03-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>
<epcList><epc>urn:epc:id:sgtin:6901234.000001.A1</epc></epcList><action>OBSERVE</action>` + extra + `</ObjectEvent>`
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"><EPCISBody><EventList>
<ObjectEvent><eventTime>2026-03-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><action>OBSERVE</action>
<ex:x xmlns:ex="https://ex.example/">&lol9;</ex:x></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`

const externalEntity = `<?xml version="1.0"?>
<!DOCTYPE epcis:EPCISDocument [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"><EPCISBody><EventList>
<ObjectEvent><eventTime>2026-03-01T00:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset><action>OBSERVE</action>
<bizStep>&xxe;</bizStep></ObjectEvent></EventList></EPCISBody></epcis:EPCISDocument>`

// TestAttacksRefused: the XML constructs an attacker uses are refused with
// their code before anything is converted.
func TestAttacksRefused(t *testing.T) {
	deep := strings.Repeat(`<ex:a xmlns:ex="https://ex.example/">`, 70) + "x" + strings.Repeat(`</ex:a>`, 70)
	var attrs strings.Builder
	for i := range 100 {
		attrs.WriteString(` ex:a` + strconv.Itoa(i) + `="1"`)
	}
	tests := []struct {
		name string
		in   string
		code Code
	}{
		{"billion laughs", billionLaughs, CodeDTD},
		{"external entity", externalEntity, CodeDTD},
		{"external DTD", `<?xml version="1.0"?><!DOCTYPE epcis:EPCISDocument SYSTEM "http://127.0.0.1:1/epcis.dtd">` + doc("")[len(`<?xml version="1.0" encoding="UTF-8"?>`):], CodeDTD},
		{"DOCTYPE without subset", `<!DOCTYPE project>` + doc("")[len(`<?xml version="1.0" encoding="UTF-8"?>`):], CodeDTD},
		{"undeclared entity", doc(objectEvent(`<bizStep>&lol;</bizStep>`)), CodeEntity},
		{"stylesheet", `<?xml version="1.0"?><?xml-stylesheet href="http://127.0.0.1:1/x.xsl"?>` + doc("")[len(`<?xml version="1.0" encoding="UTF-8"?>`):], CodeProcInst},
		{"processing instruction in an event", doc(objectEvent(`<?php echo 1; ?>`)), CodeProcInst},
		{"processing instruction after the root", doc("") + `<?x?>`, CodeProcInst},
		{"too deep", doc(objectEvent(deep)), CodeDepth},
		{"too many attributes", doc(`<ObjectEvent xmlns:ex="https://ex.example/"` + attrs.String() + `/>`), CodeAttributes},
		{"latin-1", `<?xml version="1.0" encoding="ISO-8859-1"?><epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"/>`, CodeSyntax},
		{"not well-formed", doc(objectEvent(`<bizStep>shipping</bizstep>`)), CodeSyntax},
		{"truncated", doc(objectEvent(""))[:200], CodeSyntax},
		{"invalid UTF-8", doc(objectEvent("<bizStep>\xff</bizStep>")), CodeSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ConvertBytes([]byte(tt.in))
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v (%v), want %s", err, d, tt.code)
			}
			if d != nil {
				t.Error("a document came back with the error")
			}
			if strings.Contains(err.Error(), "root:") || len(err.Error()) > 400 {
				t.Errorf("error too long or quoting input: %s", err)
			}
		})
	}
}

// TestLimits: the byte and event limits of a capture apply to XML.
func TestLimits(t *testing.T) {
	two := doc(objectEvent("") + objectEvent(""))
	if _, err := ConvertBytes([]byte(two), WithLimits(Limits{Events: 1})); codeOf(err) != CodeTooManyEvents {
		t.Errorf("events: %v", err)
	}
	if _, err := ConvertBytes([]byte(two), WithLimits(Limits{Bytes: 100})); codeOf(err) != CodeTooLarge {
		t.Errorf("bytes: %v", err)
	}
	if _, err := ConvertBytes([]byte(two), WithLimits(Limits{Bytes: int64(len(two)), Events: 2})); err != nil {
		t.Errorf("at the limits: %v", err)
	}
}

func codeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// TestStrict: what the binding does not define is refused, with the path
// of the element.
func TestStrict(t *testing.T) {
	tests := []struct {
		name, in string
		code     Code
		path     string
	}{
		{"unknown root", `<EPCISDocument schemaVersion="2.0"/>`, CodeNotEPCIS, "/EPCISDocument"},
		{"version mismatch", `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="1.2"/>`, CodeInvalidValue, ""},
		{"unknown root attribute", `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0" mode="x"/>`, CodeUnknownAttr, ""},
		{"no body", `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"></epcis:EPCISDocument>`, CodeInvalidValue, ""},
		{"unknown field", doc(objectEvent(`<bizstep>shipping</bizstep>`)), CodeUnknownElement, "/EPCISDocument/EPCISBody/EventList/ObjectEvent[1]/bizstep"},
		{"field of another type", doc(objectEvent(`<childEPCs/>`)), CodeUnknownElement, ""},
		{"unqualified extension", doc(objectEvent(`<extension><extension><myField>x</myField></extension></extension>`)), CodeUnknownElement, ""},
		{"duplicate field", doc(objectEvent(`<bizStep>shipping</bizStep><bizStep>receiving</bizStep>`)), CodeDuplicate, ""},
		{"duplicate through a wrapper", doc(objectEvent(`<bizStep>shipping</bizStep><extension><bizStep>receiving</bizStep></extension>`)), CodeDuplicate, ""},
		{"second event's error", doc(objectEvent("") + objectEvent(`<readPoint/>`)), CodeInvalidValue, "/EPCISDocument/EPCISBody/EventList/ObjectEvent[2]/readPoint"},
		{"QuantityEvent", doc(`<QuantityEvent/>`), CodeUnsupported, ""},
		{"unknown event", doc(`<ThingEvent/>`), CodeUnknownElement, ""},
		{"attribute on an event", doc(`<ObjectEvent id="1"/>`), CodeUnknownAttr, ""},
		{"attribute on a field", doc(objectEvent(`<bizStep lang="en">shipping</bizStep>`)), CodeUnknownAttr, ""},
		{"element in a field", doc(objectEvent(`<bizStep><b>shipping</b></bizStep>`)), CodeUnknownElement, ""},
		{"text in a list", doc(objectEvent(`<bizTransactionList>po</bizTransactionList>`)), CodeUnsupported, ""},
		{"source without type", doc(objectEvent(`<sourceList><source>x</source></sourceList>`)), CodeInvalidValue, ""},
		{"quantity not a number", doc(objectEvent(`<quantityList><quantityElement><epcClass>c</epcClass><quantity>many</quantity></quantityElement></quantityList>`)), CodeInvalidValue, ""},
		{"quantity without class", doc(objectEvent(`<quantityList><quantityElement><quantity>1</quantity></quantityElement></quantityList>`)), CodeInvalidValue, ""},
		{"sensor report boolean", doc(objectEvent(`<sensorElementList><sensorElement><sensorReport booleanValue="yes"/></sensorElement></sensorElementList>`)), CodeInvalidValue, ""},
		{"sensor report attribute", doc(objectEvent(`<sensorElementList><sensorElement><sensorReport colour="red"/></sensorElement></sensorElementList>`)), CodeUnknownAttr, ""},
		{"sensor element without report", doc(objectEvent(`<sensorElementList><sensorElement/></sensorElementList>`)), CodeInvalidValue, ""},
		{"attribute on an extension", doc(objectEvent(`<ex:x xmlns:ex="https://ex.example/" unit="kg">1</ex:x>`)), CodeUnsupported, ""},
		{"mixed content", doc(objectEvent(`<ex:x xmlns:ex="https://ex.example/">a<ex:y>b</ex:y></ex:x>`)), CodeUnsupported, ""},
		{"namespace not an IRI", doc(objectEvent(`<ex:x xmlns:ex="acme">1</ex:x>`)), CodeUnsupported, ""},
		{"text in the body", `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"><EPCISBody>x</EPCISBody></epcis:EPCISDocument>`, CodeUnsupported, ""},
		{"two event lists", `<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:2" schemaVersion="2.0"><EPCISBody><EventList/><EventList/></EPCISBody></epcis:EPCISDocument>`, CodeUnknownElement, ""},
		{"second root", doc("") + `<x/>`, CodeSyntax, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ConvertBytes([]byte(tt.in))
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code {
				t.Fatalf("got %v, want %s", err, tt.code)
			}
			if tt.path != "" && e.Path != tt.path {
				t.Errorf("path %s, want %s", e.Path, tt.path)
			}
		})
	}
}

// TestExcerpt: an error quotes at most a short, escaped excerpt of input.
func TestExcerpt(t *testing.T) {
	long := strings.Repeat("\x1b[31m", 1000)
	_, err := ConvertBytes([]byte(doc(objectEvent(`<` + strings.Repeat("b", 5000) + `/>`))))
	if err == nil || len(err.Error()) > 300 {
		t.Errorf("long name: %v", err)
	}
	if got := excerpt(long); len(got) > 4*excerptMax+10 || strings.ContainsRune(got, 0x1b) {
		t.Errorf("excerpt %q", got)
	}
}

// TestValues: numbers, booleans and vocabulary as the JSON binding writes
// them.
func TestValues(t *testing.T) {
	d, err := ConvertBytes([]byte(doc(objectEvent(`<bizStep>urn:epcglobal:cbv:bizstep:shipping</bizStep>
<disposition>urn:epcglobal:cbv:disp:private_state</disposition>
<quantityList><quantityElement><epcClass>c</epcClass><quantity>+007.50</quantity></quantityElement></quantityList>
<sensorElementList><sensorElement><sensorReport value=".5" booleanValue="0" percRank="1E2"/></sensorElement></sensorElementList>`))))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"bizStep":"shipping"`, `"disposition":"urn:epcglobal:cbv:disp:private_state"`,
		`"quantity":7.50`, `"value":0.5`, `"booleanValue":false`, `"percRank":1E2`} {
		if !strings.Contains(string(d.JSON), want) {
			t.Errorf("no %s in %s", want, d.JSON)
		}
	}
}

func TestLooksLikeXML(t *testing.T) {
	for in, want := range map[string]bool{"<x/>": true, "\xef\xbb\xbf \n<?xml?>": true, `{"a":1}`: false, "": false, "  [": false} {
		if LooksLikeXML([]byte(in)) != want {
			t.Errorf("%q", in)
		}
	}
}
