package contract_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"

	"github.com/tracechain/tracechain/chaincode/contract"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// peerSim invokes the full chaincode (contract API routing, argument
// decoding, schema validation, error wrapping) over a mocked stub.
type peerSim struct {
	t   *testing.T
	cc  *contract.Chaincode
	mem *statetest.Memory
	now time.Time
	n   int
}

func newPeerSim(t *testing.T) *peerSim {
	cc, err := contract.NewCheckingResults(regulator)
	require.NoError(t, err)
	p := &peerSim{t: t, cc: cc, mem: statetest.NewMemory(), now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	p.ok(admin(regulator), model.FnInitLedger, nil, regulator)
	return p
}

// invoke runs fn(args...) as msp. It commits successful transactions and
// returns the response status, payload or message, and the events set.
func (p *peerSim) invoke(msp, fn string, transient map[string][]byte, args ...any) (int32, string, []string) {
	p.t.Helper()
	p.n++
	p.now = p.now.Add(time.Minute)
	strs := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case string:
			strs[i] = v
		default:
			b, err := json.Marshal(v)
			require.NoError(p.t, err)
			strs[i] = string(b)
		}
	}
	ctrl := gomock.NewController(p.t)
	stub, rec := ledgerStub(p.t, ctrl, p.mem, invocation{msp: msp, txID: fmt.Sprintf("%064x", p.n), at: p.now, transient: transient, fn: fn, args: strs})
	resp := p.cc.Invoke(stub)
	if resp.Status == shim.OK {
		require.NoError(p.t, rec.tx.Commit())
		return resp.Status, string(resp.Payload), rec.events
	}
	return resp.Status, resp.Message, rec.events
}

// ok invokes and decodes a successful JSON result into out (may be nil).
func (p *peerSim) ok(msp, fn string, out any, args ...any) []string {
	p.t.Helper()
	status, body, events := p.invoke(msp, fn, nil, args...)
	require.Equal(p.t, int32(shim.OK), status, body)
	if out != nil {
		require.NoError(p.t, json.Unmarshal([]byte(body), out), body)
	}
	return events
}

// fails invokes and parses the model.Error out of the error message.
func (p *peerSim) fails(msp, fn string, code model.Code, args ...any) *model.Error {
	p.t.Helper()
	status, msg, events := p.invoke(msp, fn, nil, args...)
	require.Equal(p.t, int32(shim.ERROR), status)
	assert.Empty(p.t, events, "a failed transaction's event never commits; none is set on the rejected path here")
	e, ok := model.ParseError("chaincode response 500, " + msg)
	require.True(p.t, ok, msg)
	require.Equal(p.t, code, e.Code, msg)
	return e
}

func TestMetadataDescribesEveryFunction(t *testing.T) {
	p := newPeerSim(t)
	var md struct {
		Contracts map[string]struct {
			Name         string `json:"name"`
			Default      bool   `json:"default"`
			Transactions []struct {
				Name       string   `json:"name"`
				Tag        []string `json:"tag"`
				Parameters []struct {
					Name   string         `json:"name"`
					Schema map[string]any `json:"schema"`
				} `json:"parameters"`
			} `json:"transactions"`
		} `json:"contracts"`
		Components struct {
			Schemas map[string]struct {
				Required   []string       `json:"required"`
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	p.ok("AnyMSP", "org.hyperledger.fabric:GetMetadata", &md)

	tc := md.Contracts[model.ContractTracechain]
	assert.True(t, tc.Default)
	tags := map[string][]string{}
	for _, tx := range tc.Transactions {
		tags[tx.Name] = tx.Tag
	}
	all := []string{
		model.FnRegisterMember, model.FnUpdateMember, model.FnGetMember, model.FnListMembers, model.FnRegisterProduct,
		model.FnUpdateProduct, model.FnGetProduct, model.FnProductHistory, model.FnCommission, model.FnCommissionLot,
		model.FnSplitLot, model.FnPack, model.FnUnpack, model.FnShip, model.FnReceive, model.FnReject, model.FnRecordSale, model.FnSell,
		model.FnGetSale, model.FnPurgeSale, model.FnRecall, model.FnGetRecall, model.FnRecallReport, model.FnAcknowledgeRecall,
		model.FnListRecallAcks, model.FnCloseRecall, model.FnDecommission,
		model.FnVerify, model.FnTrace, model.FnGetItem, model.FnCheckCommission, model.FnGetContents, model.FnListAlerts,
		model.FnDecideAlert, model.FnFileSignal, model.FnInitLedger, model.FnGetNetwork, model.FnCaptureEvents,
	}
	assert.ElementsMatch(t, all, keys(tags), "exactly the documented functions")
	for _, fn := range all {
		want := "submit"
		if slices.Contains(model.EvaluateFunctions, fn) {
			want = "evaluate"
		}
		assert.Contains(t, tags[fn], want, fn)
	}
	// The deployed chaincode carries no benchmark contract: only tracechain and
	// the contract API's own system contract.
	assert.ElementsMatch(t, []string{model.ContractTracechain, "org.hyperledger.fabric"}, keys(md.Contracts))

	for _, typ := range []string{"MemberRequest", "Member", "ProductRequest", "Product", "CommissionRequest", "CommissionResult", "Item", "Packing",
		"ItemStatus", "Verification", "TracePage", "TraceEvent", "SellRequest", "SellResult", "SealedSale", "NetworkConfig", "DecideAlertRequest", "RecallRequest", "Recall",
		"RecallReportPage", "RecallEntry", "AlertPage", "Alert", "ShipRequest", "LotShipment", "MoveResult", "PackResult", "Party"} {
		assert.Contains(t, md.Components.Schemas, typ)
	}
	assert.ElementsMatch(t, []string{"gtin", "batch", "productionDate", "codes"}, md.Components.Schemas["CommissionRequest"].Required)
	assert.Contains(t, md.Components.Schemas["Item"].Properties, "initialQuantity")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestCallErrorsAreModelErrors(t *testing.T) {
	p := newPeerSim(t)
	p.fails(regulator, "NoSuchFunction", model.CodeInvalidArgument)
	p.fails(regulator, "nosuch:Verify", model.CodeInvalidArgument, "x")
	p.fails(regulator, model.FnVerify, model.CodeInvalidArgument)
	p.fails(admin(regulator), model.FnRegisterMember, model.CodeInvalidArgument, "{not json")
	p.fails(admin(regulator), model.FnRegisterMember, model.CodeInvalidArgument, `{"mspId":"X"}`) // required fields missing
	p.fails(regulator, model.FnListMembers, model.CodeInvalidArgument, "ten", "")
	e := p.fails("StrangerMSP", model.FnVerify, model.CodeNotMember, "x")
	assert.Equal(t, "StrangerMSP", e.Subject)
}

// TestResultsMatchTheirSchemas drives a unit through its life over the full
// chaincode, so that every result, with its optional fields absent or
// present, passes the contract API's schema validation.
func TestResultsMatchTheirSchemas(t *testing.T) {
	p := newPeerSim(t)
	for _, m := range []model.MemberRequest{
		{MSPID: makerA, Role: model.RoleManufacturer, Name: "A", USCC: uscc("91350100M000100Y4"), CompanyPrefixes: []string{"6901234"}, ProductionLicences: []string{"XK06-001-00001"}},
		{MSPID: distributor, Role: model.RoleDistributor, Name: "D", USCC: uscc("91310000M000300Y4")},
		{MSPID: retailer, Role: model.RoleRetailer, Name: "R", USCC: uscc("91440300M000400Y4")},
	} {
		var got model.Member
		assert.Equal(t, []string{model.EventMemberRegistered}, p.ok(admin(regulator), model.FnRegisterMember, &got, m))
		assert.Equal(t, m.MSPID, got.MSPID)
	}
	var alerts model.AlertPage
	p.ok(regulator, model.FnListAlerts, &alerts, "0", "")
	assert.Empty(t, alerts.Alerts)

	p.ok(makerA, model.FnRegisterProduct, nil, model.ProductRequest{GTIN: gtinA, Name: "cable", Type: "cable", Licence: "XK06-001-00001"})
	u := "https://id.gs1.org/01/" + gtinA + "/21/1"
	var cr model.CommissionResult
	p.ok(makerA, model.FnCommission, &cr, model.CommissionRequest{GTIN: gtinA, Batch: "B1", ProductionDate: "2026-02-01", Codes: []string{u}})
	assert.Empty(t, cr.WarrantyEnd)
	var lotItem model.Item
	p.ok(makerA, model.FnCommissionLot, &lotItem, model.LotRequest{GTIN: gtinA, Batch: "L1", ProductionDate: "2026-02-01", Quantity: 10})
	var part model.Item
	p.ok(makerA, model.FnSplitLot, &part, model.SplitRequest{Source: lotItem.Code, Quantity: 4})
	pallet := "(00)369012340000000017"
	var pr model.PackResult
	p.ok(makerA, model.FnPack, &pr, model.PackRequest{Container: pallet, Children: []string{u, part.Code}})
	assert.Equal(t, 2, pr.Children)
	var mr model.MoveResult
	assert.Equal(t, []string{model.EventShipped}, p.ok(makerA, model.FnShip, &mr, model.ShipRequest{To: retailer, Codes: []string{pallet}}))
	p.ok(retailer, model.FnReceive, &mr, model.MoveRequest{Codes: []string{pallet}})
	var st model.ItemStatus
	p.ok(distributor, model.FnGetItem, &st, u)
	assert.Equal(t, retailer, st.Holder.MSPID)
	var contents model.ContentsPage
	p.ok(distributor, model.FnGetContents, &contents, pallet, "10", "")
	assert.Len(t, contents.Children, 2)

	sale, _ := json.Marshal(model.SaleTransient{SaleData: model.SaleData{SalesTime: p.now, BuyerName: "孙七", BuyerContact: "13700000000"}, Salt: "0123456789abcdef0123456789abcdef"})
	var kept model.RecordSaleResult
	status, body, events := p.invoke(retailer, model.FnRecordSale, map[string][]byte{model.TransientSaleKey: sale}, model.RecordSaleRequest{Code: u})
	require.Equal(t, int32(shim.OK), status, body)
	assert.Equal(t, []string{model.EventSaleRecorded}, events)
	require.NoError(t, json.Unmarshal([]byte(body), &kept))
	status, body, events = p.invoke(retailer, model.FnSell, nil, model.SellRequest{Code: u, SaleHash: kept.SaleHash, RecordHash: kept.RecordHash})
	require.Equal(t, int32(shim.OK), status, body)
	assert.Equal(t, []string{model.EventSold}, events)
	assert.NotContains(t, body, "孙七")
	status, body, events = p.invoke(retailer, model.FnSell, nil, model.SellRequest{Code: u})
	require.Equal(t, int32(shim.OK), status, body)
	assert.Equal(t, []string{model.EventCloneAlert}, events)
	var refused model.SellResult
	require.NoError(t, json.Unmarshal([]byte(body), &refused))
	assert.Equal(t, model.OutcomeRefusedAlreadySold, refused.Outcome)

	readKey := make([]byte, model.ReadKeySize)
	status, body, _ = p.invoke(admin(regulator), model.FnGetSale, map[string][]byte{model.TransientReadKey: readKey}, u)
	require.Equal(t, int32(shim.OK), status, body)
	assert.NotContains(t, body, "孙七", "the response is sealed")
	var sealed model.SealedSale
	require.NoError(t, json.Unmarshal([]byte(body), &sealed))
	sr, err := sealed.Open(readKey)
	require.NoError(t, err)
	assert.Equal(t, "孙七", sr.BuyerName)
	p.fails(admin(retailer), model.FnPurgeSale, model.CodeBadState, u)

	var v model.Verification
	p.ok(distributor, model.FnVerify, &v, "not a code")
	assert.Equal(t, model.VerdictInvalidCode, v.Verdict)
	p.ok(distributor, model.FnVerify, &v, u)
	assert.Equal(t, model.VerdictSold, v.Verdict, "a report alone changes no verdict")
	var decided model.Alert
	p.ok(admin(regulator), model.FnDecideAlert, &decided, model.DecideAlertRequest{Code: u, AlertID: refused.AlertID, Decision: model.DecisionConfirm})
	assert.Equal(t, model.AlertConfirmed, decided.Status)
	p.ok(distributor, model.FnVerify, &v, u)
	assert.Equal(t, model.VerdictSuspectedClone, v.Verdict)
	var cfg model.NetworkConfig
	p.ok(distributor, model.FnGetNetwork, &cfg)
	assert.Equal(t, regulator, cfg.RegulatorMSPID)

	var rec model.Recall
	p.ok(admin(regulator), model.FnRecall, &rec, model.RecallRequest{GTIN: gtinA, Batch: "L1", Reason: "defect"})
	var report model.RecallReportPage
	p.ok(makerA, model.FnRecallReport, &report, rec.ID, "100", "")
	assert.Len(t, report.Entries, 2, "the lot and its part")
	p.ok(makerA, model.FnGetRecall, &rec, rec.ID)

	var trace model.TracePage
	p.ok(distributor, model.FnTrace, &trace, u, "100", "")
	assert.NotEmpty(t, trace.Events)
	var history model.ProductHistory
	p.ok(distributor, model.FnProductHistory, &history, gtinA, "0", "")
	var members model.MemberPage
	p.ok(distributor, model.FnListMembers, &members, "2", "")
	assert.Len(t, members.Members, 2)
	assert.NotEmpty(t, members.Bookmark)
	p.ok(retailer, model.FnDecommission, &mr, model.DecommissionRequest{Codes: []string{pallet}, Reason: model.ReasonStolen})
	assert.Equal(t, model.DispositionStolen, mr.Disposition)
	p.fails(retailer, model.FnUnpack, model.CodeBadState, model.UnpackRequest{Container: pallet})
}

func TestReadOnlyIdentityNeitherWritesNorReadsBuyerData(t *testing.T) {
	p := newPeerSim(t)
	p.ok(admin(regulator), model.FnRegisterMember, nil, model.MemberRequest{MSPID: makerA, Role: model.RoleManufacturer, Name: "A",
		USCC: uscc("91350100M000100Y4"), CompanyPrefixes: []string{"6901234"}, ProductionLicences: []string{"XK06-001-00001"}})
	p.ok(makerA, model.FnRegisterProduct, nil, model.ProductRequest{GTIN: gtinA, Name: "cable", Type: "cable", Licence: "XK06-001-00001"})
	u := "https://id.gs1.org/01/" + gtinA + "/21/R1"
	reader := regulator + asReader
	var v model.Verification
	p.ok(reader, model.FnVerify, &v, u)
	assert.Equal(t, model.VerdictUnknown, v.Verdict, "a reader verifies")
	// Every write, even by an identity of an organisation whose role allows it, and even
	// the reader's organisation's administrator's privileged reads, are refused.
	for _, c := range []struct {
		who, fn string
		args    []any
	}{
		{admin(makerA) + asReader, model.FnCommission, []any{model.CommissionRequest{GTIN: gtinA, Batch: "B1", ProductionDate: "2026-02-01", Codes: []string{u}}}},
		{admin(regulator) + asReader, model.FnRegisterMember, []any{model.MemberRequest{MSPID: "XMSP", Role: model.RoleDistributor, Name: "x", USCC: uscc("91310000M000300Y4")}}},
		{admin(regulator) + asReader, model.FnGetSale, []any{u}},
		{reader, "tracechain:" + model.FnRecall, []any{model.RecallRequest{GTIN: gtinA, Batch: "B1", Reason: "x"}}},
	} {
		e := p.fails(c.who, c.fn, model.CodeForbidden, c.args...)
		assert.Contains(t, e.Message, "read-only", c.fn)
	}
}
