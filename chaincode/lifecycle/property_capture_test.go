package lifecycle_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// The capture steps of TestPropertyRandomSequences: random EPCIS documents
// built from the sequence's own state, honest ones with their direct-call
// counterpart, and adversarial ones that must be refused.

// Master data of the test members, as withGLNs registers it.
var (
	prefixOf = map[string]string{makerA: "6901234", makerB: "6905678", distributor: "6907777", retailer: "6908888"}
	siteOf   = map[string]string{makerA: siteA, distributor: siteD, retailer: siteR}
	gtinsOf  = map[string][]string{makerA: {gtinA, gtinA2}, makerB: {gtinB}}
)

// partyOf is the party URI the ledger renders a member by.
func partyOf(msp string) string {
	switch msp {
	case makerA:
		return epcis.PartyGLNURIBase + partyA
	case distributor:
		return epcis.PartyGLNURIBase + partyD
	}
	return epcis.PartyURI(msp)
}

// jsonEvent is an event written field by field, so that a test can add what
// encoding/json would never write: a key twice, or in another case.
type jsonEvent struct{ fields []string }

func (e *jsonEvent) add(key string, v any) *jsonEvent {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	e.fields = append(e.fields, fmt.Sprintf("%q:%s", key, b))
	return e
}

func (e *jsonEvent) addRaw(key, raw string) *jsonEvent {
	e.fields = append(e.fields, fmt.Sprintf("%q:%s", key, raw))
	return e
}

func (e *jsonEvent) has(key string) bool {
	return slices.ContainsFunc(e.fields, func(f string) bool { return strings.HasPrefix(f, fmt.Sprintf("%q:", key)) })
}

// drop removes a field, so that a test can give it anew without giving a key
// twice.
func (e *jsonEvent) drop(key string) *jsonEvent {
	e.fields = slices.DeleteFunc(e.fields, func(f string) bool { return strings.HasPrefix(f, fmt.Sprintf("%q:", key)) })
	return e
}

func (e *jsonEvent) String() string { return "{" + strings.Join(e.fields, ",") + "}" }

// listEntry is one entry of a sourceList or destinationList.
type listEntry struct{ typ, id string }

func (e *jsonEvent) list(field, key string, entries ...listEntry) *jsonEvent {
	var parts []string
	for _, x := range entries {
		if x.id != "" {
			parts = append(parts, fmt.Sprintf(`{"type":%q,%q:%q}`, x.typ, key, x.id))
		}
	}
	if len(parts) == 0 {
		return e
	}
	// Into the list the event has, so that no key is given twice.
	prefix := fmt.Sprintf("%q:[", field)
	for i, f := range e.fields {
		if strings.HasPrefix(f, prefix) {
			e.fields[i] = strings.TrimSuffix(f, "]") + "," + strings.Join(parts, ",") + "]"
			return e
		}
	}
	e.addRaw(field, "["+strings.Join(parts, ",")+"]")
	return e
}

// tracked is what a document's generator knows of the code it acts on, as the
// document's earlier events leave it.
type tracked struct {
	code, class, holder, parent, dest string
	disp                              model.Disposition
}

// captureDoc is a generated document: its events, the direct calls it stands
// for, the codes it creates, and, for an adversarial one, what makes it so.
type captureDoc struct {
	events      []*jsonEvent
	direct      []func(l *lifecycle.Ledger) error
	units, lots []string
	containers  []string
	log         []string
	adversarial string
}

// maybe is true one time in n.
func (p *property) maybe(n int) bool { return p.rnd.IntN(n) == 0 }

// someoneBut returns a member other than those named.
func (p *property) someoneBut(not ...string) string {
	var others []string
	for _, m := range []string{makerA, makerB, distributor, retailer, retailer2} {
		if !slices.Contains(not, m) {
			others = append(others, m)
		}
	}
	m, _ := pick(p, others)
	return m
}

// generateCapture builds a document of one to three events that msp could
// honestly capture from the focus code's state: commissioning new goods, or
// packing, unpacking, shipping, receiving, rejecting or decommissioning the
// focus as the ledger has it. One in four is made adversarial.
func (p *property) generateCapture(msp string, at time.Time) *captureDoc {
	d := &captureDoc{}
	var cur *tracked
	if st := p.focusItem; st != nil {
		cur = &tracked{code: st.Item.Code, class: string(st.Item.Class), holder: st.Holder.MSPID, parent: st.Item.Parent, dest: st.Destination, disp: st.Disposition}
	}
	n := 1 + p.rnd.IntN(3)
	for i := range n {
		// Distinct times keep the events' hashes apart.
		ev := (&jsonEvent{}).add("eventTime", at.Add(time.Duration(i)*time.Millisecond).Format("2006-01-02T15:04:05.000Z")).add("eventTimeZoneOffset", "+08:00")
		switch {
		case cur == nil || cur.disp != model.DispositionActive && cur.disp != model.DispositionInTransit || p.maybe(4):
			cur = p.genCommission(d, ev, msp)
		case cur.disp == model.DispositionInTransit:
			p.genArrival(d, ev, msp, cur)
		case cur.parent != "":
			p.genUnpack(d, ev, msp, cur)
		default:
			switch p.rnd.IntN(3) {
			case 0:
				p.genPack(d, ev, msp, cur)
			case 1:
				p.genShip(d, ev, msp, cur)
			default:
				p.genDecommission(d, ev, cur)
			}
		}
		d.events = append(d.events, ev)
	}
	if p.maybe(4) {
		p.makeAdversarial(d, msp)
	}
	return d
}

func (p *property) readPoint(ev *jsonEvent, msp string) string {
	if site := siteOf[msp]; site != "" && p.maybe(2) {
		ev.addRaw("readPoint", fmt.Sprintf(`{"id":%q}`, epcis.LocationGLNURIBase+site))
		return site
	}
	return ""
}

func (p *property) genCommission(d *captureDoc, ev *jsonEvent, msp string) *tracked {
	g, ok := pick(p, gtinsOf[msp])
	if !ok || p.maybe(6) {
		g, _ = pick(p, []string{gtinA, gtinA2, gtinB}) // another maker's, or by a member that makes nothing
	}
	batch := "B" + fmt.Sprint(p.rnd.IntN(3))
	p.n++
	ev.add("type", "ObjectEvent")
	cur := &tracked{holder: msp, disp: model.DispositionActive}
	if p.maybe(4) {
		batch = "L" + fmt.Sprint(p.rnd.IntN(3))
		code := lot(g, batch)
		qty := int64(1 + p.rnd.IntN(50))
		ev.addRaw("quantityList", fmt.Sprintf(`[{"epcClass":%q,"quantity":%d}]`, code, qty))
		ev.add("action", "ADD").add("bizStep", "commissioning")
		ev.addRaw("ilmd", `{"cbvmda:productionDate":"2026-02-01"}`)
		d.direct = append(d.direct, func(l *lifecycle.Ledger) error {
			_, err := l.CommissionLot(model.LotRequest{GTIN: g, Batch: batch, ProductionDate: "2026-02-01", Quantity: qty})
			return err
		})
		d.lots = append(d.lots, code)
		d.log = append(d.log, fmt.Sprintf("commission lot %s %d", code, qty))
		cur.code, cur.class = code, string(model.ClassLot)
	} else {
		codes := []string{sgtin(g, fmt.Sprintf("Q%d", p.n))}
		if p.maybe(2) {
			codes = append(codes, sgtin(g, fmt.Sprintf("Q%db", p.n)))
		}
		ev.add("epcList", codes).add("action", "ADD").add("bizStep", "commissioning")
		ev.addRaw("ilmd", fmt.Sprintf(`{"cbvmda:lotNumber":%q,"cbvmda:productionDate":"2026-02-01"}`, batch))
		d.direct = append(d.direct, func(l *lifecycle.Ledger) error {
			_, err := l.Commission(model.CommissionRequest{GTIN: g, Batch: batch, ProductionDate: "2026-02-01", Codes: codes})
			return err
		})
		d.units = append(d.units, codes...)
		d.log = append(d.log, fmt.Sprintf("commission %v", codes))
		cur.code, cur.class = codes[0], string(model.ClassUnit)
	}
	if p.maybe(2) {
		ev.add("disposition", "active")
	}
	p.readPoint(ev, msp)
	if p.maybe(3) {
		ev.list("destinationList", "destination", listEntry{"owning_party", partyOf(msp)}, listEntry{"location", siteURI(msp)})
	}
	return cur
}

func siteURI(msp string) string {
	if s := siteOf[msp]; s != "" {
		return epcis.LocationGLNURIBase + s
	}
	return ""
}

func (p *property) genPack(d *captureDoc, ev *jsonEvent, msp string, cur *tracked) {
	container := sscc(prefixOf[msp], 1+p.rnd.IntN(4))
	if prefixOf[msp] == "" || p.maybe(6) {
		prefix, _ := pick(p, []string{"6901234", "6905678", "6907777", "6908888"})
		container = sscc(prefix, 1+p.rnd.IntN(4))
	}
	if old, ok := pick(p, p.containers); ok && p.maybe(2) {
		container = old
	}
	child := cur.code
	ev.add("type", "AggregationEvent").add("parentID", container).add("childEPCs", []string{child}).add("action", "ADD").add("bizStep", "packing")
	p.readPoint(ev, msp)
	d.direct = append(d.direct, func(l *lifecycle.Ledger) error {
		_, err := l.Pack(model.PackRequest{Container: container, Children: []string{child}})
		return err
	})
	d.containers = append(d.containers, container)
	d.log = append(d.log, fmt.Sprintf("pack %s <- %s", container, child))
	cur.parent = container
}

func (p *property) genUnpack(d *captureDoc, ev *jsonEvent, msp string, cur *tracked) {
	container, child := cur.parent, cur.code
	ev.add("type", "AggregationEvent").add("parentID", container).add("childEPCs", []string{child}).add("action", "DELETE").add("bizStep", "unpacking")
	p.readPoint(ev, msp)
	d.direct = append(d.direct, func(l *lifecycle.Ledger) error {
		_, err := l.Unpack(model.UnpackRequest{Container: container, Children: []string{child}})
		return err
	})
	d.log = append(d.log, fmt.Sprintf("unpack %s -> %s", container, child))
	cur.parent, cur.holder = "", msp
}

func (p *property) genShip(d *captureDoc, ev *jsonEvent, msp string, cur *tracked) {
	to, _ := pick(p, []string{distributor, retailer, retailer2})
	if p.maybe(4) {
		to, _ = pick(p, callers)
	}
	code := cur.code
	ev.add("type", "ObjectEvent").add("epcList", []string{code}).add("action", "OBSERVE").add("bizStep", "shipping")
	if p.maybe(2) {
		ev.add("disposition", "in_transit")
	}
	loc := p.readPoint(ev, msp)
	src := []listEntry{{"location", siteURI(msp)}}
	if p.maybe(2) {
		src = append(src, listEntry{"owning_party", partyOf(msp)})
	}
	if p.maybe(2) {
		ev.list("sourceList", "source", src...)
	}
	dst := []listEntry{{"owning_party", partyOf(to)}}
	if p.maybe(2) {
		dst = append(dst, listEntry{"location", siteURI(to)})
	}
	ev.list("destinationList", "destination", dst...)
	d.direct = append(d.direct, func(l *lifecycle.Ledger) error {
		_, err := l.Ship(model.ShipRequest{To: to, Codes: []string{code}, Location: loc})
		return err
	})
	d.log = append(d.log, fmt.Sprintf("ship %s to %s", code, to))
	cur.disp, cur.dest = model.DispositionInTransit, to
}

// genArrival receives or rejects goods in transit, naming their sender (the
// holder while in transit) and the caller as the ledger records them.
func (p *property) genArrival(d *captureDoc, ev *jsonEvent, msp string, cur *tracked) {
	code, sender := cur.code, cur.holder
	accept := p.maybe(4) || !p.maybe(3)
	step := "receiving"
	if !accept {
		step = "void_shipping"
	}
	ev.add("type", "ObjectEvent").add("epcList", []string{code}).add("action", "OBSERVE").add("bizStep", step)
	if p.maybe(2) {
		ev.add("disposition", "active")
	}
	loc := p.readPoint(ev, msp)
	if accept && loc == "" && siteOf[msp] != "" && p.maybe(2) {
		loc = siteOf[msp]
		ev.addRaw("bizLocation", fmt.Sprintf(`{"id":%q}`, epcis.LocationGLNURIBase+loc))
	}
	from := []listEntry{{"owning_party", partyOf(sender)}, {"location", siteURI(sender)}}
	mine := []listEntry{{"owning_party", partyOf(msp)}, {"location", siteURI(msp)}}
	if !accept {
		from, mine = mine, from // a rejection goes from the caller back to the sender
	}
	if p.maybe(2) {
		ev.list("sourceList", "source", from[:1+p.rnd.IntN(2)]...)
	}
	if p.maybe(2) {
		ev.list("destinationList", "destination", mine[:1+p.rnd.IntN(2)]...)
	}
	d.direct = append(d.direct, func(l *lifecycle.Ledger) error {
		var err error
		if accept {
			_, err = l.Receive(model.MoveRequest{Codes: []string{code}, Location: loc})
		} else {
			_, err = l.Reject(model.MoveRequest{Codes: []string{code}, Location: loc})
		}
		return err
	})
	d.log = append(d.log, fmt.Sprintf("%s %s from %s", step, code, sender))
	cur.disp, cur.dest = model.DispositionActive, ""
	if accept {
		cur.holder = msp
	}
}

func (p *property) genDecommission(d *captureDoc, ev *jsonEvent, cur *tracked) {
	code := cur.code
	reason, _ := pick(p, []model.Reason{model.ReasonDestroyed, model.ReasonStolen, model.ReasonDamaged})
	ev.add("type", "ObjectEvent").add("epcList", []string{code}).add("action", "DELETE").add("bizStep", "decommissioning").add("disposition", string(reason))
	if p.maybe(3) {
		ev.list("sourceList", "source", listEntry{"owning_party", partyOf(cur.holder)})
	}
	d.direct = append(d.direct, func(l *lifecycle.Ledger) error {
		_, err := l.Decommission(model.DecommissionRequest{Codes: []string{code}, Reason: reason})
		return err
	})
	d.log = append(d.log, fmt.Sprintf("decommission %s %s", code, reason))
	cur.disp = reason.Disposition()
}

// makeAdversarial changes one event of an honest document so that the
// ledger must refuse the document whatever else it holds: what the event's
// hash covers must be exactly what the ledger applies and vouches for.
func (p *property) makeAdversarial(d *captureDoc, msp string) {
	i := p.rnd.IntN(len(d.events))
	ev := d.events[i]
	object := !slices.Contains(ev.fields, `"type":"AggregationEvent"`)
	kinds := []string{"case-variant key", "duplicate key", "persistentDisposition unset recalled", "ILMD lot twice", "party of another member", "location of another member", "source from a rival"}
	kind, _ := pick(p, kinds)
	switch kind {
	case "case-variant key":
		// The hash and a case-insensitive decoder would read different events.
		if ev.has("epcList") {
			ev.add("EPCList", []string{p.randomCode()})
		} else {
			ev.add("BizStep", "shipping")
		}
	case "duplicate key":
		switch {
		case ev.has("epcList"):
			ev.add("epcList", []string{p.randomCode()})
		case ev.has("childEPCs"):
			ev.add("childEPCs", []string{p.randomCode()})
		default:
			ev.add("bizStep", "shipping")
		}
	case "persistentDisposition unset recalled":
		// Anchored, it would have the ledger vouch that a recall was lifted.
		ev.addRaw("persistentDisposition", `{"unset":["recalled"]}`)
	case "ILMD lot twice":
		// Two spellings of one attribute: which lot would the ledger record?
		p.n++
		g, _ := pick(p, append(gtinsOf[msp], gtinA))
		ev = (&jsonEvent{}).add("eventTime", strings.TrimSuffix(strings.TrimPrefix(d.events[0].fields[0], `"eventTime":"`), `"`)).add("eventTimeZoneOffset", "+08:00").
			add("type", "ObjectEvent").add("epcList", []string{sgtin(g, fmt.Sprintf("D%d", p.n))}).add("action", "ADD").add("bizStep", "commissioning")
		if p.maybe(2) {
			ev.addRaw("ilmd", `{"cbvmda:lotNumber":"B1","urn:epcglobal:cbv:mda:lotNumber":"B2"}`)
		} else {
			ev.addRaw("ilmd", `{"cbvmda:lotNumber":"B1","cbvmda:lotNumber":"B2"}`)
		}
		d.events[i] = ev
	case "party of another member":
		if !object {
			ev.list("sourceList", "source", listEntry{"owning_party", partyOf(msp)})
			break
		}
		// The caller's side of any object event named as someone else, or as a
		// party no member registered.
		field, key := "sourceList", "source"
		if slices.Contains(ev.fields, `"bizStep":"receiving"`) {
			field, key = "destinationList", "destination"
		}
		party := partyOf(p.someoneBut(msp))
		if p.maybe(3) {
			party = epcis.PartyGLNURIBase + gln("6909999", 1)
		}
		ev.drop(field).list(field, key, listEntry{"owning_party", party})
	case "location of another member":
		field, key := "sourceList", "source"
		if slices.Contains(ev.fields, `"bizStep":"receiving"`) {
			field, key = "destinationList", "destination"
		}
		rival := p.someoneBut(msp, retailer2, makerB) // a member with a site
		ev.drop(field).list(field, key, listEntry{"location", siteURI(rival)})
	case "source from a rival":
		// A receipt "from" a member that did not ship the goods; anything else
		// "from" a rival.
		rival := p.someoneBut(msp)
		if slices.Contains(ev.fields, `"bizStep":"receiving"`) && p.focusItem != nil {
			rival = p.someoneBut(p.focusItem.Holder.MSPID)
		}
		ev.drop("sourceList").list("sourceList", "source", listEntry{"owning_party", partyOf(rival)})
	}
	d.adversarial = kind
}

// captureCaller is who would honestly capture an event of the focus code:
// its destination while it is in transit, else its holder.
func captureCaller(p *property) string {
	if p.focusItem != nil && p.focusItem.Destination != "" && !p.maybe(4) {
		return p.focusItem.Destination
	}
	return holderOf(p)
}

// captureAction is the Capture step of the sequences.
var captureAction = action{"Capture", captureCaller, []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer}, false, func(p *property, c call) (string, error) {
	msp := c.tx.ClientMSPID()
	d := p.generateCapture(msp, c.tx.TxTime())
	events := make([]string, len(d.events))
	for i, ev := range d.events {
		events[i] = ev.String()
	}
	doc := document(events...)
	what := fmt.Sprintf("Capture %v", d.log)
	if d.adversarial != "" {
		what = fmt.Sprintf("Capture (adversarial: %s) %s", d.adversarial, doc)
	}
	p.pending = d
	if d.adversarial == "" {
		p.counterpart = p.runDirect(msp, d)
	}
	_, err := c.l.CaptureEvents(doc)
	if err == nil {
		p.units = append(p.units, d.units...)
		p.lots = append(p.lots, d.lots...)
		for _, ct := range d.containers {
			if !slices.Contains(p.containers, ct) {
				p.containers = append(p.containers, ct)
			}
		}
	}
	return what, err
}}

// counterpart is the outcome of a document's direct calls, made in one
// transaction that is never committed: the records as they would be.
type counterpart struct {
	err   error
	items map[string]string // normalised records of every code the calls named or the ledger holds
}

// runDirect makes the direct calls a document stands for, as msp, on one
// Ledger (as CaptureEvents does) in a transaction it does not commit.
func (p *property) runDirect(msp string, d *captureDoc) *counterpart {
	c := p.w.begin(msp, nil)
	for _, f := range d.direct {
		if err := f(c.l); err != nil {
			return &counterpart{err: err}
		}
	}
	out := &counterpart{items: map[string]string{}}
	for _, code := range p.itemCodes(d) {
		out.items[code] = normalisedItem(c.l, code)
	}
	return out
}

// itemCodes lists every committed item and every code a document creates.
func (p *property) itemCodes(d *captureDoc) []string {
	c := p.w.begin(regulator, nil)
	codes := map[string]bool{}
	if err := c.tx.Scan("item", nil, func(kv state.KV) error {
		var it model.Item
		if err := json.Unmarshal(kv.Value, &it); err != nil {
			return err
		}
		codes[it.Code] = true
		return nil
	}); err != nil {
		p.t.Fatal(err)
	}
	for _, code := range slices.Concat(d.units, d.lots, d.containers) {
		codes[code] = true
	}
	return keys(codes)
}

// normalisedItem is the record of code as l sees it, without what differs
// between two transactions that make the same change: their times, IDs and
// event anchors.
func normalisedItem(l *lifecycle.Ledger, code string) string {
	st, err := l.GetItem(code)
	if err != nil {
		return "error " + string(model.CodeOf(err))
	}
	it := st.Item
	mark := func(t *time.Time) {
		if !t.IsZero() {
			*t = time.Unix(0, 0).UTC()
		}
	}
	tx := func(s *string) {
		if *s != "" {
			*s = "tx"
		}
	}
	mark(&it.CommissionedAt)
	mark(&it.UpdatedAt)
	tx(&it.CommissionTx)
	tx(&it.UpdateTx)
	it.CommissionEvent = model.Anchor{}
	packings := slices.Clone(it.Packings)
	for i := range packings {
		pk := &packings[i]
		mark(&pk.PackedAt)
		mark(&pk.UnpackedAt)
		tx(&pk.PackedTx)
		tx(&pk.UnpackedTx)
		pk.Packed, pk.Unpacked = model.Anchor{}, model.Anchor{}
	}
	it.Packings = packings
	st.Item = it
	st.LastEventAt = time.Time{}
	b, err := json.Marshal(st)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// checkCapture checks a capture step once it committed or was refused: a
// refused document wrote nothing, an adversarial one was refused, and an
// honest one was accepted exactly when its direct calls are, changing what
// they change.
func (p *property) checkCapture(err error, before string) {
	t := p.t
	t.Helper()
	d, cp := p.pending, p.counterpart
	p.pending, p.counterpart = nil, nil
	if err != nil {
		if after := p.stateDigest(); after != before {
			t.Errorf("a refused capture changed the world state")
		}
		if cp != nil && cp.err == nil {
			t.Errorf("an honest capture was refused (%v) where its direct calls succeed", err)
		}
		return
	}
	if d.adversarial != "" {
		t.Errorf("an adversarial capture (%s) was accepted", d.adversarial)
		return
	}
	if cp.err != nil {
		t.Errorf("a capture was accepted where its direct calls are refused: %v", cp.err)
		return
	}
	c := p.w.begin(regulator, nil)
	for _, code := range p.itemCodes(d) {
		got, want := normalisedItem(c.l, code), cp.items[code]
		if want == "" {
			want = "error " + string(model.CodeNotFound) // not on the ledger before, not created by the calls
		}
		if got != want {
			t.Errorf("%s after the capture:\n  %s\nafter its direct calls:\n  %s", code, got, want)
		}
	}
}

// stateDigest hashes the committed world state that lifecycle transactions
// write.
func (p *property) stateDigest() string {
	c := p.w.begin(regulator, nil)
	h := sha256.New()
	for _, typ := range []string{"item", "contains", "event", "captured", "batch", "lotpart", "recall", "recallid", "recallunit", "alert", "alertlog"} {
		if err := c.tx.Scan(typ, nil, func(kv state.KV) error {
			fmt.Fprintf(h, "%q=%q\n", kv.Key, kv.Value)
			return nil
		}); err != nil {
			p.t.Fatal(err)
		}
	}
	return fmt.Sprintf("%d:%x", p.w.mem.Len(), h.Sum(nil))
}
