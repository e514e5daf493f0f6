package epcis

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CaptureAction names the ledger operation a captured event maps to.
type CaptureAction string

// The ledger operations a captured event can map to (docs/epcis.md,
// "Capture transaction").
const (
	CaptureCommission    CaptureAction = "Commission"    // ObjectEvent ADD commissioning, epcList of SGTINs
	CaptureCommissionLot CaptureAction = "CommissionLot" // ObjectEvent ADD commissioning, quantityList of one LGTIN
	CapturePack          CaptureAction = "Pack"          // AggregationEvent ADD
	CaptureUnpack        CaptureAction = "Unpack"        // AggregationEvent DELETE, childEPCs named
	CaptureShip          CaptureAction = "Ship"          // ObjectEvent OBSERVE shipping
	CaptureReceive       CaptureAction = "Receive"       // ObjectEvent OBSERVE receiving
	CaptureReject        CaptureAction = "Reject"        // ObjectEvent OBSERVE void_shipping
	CaptureDecommission  CaptureAction = "Decommission"  // ObjectEvent DELETE decommissioning
)

// ILMD attributes that commissioning reads, as expanded keys: the CBV 2.0
// master-data attributes for the lot number, the production date and the
// expiry date.
const (
	ilmdLotNumber      = "{urn:epcglobal:cbv:mda:}lotNumber"
	ilmdProductionDate = "{urn:epcglobal:cbv:mda:}productionDate"
	ilmdExpiryDate     = "{urn:epcglobal:cbv:mda:}itemExpirationDate"
)

// Capture is one captured event as the ledger applies it: what the domain
// operation needs, with identifiers in canonical Digital Link form and CBV
// terms as bare words. Everything else the event carries (bizTransactionList,
// sensor data, user extensions, ...) is covered by EventID only.
type Capture struct {
	Pointer   string // JSON pointer of the event in the document
	Action    CaptureAction
	EventID   string    // CBV 2.0 hash of the whole event
	EventTime time.Time // eventTime, UTC, milliseconds

	EPCs     []string // epcList, or childEPCs of an aggregation
	ParentID string   // aggregation: the container
	Class    string   // lot commissioning: the LGTIN Digital Link
	Quantity int64    // lot commissioning: its quantity

	GTIN           string // commissioning: the product of the SGTINs or LGTIN
	LotNumber      string // commissioning: ILMD cbvmda:lotNumber (or the LGTIN's lot)
	ProductionDate string // commissioning: YYYY-MM-DD, ILMD cbvmda:productionDate, else eventTime's date
	ExpiryDate     string // commissioning: YYYY-MM-DD, ILMD cbvmda:itemExpirationDate

	Disposition string // bare CBV word, "" when absent
	Source      string // sourceList owning_party (or possessing_party), canonical
	Destination string // destinationList owning_party (or possessing_party), canonical
	// SourceLocation and DestinationLocation are the location entries of
	// sourceList and destinationList, canonical: the ledger checks them as
	// it checks the parties, so nothing it anchors goes unchecked.
	SourceLocation      string
	DestinationLocation string
	ReadPoint           string // readPoint id, canonical
	BizLocation         string // bizLocation id, canonical
}

// ParseCapture reads an EPCISDocument whose events are to be captured into
// the ledger and maps each event to its operation, in document order. It
// refuses, with an *Error whose pointer names the event and field, anything
// the ledger cannot apply as one of its operations: event types, actions and
// business steps without a ledger counterpart, retail_selling (a sale is
// recorded with Sell, so that buyer data never enters an event), error
// declarations, persistentDisposition, an eventID that is not the event's
// hash, and more than maxEvents events. It reads no clock: time windows and
// master data are the ledger's checks.
//
// The document is read once, strictly (readStrict), and each event is
// hashed and mapped from the same node of that one reading: the event the
// ledger anchors is the event it applies, field for field.
func ParseCapture(doc []byte, maxEvents int) ([]Capture, error) {
	rd, err := readStrict(doc, readDocument)
	if err != nil {
		return nil, err
	}
	_, caps, err := parseCapture(rd, maxEvents)
	return caps, err
}

// ParseCaptureDocument is ParseCapture that also returns the document it
// read, for a caller that needs its header or its events verbatim (Raw) and
// would otherwise read it again.
func ParseCaptureDocument(doc []byte, maxEvents int) (*Document, []Capture, error) {
	rd, err := readStrict(doc, readDocument)
	if err != nil {
		return nil, nil, err
	}
	rd.own()
	return parseCapture(rd, maxEvents)
}

// parseCapture maps the events of one reading. The count is checked before
// any event is built or hashed, so an oversized document costs one reading.
func parseCapture(rd *reading, maxEvents int) (*Document, []Capture, error) {
	d, err := rd.documentHead()
	if err != nil {
		return nil, nil, err
	}
	de, err := rd.events()
	if err != nil {
		return nil, nil, err
	}
	if d.Type != "EPCISDocument" {
		return nil, nil, errorf(CodeUnsupported, "/type", "capture takes an EPCISDocument, not an %s", d.Type)
	}
	if len(de.nodes) == 0 {
		return nil, nil, errorf(CodeNoEvents, de.base, "the document has no events to capture")
	}
	if len(de.nodes) > maxEvents {
		return nil, nil, errorf(CodeUnsupported, de.base, "%d events: capture at most %d per transaction", len(de.nodes), maxEvents)
	}
	ctx, err := rd.context()
	if err != nil {
		return nil, nil, err
	}
	events := make([]Event, len(de.nodes))
	out := make([]Capture, len(de.nodes))
	for i, n := range de.nodes {
		ptr := de.pointer(i)
		if events[i], err = buildEvent(rd, n, &de.spans[i], ptr); err != nil {
			return nil, nil, err
		}
		node := n.(map[string]any) // buildEvent refused anything else
		ectx, err := eventContext(node, ctx, ptr)
		if err != nil {
			return nil, nil, err
		}
		pre, err := preHashEvent(node, ectx, ptr)
		if err != nil {
			return nil, nil, err
		}
		ilmd := make([]string, len(de.spans[i].ilmd))
		for j, m := range de.spans[i].ilmd {
			ilmd[j] = m.key
		}
		p := &capParser{ev: &events[i], node: node, ilmdKeys: ilmd, ptr: ptr, ctx: ectx}
		if out[i], err = p.parse(HashPreHash(pre)); err != nil {
			return nil, nil, err
		}
	}
	if err := rd.setEvents(d, de, events); err != nil {
		return nil, nil, err
	}
	return d, out, nil
}

// capParser maps one event: ev is built from node, the tree node the
// event's hash was computed from, and ctx is the context it was hashed with.
type capParser struct {
	ev       *Event
	node     map[string]any
	ilmdKeys []string // the keys of the event's ilmd, in document order
	ptr      string
	ctx      *Context
}

func (p *capParser) fail(code Code, field, format string, args ...any) *Error {
	ptr := p.ptr
	if field != "" {
		ptr += "/" + field
	}
	return errorf(code, ptr, format, args...)
}

func (p *capParser) parse(hash string) (Capture, error) {
	ev := p.ev
	c := Capture{Pointer: p.ptr, EventID: hash}
	if ev.ErrorDeclaration != nil {
		return c, p.fail(CodeUnsupported, "errorDeclaration", "an error declaration corrects an event the ledger cannot change: capture a corrective event")
	}
	if _, ok := p.node["persistentDisposition"]; ok {
		// The ledger keeps its own recall and disposition state: an event
		// that unsets "recalled" on a unit the ledger shows recalled must
		// not be anchored as if the ledger agreed.
		return c, p.fail(CodeUnsupported, "persistentDisposition",
			"persistentDisposition is not captured: the ledger keeps the recall and disposition state of the goods itself")
	}
	if _, ok := p.node["recordTime"]; ok {
		// The capturing repository assigns recordTime, and the hash leaves it
		// out: a captured one would be served by the member's query
		// interface as if the repository had recorded it, and no verifier
		// could tell.
		return c, p.fail(CodeUnsupported, "recordTime", "recordTime is assigned by the repository that records the event: leave it out")
	}
	// In key order, so that every endorser reports the same refusal.
	for _, k := range slices.Sorted(maps.Keys(p.node)) {
		if strings.HasPrefix(k, TracechainPrefix+":") || strings.HasPrefix(p.ctx.expandKey(k), "{"+TracechainNamespace) {
			// The ledger's own annotations (tracechain:txId, ...) are
			// written by the services from the ledger; a captured copy
			// would pass for them.
			return c, p.fail(CodeUnsupported, pointerKey(k), "%s is in the ledger's own namespace %s: a captured event cannot carry it", k, TracechainNamespace)
		}
		if !knownEventKeys[k] && k != "@context" && !ignoredEverywhere[k] && !strings.HasPrefix(p.ctx.expandKey(k), "{") {
			// EPCIS 2.0 names every other event key by an IRI. A bare key
			// ("bizLocation0") or one whose prefix no @context declares would
			// be hashed among the extensions and read by nobody, and a
			// reader of the pre-hash string could not tell it from a field.
			return c, p.fail(CodeUnknownKey, pointerKey(k),
				"%q is neither a field of an EPCIS 2.0 event nor an extension in a namespace: declare its prefix in @context or give the full IRI", k)
		}
	}
	if ev.EventID != "" && ev.EventID != hash {
		return c, p.fail(CodeInvalidValue, "eventID", "eventID %q is not the event's CBV 2.0 hash %s: leave it out or give the hash", ev.EventID, hash)
	}
	t, ok := canonTime(ev.EventTime)
	if !ok {
		return c, p.fail(CodeInvalidTime, "eventTime", "eventTime %q is not a dateTimeStamp", ev.EventTime)
	}
	var err error
	if c.EventTime, err = time.Parse("2006-01-02T15:04:05.000Z", t); err != nil {
		// In UTC the instant left the years 0001-9999 (0000-01-01T00:00+01:00):
		// the hash holds a time the ledger could not record.
		return c, p.fail(CodeInvalidTime, "eventTime", "eventTime %q is %s in UTC, outside the years 0001 to 9999", ev.EventTime, t)
	}
	step := p.word(ev.BizStep, vocabBizStep)
	c.Disposition = p.word(ev.Disposition, vocabDisposition)
	if c.ReadPoint, err = p.location("readPoint", ev.ReadPoint); err != nil {
		return c, err
	}
	if c.BizLocation, err = p.location("bizLocation", ev.BizLocation); err != nil {
		return c, err
	}
	switch ev.Type {
	case "ObjectEvent":
		err = p.object(&c, step)
	case "AggregationEvent":
		err = p.aggregation(&c, step)
	default:
		err = p.fail(CodeUnsupported, "type", "%s has no ledger operation: capture ObjectEvents and AggregationEvents", ev.Type)
	}
	return c, err
}

// word returns a CBV term as its bare word: "" when absent, the value as
// the hash writes it when it is not a term of voc (which no case below
// accepts). The value is normalised exactly as the hash normalises it
// (hasher.scalarItem), so the word is the one the pre-hash string holds.
func (p *capParser) word(v string, voc *vocabulary) string {
	s := canonValue(p.ctx, voc.expand(strings.TrimSpace(v)))
	if w, ok := strings.CutPrefix(s, voc.prefix); ok {
		return w
	}
	return s
}

// transformationOnly are the fields of a TransformationEvent. The hash
// covers them wherever they are, so an ObjectEvent or AggregationEvent that
// carries them would anchor goods the ledger does not move.
func (p *capParser) transformationOnly() error {
	ev := p.ev
	for _, f := range []struct {
		name  string
		empty bool
	}{{"inputEPCList", len(ev.InputEPCList) == 0}, {"inputQuantityList", len(ev.InputQuantityList) == 0},
		{"outputEPCList", len(ev.OutputEPCList) == 0}, {"outputQuantityList", len(ev.OutputQuantityList) == 0},
		{"transformationID", strings.TrimSpace(ev.TransformationID) == ""}} {
		if !f.empty {
			return p.fail(CodeInvalidValue, f.name, "an %s has no %s", ev.Type, f.name)
		}
	}
	return nil
}

func (p *capParser) location(field string, l *Location) (string, error) {
	if l == nil {
		return "", nil
	}
	id := canonValue(p.ctx, l.ID)
	if id == "" {
		return "", p.fail(CodeInvalidValue, field+"/id", "%s has no id", field)
	}
	return id, nil
}

func (p *capParser) object(c *Capture, step string) error {
	ev := p.ev
	for _, f := range []struct {
		name  string
		empty bool
	}{{"parentID", ev.ParentID == ""}, {"childEPCs", len(ev.ChildEPCs) == 0}, {"childQuantityList", len(ev.ChildQuantityList) == 0}} {
		if !f.empty {
			return p.fail(CodeInvalidValue, f.name, "an ObjectEvent has no %s", f.name)
		}
	}
	if err := p.transformationOnly(); err != nil {
		return err
	}
	var want string // the disposition the ledger gives the goods after the step
	switch {
	case ev.Action == "ADD" && step == "commissioning":
		want = "active"
		if err := p.commissioning(c); err != nil {
			return err
		}
	case ev.Action == "OBSERVE" && step == "shipping":
		c.Action, want = CaptureShip, "in_transit"
	case ev.Action == "OBSERVE" && step == "receiving":
		c.Action, want = CaptureReceive, "active"
	case ev.Action == "OBSERVE" && step == "void_shipping":
		c.Action, want = CaptureReject, "active"
	case ev.Action == "DELETE" && step == "decommissioning":
		c.Action = CaptureDecommission
		switch c.Disposition {
		case "destroyed", "stolen", "damaged":
		default:
			return p.fail(CodeInvalidValue, "disposition", "decommissioning needs the disposition destroyed, stolen or damaged, got %q", c.Disposition)
		}
	case step == "retail_selling":
		return p.fail(CodeUnsupported, "bizStep",
			"a sale is not captured: record it with Sell, whose buyer data travels as transient data and never enters an EPCIS event")
	default:
		return p.fail(CodeUnsupported, "bizStep", "ObjectEvent %s with bizStep %q has no ledger operation", ev.Action, step)
	}
	if want != "" && c.Disposition != "" && c.Disposition != want {
		return p.fail(CodeInvalidValue, "disposition", "after %s the ledger records the goods as %s, not %s", step, want, c.Disposition)
	}
	if c.Action != CaptureCommissionLot {
		if len(ev.QuantityList) > 0 {
			return p.fail(CodeUnsupported, "quantityList", "%s of quantities is not captured: name instances in epcList", c.Action)
		}
		var err error
		if c.EPCs, err = p.epcs("epcList", ev.EPCList); err != nil {
			return err
		}
	}
	var err error
	src := make([]sdEntry, len(ev.SourceList))
	for i, s := range ev.SourceList {
		src[i] = sdEntry{s.Type, s.Source}
	}
	if c.Source, c.SourceLocation, err = p.sourceDest("sourceList", "source", src); err != nil {
		return err
	}
	dst := make([]sdEntry, len(ev.DestinationList))
	for i, d := range ev.DestinationList {
		dst[i] = sdEntry{d.Type, d.Destination}
	}
	if c.Destination, c.DestinationLocation, err = p.sourceDest("destinationList", "destination", dst); err != nil {
		return err
	}
	if c.Action == CaptureShip && c.Destination == "" {
		return p.fail(CodeInvalidValue, "destinationList", "shipping needs a destinationList with the owning_party it is shipped to")
	}
	return nil
}

// commissioning maps ADD commissioning to Commission (epcList of SGTINs of
// one GTIN) or CommissionLot (quantityList of one LGTIN).
func (p *capParser) commissioning(c *Capture) error {
	ev := p.ev
	switch {
	case len(ev.EPCList) > 0 && len(ev.QuantityList) > 0:
		return p.fail(CodeUnsupported, "quantityList", "commission either units (epcList) or one lot (quantityList), not both")
	case len(ev.EPCList) > 0:
		c.Action = CaptureCommission
		var err error
		if c.EPCs, err = p.epcs("epcList", ev.EPCList); err != nil {
			return err
		}
		for i, e := range c.EPCs {
			gtin, serial, ok := splitDL(e, "21")
			if !ok || serial == "" {
				return p.fail(CodeInvalidValue, "epcList/"+itoa(i), "%q is not an SGTIN: commissioning captures GS1 serialised units", e)
			}
			if c.GTIN == "" {
				c.GTIN = gtin
			} else if gtin != c.GTIN {
				return p.fail(CodeInvalidValue, "epcList/"+itoa(i), "%q is of GTIN %s, not %s: commission one product per event", e, gtin, c.GTIN)
			}
		}
	case len(ev.QuantityList) == 1:
		c.Action = CaptureCommissionLot
		q := ev.QuantityList[0]
		c.Class = canonValue(p.ctx, q.EPCClass)
		gtin, lot, ok := splitDL(c.Class, "10")
		if !ok {
			return p.fail(CodeInvalidValue, "quantityList/0/epcClass", "%q is not an LGTIN", q.EPCClass)
		}
		c.GTIN, c.LotNumber = gtin, dlUnescape(lot)
		if q.UOM != "" && q.UOM != "EA" {
			return p.fail(CodeInvalidValue, "quantityList/0/uom", "a lot is counted in trade items: uom must be absent or EA, got %q", q.UOM)
		}
		n := int64(0)
		if q.Quantity != nil {
			n, _ = strconv.ParseInt(q.Quantity.String(), 10, 64)
		}
		if n <= 0 {
			return p.fail(CodeInvalidValue, "quantityList/0/quantity", "a lot needs a whole positive quantity")
		}
		// The hash writes a quantity through an IEEE double: above 2^53 it
		// would anchor another number than the ledger records.
		if hashed, _ := canonNumber(q.Quantity.String()); hashed != strconv.FormatInt(n, 10) {
			return p.fail(CodeInvalidValue, "quantityList/0/quantity", "the quantity %s is not exactly representable in the event hash", q.Quantity.String())
		}
		c.Quantity = n
	case len(ev.QuantityList) > 1:
		return p.fail(CodeUnsupported, "quantityList", "commission one lot per event")
	default:
		return p.fail(CodeInvalidValue, "epcList", "commissioning names no epcList and no quantityList")
	}
	return p.ilmd(c)
}

// ilmd reads the lot number and dates of commissioning, from the ilmd node
// the hash read. An attribute given twice, in two forms (cbvmda:lotNumber
// and urn:epcglobal:cbv:mda:lotNumber, or two prefixes bound to the same
// namespace), is refused at the second in document order: the hash covers
// both values, and no key order may pick the one the ledger records.
func (p *capParser) ilmd(c *Capture) error {
	node, _ := p.node["ilmd"].(map[string]any) // buildEvent refused a non-object
	values := map[string]string{}
	first := map[string]string{} // attribute -> the key that gave it
	for _, k := range p.ilmdKeys {
		key := p.ctx.expandKey(k)
		if rest, ok := strings.CutPrefix(k, "urn:epcglobal:cbv:mda:"); ok {
			key = "{urn:epcglobal:cbv:mda:}" + rest // the attribute's full name
		}
		if key != ilmdLotNumber && key != ilmdProductionDate && key != ilmdExpiryDate {
			continue
		}
		if prev, twice := first[key]; twice {
			return p.fail(CodeInvalidValue, "ilmd/"+pointerKey(k), "%s gives the attribute of %s a second time", k, prev)
		}
		first[key] = k
		s, ok := node[k].(string)
		if !ok {
			return p.fail(CodeInvalidValue, "ilmd/"+pointerKey(k), "%s must be a string", k)
		}
		values[key] = strings.TrimSpace(s)
	}
	if lot := values[ilmdLotNumber]; lot != "" {
		if c.LotNumber != "" && lot != c.LotNumber {
			return p.fail(CodeInvalidValue, "ilmd", "cbvmda:lotNumber %q differs from the lot %q of the epcClass", lot, c.LotNumber)
		}
		c.LotNumber = lot
	}
	if c.LotNumber == "" {
		return p.fail(CodeInvalidValue, "ilmd", "commissioning needs the batch/lot as ilmd cbvmda:lotNumber")
	}
	c.ExpiryDate = values[ilmdExpiryDate]
	c.ProductionDate = values[ilmdProductionDate]
	if c.ProductionDate == "" {
		// The date of the event where it happened: eventTime as written.
		c.ProductionDate = strings.TrimSpace(p.ev.EventTime)[:10]
	}
	for _, d := range []struct{ key, v string }{{"cbvmda:productionDate", c.ProductionDate}, {"cbvmda:itemExpirationDate", c.ExpiryDate}} {
		if _, err := time.Parse("2006-01-02", d.v); d.v != "" && err != nil {
			return p.fail(CodeInvalidValue, "ilmd", "%s must be a date YYYY-MM-DD, got %q", d.key, d.v)
		}
	}
	return nil
}

func (p *capParser) aggregation(c *Capture, step string) error {
	ev := p.ev
	switch {
	case ev.Action == "ADD" && (step == "" || step == "packing"):
		c.Action = CapturePack
	case ev.Action == "DELETE" && (step == "" || step == "unpacking"):
		c.Action = CaptureUnpack
	default:
		return p.fail(CodeUnsupported, "bizStep", "AggregationEvent %s with bizStep %q has no ledger operation", ev.Action, step)
	}
	if err := p.transformationOnly(); err != nil {
		return err
	}
	if c.Disposition != "" && c.Disposition != "active" {
		return p.fail(CodeInvalidValue, "disposition", "after %s the ledger records the goods as active, not %s", strings.ToLower(string(c.Action)), c.Disposition)
	}
	if len(ev.ChildQuantityList) > 0 {
		return p.fail(CodeUnsupported, "childQuantityList", "aggregating quantities is not captured: name the children in childEPCs")
	}
	if len(ev.EPCList) > 0 || len(ev.QuantityList) > 0 {
		return p.fail(CodeInvalidValue, "epcList", "an AggregationEvent names its children in childEPCs")
	}
	c.ParentID = canonValue(p.ctx, ev.ParentID)
	if c.ParentID == "" {
		return p.fail(CodeInvalidValue, "parentID", "an aggregation needs the container as parentID")
	}
	var err error
	if c.EPCs, err = p.epcs("childEPCs", ev.ChildEPCs); err != nil {
		return err
	}
	for _, f := range []struct {
		name  string
		empty bool
	}{{"sourceList", len(ev.SourceList) == 0}, {"destinationList", len(ev.DestinationList) == 0}} {
		if !f.empty {
			return p.fail(CodeUnsupported, f.name, "an aggregation moves nothing between parties: no %s", f.name)
		}
	}
	return nil
}

// epcs returns the canonical identifiers of a list, which must not be empty
// (an unpacking that names no children would take out whatever the
// container holds, which the capture could not show in its own event).
func (p *capParser) epcs(field string, l []string) ([]string, error) {
	if len(l) == 0 {
		return nil, p.fail(CodeInvalidValue, field, "%s is empty", field)
	}
	out := make([]string, len(l))
	for i, e := range l {
		if out[i] = canonValue(p.ctx, e); out[i] == "" {
			return nil, p.fail(CodeInvalidValue, field+"/"+itoa(i), "empty identifier")
		}
	}
	return out, nil
}

// sdEntry is one entry of a sourceList or destinationList.
type sdEntry struct{ typ, id string }

// sourceDest returns the one party and the one location a sourceList or
// destinationList names. Its owning_party and possessing_party entries,
// which the ledger does not tell apart, must agree; so must its location
// entries. An entry of any other type, or without its identifier, is
// refused: the hash covers every entry, so the ledger reads every entry.
// Values are normalised as the hash normalises them.
func (p *capParser) sourceDest(field, idKey string, entries []sdEntry) (party, location string, err error) {
	for i, e := range entries {
		at := field + "/" + itoa(i)
		typ := p.word(e.typ, vocabSourceDestType)
		id := canonValue(p.ctx, e.id)
		if id == "" {
			return "", "", p.fail(CodeInvalidValue, at+"/"+idKey, "a %s entry needs its %s", field, idKey)
		}
		switch typ {
		case "owning_party", "possessing_party":
			if party != "" && id != party {
				return "", "", p.fail(CodeInvalidValue, at,
					"%s names two parties, %s and %s: the ledger's holder both owns and possesses the goods", field, party, id)
			}
			party = id
		case "location":
			if location != "" && id != location {
				return "", "", p.fail(CodeInvalidValue, at, "%s names two locations, %s and %s", field, location, id)
			}
			location = id
		default:
			return "", "", p.fail(CodeUnsupported, at+"/type",
				"a %s entry of type %q is not captured: use owning_party, possessing_party or location", field, typ)
		}
	}
	return party, location, nil
}

// splitDL splits a canonical Digital Link https://id.gs1.org/01/{gtin}/{ai}/{value}.
func splitDL(uri, ai string) (gtin, value string, ok bool) {
	rest, ok := strings.CutPrefix(uri, "https://id.gs1.org/01/")
	if !ok {
		return "", "", false
	}
	seg := strings.Split(rest, "/")
	if len(seg) != 3 || seg[1] != ai || len(seg[0]) != 14 || !allDigits(seg[0]) || seg[2] == "" {
		return "", "", false
	}
	return seg[0], seg[2], true
}
