package lifecycle_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
)

// document wraps events (JSON objects) in an EPCISDocument.
func document(events ...string) []byte {
	return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ns.example.com/epcis/"}],` +
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-01T00:00:00Z","epcisBody":{"eventList":[` +
		strings.Join(events, ",") + `]}}`)
}

// epcisTime is the instant of the world's next transaction, as EPCIS writes it.
func (w *world) epcisTime() string {
	return w.now.Add(time.Minute).Format("2006-01-02T15:04:05.000Z07:00")
}

func quoted(codes []string) string {
	b, _ := json.Marshal(codes)
	return string(b)
}

func commissioning(at string, codes []string, batch string) string {
	return fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":%s,"action":"ADD","bizStep":"commissioning",`+
		`"disposition":"active","readPoint":{"id":"https://id.gs1.org/414/%s"},"ilmd":{"cbvmda:lotNumber":%q,"cbvmda:productionDate":"2026-02-01"},`+
		`"bizTransactionList":[{"type":"prodorder","bizTransaction":"urn:example:po:1"}],"ex:line":"L2"}`, at, quoted(codes), siteA, batch)
}

func packing(at, parent string, children []string) string {
	return fmt.Sprintf(`{"type":"AggregationEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","parentID":%q,"childEPCs":%s,"action":"ADD","bizStep":"packing"}`,
		at, parent, quoted(children))
}

func moving(at, step, disposition string, codes []string, source, destination string) string {
	ev := fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":%s,"action":"OBSERVE","bizStep":%q,"disposition":%q`,
		at, quoted(codes), step, disposition)
	if source != "" {
		ev += fmt.Sprintf(`,"sourceList":[{"type":"owning_party","source":%q},{"type":"possessing_party","source":%q}]`, source, source)
	}
	if destination != "" {
		ev += fmt.Sprintf(`,"destinationList":[{"type":"owning_party","destination":%q}]`, destination)
	}
	return ev + `,"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":7.5,"uom":"CEL"}]}]}`
}

// capture runs CaptureEvents as msp and, as the SDK does, fills the result's
// eventIDs from the document once they match the digest the ledger returns.
func (w *world) capture(msp string, doc []byte) (*model.CaptureResult, error) {
	var res *model.CaptureResult
	_, err := w.do(msp, nil, func(c call) (err error) {
		res, err = c.l.CaptureEvents(doc)
		return err
	})
	if err != nil {
		return nil, err
	}
	require.Empty(w.t, res.EventIDs, "the result carries the eventIDs' digest, not the list")
	ids, err := epcis.DocumentHashes(doc)
	require.NoError(w.t, err)
	require.Equal(w.t, len(ids), res.Events)
	require.Equal(w.t, model.EventsDigest(ids), res.EventsDigest)
	res.EventIDs = ids
	return res, nil
}

// TestCaptureAppliesEventsThroughTheLedger captures commissioning, packing,
// shipping, receiving and decommissioning, and finds every ledger event
// anchored by the hash of the captured event that caused it.
func TestCaptureAppliesEventsThroughTheLedger(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	u := []string{unit("C1"), unit("C2"), unit("C3")}
	caseA := sscc("6901234", 31)
	at := w.epcisTime()
	doc := document(
		commissioning(at, u, "B9"),
		packing(at, caseA, u[:2]),
		moving(at, "shipping", "in_transit", []string{caseA}, epcis.PartyGLNURIBase+partyA, epcis.PartyGLNURIBase+partyD),
	)
	hashes, err := epcis.DocumentHashes(doc)
	require.NoError(t, err)
	res, err := w.capture(makerA, doc)
	require.NoError(t, err)
	assert.Equal(t, model.EventsDigest(hashes), res.EventsDigest, "the digest of the document's hashes, in order")
	assert.Equal(t, 4, res.Count, "three units and the case")

	st := w.status(caseA)
	assert.Equal(t, model.DispositionInTransit, st.Disposition)
	assert.Equal(t, distributor, st.Destination)
	item := w.status(u[0]).Item
	assert.Equal(t, "B9", item.Batch)
	assert.Equal(t, "2026-02-01", item.ProductionDate)

	at = w.epcisTime()
	receive := moving(at, "receiving", "active", []string{caseA}, epcis.PartyURI(makerA), epcis.PartyGLNURIBase+partyD)
	receive = strings.Replace(receive, `"action"`, `"bizLocation":{"id":"urn:epc:id:sgln:6907777.00005.0"},"action"`, 1)
	res2, err := w.capture(distributor, document(receive))
	require.NoError(t, err)
	assert.Equal(t, distributor, w.status(caseA).Holder.MSPID)

	at = w.epcisTime()
	decommission := fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":[%q],"action":"DELETE","bizStep":"decommissioning","disposition":"damaged"}`, at, caseA)
	var captured model.Event
	_, err = w.do(distributor, nil, func(c call) error {
		if _, err := c.l.CaptureEvents(document(decommission)); err != nil {
			return err
		}
		_, payload := c.tx.Event()
		return json.Unmarshal(payload, &captured)
	})
	require.NoError(t, err)
	assert.Equal(t, model.DispositionDamaged, w.status(u[0]).Disposition, "the contents follow the case")
	assert.True(t, captured.Contents, "the Captured event says that unlisted contents changed")
	decommissioned, err := epcis.DocumentHashes(document(decommission))
	require.NoError(t, err)

	want := map[string]string{
		model.EventCommissioned: hashes[0], model.EventPacked: hashes[1], model.EventShipped: hashes[2],
		model.EventReceived: res2.EventIDs[0], model.EventDecommissioned: decommissioned[0],
	}
	for _, code := range []string{u[0], caseA} {
		events := trace(t, w, code, 100)
		for _, e := range events {
			if e.Type == model.EventCommissioned && e.Subject == caseA {
				assert.Equal(t, hashes[1], e.EventID, "the case comes into being by the packing event")
			} else {
				assert.Equal(t, want[e.Type], e.EventID, "%s of %s", e.Type, e.Subject)
			}
			assert.True(t, e.Captured, "%s of %s", e.Type, e.Subject)
		}
		_, err := epcis.FromTrace(code, events, epcis.MapOptions{})
		require.NoError(t, err, "captured events export as the ledger's summary")
	}
	caseTrace := trace(t, w, caseA, 100)
	var types []string
	for _, e := range caseTrace {
		types = append(types, e.Type)
	}
	assert.Equal(t, []string{model.EventCommissioned, model.EventPacked, model.EventShipped, model.EventReceived, model.EventDecommissioned}, types,
		"two events of one captured transaction on the case are both kept, in capture order")
	var received model.TraceEvent
	for _, e := range caseTrace {
		if e.Type == model.EventReceived {
			received = e
		}
	}
	assert.Equal(t, epcis.LocationGLNURIBase+siteD, received.Location)
}

// TestCaptureRefusals asks what a dishonest or careless member could gain
// with a crafted document; each refusal leaves nothing written.
func TestCaptureRefusals(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	u := []string{unit("R1"), unit("R2")}
	w.commission(makerA, gtinA, "B1", u...)
	at := w.epcisTime()
	fresh := []string{unit("N1")}
	good := commissioning(at, fresh, "B2")
	ship := func(dest string) string {
		return moving(at, "shipping", "in_transit", u, "", dest)
	}
	replayed := moving(at, "shipping", "in_transit", u[1:], "", epcis.PartyURI(distributor))
	_, err := w.capture(makerA, document(replayed))
	require.NoError(t, err)
	w.receive(distributor, u[1])
	w.ship(distributor, makerA, u[1])
	w.receive(makerA, u[1])

	tests := []struct {
		name string
		msp  string
		doc  []byte
		code model.Code
		in   string // in the message
	}{
		{"an invalid event in the middle", makerA, document(good, `{"type":"ObjectEvent","eventTime":"soon","action":"ADD"}`, ship(epcis.PartyURI(distributor))), model.CodeInvalidArgument, "/epcisBody/eventList/1/eventTime"},
		{"a refused operation in the middle", makerA, document(good, ship("https://id.gs1.org/417/"+gln("6909999", 1)), commissioning(at, []string{unit("N2")}, "B2")), model.CodeNotMember, "event 1"},
		{"another maker's GTIN", makerB, document(strings.Replace(commissioning(at, []string{sgtin(gtinA, "X1")}, "B3"), `"readPoint":{"id":"https://id.gs1.org/414/`+siteA+`"},`, "", 1)), model.CodeForbidden, "belongs to"},
		{"a destination it cannot resolve", makerA, document(ship("urn:example:warehouse:9")), model.CodeNotMember, "names no member"},
		{"a source that is another member", makerA, document(moving(at, "shipping", "in_transit", u[:1], epcis.PartyGLNURIBase+partyD, epcis.PartyURI(retailer))), model.CodeForbidden, "not the caller"},
		{"two parties in one list", makerA, document(strings.Replace(ship(epcis.PartyURI(distributor)), `"destinationList":[{"type":"owning_party","destination":"https://id.tracechain.example/party/DistributorMSP"}]`,
			`"destinationList":[{"type":"owning_party","destination":"https://id.tracechain.example/party/DistributorMSP"},{"type":"possessing_party","destination":"https://id.tracechain.example/party/RetailerMSP"}]`, 1)), model.CodeInvalidArgument, "two parties"},
		{"another member's location", makerA, document(strings.Replace(good, siteA, siteD, 1)), model.CodeForbidden, "not a registered location"},
		{"a location that is not a GLN", makerA, document(strings.Replace(good, "https://id.gs1.org/414/"+siteA, "urn:example:line:2", 1)), model.CodeInvalidArgument, "readPoint"},
		{"eventTime a month back", makerA, document(commissioning(w.now.AddDate(0, -1, 0).Format(time.RFC3339), fresh, "B2")), model.CodeInvalidArgument, "capture window"},
		{"eventTime an hour ahead", makerA, document(commissioning(w.now.Add(time.Hour).Format(time.RFC3339), fresh, "B2")), model.CodeInvalidArgument, "capture window"},
		{"the same event twice", makerA, document(good, good), model.CodeDuplicate, "repeats event 0"},
		{"a replayed event", makerA, document(replayed), model.CodeDuplicate, "already on the ledger"},
		{"an eventID that is not the hash", makerA, document(strings.Replace(good, `"action"`, `"eventID":"urn:uuid:6b1d3d1c-0f1e-4c8e-9a53-1c9b5c3c3c3c","action"`, 1)), model.CodeInvalidArgument, "eventID"},
		{"a sale", makerA, document(moving(at, "retail_selling", "retail_sold", u[:1], "", "")), model.CodeInvalidArgument, "Sell"},
		{"a transformation", makerA, document(fmt.Sprintf(`{"type":"TransformationEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","inputEPCList":[%q]}`, at, u[0])), model.CodeInvalidArgument, "/epcisBody/eventList/0/type"},
		{"an unknown bizStep", makerA, document(moving(at, "storing", "active", u[:1], "", "")), model.CodeInvalidArgument, "/epcisBody/eventList/0/bizStep"},
		{"an error declaration", makerA, document(strings.Replace(good, `"action"`, `"errorDeclaration":{"declarationTime":"2026-03-01T00:00:00Z"},"action"`, 1)), model.CodeInvalidArgument, "errorDeclaration"},
		{"a disposition the ledger would not record", makerA, document(moving(at, "shipping", "destroyed", u[:1], "", epcis.PartyURI(distributor))), model.CodeInvalidArgument, "disposition"},
		{"too many events", makerA, document(strings.Split(strings.Repeat(good+"\x00", model.MaxCaptureEvents+1), "\x00")[:model.MaxCaptureEvents+1]...), model.CodeInvalidArgument, "at most"},
		{"too many bytes", makerA, document(strings.Replace(good, `"L2"`, `"`+strings.Repeat("x", model.MaxCaptureBytes)+`"`, 1)), model.CodeInvalidArgument, "bytes"},
		{"an outsider", outsider, document(good), model.CodeNotMember, ""},
		{"a retailer commissioning", retailer, document(good), model.CodeForbidden, ""},
		{"unpacking everything unnamed", makerA, document(fmt.Sprintf(`{"type":"AggregationEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","parentID":%q,"action":"DELETE"}`, at, sscc("6901234", 1))), model.CodeInvalidArgument, "childEPCs"},
	}
	before := w.mem.Len()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, err := w.do(tc.msp, nil, func(c call) error { _, err := c.l.CaptureEvents(tc.doc); return err })
			e := requireCode(t, err, tc.code)
			assert.Contains(t, e.Error(), tc.in)
			assert.False(t, tx.Committed())
			assert.Equal(t, before, w.mem.Len(), "nothing written")
		})
	}
	assert.Equal(t, makerA, w.status(u[0]).Holder.MSPID)
}

// TestCaptureMoveParties asks whether a member can capture a move it is not
// a party to, or misstate the other party of its own: the caller's side of
// every move must be the caller, and the other side of a receipt or
// rejection the member that shipped the goods. Each refusal leaves nothing
// written.
func TestCaptureMoveParties(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	u := w.units("B1", "P", 1)
	w.ship(makerA, distributor, u...)
	at := w.epcisTime()
	maker, dist, shop := epcis.PartyGLNURIBase+partyA, epcis.PartyGLNURIBase+partyD, epcis.PartyURI(retailer)

	tests := []struct {
		name                string
		msp                 string
		step, disposition   string
		source, destination string
		code                model.Code
		in                  string // in the message
	}{
		{"a shipment naming the sender's own source", distributor, "shipping", "in_transit", maker, shop, model.CodeForbidden, "not the caller"},
		{"a shipment of goods in transit to the caller", distributor, "shipping", "in_transit", dist, shop, model.CodeNotHolder, "held by"},
		{"a shipment back to the caller itself", makerA, "shipping", "in_transit", maker, maker, model.CodeInvalidArgument, "yourself"},
		{"a receipt for another destination", distributor, "receiving", "active", maker, shop, model.CodeForbidden, "not the caller"},
		{"a receipt naming another sender", distributor, "receiving", "active", epcis.PartyURI(makerB), dist, model.CodeForbidden, "shipped by"},
		{"a receipt by a member the goods are not shipped to", retailer, "receiving", "active", maker, shop, model.CodeNotHolder, "shipped to"},
		{"a rejection in the sender's name", distributor, "void_shipping", "active", maker, maker, model.CodeForbidden, "not the caller"},
		{"a rejection back to another member", distributor, "void_shipping", "active", dist, shop, model.CodeForbidden, "shipped by"},
		{"a rejection by a member the goods are not shipped to", retailer, "void_shipping", "active", shop, maker, model.CodeNotHolder, "shipped to"},
	}
	before := w.mem.Len()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := document(moving(at, tc.step, tc.disposition, u, tc.source, tc.destination))
			tx, err := w.do(tc.msp, nil, func(c call) error { _, err := c.l.CaptureEvents(doc); return err })
			e := requireCode(t, err, tc.code)
			assert.Contains(t, e.Error(), tc.in)
			assert.False(t, tx.Committed())
			assert.Equal(t, before, w.mem.Len(), "nothing written")
		})
	}
	st := w.status(u[0])
	assert.Equal(t, makerA, st.Holder.MSPID)
	assert.Equal(t, distributor, st.Destination)

	_, err := w.capture(distributor, document(moving(at, "receiving", "active", u, maker, dist)))
	require.NoError(t, err, "the honest receipt, both parties named")
	assert.Equal(t, distributor, w.status(u[0]).Holder.MSPID)
}

// TestCaptureLotsUnpackingAndRejection covers the mapped operations the
// main story does not: a lot commissioned from a quantityList, an unpacking
// that names its children, and a rejection back to the sender.
func TestCaptureLotsUnpackingAndRejection(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	u := w.units("B1", "U", 2)
	caseA := sscc("6901234", 41)
	w.pack(makerA, caseA, u...)
	at := w.epcisTime()
	lotDoc := document(
		fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.000001.L9","quantity":250}],`+
			`"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:itemExpirationDate":"2029-12-31"}}`, at),
		fmt.Sprintf(`{"type":"AggregationEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","parentID":%q,"childEPCs":[%q],"action":"DELETE","bizStep":"unpacking"}`, at, caseA, u[0]),
		moving(at, "shipping", "in_transit", []string{caseA}, "", epcis.PartyGLNURIBase+partyD),
	)
	res, err := w.capture(makerA, lotDoc)
	require.NoError(t, err)
	require.Len(t, res.EventIDs, 3)
	l := w.status(lot(gtinA, "L9"))
	assert.Equal(t, int64(250), l.Item.Quantity)
	assert.Equal(t, "2029-12-31", l.Item.ExpiryDate)
	assert.Equal(t, res.EventIDs[0], l.Item.CommissionEvent.EventID)
	assert.Empty(t, w.status(u[0]).Item.Parent, "unpacked")
	assert.Equal(t, u[1:], contents(t, w, caseA))

	at = w.epcisTime()
	reject := moving(at, "void_shipping", "active", []string{caseA}, epcis.PartyGLNURIBase+partyD, epcis.PartyGLNURIBase+partyA)
	res2, err := w.capture(distributor, document(reject))
	require.NoError(t, err)
	st := w.status(caseA)
	assert.Equal(t, makerA, st.Holder.MSPID, "back with the sender")
	assert.Equal(t, model.DispositionActive, st.Disposition)
	events := trace(t, w, caseA, 100)
	last := events[len(events)-1]
	assert.Equal(t, model.EventRejected, last.Type)
	assert.Equal(t, res2.EventIDs[0], last.EventID)
}

// contents lists a container's direct children.
func contents(t *testing.T, w *world, container string) []string {
	t.Helper()
	page, err := w.begin(retailer, nil).l.GetContents(container, 0, "")
	require.NoError(t, err)
	return page.Children
}

// TestCommissioningReplayIsRefusedByTheRecordsItCreated: a commissioning
// event keeps no captured~ record (a third of a production line's capture
// keys), so its replay must be refused by the unit and lot records it
// created, which carry its eventID; a packing event keeps its record,
// because packing recurs.
func TestCommissioningReplayIsRefusedByTheRecordsItCreated(t *testing.T) {
	w := newWorld(t)
	withGLNs(t, w)
	at := w.epcisTime()
	u := []string{unit("P1"), unit("P2")}
	units := document(commissioning(at, u, "B7"))
	lots := document(fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.000001.L7","quantity":40}],`+
		`"action":"ADD","bizStep":"commissioning"}`, at))

	tx, err := w.do(makerA, nil, func(c call) error {
		_, err := c.l.CaptureEvents(units)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 2*len(u), tx.Stats().Writes, "a unit record and its batch entry per unit, no captured~ record")
	first, err := epcis.DocumentHashes(units)
	require.NoError(t, err)
	assert.Equal(t, first[0], w.status(u[0]).Item.CommissionEvent.EventID, "the record carries the event's anchor")
	lotRes, err := w.capture(makerA, lots)
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		doc  []byte
		code string
	}{
		"units": {units, u[0]},
		"a lot": {lots, lot(gtinA, "L7")},
	} {
		_, err := w.capture(makerA, tc.doc)
		e := requireCode(t, err, model.CodeDuplicate)
		assert.Contains(t, e.Message, "already commissioned", name)
	}
	assert.Equal(t, lotRes.EventIDs[0], w.status(lot(gtinA, "L7")).Item.CommissionEvent.EventID)

	case1 := sscc("6901234", 51)
	pack := document(packing(w.epcisTime(), case1, u))
	_, err = w.capture(makerA, pack)
	require.NoError(t, err)
	w.unpack(makerA, case1, u...)
	_, err = w.capture(makerA, pack)
	e := requireCode(t, err, model.CodeDuplicate)
	assert.Contains(t, e.Message, "already on the ledger", "packing recurs, so its replay needs its captured~ record")
}
