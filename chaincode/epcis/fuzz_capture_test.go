package epcis

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzCaptureIsWhatWasHashed is the differential check of issue #18: for
// any document ParseCaptureDocument accepts, the events it maps are the
// events it hashed, field for field. There are as many captures as hashes;
// each EventID is the hash of its event; and every field the ledger applies
// stands in that event's pre-hash string where CBV puts it: the event type
// and eventTime first, then (with nothing unmapped in between) the parent,
// the EPC list or the lot, the action, the bizStep, the disposition, the
// readPoint and bizLocation, and among the later fields the parties,
// locations and ILMD lot number. The EPC list being contiguous up to the
// action means no other standard EPC list was hashed.
func FuzzCaptureIsWhatWasHashed(f *testing.F) {
	for _, seed := range captureSeeds() {
		f.Add([]byte(seed))
	}
	docs, _ := filepath.Glob("testdata/*.jsonld")
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		d, caps, err := ParseCaptureDocument(doc, 50)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		pre, err := DocumentPreHashes(doc)
		if err != nil {
			t.Fatalf("captured a document that does not hash: %v", err)
		}
		if len(caps) != len(pre) || len(d.Events()) != len(pre) {
			t.Fatalf("%d captures and %d events for %d hashes", len(caps), len(d.Events()), len(pre))
		}
		ctx, err := d.ParseContext()
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range caps {
			if c.EventID != HashPreHash(pre[i]) {
				t.Fatalf("event %d: EventID %s is not the hash of its pre-hash string %q", i, c.EventID, pre[i])
			}
			if h, err := d.Events()[i].Hash(ctx); err != nil || h != c.EventID {
				t.Fatalf("event %d: its Raw hashes to %s (%v), not %s", i, h, err, c.EventID)
			}
			_, ownContext := d.Events()[i].Extensions["@context"]
			if msg := captureNotInPreHash(c, pre[i], ctx, ownContext); msg != "" {
				t.Fatalf("event %d (%s): %s\npre-hash: %s\ncapture: %+v", i, c.Action, msg, pre[i], c)
			}
		}
	})
}

// preTok is one step of a pattern over a pre-hash string: a literal that
// must come next (or, after a gap, somewhere later), a gap of unmapped
// fields whose text must start with one of gapStarts (when given), or
// prefixes that must not come next.
type preTok struct {
	lit       string
	gap       bool
	gapStarts []string
	not       []string
}

// matchPre matches pattern against s; the end of s is free (the later,
// sorted fields). Each literal after a gap is taken at its first
// occurrence, which for literals and gaps alone finds a match when there is
// one.
func matchPre(s string, pattern []preTok) string {
	pos, gap := 0, (*preTok)(nil)
	for i := range pattern {
		tk := &pattern[i]
		switch {
		case tk.gap:
			gap = tk
		case tk.lit != "" && gap != nil:
			j := strings.Index(s[pos:], tk.lit)
			if j < 0 {
				return "no " + strconv.Quote(tk.lit) + " after " + strconv.Itoa(pos)
			}
			if j > 0 && len(gap.gapStarts) > 0 && !slices.ContainsFunc(gap.gapStarts, func(p string) bool { return strings.HasPrefix(s[pos:], p) }) {
				return "unmapped " + strconv.Quote(s[pos:pos+j]) + " before " + strconv.Quote(tk.lit)
			}
			pos, gap = pos+j+len(tk.lit), nil
		case tk.lit != "":
			if !strings.HasPrefix(s[pos:], tk.lit) {
				return strconv.Quote(tk.lit) + " does not follow at " + strconv.Itoa(pos)
			}
			pos += len(tk.lit)
		case gap == nil:
			for _, n := range tk.not {
				if strings.HasPrefix(s[pos:], n) {
					return "an unmapped " + strconv.Quote(n) + " at " + strconv.Itoa(pos)
				}
			}
		}
	}
	return ""
}

// captureNotInPreHash says which mapped field of c its pre-hash string does
// not hold, or "".
func captureNotInPreHash(c Capture, pre string, ctx *Context, ownContext bool) string {
	lit := func(s string) preTok { return preTok{lit: s} }
	gap := func(starts ...string) preTok { return preTok{gap: true, gapStarts: starts} }
	not := func(p ...string) preTok { return preTok{not: p} }
	items := func(name string, epcs []string) string {
		l := make([]string, len(epcs))
		for i, e := range epcs {
			l[i] = "epc=" + e
		}
		return name + strings.Join(sorted(l), "")
	}
	typ := "ObjectEvent"
	var action string
	var steps []string
	switch c.Action {
	case CaptureCommission, CaptureCommissionLot:
		action, steps = "ADD", []string{"commissioning"}
	case CaptureShip:
		action, steps = "OBSERVE", []string{"shipping"}
	case CaptureReceive:
		action, steps = "OBSERVE", []string{"receiving"}
	case CaptureReject:
		action, steps = "OBSERVE", []string{"void_shipping"}
	case CaptureDecommission:
		action, steps = "DELETE", []string{"decommissioning"}
	case CapturePack:
		typ, action, steps = "AggregationEvent", "ADD", []string{"packing", ""}
	case CaptureUnpack:
		typ, action, steps = "AggregationEvent", "DELETE", []string{"unpacking", ""}
	default:
		return "an unknown action"
	}
	head := []preTok{lit("eventType=" + typ), lit("eventTime=" + c.EventTime.UTC().Format("2006-01-02T15:04:05.000Z")),
		gap("eventTimeZoneOffset=", "certificationInfo=")}
	switch c.Action {
	case CapturePack, CaptureUnpack:
		head = append(head, lit("parentID="+c.ParentID+items("childEPCs", c.EPCs)))
	case CaptureCommissionLot:
		if len(c.EPCs) != 0 {
			return "a lot with EPCs"
		}
		head = append(head, lit("quantityListquantityElementepcClass="+c.Class+"quantity="+strconv.FormatInt(c.Quantity, 10)), gap())
	default:
		head = append(head, lit(items("epcList", c.EPCs)))
	}
	head = append(head, lit("action="+action))
	var why string
	for _, step := range steps { // an aggregation may leave its bizStep out
		p := slices.Clone(head)
		if step != "" {
			p = append(p, lit("bizStep=https://ref.gs1.org/cbv/BizStep-"+step))
		} else {
			p = append(p, not("bizStep="))
		}
		if c.Disposition != "" {
			p = append(p, lit("disposition=https://ref.gs1.org/cbv/Disp-"+c.Disposition))
		} else {
			p = append(p, not("disposition="))
		}
		p = append(p, not("persistentDisposition"))
		switch {
		case c.ReadPoint != "":
			p = append(p, lit("readPointid="+c.ReadPoint))
		default:
			p = append(p, not("readPoint"))
		}
		if c.BizLocation != "" {
			if c.ReadPoint != "" {
				p = append(p, gap()) // the readPoint's extensions
			}
			p = append(p, lit("bizLocationid="+c.BizLocation))
		} else if c.ReadPoint == "" {
			p = append(p, not("bizLocation"))
		}
		if why = matchPre(pre, p); why == "" {
			break
		}
	}
	if why != "" {
		return why
	}
	const sdt = "type=https://ref.gs1.org/cbv/SDT-"
	for _, sd := range []struct{ list, key, party, location string }{
		{"sourceList", "source", c.Source, c.SourceLocation}, {"destinationList", "destination", c.Destination, c.DestinationLocation},
	} {
		if (sd.party != "" || sd.location != "") && !strings.Contains(pre, sd.list+"type=") {
			return "no " + sd.list
		}
		if sd.party != "" && !strings.Contains(pre, sdt+"owning_party"+sd.key+"="+sd.party) && !strings.Contains(pre, sdt+"possessing_party"+sd.key+"="+sd.party) {
			return sd.list + " does not name the party " + sd.party
		}
		if sd.location != "" && !strings.Contains(pre, sdt+"location"+sd.key+"="+sd.location) {
			return sd.list + " does not name the location " + sd.location
		}
	}
	if c.Action == CaptureCommission || c.Action == CaptureCommissionLot {
		if c.LotNumber == "" {
			return "commissioning without a lot number"
		}
		fromClass := false
		if _, lot, ok := splitDL(c.Class, "10"); ok && dlUnescape(lot) == c.LotNumber {
			fromClass = true
		}
		// An event with its own @context may have normalised the value with
		// prefixes the document's context does not have.
		if !fromClass && !ownContext && !strings.Contains(pre, "lotNumber="+canonValue(ctx, c.LotNumber)) {
			return "the lot number " + c.LotNumber + " is not in the ILMD"
		}
	}
	return ""
}

// captureSeeds are capture documents the ledger accepts and the attack
// shapes of issue #18: every key named in another case, duplicates, a
// standard key beside its variant, events in two lists, ILMD twice,
// persistentDisposition, unknown source types.
func captureSeeds() []string {
	const u1, u2 = `"urn:epc:id:sgtin:6901234.000001.A1"`, `"https://id.gs1.org/01/06901234000016/21/B2"`
	ship := `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",` +
		`"readPoint":{"id":"urn:epc:id:sgln:6901234.00002.0","ex:door":"3"},"bizLocation":{"id":"https://id.gs1.org/414/6901234000023"},` +
		`"sourceList":[{"type":"owning_party","source":"urn:epc:id:pgln:6901234.00001"},{"type":"location","source":"urn:epc:id:sgln:6901234.00002.0"}],` +
		`"destinationList":[{"type":"possessing_party","destination":"https://id.gs1.org/417/6907777000012"},{"type":"location","destination":"https://id.gs1.org/414/6907777000050"}]}`
	commission := `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `,"urn:epc:id:sgtin:6901234.000001.A2"],"action":"ADD","bizStep":"commissioning",` +
		`"ilmd":{"cbvmda:lotNumber":"B1","cbvmda:itemExpirationDate":"2028-01-01"}}`
	lot := `{"type":"ObjectEvent",` + capTime + `,"quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.000001.L7","quantity":500,"uom":"EA"}],"action":"ADD","bizStep":"commissioning"}`
	pack := `{"type":"AggregationEvent",` + capTime + `,"parentID":"urn:epc:id:sscc:6901234.0000000011","childEPCs":[` + u1 + `],"action":"ADD","disposition":"active"}`
	unpack := `{"type":"AggregationEvent",` + capTime + `,"parentID":"urn:epc:id:sscc:6901234.0000000011","childEPCs":[` + u1 + `],"action":"DELETE","bizStep":"unpacking"}`
	receive := `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"OBSERVE","bizStep":"receiving","ex:note":{"ex:a":["x","y"]}}`
	decommission := `{"type":"ObjectEvent",` + capTime + `,"epcList":[` + u1 + `],"action":"DELETE","bizStep":"decommissioning","disposition":"destroyed"}`
	docs := []string{string(captureDoc(ship, commission, lot, pack, unpack, receive, decommission))}
	for _, ev := range []string{ship, commission, lot, pack, unpack, receive, decommission} {
		docs = append(docs, string(captureDoc(ev)))
	}
	variants := []struct{ from, to string }{
		{`"bizStep":"shipping"`, `"bizStep":"shipping","BizStep":"receiving"`},
		{`"bizStep":"shipping"`, `"BizStep":"shipping"`},
		{`"bizStep":"shipping"`, `"bizStep":"receiving","bizStep":"shipping"`},
		{`"epcList":[`, `"EPCList":["urn:epc:id:sgtin:6901234.000001.Z9"],"epcList":[`},
		{`"epcList":[`, `"epcList":["urn:epc:id:sgtin:6901234.000001.Z9"],"epcList":[`},
		{`"eventTime"`, `"EventTime":"2020-01-01T00:00:00Z","eventTime"`},
		{`"action":"OBSERVE"`, `"action":"OBSERVE","Action":"ADD"`},
		{`"disposition":"in_transit"`, `"disposition":"in_transit","Disposition":"destroyed"`},
		{`"type":"ObjectEvent"`, `"type":"ObjectEvent","Type":"TransformationEvent"`},
		{`"epcisBody"`, `"EPCISBody":{"eventList":[]},"epcisBody"`},
		{`"epcisBody"`, `"EPCISBody"`},
		{`{"eventList":[`, `{"queryResults":{"resultsBody":{"eventList":[` + receive + `]}},"eventList":[`},
		{`{"eventList":[`, `{"event":` + receive + `,"eventList":[`},
		{`"cbvmda:lotNumber":"B1"`, `"cbvmda:lotNumber":"B1","urn:epcglobal:cbv:mda:lotNumber":"B2"`},
		{`"cbvmda:lotNumber":"B1"`, `"cbvmda:lotNumber":"B1","cbvmda:lotNumber":"B2"`},
		{`"action":"OBSERVE","bizStep":"receiving"`, `"action":"OBSERVE","bizStep":"receiving","persistentDisposition":{"unset":["recalled"]}`},
		{`{"type":"location","source"`, `{"type":"ex:broker","source":"x"},{"type":"location","source"`},
		{`"readPoint":{"id"`, `"readPoint":{"ID":"urn:x","id"`},
		{`"destination":"https://id.gs1.org/417/6907777000012"`, `"destination":"https://id.gs1.org/417/6907777000012","Destination":"https://id.gs1.org/417/6901234000016"`},
		{`"quantity":500`, `"quantity":500,"Quantity":5`},
		{`"parentID"`, `"parentId":"urn:epc:id:sscc:6901234.0000000028","parentID"`},
		{`"childEPCs":[`, `"childEPCS":[` + u2 + `],"childEPCs":[`},
		{`"ilmd"`, `"ILMD":{"cbvmda:lotNumber":"B9"},"ilmd"`},
		{`"sourceList"`, `"SourceList":[],"sourceList"`},
	}
	for _, v := range variants {
		if !strings.Contains(docs[0], v.from) {
			panic("the seed variant " + v.from + " no longer applies")
		}
		docs = append(docs, strings.Replace(docs[0], v.from, v.to, 1))
	}
	return docs
}

// TestCaptureSeedsAreRefusedOrMatch runs the differential check on its
// seeds as a unit test: the accepted seeds match their hashes, and every
// attack shape is refused.
func TestCaptureSeedsAreRefusedOrMatch(t *testing.T) {
	seeds := captureSeeds()
	for i, s := range seeds {
		caps, err := ParseCapture([]byte(s), 50)
		if i < 8 {
			if err != nil {
				t.Fatalf("seed %d refused: %v", i, err)
			}
			pre, err := DocumentPreHashes([]byte(s))
			if err != nil || len(pre) != len(caps) {
				t.Fatalf("seed %d: %v, %d hashes for %d captures", i, err, len(pre), len(caps))
			}
			for j, c := range caps {
				if msg := captureNotInPreHash(c, pre[j], nil, false); msg != "" {
					t.Fatalf("seed %d event %d: %s\n%s", i, j, msg, pre[j])
				}
			}
			continue
		}
		if err == nil {
			t.Fatalf("attack seed %d accepted:\n%s", i, s)
		}
	}
}
