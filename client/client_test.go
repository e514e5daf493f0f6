package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/grpc/codes"

	"github.com/tracechain/tracechain/chaincode/model"
)

func TestWritesAreSubmittedWithJSONRequests(t *testing.T) {
	ctx := context.Background()
	c, cc, ctrl := newTestClient(t)

	tests := []struct {
		name string
		fn   string
		run  func() error
		want any
	}{
		{"RegisterMember", model.FnRegisterMember, func() error {
			_, err := c.RegisterMember(ctx, model.MemberRequest{MSPID: "DistributorMSP", Role: model.RoleDistributor, Name: "D", USCC: "X"})
			return err
		}, model.MemberRequest{MSPID: "DistributorMSP", Role: model.RoleDistributor, Name: "D", USCC: "X"}},
		{"UpdateMember", model.FnUpdateMember, func() error {
			_, err := c.UpdateMember(ctx, model.MemberRequest{MSPID: "DistributorMSP", Suspended: true})
			return err
		}, model.MemberRequest{MSPID: "DistributorMSP", Suspended: true}},
		{"RegisterProduct", model.FnRegisterProduct, func() error {
			_, err := c.RegisterProduct(ctx, model.ProductRequest{GTIN: "06901234567892", Name: "cable", WarrantyMonths: 24})
			return err
		}, model.ProductRequest{GTIN: "06901234567892", Name: "cable", WarrantyMonths: 24}},
		{"UpdateProduct", model.FnUpdateProduct, func() error {
			_, err := c.UpdateProduct(ctx, model.ProductRequest{GTIN: "06901234567892", Name: "cable 2"})
			return err
		}, model.ProductRequest{GTIN: "06901234567892", Name: "cable 2"}},
		{"Commission", model.FnCommission, func() error {
			_, err := c.Commission(ctx, model.CommissionRequest{GTIN: "06901234567892", Batch: "B1", ProductionDate: "2025-01-02", Codes: []string{"a", "b"}})
			return err
		}, model.CommissionRequest{GTIN: "06901234567892", Batch: "B1", ProductionDate: "2025-01-02", Codes: []string{"a", "b"}}},
		{"CommissionLot", model.FnCommissionLot, func() error {
			_, err := c.CommissionLot(ctx, model.LotRequest{GTIN: "g", Batch: "L", ProductionDate: "2025-01-02", Quantity: 500})
			return err
		}, model.LotRequest{GTIN: "g", Batch: "L", ProductionDate: "2025-01-02", Quantity: 500}},
		{"SplitLot", model.FnSplitLot, func() error {
			_, err := c.SplitLot(ctx, model.SplitRequest{Source: "lot", Quantity: 5, Label: "p1"})
			return err
		}, model.SplitRequest{Source: "lot", Quantity: 5, Label: "p1"}},
		{"Pack", model.FnPack, func() error {
			_, err := c.Pack(ctx, model.PackRequest{Container: "c", Children: []string{"x"}})
			return err
		}, model.PackRequest{Container: "c", Children: []string{"x"}}},
		{"Unpack", model.FnUnpack, func() error {
			_, err := c.Unpack(ctx, model.UnpackRequest{Container: "c"})
			return err
		}, model.UnpackRequest{Container: "c"}},
		{"Ship", model.FnShip, func() error {
			_, err := c.Ship(ctx, model.ShipRequest{To: "RetailerMSP", Codes: []string{"c"}})
			return err
		}, model.ShipRequest{To: "RetailerMSP", Codes: []string{"c"}}},
		{"Receive", model.FnReceive, func() error {
			_, err := c.Receive(ctx, model.MoveRequest{Codes: []string{"c"}})
			return err
		}, model.MoveRequest{Codes: []string{"c"}}},
		{"Reject", model.FnReject, func() error {
			_, err := c.Reject(ctx, model.MoveRequest{Codes: []string{"c"}})
			return err
		}, model.MoveRequest{Codes: []string{"c"}}},
		{"Decommission", model.FnDecommission, func() error {
			_, err := c.Decommission(ctx, model.DecommissionRequest{Codes: []string{"c"}, Reason: model.ReasonStolen})
			return err
		}, model.DecommissionRequest{Codes: []string{"c"}, Reason: model.ReasonStolen}},
		{"Recall", model.FnRecall, func() error {
			_, err := c.Recall(ctx, model.RecallRequest{GTIN: "g", Batch: "B1", Reason: "insulation"})
			return err
		}, model.RecallRequest{GTIN: "g", Batch: "B1", Reason: "insulation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got call
			expectSubmit(ctrl, cc, "tx1", map[string]any{"txId": "tx1"}, peer.TxValidationCode_VALID, &got)
			require.NoError(t, tt.run())
			assert.Equal(t, tt.fn, got.Fn)
			assert.Empty(t, got.Contract, "default contract")
			assert.Empty(t, got.Transient)
			require.Len(t, got.Args, 1)
			// The argument is the JSON of the model request, nothing else.
			want, _ := json.Marshal(tt.want)
			assert.JSONEq(t, string(want), got.Args[0])
		})
	}
}

func TestGetSaleOpensTheSealedRecordWithAFreshKey(t *testing.T) {
	c, cc, _ := newTestClient(t)
	c.random = rand.Reader
	var keys [][]byte
	cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, cl call) ([]byte, error) {
		assert.Equal(t, model.FnGetSale, cl.Fn)
		assert.True(t, cl.evaluation)
		key := cl.Transient[model.TransientReadKey]
		require.Len(t, key, model.ReadKeySize)
		keys = append(keys, key)
		sealed, err := model.SealSale(key, "tx9", &model.SaleRecord{Code: "u", BuyerName: "张三"})
		require.NoError(t, err)
		return json.Marshal(sealed)
	}).Times(2)
	for range 2 {
		rec, err := c.GetSale(context.Background(), "u")
		require.NoError(t, err)
		assert.Equal(t, "张三", rec.BuyerName)
	}
	assert.NotEqual(t, keys[0], keys[1], "a key serves one read")
}

func TestReadsAreEvaluatedWithStringArguments(t *testing.T) {
	ctx := context.Background()
	c, cc, _ := newTestClient(t)
	tests := []struct {
		name string
		fn   string
		args []string
		run  func() error
	}{
		{"GetMember", model.FnGetMember, []string{"RetailerMSP"}, func() error { _, err := c.GetMember(ctx, "RetailerMSP"); return err }},
		{"MembersPage", model.FnListMembers, []string{"10", "bm"}, func() error { _, err := c.MembersPage(ctx, 10, "bm"); return err }},
		{"GetProduct", model.FnGetProduct, []string{"6901234567892"}, func() error { _, err := c.GetProduct(ctx, "6901234567892"); return err }},
		{"ProductHistory", model.FnProductHistory, []string{"g", "1000", ""}, func() error { _, err := Collect(c.ProductHistory(ctx, "g")); return err }},
		{"ProductHistoryPage", model.FnProductHistory, []string{"g", "5", "b"}, func() error { _, err := c.ProductHistoryPage(ctx, "g", 5, "b"); return err }},
		{"GetRecall", model.FnGetRecall, []string{"r"}, func() error { _, err := c.GetRecall(ctx, "r"); return err }},
		{"RecallReportPage", model.FnRecallReport, []string{"r", "0", ""}, func() error { _, err := c.RecallReportPage(ctx, "r", 0, ""); return err }},
		{"Verify", model.FnVerify, []string{"https://id.gs1.org/01/1/21/x"}, func() error { _, err := c.Verify(ctx, "https://id.gs1.org/01/1/21/x"); return err }},
		{"TracePage", model.FnTrace, []string{"u", "50", "b"}, func() error { _, err := c.TracePage(ctx, "u", 50, "b"); return err }},
		{"GetItem", model.FnGetItem, []string{"u"}, func() error { _, err := c.GetItem(ctx, "u"); return err }},
		{"ContentsPage", model.FnGetContents, []string{"c", "1000", ""}, func() error { _, err := c.ContentsPage(ctx, "c", 1000, ""); return err }},
		{"AlertsPage", model.FnListAlerts, []string{"5", ""}, func() error { _, err := c.AlertsPage(ctx, 5, ""); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got call
			expectEvaluate(cc, map[string]any{}, &got)
			require.NoError(t, tt.run())
			assert.Equal(t, tt.fn, got.Fn)
			assert.Equal(t, tt.args, got.Args)
			assert.True(t, got.evaluation)
			assert.Contains(t, model.EvaluateFunctions, tt.fn, "model lists it as a read")
		})
	}
}

func TestResultsAreDecodedIntoModelTypes(t *testing.T) {
	ctx := context.Background()
	c, cc, _ := newTestClient(t)
	expectEvaluate(cc, model.Verification{Input: "x", Verdict: model.VerdictRecalled, RecallID: "r1", Producer: &model.Party{MSPID: "M", Name: "Maker", USCC: "U"}}, nil)
	v, err := c.Verify(ctx, "x")
	require.NoError(t, err)
	assert.Equal(t, model.VerdictRecalled, v.Verdict)
	assert.Equal(t, "Maker", v.Producer.Name)

	expectEvaluate(cc, "not json", nil)
	_, err = c.GetItem(ctx, "x")
	assert.ErrorContains(t, err, "decoding GetItem result")
}

func TestSellSendsBuyerDataOnlyAsTransientData(t *testing.T) {
	ctx := context.Background()
	c, cc, ctrl := newTestClient(t)
	var got, sold call
	gomock.InOrder(
		expectSubmit(ctrl, cc, "tx8", model.RecordSaleResult{Outcome: model.OutcomeRecorded, Code: "u1", SaleHash: "h", RecordHash: "r", TxID: "tx8"}, peer.TxValidationCode_VALID, &got),
		expectSubmit(ctrl, cc, "tx9", model.SellResult{Outcome: model.OutcomeSold, Code: "u1", SaleHash: "h", TxID: "tx9"}, peer.TxValidationCode_VALID, &sold),
	)

	res, err := c.Sell(ctx, model.SellRequest{Code: "u1", RetentionDays: 365}, model.SaleData{BuyerName: "Zhang San", BuyerAddress: "Hangzhou", BuyerContact: "138"})
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeSold, res.Outcome)

	// The buyer data goes to the seller's own peers, in RecordSale's transient map only.
	assert.Equal(t, model.FnRecordSale, got.Fn)
	require.Len(t, got.Args, 1)
	assert.JSONEq(t, `{"code":"u1","retentionDays":365}`, got.Args[0])
	assert.Equal(t, []string{c.MSPID()}, got.Endorsers)
	// Sell, which any two organisations endorse, carries the record's hashes and no buyer data.
	assert.Equal(t, model.FnSell, sold.Fn)
	assert.JSONEq(t, `{"code":"u1","retentionDays":365,"saleHash":"h","recordHash":"r"}`, sold.Args[0])
	assert.Empty(t, sold.Transient)
	assert.Empty(t, sold.Endorsers)
	for _, a := range append(got.Args, sold.Args...) {
		assert.NotContains(t, a, "Zhang San", "buyer data must not be a transaction argument")
	}
	require.Contains(t, got.Transient, model.TransientSaleKey)
	st := decodeArg[model.SaleTransient](t, string(got.Transient[model.TransientSaleKey]))
	assert.Equal(t, "Zhang San", st.BuyerName)
	assert.Equal(t, c.now(), st.SalesTime, "zero sales time means now")
	assert.Len(t, st.Salt, model.MinSaltLength)
	_, err = hex.DecodeString(st.Salt)
	assert.NoError(t, err)
}

func TestSellSaltIsRandom(t *testing.T) {
	a, err := newSalt(strings.NewReader(strings.Repeat("a", 64)))
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("61", saltBytes), a)
	c, cc, ctrl := newTestClient(t)
	c.random = newClient(cc, defaultConfig()).random // crypto/rand
	salts := map[string]bool{}
	for range 3 {
		var got call
		gomock.InOrder(
			expectSubmit(ctrl, cc, "tx", model.RecordSaleResult{Outcome: model.OutcomeRecorded}, peer.TxValidationCode_VALID, &got),
			expectSubmit(ctrl, cc, "tx", model.SellResult{Outcome: model.OutcomeSold}, peer.TxValidationCode_VALID, nil),
		)
		_, err := c.Sell(context.Background(), model.SellRequest{Code: "u"}, model.SaleData{BuyerName: "b"})
		require.NoError(t, err)
		salts[decodeArg[model.SaleTransient](t, string(got.Transient[model.TransientSaleKey])).Salt] = true
	}
	assert.Len(t, salts, 3)
}

func TestRefusedResaleIsAResultNotAnError(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	gomock.InOrder(
		// RecordSale keeps no buyer data for a unit sold before; Sell without a record reports it.
		cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeAlreadySold, Message: "sold before", Subject: "u"})),
		expectSubmit(ctrl, cc, "tx2", model.SellResult{Outcome: model.OutcomeRefusedAlreadySold, Code: "u", AlertID: "tx2", TxID: "tx2"}, peer.TxValidationCode_VALID, nil),
	)
	res, err := c.Sell(context.Background(), model.SellRequest{Code: "u"}, model.SaleData{BuyerName: "b"})
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeRefusedAlreadySold, res.Outcome)
	assert.Equal(t, "tx2", res.AlertID)
}

func TestTraceFollowsBookmarks(t *testing.T) {
	c, cc, _ := newTestClient(t)
	gomock.InOrder(
		cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, cl call) ([]byte, error) {
			assert.Equal(t, []string{"u", "1000", ""}, cl.Args)
			return json.Marshal(model.TracePage{Code: "u", Events: []model.TraceEvent{{Type: model.EventCommissioned}, {Type: model.EventPacked}}, Bookmark: "b1"})
		}),
		cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, cl call) ([]byte, error) {
			assert.Equal(t, []string{"u", "1000", "b1"}, cl.Args)
			return json.Marshal(model.TracePage{Code: "u", Events: []model.TraceEvent{{Type: model.EventSold}}})
		}),
	)
	events, err := Collect(c.Trace(context.Background(), "u"))
	require.NoError(t, err)
	require.Len(t, events, 3)
	assert.Equal(t, model.EventSold, events[2].Type)
}

func TestIteratorStopsEarlyAndOnError(t *testing.T) {
	c, cc, _ := newTestClient(t)
	expectEvaluate(cc, model.AlertPage{Alerts: []model.Alert{{ID: "a1"}, {ID: "a2"}}, Bookmark: "b"}, nil)
	n := 0
	for a, err := range c.Alerts(context.Background()) {
		require.NoError(t, err)
		assert.Equal(t, "a1", a.ID)
		n++
		break
	}
	assert.Equal(t, 1, n)

	cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).Return(nil, chaincodeStatus(t, codes.Unknown, &model.Error{Code: model.CodeForbidden, Message: "no"}))
	for _, err := range c.Alerts(context.Background()) {
		assert.ErrorIs(t, err, ErrForbidden)
	}
}

func TestRecallReportCollectsPages(t *testing.T) {
	c, cc, _ := newTestClient(t)
	gomock.InOrder(
		expectEvaluate(cc, model.RecallReportPage{Recall: model.Recall{ID: "r"}, Entries: []model.RecallEntry{{Code: "a"}}, Bookmark: "1"}, nil),
		expectEvaluate(cc, model.RecallReportPage{Recall: model.Recall{ID: "r"}, Entries: []model.RecallEntry{{Code: "b"}}}, nil),
	)
	entries, err := Collect(c.RecallReport(context.Background(), "r"))
	require.NoError(t, err)
	assert.Equal(t, []model.RecallEntry{{Code: "a"}, {Code: "b"}}, entries)
}

// TestPagedReadsFollowOneNamingRule: every read that takes a page size and a
// bookmark is named XxxPage and has an iterator Xxx over all its items, with
// the same leading arguments, and no other method pages.
func TestPagedReadsFollowOneNamingRule(t *testing.T) {
	ct := reflect.TypeFor[*Client]()
	int32T, stringT, errorT := reflect.TypeFor[int32](), reflect.TypeFor[string](), reflect.TypeFor[error]()
	paged := 0
	for m := range ct.Methods() {
		in := m.Type.NumIn()
		takesPage := in >= 4 && m.Type.In(in-2) == int32T && m.Type.In(in-1) == stringT
		isPageName := strings.HasSuffix(m.Name, "Page")
		assert.Equal(t, takesPage, isPageName, "%s: a page size and bookmark, exactly when named XxxPage", m.Name)
		if !takesPage {
			continue
		}
		paged++
		all, ok := ct.MethodByName(strings.TrimSuffix(m.Name, "Page"))
		if !assert.True(t, ok, "%s has no iterator %s", m.Name, strings.TrimSuffix(m.Name, "Page")) {
			continue
		}
		require.Equal(t, in-2, all.Type.NumIn(), "%s takes the leading arguments of %s", all.Name, m.Name)
		for i := range in - 2 {
			assert.Equal(t, m.Type.In(i), all.Type.In(i), "%s argument %d", all.Name, i)
		}
		require.Equal(t, 1, all.Type.NumOut(), all.Name)
		seq := all.Type.Out(0)
		assert.True(t, seq.Kind() == reflect.Func && seq.NumIn() == 1 && seq.In(0).NumIn() == 2 && seq.In(0).In(1) == errorT,
			"%s returns an iter.Seq2[T, error], not %s", all.Name, seq)
	}
	assert.Equal(t, 6, paged, "members, product history, trace, contents, recall report, alerts")
}

func TestSellWaitsForEndorsersToHaveTheRecord(t *testing.T) {
	c, cc, ctrl := newTestClient(t)
	var slept []time.Duration
	c.sleep = func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	notYet := chaincodeStatus(t, codes.Aborted, &model.Error{Code: model.CodeNotFound, Message: "no sale record: RecordSale keeps the buyer data first", Subject: "u"})
	gomock.InOrder(
		expectSubmit(ctrl, cc, "tx1", model.RecordSaleResult{Outcome: model.OutcomeRecorded, Code: "u", SaleHash: "h", RecordHash: "r"}, peer.TxValidationCode_VALID, nil),
		cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, notYet),
		cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, notYet),
		expectSubmit(ctrl, cc, "tx2", model.SellResult{Outcome: model.OutcomeSold, Code: "u", TxID: "tx2"}, peer.TxValidationCode_VALID, nil),
	)
	res, err := c.Sell(context.Background(), model.SellRequest{Code: "u"}, model.SaleData{BuyerName: "b"})
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeSold, res.Outcome)
	assert.Len(t, slept, 2)
}
