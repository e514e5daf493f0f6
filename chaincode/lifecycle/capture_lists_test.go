package lifecycle_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
)

// lists returns the sourceList and destinationList members of an event: a
// party (owning_party) and a location entry on each side, "" leaving one out.
func lists(srcParty, srcLoc, dstParty, dstLoc string) string {
	side := func(name, key, party, loc string) string {
		var entries []string
		if party != "" {
			entries = append(entries, fmt.Sprintf(`{"type":"owning_party",%q:%q}`, key, party))
		}
		if loc != "" {
			entries = append(entries, fmt.Sprintf(`{"type":"location",%q:%q}`, key, loc))
		}
		if len(entries) == 0 {
			return ""
		}
		return fmt.Sprintf(`,%q:[%s]`, name, strings.Join(entries, ","))
	}
	return side("sourceList", "source", srcParty, srcLoc) + side("destinationList", "destination", dstParty, dstLoc)
}

// withLists adds lists to an event written by commissioning, packing, moving
// or decommissioning (which carry none of their own).
func withLists(ev, l string) string {
	return strings.Replace(ev, `,"action"`, l+`,"action"`, 1)
}

func decommissioning(at string, codes []string, disposition string) string {
	return fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":%s,"action":"DELETE","bizStep":"decommissioning","disposition":%q}`,
		at, quoted(codes), disposition)
}

func lotCommissioning(at, lgtin string, qty int) string {
	return fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","quantityList":[{"epcClass":%q,"quantity":%d}],"action":"ADD","bizStep":"commissioning"}`,
		at, lgtin, qty)
}

func unpacking(at, parent string, children []string) string {
	return fmt.Sprintf(`{"type":"AggregationEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","parentID":%q,"childEPCs":%s,"action":"DELETE","bizStep":"unpacking"}`,
		at, parent, quoted(children))
}

// TestCaptureListPartiesOfEveryEvent asks whether a member can have the
// ledger anchor an event that names a party the ledger never checked:
// commissioning goods "owned" by a rival or by nobody the ledger knows,
// reporting a rival's goods stolen, an aggregation between parties. Every
// party named by any event type must resolve to a member and be the one the
// ledger records on that side; each refusal leaves nothing written.
func TestCaptureListPartiesOfEveryEvent(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	u := w.units("B1", "H", 2)
	caseA := sscc("6901234", 51)
	w.pack(makerA, caseA, u[1])
	at := w.epcisTime()
	fresh := []string{unit("F1")}
	unregistered := epcis.PartyGLNURIBase + gln("6909999", 1)
	rival, self := epcis.PartyURI(makerB), epcis.PartyGLNURIBase+partyA

	tests := []struct {
		name string
		doc  []byte
		code model.Code
		in   string // in the message
	}{
		{"commissioning owned by a rival", document(withLists(commissioning(at, fresh, "B2"), lists("", "", rival, ""))), model.CodeForbidden, "destinationList names ManufacturerBMSP, not the caller"},
		{"commissioning coming from a rival", document(withLists(commissioning(at, fresh, "B2"), lists(rival, "", "", ""))), model.CodeForbidden, "sourceList names ManufacturerBMSP"},
		{"commissioning owned by an unregistered party", document(withLists(commissioning(at, fresh, "B2"), lists("", "", unregistered, ""))), model.CodeNotMember, "not registered to a member"},
		{"commissioning owned by a party the ledger cannot name", document(withLists(commissioning(at, fresh, "B2"), lists("urn:example:owner:7", "", "", ""))), model.CodeNotMember, "names no member"},
		{"a lot commissioned for another member", document(withLists(lotCommissioning(at, "urn:epc:class:lgtin:6901234.000001.L7", 10), lists("", "", epcis.PartyURI(distributor), ""))), model.CodeForbidden, "not the caller"},
		{"a rival named as owner of goods reported stolen", document(withLists(decommissioning(at, u[:1], "stolen"), lists(rival, "", "", ""))), model.CodeForbidden, "sourceList names ManufacturerBMSP"},
		{"destroyed goods owned by an unregistered party", document(withLists(decommissioning(at, u[:1], "destroyed"), lists("", "", unregistered, ""))), model.CodeNotMember, "not registered"},
		{"a packing between parties", document(withLists(packing(at, caseA, u[:1]), lists(self, "", "", ""))), model.CodeInvalidArgument, "/epcisBody/eventList/0/sourceList"},
		{"an unpacking between parties", document(withLists(unpacking(at, caseA, u[1:]), lists("", "", epcis.PartyURI(distributor), ""))), model.CodeInvalidArgument, "/epcisBody/eventList/0/destinationList"},
	}
	before := w.mem.Len()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := w.do(makerA, nil, func(c call) error { _, err := c.l.CaptureEvents(tc.doc); return err })
			e := requireCode(t, err, tc.code)
			assert.Contains(t, e.Error(), tc.in)
			assert.False(t, tx.Committed())
			assert.Equal(t, before, w.mem.Len(), "nothing written")
		})
	}
	assert.Equal(t, model.DispositionActive, w.status(u[0]).Disposition)

	_, err := w.capture(makerA, document(
		withLists(commissioning(at, fresh, "B2"), lists(self, "", epcis.PartyURI(makerA), "")),
		withLists(decommissioning(at, u[:1], "stolen"), lists(self, "", "", "")),
	))
	require.NoError(t, err, "the caller named on both sides of its own commissioning and decommissioning")
	assert.Equal(t, model.DispositionStolen, w.status(u[0]).Disposition)
}

// parsed parses a document whose events are then changed by a test: the
// ledger's rules on what a Capture holds, whatever the parser fills in.
func parsed(t *testing.T, events ...string) []epcis.Capture {
	t.Helper()
	caps, err := epcis.ParseCapture(document(events...), model.MaxCaptureEvents)
	require.NoError(t, err)
	return caps
}

// TestCaptureListLocations asks whether a member can have the ledger anchor
// a site the ledger never checked in the location entries of sourceList and
// destinationList: a shipment "from" a rival's warehouse or "to" a third
// member's shop, a receipt from a site that is not the sender's, goods made
// or destroyed at someone else's plant. The caller's side must be one of the
// caller's registered locations, the other side one of the locations of the
// member the ledger records there; each refusal leaves nothing written.
func TestCaptureListLocations(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	held := w.units("B1", "L", 1)
	transit := w.units("B1", "T", 1)
	w.ship(makerA, distributor, transit...)
	caseA := sscc("6901234", 61)
	w.pack(makerA, caseA, w.units("B1", "C", 1)...)
	at := w.epcisTime()
	loc := func(g string) string { return epcis.LocationGLNURIBase + g }
	partyOfA, partyOfD := epcis.PartyGLNURIBase+partyA, epcis.PartyGLNURIBase+partyD
	commission := commissioning(at, []string{unit("F1")}, "B2")
	ship := moving(at, "shipping", "in_transit", held, partyOfA, partyOfD)
	receive := moving(at, "receiving", "active", transit, partyOfA, partyOfD)
	reject := moving(at, "void_shipping", "active", transit, partyOfD, partyOfA)
	src := func(l string) func(*epcis.Capture) { return func(c *epcis.Capture) { c.SourceLocation = l } }
	dst := func(l string) func(*epcis.Capture) { return func(c *epcis.Capture) { c.DestinationLocation = l } }

	tests := []struct {
		name   string
		msp    string
		event  string
		change func(*epcis.Capture)
		code   model.Code
		in     string // in the message
	}{
		{"commissioning at a rival's site", makerA, commission, src(loc(siteD)), model.CodeForbidden, "sourceList location: GLN " + siteD + " is not a registered location of ManufacturerAMSP"},
		{"commissioning into an unregistered site", makerA, commission, dst(loc(gln("6901234", 9))), model.CodeForbidden, "destinationList location"},
		{"commissioning at a location that is not a GLN", makerA, commission, src("urn:example:line:2"), model.CodeInvalidArgument, "must be a GLN"},
		{"a lot commissioned at a rival's site", makerA, lotCommissioning(at, "urn:epc:class:lgtin:6901234.000001.L8", 5), dst(loc(siteR)), model.CodeForbidden, "not a registered location"},
		{"goods destroyed at a rival's site", makerA, decommissioning(at, held, "destroyed"), src(loc(siteD)), model.CodeForbidden, "not a registered location of ManufacturerAMSP"},
		{"a shipment from a rival's warehouse", makerA, ship, src(loc(siteD)), model.CodeForbidden, "sourceList location"},
		{"a shipment to a third member's shop", makerA, ship, dst(loc(siteR)), model.CodeForbidden, "not a registered location of DistributorMSP"},
		{"a shipment to the sender's own site", makerA, ship, dst(loc(siteA)), model.CodeForbidden, "not a registered location of DistributorMSP"},
		{"a shipment to a site that is not a GLN", makerA, ship, dst("urn:example:dock:4"), model.CodeInvalidArgument, "must be a GLN"},
		{"a receipt into another member's site", distributor, receive, dst(loc(siteR)), model.CodeForbidden, "not a registered location of DistributorMSP"},
		{"a receipt from a third member's site", distributor, receive, src(loc(siteR)), model.CodeForbidden, "not a registered location of ManufacturerAMSP"},
		{"a rejection from the sender's site", distributor, reject, src(loc(siteA)), model.CodeForbidden, "not a registered location of DistributorMSP"},
		{"a rejection back to a site that is not the sender's", distributor, reject, dst(loc(siteD)), model.CodeForbidden, "not a registered location of ManufacturerAMSP"},
		{"a packing with a location", makerA, packing(at, caseA, held), src(loc(siteA)), model.CodeInvalidArgument, "an aggregation moves nothing between parties"},
		{"an unpacking with a location", makerA, unpacking(at, caseA, []string{unit("C0")}), dst(loc(siteA)), model.CodeInvalidArgument, "an aggregation moves nothing between parties"},
	}
	before := w.mem.Len()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			caps := parsed(t, tc.event)
			tc.change(&caps[0])
			tx, err := w.do(tc.msp, nil, func(c call) error { _, err := c.l.CaptureParsed(caps); return err })
			e := requireCode(t, err, tc.code)
			assert.Contains(t, e.Error(), tc.in)
			assert.False(t, tx.Committed())
			assert.Equal(t, before, w.mem.Len(), "nothing written")
		})
	}
	assert.Equal(t, distributor, w.status(transit[0]).Destination)

	// The honest events, every location named.
	capture := func(msp string, event string, srcLoc, dstLoc string) {
		t.Helper()
		caps := parsed(t, event)
		caps[0].SourceLocation, caps[0].DestinationLocation = srcLoc, dstLoc
		_, err := w.do(msp, nil, func(c call) error { _, err := c.l.CaptureParsed(caps); return err })
		require.NoError(t, err)
	}
	capture(makerA, commission, loc(siteA), loc(siteA))
	capture(makerA, ship, loc(siteA), loc(siteD)+"/254/7")
	capture(distributor, receive, loc(siteA), loc(siteD))
	assert.Equal(t, distributor, w.status(transit[0]).Holder.MSPID)
	capture(distributor, moving(w.epcisTime(), "void_shipping", "active", held, partyOfD, partyOfA), loc(siteD), loc(siteA))
	assert.Equal(t, makerA, w.status(held[0]).Holder.MSPID, "rejected back to the maker")
}

// TestCaptureListLocationsInDocuments is TestCaptureListLocations through the
// parser: the location entries of a document's lists reach the ledger's
// checks.
func TestCaptureListLocationsInDocuments(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	held := w.units("B1", "L", 1)
	at := w.epcisTime()
	loc := func(g string) string { return epcis.LocationGLNURIBase + g }
	shipFrom := func(srcLoc, dstLoc string) string {
		return withLists(moving(at, "shipping", "in_transit", held, "", ""), lists(epcis.PartyGLNURIBase+partyA, srcLoc, epcis.PartyGLNURIBase+partyD, dstLoc))
	}
	require.Equal(t, loc(siteD), parsed(t, shipFrom(loc(siteD), ""))[0].SourceLocation,
		"the parser reads the location entries of the lists, so the ledger can check them")
	before := w.mem.Len()
	for _, tc := range []struct{ name, event, in string }{
		{"from a rival's warehouse", shipFrom(loc(siteD), loc(siteD)), "sourceList location"},
		{"to a third member's shop", shipFrom(loc(siteA), "urn:epc:id:sgln:6908888.00000.0"), "destinationList location"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.capture(makerA, document(tc.event))
			e := requireCode(t, err, model.CodeForbidden)
			assert.Contains(t, e.Error(), tc.in)
			assert.Equal(t, before, w.mem.Len(), "nothing written")
		})
	}
	_, err := w.capture(makerA, document(shipFrom(loc(siteA), loc(siteD))))
	require.NoError(t, err)
}

// TestPackingHistoryIsBounded asks whether a holder can grow an item's record
// without bound by packing and unpacking it, directly or a thousand times in
// one captured document: the containment history stops at maxPackings
// (BAD_STATE, nothing written), the item still moves and traces whole.
func TestPackingHistoryIsBounded(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	u := w.units("B1", "K", 2)
	for i := range lifecycle.MaxPackings {
		box := sscc("6901234", 100+i%2)
		w.pack(makerA, box, u[0])
		w.unpack(makerA, box, u[0])
	}
	before := w.mem.Len()
	e := w.fails(makerA, model.CodeBadState, func(c call) error {
		_, err := c.l.Pack(model.PackRequest{Container: sscc("6901234", 100), Children: []string{u[0]}})
		return err
	})
	assert.Contains(t, e.Error(), fmt.Sprintf("packed %d times", lifecycle.MaxPackings))
	assert.Equal(t, u[0], e.Subject)
	assert.Equal(t, before, w.mem.Len(), "nothing written")
	rec := w.mem.Value(itemKey(t, w, u[0]))
	assert.Less(t, len(rec), 20<<10, "the record stays small: %d bytes", len(rec))
	t.Logf("an item packed %d times: a record of %d bytes", lifecycle.MaxPackings, len(rec))
	assert.Len(t, trace(t, w, u[0], 1000), 1+2*lifecycle.MaxPackings, "the trace keeps every packing")
	w.ship(makerA, distributor, u[0])

	// The same through one captured document: a pack and an unpack per box.
	var events []string
	at := w.epcisTime()
	for i := range lifecycle.MaxPackings + 1 {
		box := sscc("6901234", 200+i)
		events = append(events, packing(at, box, u[1:]), unpacking(at, box, u[1:]))
	}
	before = w.mem.Len()
	_, err := w.capture(makerA, document(events...))
	e = requireCode(t, err, model.CodeBadState)
	assert.Contains(t, e.Error(), fmt.Sprintf("event %d ", 2*lifecycle.MaxPackings))
	assert.Equal(t, before, w.mem.Len(), "nothing written")
	_, err = w.capture(makerA, document(events[:2*lifecycle.MaxPackings]...))
	require.NoError(t, err, "up to the bound")
	assert.Len(t, w.status(u[1]).Item.Packings, lifecycle.MaxPackings)
}

// itemKey is the world-state key of an item record.
func itemKey(t *testing.T, w *world, code string) string {
	t.Helper()
	k, err := w.begin(regulator, nil).tx.CreateKey("item", code)
	require.NoError(t, err)
	return k
}
