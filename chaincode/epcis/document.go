package epcis

// DocumentHashes returns the event hash of every event of an EPCISDocument
// (epcisBody.eventList) or EPCISQueryDocument
// (epcisBody.queryResults.resultsBody.eventList), in document order. The
// document's @context supplies the prefixes of user extensions. The document
// is read once, strictly (readStrict). Errors are *Error with pointers into
// the document, e.g. /epcisBody/eventList/3/bizStep.
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
	rd, err := readStrict(doc, readDocument)
	if err != nil {
		return nil, err
	}
	de, err := rd.events()
	if err != nil {
		return nil, err
	}
	ctx, err := rd.context()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(de.nodes))
	for i, ev := range de.nodes {
		p, err := preHashValue(ev, ctx, de.pointer(i))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// documentEvents are the events of a document read in document mode: one
// tree node and one eventSpans per event, from the one list the document
// keeps them in. Hashing, ParseDocument and ParseCapture all take their
// events from here, so they see the same events, as many of them.
type documentEvents struct {
	nodes  []any
	spans  []eventSpans
	base   string // JSON pointer of the list, or of the event in the single-event form
	single bool   // epcisBody.event
	query  bool   // epcisBody.queryResults.resultsBody.eventList
}

// pointer returns the JSON pointer of event i.
func (de *documentEvents) pointer(i int) string {
	if de.single {
		return de.base
	}
	return de.base + "/" + itoa(i)
}

// events finds the events of a document: in epcisBody.eventList, in
// epcisBody.queryResults.resultsBody.eventList, or as epcisBody.event (the
// XML binding's single-event form). A body that holds events in more than
// one of these places is refused: which of them would count is exactly the
// kind of choice two readers make differently.
func (rd *reading) events() (documentEvents, error) {
	root, ok := rd.root.(map[string]any)
	if !ok {
		return documentEvents{}, errorf(CodeNotObject, "", "an EPCIS document must be a JSON object")
	}
	body, ok := root["epcisBody"].(map[string]any)
	if !ok {
		return documentEvents{}, errorf(CodeNoEvents, "/epcisBody", "the document has no epcisBody object")
	}
	var where []string // in document order
	for _, mb := range rd.body {
		switch mb.key {
		case "eventList", "queryResults", "event":
			where = append(where, mb.key)
		}
	}
	if len(where) == 0 {
		return documentEvents{}, errorf(CodeNoEvents, "/epcisBody", "epcisBody has neither eventList nor queryResults")
	}
	if len(where) > 1 {
		return documentEvents{}, errorf(CodeInvalidValue, "/epcisBody/"+where[1],
			"epcisBody has both %s and %s: a document holds its events in one place", where[0], where[1])
	}
	var de documentEvents
	switch where[0] {
	case "eventList":
		l, ok := body["eventList"].([]any)
		if !ok {
			return documentEvents{}, errorf(CodeNoEvents, "/epcisBody/eventList", "eventList must be a list")
		}
		de = documentEvents{nodes: l, spans: rd.bodyEvents, base: "/epcisBody/eventList"}
	case "queryResults":
		qr, _ := body["queryResults"].(map[string]any)
		rb, _ := qr["resultsBody"].(map[string]any)
		l, present := rb["eventList"]
		if !present {
			return documentEvents{}, errorf(CodeNoEvents, "/epcisBody/queryResults", "queryResults has no resultsBody.eventList")
		}
		list, ok := l.([]any)
		if !ok {
			return documentEvents{}, errorf(CodeNoEvents, "/epcisBody/queryResults/resultsBody/eventList", "eventList must be a list")
		}
		de = documentEvents{nodes: list, spans: rd.queryEvents, base: "/epcisBody/queryResults/resultsBody/eventList", query: true}
	default:
		de = documentEvents{nodes: []any{body["event"]}, spans: []eventSpans{*rd.single}, base: "/epcisBody/event", single: true}
	}
	if len(de.spans) != len(de.nodes) {
		// Cannot happen: the reader records one span per element it reads.
		return documentEvents{}, errorf(CodeInvalidValue, de.base, "internal error: %d events read, %d located", len(de.nodes), len(de.spans))
	}
	return de, nil
}

// context returns the prefixes of the document's @context, from the tree.
func (rd *reading) context() (*Context, error) {
	root, _ := rd.root.(map[string]any)
	return (*Context)(nil).With(root["@context"], "/@context")
}
