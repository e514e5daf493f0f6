package epcis

// DocumentHashes returns the event hash of every event of an EPCISDocument
// (epcisBody.eventList) or EPCISQueryDocument
// (epcisBody.queryResults.resultsBody.eventList), in document order. The
// document's @context supplies the prefixes of user extensions. Errors are
// *Error with pointers into the document, e.g. /epcisBody/eventList/3/bizStep.
func DocumentHashes(doc []byte) ([]string, error) {
	pre, err := DocumentPreHashes(doc)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(pre))
	for i, p := range pre {
		out[i] = HashPreHash(p)
	}
	return out, nil
}

// DocumentPreHashes is DocumentHashes returning the pre-hash strings.
func DocumentPreHashes(doc []byte) ([]string, error) {
	var v any
	if err := decodeJSON(doc, &v); err != nil {
		return nil, errorf(CodeSyntax, "", "%v", err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(CodeNotObject, "", "an EPCIS document must be a JSON object")
	}
	ctx, err := (*Context)(nil).With(root["@context"], "/@context")
	if err != nil {
		return nil, err
	}
	events, base, err := eventList(root)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(events))
	for i, ev := range events {
		p, err := preHashValue(ev, ctx, base+"/"+itoa(i))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// eventList finds the events of a capture or query document and the JSON
// pointer of the list.
func eventList(root map[string]any) ([]any, string, error) {
	body, ok := root["epcisBody"].(map[string]any)
	if !ok {
		return nil, "", errorf(CodeNoEvents, "/epcisBody", "the document has no epcisBody object")
	}
	if l, ok := body["eventList"]; ok {
		return asList(l, "/epcisBody/eventList")
	}
	if qr, ok := body["queryResults"].(map[string]any); ok {
		if rb, ok := qr["resultsBody"].(map[string]any); ok {
			if l, ok := rb["eventList"]; ok {
				return asList(l, "/epcisBody/queryResults/resultsBody/eventList")
			}
		}
		return nil, "", errorf(CodeNoEvents, "/epcisBody/queryResults", "queryResults has no resultsBody.eventList")
	}
	// A document carrying one event as epcisBody.event (the XML binding's
	// single-event form) is accepted too.
	if ev, ok := body["event"]; ok {
		return []any{ev}, "/epcisBody/event", nil
	}
	return nil, "", errorf(CodeNoEvents, "/epcisBody", "epcisBody has neither eventList nor queryResults")
}

func asList(l any, ptr string) ([]any, string, error) {
	arr, ok := l.([]any)
	if !ok {
		return nil, "", errorf(CodeNoEvents, ptr, "eventList must be a list")
	}
	return arr, ptr, nil
}
