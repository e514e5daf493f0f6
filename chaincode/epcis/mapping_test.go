package epcis

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xeipuuv/gojsonschema"

	"github.com/tracechain/tracechain/chaincode/model"
)

const (
	unit  = "https://id.gs1.org/01/06901234000016/21/CA25-000901"
	lot   = "https://id.gs1.org/01/06901234000016/10/L%2F1"
	part  = lot + model.PartSeparator + "p1"
	case1 = "https://id.gs1.org/00/069012340000000018"
	mfr   = "ManufacturerAMSP"
	dist  = "DistributorMSP"
	ret   = "RetailerMSP"
)

var t0 = time.Date(2026, 3, 1, 2, 3, 4, 567_890_000, time.FixedZone("CST", 8*3600))

func at(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }

// sampleTrace has every trace event type the ledger produces.
func sampleTrace() []model.TraceEvent {
	return []model.TraceEvent{
		{Subject: unit, Type: model.EventCommissioned, BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive, Time: at(0), TxID: "tx01", Actor: mfr},
		{Subject: lot, Type: model.EventLotCommissioned, BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive, Time: at(1), TxID: "tx02", Actor: mfr, Quantity: 500},
		{Subject: part, Type: model.EventLotSplit, BizStep: model.BizStepPicking, Disposition: model.DispositionActive, Time: at(2), TxID: "tx03", From: lot, Quantity: 50},
		{Subject: unit, Type: model.EventPacked, BizStep: model.BizStepPacking, Disposition: model.DispositionActive, Time: at(3), TxID: "tx04", Actor: mfr, Parent: case1},
		{Subject: case1, Type: model.EventPacked, BizStep: model.BizStepPacking, Disposition: model.DispositionActive, Time: at(3), TxID: "tx04", Actor: mfr, Count: 12},
		{Subject: case1, Type: model.EventShipped, BizStep: model.BizStepShipping, Disposition: model.DispositionInTransit, Time: at(4), TxID: "tx05", Actor: mfr, From: mfr, To: dist, Via: case1},
		{Subject: case1, Type: model.EventRejected, BizStep: model.BizStepVoidShipping, Disposition: model.DispositionActive, Time: at(5), TxID: "tx06", Actor: dist, From: dist, To: mfr, Via: case1},
		{Subject: case1, Type: model.EventReceived, BizStep: model.BizStepReceiving, Disposition: model.DispositionActive, Time: at(6), TxID: "tx07", Actor: dist, From: mfr, To: dist, Via: case1},
		{Subject: unit, Type: model.EventUnpacked, BizStep: model.BizStepUnpacking, Disposition: model.DispositionActive, Time: at(7), TxID: "tx08", Actor: ret, Parent: case1},
		{Subject: part, Type: model.EventPacked, BizStep: model.BizStepPacking, Disposition: model.DispositionActive, Time: at(8), TxID: "tx09", Parent: case1},
		{Subject: unit, Type: model.EventCloneAlert, BizStep: model.BizStepRetailSelling, Time: at(9), TxID: "tx10", AlertID: "a1"},
		{Subject: unit, Type: model.EventAlertDecided, BizStep: model.BizStepRetailSelling, Time: at(9), TxID: "tx11", AlertID: "a1"},
		{Subject: unit, Type: model.EventSold, BizStep: model.BizStepRetailSelling, Disposition: model.DispositionRetailSold, Time: at(10), TxID: "tx12", Actor: ret},
		{Subject: unit, Type: model.EventRecalled, Time: at(11), TxID: "R-1", RecallID: "R-1", Actor: mfr},
		{Subject: part, Type: model.EventDecommissioned, BizStep: model.BizStepDecommissioning, Disposition: model.DispositionStolen, Time: at(12), TxID: "tx13", Quantity: 50},
	}
}

var created = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

func render(t *testing.T, events []model.TraceEvent) (*Document, []byte) {
	t.Helper()
	doc, err := FromTrace(unit, events, MapOptions{CreationDate: created})
	require.NoError(t, err)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return doc, b
}

// eventsAsJSON decodes the rendered document's events into generic maps.
func eventsAsJSON(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var d struct {
		Body struct {
			EventList []map[string]any `json:"eventList"`
		} `json:"epcisBody"`
	}
	require.NoError(t, json.Unmarshal(b, &d))
	return d.Body.EventList
}

func TestFromTraceMapsEachEventType(t *testing.T) {
	partyM, partyD := PartyURIBase+mfr, PartyURIBase+dist
	from := func(p string) []any {
		return []any{map[string]any{"type": "owning_party", "source": p}, map[string]any{"type": "possessing_party", "source": p}}
	}
	to := func(p string) []any {
		return []any{map[string]any{"type": "owning_party", "destination": p}, map[string]any{"type": "possessing_party", "destination": p}}
	}
	tests := []struct {
		name string
		want map[string]any // fields besides eventTime, eventTimeZoneOffset, eventID
	}{
		{"Commissioned", map[string]any{"type": "ObjectEvent", "action": "ADD", "bizStep": "commissioning", "disposition": "active",
			"epcList": []any{unit}, "tracechain:txId": "tx01"}},
		{"LotCommissioned", map[string]any{"type": "ObjectEvent", "action": "ADD", "bizStep": "commissioning", "disposition": "active",
			"quantityList": []any{map[string]any{"epcClass": lot, "quantity": 500.0}}, "ilmd": map[string]any{"cbvmda:lotNumber": "L/1"}, "tracechain:txId": "tx02"}},
		{"LotSplit", map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "picking", "disposition": "active",
			"quantityList": []any{map[string]any{"epcClass": lot, "quantity": 50.0}}, "tracechain:subject": part, "tracechain:splitFrom": lot, "tracechain:txId": "tx03"}},
		{"Packed child", map[string]any{"type": "AggregationEvent", "action": "ADD", "bizStep": "packing", "disposition": "active",
			"parentID": case1, "childEPCs": []any{unit}, "tracechain:txId": "tx04"}},
		{"Packed container", map[string]any{"type": "AggregationEvent", "action": "ADD", "bizStep": "packing", "disposition": "active",
			"parentID": case1, "tracechain:childCount": 12.0, "tracechain:txId": "tx04"}},
		{"Shipped", map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
			"epcList": []any{case1}, "sourceList": from(partyM), "destinationList": to(partyD), "tracechain:txId": "tx05"}},
		{"Rejected", map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "void_shipping", "disposition": "active",
			"epcList": []any{case1}, "sourceList": from(partyD), "destinationList": to(partyM), "tracechain:txId": "tx06"}},
		{"Received", map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "receiving", "disposition": "active",
			"epcList": []any{case1}, "sourceList": from(partyM), "destinationList": to(partyD), "tracechain:txId": "tx07"}},
		{"Unpacked", map[string]any{"type": "AggregationEvent", "action": "DELETE", "bizStep": "unpacking", "disposition": "active",
			"parentID": case1, "childEPCs": []any{unit}, "tracechain:txId": "tx08"}},
		{"Packed lot part", map[string]any{"type": "AggregationEvent", "action": "ADD", "bizStep": "packing", "disposition": "active",
			"parentID": case1, "childQuantityList": []any{map[string]any{"epcClass": lot}}, "tracechain:subject": part, "tracechain:txId": "tx09"}},
		{"Sold", map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "bizStep": "retail_selling", "disposition": "retail_sold",
			"epcList": []any{unit}, "tracechain:txId": "tx12"}},
		{"Recalled", map[string]any{"type": "ObjectEvent", "action": "OBSERVE", "disposition": "recalled",
			"epcList": []any{unit}, "tracechain:recallId": "R-1"}},
		{"Decommissioned", map[string]any{"type": "ObjectEvent", "action": "DELETE", "bizStep": "decommissioning", "disposition": "stolen",
			"quantityList": []any{map[string]any{"epcClass": lot, "quantity": 50.0}}, "tracechain:subject": part, "tracechain:txId": "tx13"}},
	}
	_, b := render(t, sampleTrace())
	got := eventsAsJSON(t, b)
	require.Len(t, got, len(tests), "CloneAlert and AlertDecided are left out")
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := got[i]
			assert.Equal(t, "+00:00", ev["eventTimeZoneOffset"])
			assert.Regexp(t, `^2026-02-28T18:\d\d:04\.568Z$`, ev["eventTime"], "UTC, milliseconds rounded")
			for _, k := range []string{"eventTime", "eventTimeZoneOffset", "eventID"} {
				delete(ev, k)
			}
			assert.Equal(t, tt.want, ev)
		})
	}
}

func TestFromTraceDocument(t *testing.T) {
	doc, _ := render(t, sampleTrace())
	assert.Equal(t, "EPCISDocument", doc.Type)
	assert.Equal(t, "2.0", doc.SchemaVersion)
	assert.Equal(t, "2026-04-01T00:00:00.000Z", doc.CreationDate)
	assert.JSONEq(t, `["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"tracechain":"https://ns.tracechain.example/epcis/"}]`, string(doc.Context))
	assert.Equal(t, "2026-02-28T18:03:04.568Z", doc.Body.EventList[0].EventTime)

	// An empty trace is still a document, with an empty event list.
	_, e := render(t, nil)
	assert.Contains(t, string(e), `"eventList":[]`)
}

func TestFromTraceEventIDIsTheHashOfTheRenderedEvent(t *testing.T) {
	doc, b := render(t, sampleTrace())
	hashes, err := DocumentHashes(b)
	require.NoError(t, err)
	require.Len(t, hashes, len(doc.Body.EventList))
	seen := map[string]bool{}
	for i, ev := range doc.Body.EventList {
		assert.Equal(t, hashes[i], ev.EventID, "event %d", i)
		assert.False(t, seen[ev.EventID], "event %d: eventIDs are distinct", i)
		seen[ev.EventID] = true
	}
	// Through a parse of the rendered document, too, and the hash covers the txId extension.
	parsed, err := ParseDocument(b)
	require.NoError(t, err)
	ctx, err := parsed.ParseContext()
	require.NoError(t, err)
	for i, ev := range parsed.Events() {
		h, err := ev.Hash(ctx)
		require.NoError(t, err)
		assert.Equal(t, ev.EventID, h, "event %d", i)
	}
	pre, err := DocumentPreHashes(b)
	require.NoError(t, err)
	assert.Contains(t, pre[0], "{https://ns.tracechain.example/epcis/}txId=tx01")
}

func TestFromTraceIsDeterministic(t *testing.T) {
	_, a := render(t, sampleTrace())
	for i := 0; i < 20; i++ {
		_, b := render(t, sampleTrace())
		require.Equal(t, string(a), string(b))
	}
	// Another zone of the same instants gives the same document.
	evs := sampleTrace()
	for i := range evs {
		evs[i].Time = evs[i].Time.UTC()
	}
	_, c := render(t, evs)
	assert.Equal(t, string(a), string(c))
}

func TestFromTraceCarriesNoBuyerData(t *testing.T) {
	_, b := render(t, sampleTrace())
	s := string(b)
	for _, bad := range []string{"buyer", "Buyer", "contact", "address", "saleHash", "idCard", "tx10", "tx11", "a1\""} {
		assert.NotContains(t, s, bad)
	}
	sold := eventsAsJSON(t, b)[10]
	require.Equal(t, "retail_selling", sold["bizStep"])
	assert.NotContains(t, sold, "destinationList")
	assert.NotContains(t, sold, "sourceList")
}

func TestFromTraceParties(t *testing.T) {
	doc, err := FromTrace(unit, sampleTrace()[5:6], MapOptions{Parties: func(m string) string {
		return "https://id.gs1.org/417/" + map[string]string{mfr: "6901234000003", dist: "6901234000010"}[m]
	}})
	require.NoError(t, err)
	ev := doc.Body.EventList[0]
	assert.Equal(t, "https://id.gs1.org/417/6901234000003", ev.SourceList[0].Source)
	assert.Equal(t, "https://id.gs1.org/417/6901234000010", ev.DestinationList[1].Destination)
	assert.Equal(t, "0001-01-01T00:00:00.000Z", doc.CreationDate)
	assert.Equal(t, PartyURIBase+"X", PartyURI("X"))
}

func TestFromTraceRejectsWhatItCannotMap(t *testing.T) {
	_, err := FromTrace(unit, []model.TraceEvent{{Subject: unit, Type: "Teleported", Time: t0}}, MapOptions{})
	assert.ErrorContains(t, err, `"Teleported"`)
	_, err = FromTrace(unit, []model.TraceEvent{{Subject: unit, Type: model.EventDecommissioned, Disposition: model.DispositionActive, Time: t0}}, MapOptions{})
	assert.ErrorContains(t, err, "destroyed, stolen or damaged")
}

func TestFromTraceMatchesTheEmittedSchema(t *testing.T) {
	abs, err := filepath.Abs("testdata/emitted.schema.json")
	require.NoError(t, err)
	schema, err := gojsonschema.NewSchema(gojsonschema.NewReferenceLoader("file://" + filepath.ToSlash(abs)))
	require.NoError(t, err)
	_, b := render(t, sampleTrace())
	res, err := schema.Validate(gojsonschema.NewBytesLoader(b))
	require.NoError(t, err)
	assert.True(t, res.Valid(), "%v", res.Errors())

	// The schema does reject what the mapping must never write.
	for _, bad := range []struct{ from, to string }{
		{`"bizStep":"retail_selling"`, `"bizStep":"recalling"`},
		{`"disposition":"in_transit"`, `"disposition":"in_progress"`},
		{`"eventTimeZoneOffset":"+00:00"`, `"eventTimeZoneOffset":"+08:00"`},
		{`"creationDate":"2026-04-01T00:00:00.000Z"`, `"creationDate":"2026-04-01"`},
		{`"tracechain:txId":"tx12"`, `"tracechain:txId":"tx12","buyerName":"x"`},
		{`"action":"DELETE","bizStep":"decommissioning","disposition":"stolen"`, `"action":"DELETE","bizStep":"decommissioning","disposition":"active"`},
	} {
		mutated := strings.Replace(string(b), bad.from, bad.to, 1)
		require.NotEqual(t, string(b), mutated, "mutation %q does not apply", bad.from)
		res, err := schema.Validate(gojsonschema.NewStringLoader(mutated))
		require.NoError(t, err)
		assert.False(t, res.Valid(), "schema accepts %s", bad.to)
	}
}

// TestFromTraceFixedPartiesAndLocation: what the chaincode fixed when it
// wrote the event wins over the resolver, the location is the readPoint (and
// the bizLocation of a receipt), and the stored eventID is checked. (The
// resolver only names the parties of events written before they were fixed.)
func TestFromTraceFixedPartiesAndLocation(t *testing.T) {
	recv := model.TraceEvent{Subject: case1, Type: model.EventReceived, BizStep: model.BizStepReceiving, Disposition: model.DispositionActive,
		Time: at(6), TxID: "tx07", From: mfr, To: dist, FromParty: "https://id.gs1.org/417/6901234000016", ToParty: PartyURI(dist), Location: "https://id.gs1.org/414/6907777000050"}
	id, err := TraceEventID(recv)
	require.NoError(t, err)
	recv.EventID = id
	doc, err := FromTrace(case1, []model.TraceEvent{recv}, MapOptions{Parties: func(string) string { return "https://example.com/ignored" }})
	require.NoError(t, err)
	ev := doc.Body.EventList[0]
	assert.Equal(t, id, ev.EventID)
	assert.Equal(t, "https://id.gs1.org/417/6901234000016", ev.SourceList[0].Source, "fixed at write time")
	assert.Equal(t, PartyURI(dist), ev.DestinationList[0].Destination, "fixed at write time")
	assert.Equal(t, recv.Location, ev.ReadPoint.ID)
	assert.Equal(t, recv.Location, ev.BizLocation.ID)

	recv.EventID = "ni:///sha-256;" + strings.Repeat("0", 64) + "?ver=CBV2.0"
	_, err = FromTrace(case1, []model.TraceEvent{recv}, MapOptions{})
	assert.ErrorContains(t, err, "not the hash", "a stored eventID the rendering does not reproduce")

	// A captured event: the export is the ledger's summary, pointing to the anchor.
	recv.Captured = true
	doc, err = FromTrace(case1, []model.TraceEvent{recv}, MapOptions{})
	require.NoError(t, err)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"tracechain:capturedEventId":"`+recv.EventID+`"`)
	assert.NotEqual(t, recv.EventID, doc.Body.EventList[0].EventID)

	abs, err := filepath.Abs("testdata/emitted.schema.json")
	require.NoError(t, err)
	schema, err := gojsonschema.NewSchema(gojsonschema.NewReferenceLoader("file://" + filepath.ToSlash(abs)))
	require.NoError(t, err)
	res, err := schema.Validate(gojsonschema.NewBytesLoader(b))
	require.NoError(t, err)
	assert.True(t, res.Valid(), "%v", res.Errors())
}
