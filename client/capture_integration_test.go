//go:build integration

package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// TestCaptureEPCISDocuments captures, on the real network, documents that
// commission, pack and ship (the maker), and receive and decommission (the
// distributor): every ledger event of the goods carries, as its eventID, the
// hash of the captured event that caused it. A document with an invalid event
// in the middle leaves nothing written.
func TestCaptureEPCISDocuments(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, D := org(t, mfrA), org(t, dist)
	story := newCaptureStory(t, f, A, D)
	units, caseCode, maker := story.units, story.caseCode, story.maker
	now, ev := captureNow, rawEvent

	// All or nothing: a refusal in the middle leaves the first event unwritten.
	fresh := testnet.Canonical(t, f.Unit(9))
	bad := []json.RawMessage{
		ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":[%q],"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:lotNumber":%q}}`, now(), fresh, f.Batch),
		ev(`{"type":"TransformationEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","inputEPCList":[%q]}`, now(), fresh),
	}
	_, err := A.CaptureEvents(ctx, bad)
	require.ErrorIs(t, err, client.ErrInvalidArgument)
	var ce *client.ChaincodeError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "/epcisBody/eventList/1/type", ce.Subject)
	_, err = A.CaptureEvents(ctx, []json.RawMessage{bad[0], ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+00:00","epcList":[%q],"action":"OBSERVE","bizStep":"shipping","destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/%s"}]}`, now(), units[0], withCheck(t, "6909999"+"00001"))})
	require.ErrorIs(t, err, client.ErrNotMember, "an unresolvable destination")
	_, err = A.GetItem(ctx, fresh)
	require.ErrorIs(t, err, client.ErrNotFound, "nothing of a refused document is written")

	res, err := A.CaptureEvents(ctx, maker)
	require.NoError(t, err)
	want := hashes(t, maker)
	assert.Equal(t, want, res.EventIDs)
	_, err = A.CaptureEvents(ctx, maker[2:])
	require.ErrorIs(t, err, client.ErrDuplicate, "a replayed event")
	testnet.Settled(t)

	distributor := story.distributor
	res2, err := D.CaptureEvents(ctx, distributor)
	require.NoError(t, err)
	want = append(want, hashes(t, distributor)...)
	assert.Equal(t, want[3:], res2.EventIDs)
	testnet.Settled(t)

	st, err := D.GetItem(ctx, units[1])
	require.NoError(t, err)
	assert.Equal(t, model.DispositionDamaged, st.Disposition, "the units follow their case")
	assert.Equal(t, D.MSPID(), st.Holder.MSPID)

	byType := map[string]string{
		model.EventCommissioned: want[0], model.EventPacked: want[1], model.EventShipped: want[2],
		model.EventReceived: want[3], model.EventDecommissioned: want[4],
	}
	for _, code := range []string{units[0], caseCode} {
		events, err := client.Collect(D.Trace(ctx, code))
		require.NoError(t, err)
		var types []string
		for _, e := range events {
			types = append(types, e.Type)
			assert.True(t, e.Captured, "%s of %s", e.Type, e.Subject)
			id := byType[e.Type]
			if e.Type == model.EventCommissioned && e.Subject == caseCode {
				id = want[1] // the case came into being by the packing event
			}
			assert.Equal(t, id, e.EventID, "%s of %s is anchored by the captured event's hash", e.Type, e.Subject)
		}
		assert.Equal(t, []string{model.EventCommissioned, model.EventPacked, model.EventShipped, model.EventReceived, model.EventDecommissioned}, types, code)
		_, err = epcis.FromTrace(code, events, epcis.MapOptions{CreationDate: time.Now()})
		require.NoError(t, err, "the trace exports")
	}
}

// TestCapturedDocumentReachesNoBlock captures a document whose event carries
// a unique marker text in a user extension and in its bizTransactionList,
// then reads every block of the channel up to the capture's own, byte for
// byte: the marker is in none of them, while the capture's block holds the
// document's SHA-256 (the transaction's argument) and the event's hash, which
// the ledger's trace of the unit carries as the eventID of its
// commissioning. The document went to the endorsers as transient data only.
func TestCapturedDocumentReachesNoBlock(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A := org(t, mfrA)
	marker := "tracechain-private-marker-" + randDigits(t, 12)
	unit := testnet.Canonical(t, f.Unit(40))
	doc := []byte(fmt.Sprintf(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"https://ns.example.com/epcis/"}],`+
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":%q,"epcisBody":{"eventList":[`+
		`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":[%q],"action":"ADD","bizStep":"commissioning","disposition":"active",`+
		`"bizTransactionList":[{"type":"po","bizTransaction":"urn:example:po:%s"}],"ilmd":{"cbvmda:lotNumber":%q},`+
		`"example:note":"inspected by %s"}]}}`, captureNow(), captureNow(), unit, marker, f.Batch, marker))
	want, err := epcis.DocumentHashes(doc)
	require.NoError(t, err)

	cc, err := A.CaptureDocumentCommit(ctx, doc)
	require.NoError(t, err)
	assert.Equal(t, want, cc.EventIDs)
	testnet.Settled(t)

	events, err := client.Collect(A.Trace(ctx, unit))
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Equal(t, model.EventCommissioned, events[0].Type)
	assert.Equal(t, want[0], events[0].EventID, "the event is anchored by its hash")
	_, err = A.CaptureDocument(ctx, doc)
	require.ErrorIs(t, err, client.ErrDuplicate, "captured again: the commissioned unit refuses it, with no captured~ record")

	g, err := testnet.Current().Gateway(mfrA, testnet.User)
	require.NoError(t, err)
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks, err := g.Network.BlockEvents(bctx, gateway.WithStartBlock(0))
	require.NoError(t, err)
	for n := uint64(0); n <= cc.BlockNumber; n++ {
		var b []byte
		select {
		case blk, ok := <-blocks:
			require.True(t, ok, "the block stream ended before block %d", n)
			require.Equal(t, n, blk.GetHeader().GetNumber())
			b, err = proto.Marshal(blk)
			require.NoError(t, err)
		case <-ctx.Done():
			t.Fatalf("block %d: %v", n, ctx.Err())
		}
		assert.False(t, bytes.Contains(b, []byte(marker)), "block %d holds the document's marker text", n)
		if n == cc.BlockNumber {
			assert.True(t, bytes.Contains(b, []byte(cc.TxID)), "the capture is in block %d", n)
			assert.True(t, bytes.Contains(b, []byte(model.CaptureDigest(doc))), "the capture's argument is the document's SHA-256")
			assert.True(t, bytes.Contains(b, []byte(want[0])), "the block anchors the event's hash")
		}
	}
}

// captureStory is what the capture tests capture: three units of a product
// packed into a case, the maker's events (commission, pack, ship to the
// distributor, with a readPoint, a bizTransactionList and sensor data the
// ledger does not model) and the distributor's (receive, decommission).
type captureStory struct {
	units              []string
	caseCode           string
	maker, distributor []json.RawMessage
}

// newCaptureStory gives the maker A and the distributor D party and location
// GLNs under their company prefixes for the test, and writes their events.
func newCaptureStory(t *testing.T, f *testnet.Product, A, D *client.Client) *captureStory {
	t.Helper()
	partyA, siteA := withCheck(t, testnet.PrefixA+"00001"), withCheck(t, testnet.PrefixA+"00002")
	partyD, siteD := withCheck(t, testnet.PrefixD+"00001"), withCheck(t, testnet.PrefixD+"00005")
	withGLNs(t, map[string][2]string{A.MSPID(): {partyA, siteA}, D.MSPID(): {partyD, siteD}})
	st := &captureStory{units: f.Units(0, 3), caseCode: testnet.Canonical(t, testnet.NewSSCC(f.Prefix))}
	for i, u := range st.units {
		st.units[i] = testnet.Canonical(t, u)
	}
	now, ev := captureNow, rawEvent
	codes, err := json.Marshal(st.units)
	require.NoError(t, err)
	st.maker = []json.RawMessage{
		ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":%s,"action":"ADD","bizStep":"commissioning","disposition":"active",
			"readPoint":{"id":"https://id.gs1.org/414/%s"},"bizTransactionList":[{"type":"prodorder","bizTransaction":"urn:example:mo:%s"}],
			"ilmd":{"cbvmda:lotNumber":%q,"cbvmda:productionDate":%q}}`, now(), codes, siteA, f.Run, f.Batch, time.Now().Format("2006-01-02")),
		ev(`{"type":"AggregationEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","parentID":%q,"childEPCs":%s,"action":"ADD","bizStep":"packing"}`,
			now(), st.caseCode, codes),
		ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":[%q],"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit",
			"sourceList":[{"type":"owning_party","source":"https://id.gs1.org/417/%s"}],"destinationList":[{"type":"owning_party","destination":"https://id.gs1.org/417/%s"}],
			"sensorElementList":[{"sensorReport":[{"type":"Temperature","value":21.5,"uom":"CEL"}]}]}`, now(), st.caseCode, partyA, partyD),
	}
	st.distributor = []json.RawMessage{
		ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":[%q],"action":"OBSERVE","bizStep":"receiving","disposition":"active",
			"bizLocation":{"id":"https://id.gs1.org/414/%s"},"sourceList":[{"type":"owning_party","source":"https://id.gs1.org/417/%s"}]}`, now(), st.caseCode, siteD, partyA),
		ev(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":[%q],"action":"DELETE","bizStep":"decommissioning","disposition":"damaged"}`, now(), st.caseCode),
	}
	return st
}

// captureNow is an eventTime of now.
func captureNow() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

// rawEvent is an event written as a format string.
func rawEvent(format string, args ...any) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(format, args...))
}

// hashes returns the CBV 2.0 hashes of events as CaptureEvents sends them.
func hashes(t *testing.T, events []json.RawMessage) []string {
	t.Helper()
	ctx, err := epcis.ParseContext(epcis.ExportContext())
	require.NoError(t, err)
	out := make([]string, len(events))
	for i, e := range events {
		out[i], err = epcis.EventHash(e, ctx)
		require.NoError(t, err)
	}
	return out
}

// withGLNs gives members (by MSP ID) party and location GLNs for one test,
// and takes them away afterwards so that other tests see the members they
// expect.
func withGLNs(t *testing.T, glns map[string][2]string) {
	t.Helper()
	G := admin(t, reg)
	var plain, with []model.MemberRequest
	for i := range memberOrgs {
		req := memberRequest(t, i)
		if g, ok := glns[req.MSPID]; ok {
			plain = append(plain, req)
			req.PartyGLN, req.LocationGLNs = g[0], []string{g[1]}
			with = append(with, req)
		}
	}
	require.Len(t, with, len(glns), "every member named is a registered member")
	update := func(reqs []model.MemberRequest) error {
		for _, req := range reqs {
			if _, err := G.UpdateMember(context.Background(), req); err != nil {
				return err
			}
		}
		return nil
	}
	require.NoError(t, update(with))
	t.Cleanup(func() { assert.NoError(t, update(plain)) })
	testnet.Settled(t)
}
