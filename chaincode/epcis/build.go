package epcis

import (
	"encoding/json"
)

// treeBuilder builds the model's structs from the tree of a strict reading,
// by exact key lookups: the typed Event is what the hash read, key for key,
// and nothing decodes the input a second time. err keeps the first problem,
// found in the fixed order of the struct fields, so every endorser reports
// the same one.
type treeBuilder struct {
	err *Error
}

func (b *treeBuilder) fail(code Code, ptr, format string, args ...any) {
	if b.err == nil {
		b.err = errorf(code, ptr, format, args...)
	}
}

// str returns the string m[k]; absent and null are "".
func (b *treeBuilder) str(m map[string]any, k, ptr string) string {
	switch v := m[k].(type) {
	case nil:
		return ""
	case string:
		return v
	}
	b.fail(CodeInvalidValue, ptr+"/"+pointerKey(k), "%s must be a string", k)
	return ""
}

// strs returns the list of strings m[k]; absent and null are nil.
func (b *treeBuilder) strs(m map[string]any, k, ptr string) []string {
	v, ok := m[k]
	if !ok || v == nil {
		return nil
	}
	p := ptr + "/" + pointerKey(k)
	l, ok := v.([]any)
	if !ok {
		b.fail(CodeInvalidValue, p, "%s must be a list of strings", k)
		return nil
	}
	out := make([]string, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			b.fail(CodeInvalidValue, p+"/"+itoa(i), "an element of %s must be a string", k)
			return nil
		}
		out[i] = s
	}
	return out
}

// number returns the number m[k]; absent and null are nil. A string that is
// a number literal is taken, as encoding/json takes it into a json.Number.
func (b *treeBuilder) number(m map[string]any, k, ptr string) *json.Number {
	switch v := m[k].(type) {
	case nil:
		return nil
	case json.Number:
		return &v
	case string:
		if isJSONNumber(v) {
			n := json.Number(v)
			return &n
		}
	}
	b.fail(CodeInvalidValue, ptr+"/"+pointerKey(k), "%s must be a number", k)
	return nil
}

// boolean returns the boolean m[k]; absent and null are nil.
func (b *treeBuilder) boolean(m map[string]any, k, ptr string) *bool {
	switch v := m[k].(type) {
	case nil:
		return nil
	case bool:
		return &v
	}
	b.fail(CodeInvalidValue, ptr+"/"+pointerKey(k), "%s must be true or false", k)
	return nil
}

// object returns v as an object; null is nil.
func (b *treeBuilder) object(v any, ptr, what string) map[string]any {
	switch o := v.(type) {
	case nil:
		return nil
	case map[string]any:
		return o
	}
	b.fail(CodeNotObject, ptr, "%s must be an object", what)
	return nil
}

// objects returns the objects of the list m[k]; absent and null are nil.
// single accepts one object written without the list, as the hash does for
// sensorReport.
func (b *treeBuilder) objects(m map[string]any, k, ptr string, single bool) ([]map[string]any, []string) {
	v, ok := m[k]
	if !ok || v == nil {
		return nil, nil
	}
	p := ptr + "/" + pointerKey(k)
	if o, ok := v.(map[string]any); ok && single {
		return []map[string]any{o}, []string{p}
	}
	l, ok := v.([]any)
	if !ok {
		b.fail(CodeInvalidValue, p, "%s must be a list", k)
		return nil, nil
	}
	out, ptrs := make([]map[string]any, len(l)), make([]string, len(l))
	for i, e := range l {
		ptrs[i] = p + "/" + itoa(i)
		o, ok := e.(map[string]any)
		if !ok {
			b.fail(CodeNotObject, ptrs[i], "an element of %s must be an object", k)
			return nil, nil
		}
		out[i] = o
	}
	return out, ptrs
}

func (b *treeBuilder) quantities(m map[string]any, k, ptr string) []QuantityElement {
	objs, ptrs := b.objects(m, k, ptr, false)
	if objs == nil {
		return nil
	}
	out := make([]QuantityElement, len(objs))
	for i, o := range objs {
		out[i] = QuantityElement{EPCClass: b.str(o, "epcClass", ptrs[i]), Quantity: b.number(o, "quantity", ptrs[i]), UOM: b.str(o, "uom", ptrs[i])}
	}
	return out
}

func (b *treeBuilder) location(m map[string]any, k, ptr string) *Location {
	p := ptr + "/" + pointerKey(k)
	o := b.object(m[k], p, k)
	if o == nil {
		return nil
	}
	return &Location{ID: b.str(o, "id", p)}
}

func (b *treeBuilder) sensorElements(m map[string]any, ptr string) []SensorElement {
	objs, ptrs := b.objects(m, "sensorElementList", ptr, false)
	if objs == nil {
		return nil
	}
	out := make([]SensorElement, len(objs))
	for i, o := range objs {
		mp := ptrs[i] + "/sensorMetadata"
		if md := b.object(o["sensorMetadata"], mp, "sensorMetadata"); md != nil {
			out[i].SensorMetadata = &SensorMetadata{
				Time: b.str(md, "time", mp), StartTime: b.str(md, "startTime", mp), EndTime: b.str(md, "endTime", mp),
				DeviceID: b.str(md, "deviceID", mp), DeviceMetadata: b.str(md, "deviceMetadata", mp), RawData: b.str(md, "rawData", mp),
				DataProcessingMethod: b.str(md, "dataProcessingMethod", mp), BizRules: b.str(md, "bizRules", mp),
			}
		}
		reports, rptrs := b.objects(o, "sensorReport", ptrs[i], true)
		if reports == nil {
			continue
		}
		out[i].SensorReport = make([]SensorReport, len(reports))
		for j, r := range reports {
			p := rptrs[j]
			out[i].SensorReport[j] = SensorReport{
				Type: b.str(r, "type", p), Exception: b.str(r, "exception", p), DeviceID: b.str(r, "deviceID", p),
				DeviceMetadata: b.str(r, "deviceMetadata", p), RawData: b.str(r, "rawData", p),
				DataProcessingMethod: b.str(r, "dataProcessingMethod", p), Time: b.str(r, "time", p),
				Microorganism: b.str(r, "microorganism", p), ChemicalSubstance: b.str(r, "chemicalSubstance", p),
				Value: b.number(r, "value", p), Component: b.str(r, "component", p), StringValue: b.str(r, "stringValue", p),
				BooleanValue: b.boolean(r, "booleanValue", p), HexBinaryValue: b.str(r, "hexBinaryValue", p),
				URIValue: b.str(r, "uriValue", p), MinValue: b.number(r, "minValue", p), MaxValue: b.number(r, "maxValue", p),
				MeanValue: b.number(r, "meanValue", p), SDev: b.number(r, "sDev", p), PercRank: b.number(r, "percRank", p),
				PercValue: b.number(r, "percValue", p), UOM: b.str(r, "uom", p),
				CoordinateReferenceSystem: b.str(r, "coordinateReferenceSystem", p),
			}
		}
	}
	return out
}

// buildEvent builds the Event of one event node of a reading; sp are its
// bytes and ptr its JSON pointer.
func buildEvent(rd *reading, node any, sp *eventSpans, ptr string) (Event, error) {
	m, ok := node.(map[string]any)
	if !ok {
		return Event{}, errorf(CodeNotObject, ptr, "an event must be a JSON object")
	}
	b := &treeBuilder{}
	e := Event{
		Type:                b.str(m, "type", ptr),
		EventTime:           b.str(m, "eventTime", ptr),
		EventTimeZoneOffset: b.str(m, "eventTimeZoneOffset", ptr),
		RecordTime:          b.str(m, "recordTime", ptr),
		EventID:             b.str(m, "eventID", ptr),
		EPCList:             b.strs(m, "epcList", ptr),
		ParentID:            b.str(m, "parentID", ptr),
		ChildEPCs:           b.strs(m, "childEPCs", ptr),
		InputEPCList:        b.strs(m, "inputEPCList", ptr),
		OutputEPCList:       b.strs(m, "outputEPCList", ptr),
		QuantityList:        b.quantities(m, "quantityList", ptr),
		ChildQuantityList:   b.quantities(m, "childQuantityList", ptr),
		InputQuantityList:   b.quantities(m, "inputQuantityList", ptr),
		OutputQuantityList:  b.quantities(m, "outputQuantityList", ptr),
		Action:              b.str(m, "action", ptr),
		TransformationID:    b.str(m, "transformationID", ptr),
		BizStep:             b.str(m, "bizStep", ptr),
		Disposition:         b.str(m, "disposition", ptr),
		ReadPoint:           b.location(m, "readPoint", ptr),
		BizLocation:         b.location(m, "bizLocation", ptr),
		SensorElementList:   b.sensorElements(m, ptr),
	}
	if o := b.object(m["errorDeclaration"], ptr+"/errorDeclaration", "errorDeclaration"); o != nil {
		p := ptr + "/errorDeclaration"
		e.ErrorDeclaration = &ErrorDeclaration{DeclarationTime: b.str(o, "declarationTime", p), Reason: b.str(o, "reason", p),
			CorrectiveEventIDs: b.strs(o, "correctiveEventIDs", p)}
	}
	if o := b.object(m["persistentDisposition"], ptr+"/persistentDisposition", "persistentDisposition"); o != nil {
		p := ptr + "/persistentDisposition"
		e.PersistentDisposition = &PersistentDisposition{Set: b.strs(o, "set", p), Unset: b.strs(o, "unset", p)}
	}
	if objs, ptrs := b.objects(m, "bizTransactionList", ptr, false); objs != nil {
		e.BizTransactionList = make([]BizTransaction, len(objs))
		for i, o := range objs {
			e.BizTransactionList[i] = BizTransaction{Type: b.str(o, "type", ptrs[i]), BizTransaction: b.str(o, "bizTransaction", ptrs[i])}
		}
	}
	if objs, ptrs := b.objects(m, "sourceList", ptr, false); objs != nil {
		e.SourceList = make([]Source, len(objs))
		for i, o := range objs {
			e.SourceList[i] = Source{Type: b.str(o, "type", ptrs[i]), Source: b.str(o, "source", ptrs[i])}
		}
	}
	if objs, ptrs := b.objects(m, "destinationList", ptr, false); objs != nil {
		e.DestinationList = make([]Destination, len(objs))
		for i, o := range objs {
			e.DestinationList[i] = Destination{Type: b.str(o, "type", ptrs[i]), Destination: b.str(o, "destination", ptrs[i])}
		}
	}
	b.object(m["ilmd"], ptr+"/ilmd", "ilmd") // its members are kept raw below
	if b.err != nil {
		return Event{}, b.err
	}
	// The members' bytes, in document order: certificationInfo, ilmd and
	// every key the model has no field for are kept as written.
	for _, mb := range sp.members {
		switch {
		case mb.key == "certificationInfo":
			e.CertificationInfo = rd.raw(mb.span)
		case mb.key == "ilmd":
			if m["ilmd"] != nil {
				e.ILMD = make(map[string]json.RawMessage, len(sp.ilmd))
				for _, im := range sp.ilmd {
					e.ILMD[im.key] = rd.raw(im.span)
				}
			}
		case !knownEventKeys[mb.key]:
			if e.Extensions == nil {
				e.Extensions = map[string]json.RawMessage{}
			}
			e.Extensions[mb.key] = rd.raw(mb.span)
		}
	}
	e.Raw = rd.raw(sp.span)
	return e, nil
}

// isJSONNumber says whether s is a JSON number literal.
func isJSONNumber(s string) bool {
	r := &reader{in: []byte(s)}
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	_, err := r.number()
	return err == nil && r.pos == len(s)
}

// own gives the reading its own copy of the input before raw values are
// handed out, so that a caller reusing its buffer cannot change an Event's
// Raw behind it.
func (rd *reading) own() {
	rd.src = append([]byte(nil), rd.src...)
}

// documentHead builds the Document of a reading without its events: the
// header fields, with @context and epcisHeader as written.
func (rd *reading) documentHead() (*Document, error) {
	root, ok := rd.root.(map[string]any)
	if !ok {
		return nil, errorf(CodeNotObject, "", "an EPCIS document must be a JSON object")
	}
	b := &treeBuilder{}
	d := &Document{ID: b.str(root, "id", ""), SchemaVersion: b.str(root, "schemaVersion", ""), CreationDate: b.str(root, "creationDate", "")}
	d.Type, _ = root["type"].(string)
	if d.Type != "EPCISDocument" && d.Type != "EPCISQueryDocument" {
		return nil, errorf(CodeUnknownType, "/type", "document type %v is neither EPCISDocument nor EPCISQueryDocument", jsonText(root["type"]))
	}
	if b.err != nil {
		return nil, b.err
	}
	for _, mb := range rd.top {
		switch mb.key {
		case "@context":
			d.Context = rd.raw(mb.span)
		case "epcisHeader":
			d.Header = rd.raw(mb.span)
		}
	}
	return d, nil
}

// setEvents puts a document's events where the document keeps them: in
// queryResults for a query document, else in eventList (the single-event
// form included, which re-encodes as a list of one).
func (rd *reading) setEvents(d *Document, de documentEvents, events []Event) error {
	if !de.query {
		d.Body.EventList = events
		return nil
	}
	body, _ := rd.root.(map[string]any)["epcisBody"].(map[string]any)
	qr, _ := body["queryResults"].(map[string]any)
	const p = "/epcisBody/queryResults"
	b := &treeBuilder{}
	d.Body.QueryResults = &QueryResults{SubscriptionID: b.str(qr, "subscriptionID", p), QueryName: b.str(qr, "queryName", p),
		ResultsBody: ResultsBody{EventList: events}}
	if b.err != nil {
		return b.err
	}
	return nil
}

// document builds the whole Document of a reading.
func (rd *reading) document() (*Document, error) {
	d, err := rd.documentHead()
	if err != nil {
		return nil, err
	}
	de, err := rd.events()
	if err != nil {
		return nil, err
	}
	events := make([]Event, len(de.nodes))
	for i, n := range de.nodes {
		if events[i], err = buildEvent(rd, n, &de.spans[i], de.pointer(i)); err != nil {
			return nil, err
		}
	}
	if err := rd.setEvents(d, de, events); err != nil {
		return nil, err
	}
	return d, nil
}

// jsonText writes a tree value for a message.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}
