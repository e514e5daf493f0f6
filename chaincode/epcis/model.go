package epcis

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
)

// Document is an EPCIS 2.0 JSON-LD document: an EPCISDocument (events in
// EPCISBody.EventList) or an EPCISQueryDocument (events in
// EPCISBody.QueryResults.ResultsBody.EventList).
type Document struct {
	Context       json.RawMessage `json:"@context,omitempty"`
	ID            string          `json:"id,omitempty"`
	Type          string          `json:"type"` // "EPCISDocument" or "EPCISQueryDocument"
	SchemaVersion string          `json:"schemaVersion"`
	CreationDate  string          `json:"creationDate"`
	Header        json.RawMessage `json:"epcisHeader,omitempty"`
	Body          Body            `json:"epcisBody"`
}

// Body is epcisBody.
type Body struct {
	EventList    []Event       `json:"eventList,omitempty"`
	QueryResults *QueryResults `json:"queryResults,omitempty"`
}

// MarshalJSON writes eventList even when it is empty, unless the body holds
// queryResults: an EPCISDocument without events still has an eventList.
func (b Body) MarshalJSON() ([]byte, error) {
	type plain Body
	if b.QueryResults != nil {
		return json.Marshal(plain(b))
	}
	l := b.EventList
	if l == nil {
		l = []Event{}
	}
	return json.Marshal(struct {
		EventList []Event `json:"eventList"`
	}{l})
}

// QueryResults is the epcisBody of an EPCISQueryDocument.
type QueryResults struct {
	SubscriptionID string      `json:"subscriptionID,omitempty"`
	QueryName      string      `json:"queryName,omitempty"`
	ResultsBody    ResultsBody `json:"resultsBody"`
}

// ResultsBody holds a query's events.
type ResultsBody struct {
	EventList []Event `json:"eventList"`
}

// Events returns the document's events, wherever the document type keeps them.
func (d *Document) Events() []Event {
	if d.Body.QueryResults != nil {
		return d.Body.QueryResults.ResultsBody.EventList
	}
	return d.Body.EventList
}

// ParseContext returns the prefixes of the document's @context.
func (d *Document) ParseContext() (*Context, error) { return ParseContext(d.Context) }

// Event is one EPCIS 2.0 event of any of the five types; fields that a type
// does not have stay empty. Extensions holds every other key (user
// extensions such as "example:myField", or fields this model does not
// know) as raw JSON, and Raw the whole event's bytes as written: the hash is
// computed from Raw when it is set, so nothing an event carries escapes it.
// A decoded Event comes from the one strict reading of its input (strict.go),
// whichever way it was decoded.
type Event struct {
	Type                  string                     `json:"type"`
	EventTime             string                     `json:"eventTime,omitempty"`
	EventTimeZoneOffset   string                     `json:"eventTimeZoneOffset,omitempty"`
	RecordTime            string                     `json:"recordTime,omitempty"`
	EventID               string                     `json:"eventID,omitempty"`
	CertificationInfo     json.RawMessage            `json:"certificationInfo,omitempty"` // a string or a list of strings
	ErrorDeclaration      *ErrorDeclaration          `json:"errorDeclaration,omitempty"`
	EPCList               []string                   `json:"epcList,omitempty"`
	ParentID              string                     `json:"parentID,omitempty"`
	ChildEPCs             []string                   `json:"childEPCs,omitempty"`
	InputEPCList          []string                   `json:"inputEPCList,omitempty"`
	OutputEPCList         []string                   `json:"outputEPCList,omitempty"`
	QuantityList          []QuantityElement          `json:"quantityList,omitempty"`
	ChildQuantityList     []QuantityElement          `json:"childQuantityList,omitempty"`
	InputQuantityList     []QuantityElement          `json:"inputQuantityList,omitempty"`
	OutputQuantityList    []QuantityElement          `json:"outputQuantityList,omitempty"`
	Action                string                     `json:"action,omitempty"` // ADD, OBSERVE or DELETE
	TransformationID      string                     `json:"transformationID,omitempty"`
	BizStep               string                     `json:"bizStep,omitempty"`
	Disposition           string                     `json:"disposition,omitempty"`
	PersistentDisposition *PersistentDisposition     `json:"persistentDisposition,omitempty"`
	ReadPoint             *Location                  `json:"readPoint,omitempty"`
	BizLocation           *Location                  `json:"bizLocation,omitempty"`
	BizTransactionList    []BizTransaction           `json:"bizTransactionList,omitempty"`
	SourceList            []Source                   `json:"sourceList,omitempty"`
	DestinationList       []Destination              `json:"destinationList,omitempty"`
	SensorElementList     []SensorElement            `json:"sensorElementList,omitempty"`
	ILMD                  map[string]json.RawMessage `json:"ilmd,omitempty"`

	Extensions map[string]json.RawMessage `json:"-"`
	Raw        json.RawMessage            `json:"-"`
}

// QuantityElement is an entry of quantityList and its relatives.
type QuantityElement struct {
	EPCClass string       `json:"epcClass"`
	Quantity *json.Number `json:"quantity,omitempty"` // kept as written: 452.0 stays 452.0 on re-encoding
	UOM      string       `json:"uom,omitempty"`
}

// PersistentDisposition lists dispositions set and unset by an event.
type PersistentDisposition struct {
	Set   []string `json:"set,omitempty"`
	Unset []string `json:"unset,omitempty"`
}

// Location is a readPoint or bizLocation. Its user extensions are kept in
// the event's Raw.
type Location struct {
	ID string `json:"id"`
}

// BizTransaction is an entry of bizTransactionList.
type BizTransaction struct {
	Type           string `json:"type,omitempty"`
	BizTransaction string `json:"bizTransaction"`
}

// Source is an entry of sourceList.
type Source struct {
	Type   string `json:"type"`
	Source string `json:"source"`
}

// Destination is an entry of destinationList.
type Destination struct {
	Type        string `json:"type"`
	Destination string `json:"destination"`
}

// ErrorDeclaration marks an event as erroneous. It is not part of the hash.
type ErrorDeclaration struct {
	DeclarationTime    string   `json:"declarationTime"`
	Reason             string   `json:"reason,omitempty"`
	CorrectiveEventIDs []string `json:"correctiveEventIDs,omitempty"`
}

// SensorElement is an entry of sensorElementList.
type SensorElement struct {
	SensorMetadata *SensorMetadata `json:"sensorMetadata,omitempty"`
	SensorReport   []SensorReport  `json:"sensorReport"`
}

// SensorMetadata describes the sensor and the period of its reports.
type SensorMetadata struct {
	Time                 string `json:"time,omitempty"`
	StartTime            string `json:"startTime,omitempty"`
	EndTime              string `json:"endTime,omitempty"`
	DeviceID             string `json:"deviceID,omitempty"`
	DeviceMetadata       string `json:"deviceMetadata,omitempty"`
	RawData              string `json:"rawData,omitempty"`
	DataProcessingMethod string `json:"dataProcessingMethod,omitempty"`
	BizRules             string `json:"bizRules,omitempty"`
}

// SensorReport is one measurement or observation of a sensor.
type SensorReport struct {
	Type                      string       `json:"type,omitempty"`
	Exception                 string       `json:"exception,omitempty"`
	DeviceID                  string       `json:"deviceID,omitempty"`
	DeviceMetadata            string       `json:"deviceMetadata,omitempty"`
	RawData                   string       `json:"rawData,omitempty"`
	DataProcessingMethod      string       `json:"dataProcessingMethod,omitempty"`
	Time                      string       `json:"time,omitempty"`
	Microorganism             string       `json:"microorganism,omitempty"`
	ChemicalSubstance         string       `json:"chemicalSubstance,omitempty"`
	Value                     *json.Number `json:"value,omitempty"`
	Component                 string       `json:"component,omitempty"`
	StringValue               string       `json:"stringValue,omitempty"`
	BooleanValue              *bool        `json:"booleanValue,omitempty"`
	HexBinaryValue            string       `json:"hexBinaryValue,omitempty"`
	URIValue                  string       `json:"uriValue,omitempty"`
	MinValue                  *json.Number `json:"minValue,omitempty"`
	MaxValue                  *json.Number `json:"maxValue,omitempty"`
	MeanValue                 *json.Number `json:"meanValue,omitempty"`
	SDev                      *json.Number `json:"sDev,omitempty"`
	PercRank                  *json.Number `json:"percRank,omitempty"`
	PercValue                 *json.Number `json:"percValue,omitempty"`
	UOM                       string       `json:"uom,omitempty"`
	CoordinateReferenceSystem string       `json:"coordinateReferenceSystem,omitempty"`
}

// eventAlias has Event's fields without its methods, for the codec.
type eventAlias Event

// knownEventKeys are the JSON keys decoded into Event's typed fields.
var knownEventKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range []string{"type", "eventTime", "eventTimeZoneOffset", "recordTime", "eventID",
		"certificationInfo", "errorDeclaration", "epcList", "parentID", "childEPCs", "inputEPCList",
		"outputEPCList", "quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList",
		"action", "transformationID", "bizStep", "disposition", "persistentDisposition", "readPoint",
		"bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList", "ilmd"} {
		m[k] = true
	}
	return m
}()

// UnmarshalJSON reads the event strictly (readStrict: no duplicate keys, no
// standard key in another case), builds the typed fields from that one
// reading by exact keys, keeps every other key in Extensions and the whole
// event in Raw. Errors are *Error with pointers relative to the event. null
// leaves the event unchanged, as encoding/json does for other types.
func (e *Event) UnmarshalJSON(b []byte) error {
	rd, err := readStrict(b, readEvent)
	if err != nil {
		return err
	}
	if rd.root == nil {
		return nil
	}
	rd.own()
	ev, err := buildEvent(rd, rd.root, rd.single, "")
	if err != nil {
		return err
	}
	*e = ev
	return nil
}

// MarshalJSON writes Raw when it is set, so that decoding and re-encoding an
// event is byte-faithful; an Event built in Go is written from its fields
// and Extensions. (Clear Raw after changing a decoded event's fields.)
func (e Event) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	typed, err := json.Marshal(eventAlias(e))
	if err != nil {
		return nil, err
	}
	if len(e.Extensions) == 0 {
		return typed, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(typed, &m); err != nil { // our own encoding of the typed fields
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(e.Extensions)) {
		// A standard key in another case would make an event that the
		// strict reading refuses, so it is refused here already.
		if std := caseVariantOf(k); std != "" {
			return nil, errorf(CodeKeyCase, "/"+pointerKey(k), "the extension %q is the standard key %q in another case", k, std)
		}
		if _, clash := m[k]; !clash {
			m[k] = e.Extensions[k]
		}
	}
	return json.Marshal(m)
}

// Hash returns the event's CBV 2.0 hash ID, computed from Raw when set (all
// that was decoded, extensions included) and from the fields otherwise.
func (e *Event) Hash(ctx *Context) (string, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return "", err
	}
	return EventHash(b, ctx)
}

// ParseDocument reads an EPCISDocument or EPCISQueryDocument once,
// strictly (readStrict), and builds the Document from that reading: its
// events are the events DocumentHashes hashes, in the same order, each with
// its bytes as written in Raw. The single-event form epcisBody.event comes
// out as an eventList of one.
func ParseDocument(b []byte) (*Document, error) {
	rd, err := readStrict(b, readDocument)
	if err != nil {
		return nil, err
	}
	rd.own()
	return rd.document()
}

// UnmarshalJSON is ParseDocument, so that no caller decodes a document
// with encoding/json's lax reading (keys matched in any case, the last of
// two duplicates kept).
func (d *Document) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil // as encoding/json does for other types
	}
	pd, err := ParseDocument(b)
	if err != nil {
		return err
	}
	*d = *pd
	return nil
}
