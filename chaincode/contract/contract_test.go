package contract_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tracechain/tracechain/chaincode/contract"
	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/internal/mocks"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

func uscc(first17 string) string {
	c, _ := identifier.USCCCheckChar(first17)
	return first17 + string(c)
}

func gtin(first12 string) string {
	d, _ := identifier.CheckDigit("0" + first12)
	return "0" + first12 + string(d)
}

var gtinA = gtin("690123400001")

// network is a ledger shared by successive mocked transactions.
type network struct {
	t   *testing.T
	mem *statetest.Memory
	now time.Time
	n   int
}

// newNetwork returns an initialised ledger: the Regulator is recorded.
func newNetwork(t *testing.T) *network {
	n := &network{t: t, mem: statetest.NewMemory(), now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	_, err := n.call(admin(regulator), nil, func(tc *contract.Tracechain, ctx *contract.TxContext) error {
		_, err := tc.InitLedger(ctx, regulator)
		return err
	})
	require.NoError(t, err)
	return n
}

// call runs fn against the Tracechain contract with mocked context, stub and
// identity of msp, and commits when fn succeeds.
func (n *network) call(msp string, transient map[string][]byte, fn func(tc *contract.Tracechain, ctx *contract.TxContext) error) (*recorded, error) {
	n.t.Helper()
	n.n++
	n.now = n.now.Add(time.Minute)
	ctrl := gomock.NewController(n.t)
	stub, rec := ledgerStub(n.t, ctrl, n.mem, invocation{msp: msp, txID: fmt.Sprintf("%064x", n.n), at: n.now, transient: transient})
	tc := contract.NewTracechain(regulator)
	err := contract.Run(tc, context(ctrl, stub, msp), func(ctx *contract.TxContext) error { return fn(tc, ctx) })
	if err == nil {
		require.NoError(n.t, rec.tx.Commit())
	}
	return rec, err
}

// setup registers the members and a product.
func (n *network) setup() {
	n.t.Helper()
	members := []model.MemberRequest{
		{MSPID: makerA, Role: model.RoleManufacturer, Name: "A Cable Co.", USCC: uscc("91350100M000100Y4"), CompanyPrefixes: []string{"6901234"}, ProductionLicences: []string{"XK06-001-00001"}, EcodeNumberSystems: []string{"10001"}},
		{MSPID: distributor, Role: model.RoleDistributor, Name: "D", USCC: uscc("91310000M000300Y4")},
		{MSPID: retailer, Role: model.RoleRetailer, Name: "R", USCC: uscc("91440300M000400Y4")},
	}
	for _, m := range members {
		_, err := n.call(admin(regulator), nil, func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.RegisterMember(ctx, m)
			return err
		})
		require.NoError(n.t, err)
	}
	_, err := n.call(makerA, nil, func(tc *contract.Tracechain, ctx *contract.TxContext) error {
		_, err := tc.RegisterProduct(ctx, model.ProductRequest{GTIN: gtinA, Name: "cable", Type: "cable", Licence: "XK06-001-00001", WarrantyMonths: 12})
		return err
	})
	require.NoError(n.t, err)
}

func requireModelError(t *testing.T, err error, code model.Code) *model.Error {
	t.Helper()
	var e *model.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, code, e.Code, e.Error())
	return e
}

func TestCallerIdentityExtraction(t *testing.T) {
	var typedNil *cid.ClientID
	tests := []struct {
		name     string
		identity func(ctrl *gomock.Controller) cid.ClientIdentity
	}{
		{"no identity", func(*gomock.Controller) cid.ClientIdentity { return nil }},
		{"unparsable creator", func(*gomock.Controller) cid.ClientIdentity { return typedNil }},
		{"MSP ID error", func(ctrl *gomock.Controller) cid.ClientIdentity {
			id := mocks.NewMockClientIdentity(ctrl)
			id.EXPECT().GetMSPID().Return("", errors.New("no msp"))
			return id
		}},
		{"empty MSP ID", func(ctrl *gomock.Controller) cid.ClientIdentity {
			id := mocks.NewMockClientIdentity(ctrl)
			id.EXPECT().GetMSPID().Return("", nil)
			return id
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctrl := gomock.NewController(t)
			ctx := mocks.NewMockTransactionContextInterface(ctrl)
			ctx.EXPECT().GetClientIdentity().Return(tc.identity(ctrl))
			// The stub must not be touched before the caller is known: it
			// is handed over as nil, so any use would panic.
			ctx.EXPECT().GetStub().Return(nil).MaxTimes(1)
			tc := contract.NewTracechain(regulator)
			err := contract.Run(tc, ctx, func(ctx *contract.TxContext) error { _, err := tc.Verify(ctx, "anything"); return err })
			requireModelError(t, err, model.CodeNotMember)
		})
	}

	t.Run("the identity's MSP ID is the caller", func(t *testing.T) {
		n := newNetwork(t)
		n.setup()
		var m *model.Member
		_, err := n.call(distributor, nil, func(tc *contract.Tracechain, ctx *contract.TxContext) (err error) {
			m, err = tc.GetMember(ctx, makerA)
			return err
		})
		require.NoError(t, err)
		assert.Equal(t, "A Cable Co.", m.Name)
		_, err = n.call("OutsiderMSP", nil, func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.GetMember(ctx, makerA)
			return err
		})
		requireModelError(t, err, model.CodeNotMember)
	})
}

func TestSubmitSetsExactlyOneEventAndBatchesWrites(t *testing.T) {
	n := newNetwork(t)
	n.setup()
	codes := []string{"(01)" + gtinA + "(21)1", "(01)" + gtinA + "(21)2", "ecode:100011234567890"}
	var res *model.CommissionResult
	rec, err := n.call(makerA, nil, func(tc *contract.Tracechain, ctx *contract.TxContext) (err error) {
		res, err = tc.Commission(ctx, model.CommissionRequest{GTIN: gtinA, Batch: "B1", ProductionDate: "2026-02-01", Codes: codes})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 3, res.Count)
	assert.Equal(t, []string{model.EventCommissioned}, rec.events)
	s := rec.tx.Stats()
	assert.Equal(t, 2, s.GetManyCalls, "the configuration with the caller, then the units, each with one GetMultipleStates")
	assert.Equal(t, 6, s.Writes)
	_, payload := rec.tx.Event()
	var e model.Event
	require.NoError(t, json.Unmarshal(payload, &e))
	assert.Equal(t, model.Event{Type: model.EventCommissioned, TxID: e.TxID, Time: n.now, Actor: makerA, GTIN: gtinA, Batch: "B1", Count: 3,
		Codes: []string{"https://id.gs1.org/01/" + gtinA + "/21/1", "https://id.gs1.org/01/" + gtinA + "/21/2", "ecode:100011234567890"}}, e)
}

// readsFrom serves a mock stub's reads from tx, as a peer's simulator would.
func readsFrom(ctrl *gomock.Controller, stub *mocks.MockChaincodeStubInterface, tx *statetest.MemoryTx, at time.Time) {
	stub.EXPECT().CreateCompositeKey(gomock.Any(), gomock.Any()).DoAndReturn(func(typ string, attrs []string) (string, error) {
		return state.CompositeKey(typ, attrs...)
	}).AnyTimes()
	stub.EXPECT().SplitCompositeKey(gomock.Any()).DoAndReturn(state.SplitCompositeKey).AnyTimes()
	stub.EXPECT().GetState(gomock.Any()).DoAndReturn(tx.Get).AnyTimes()
	stub.EXPECT().GetMultipleStates(gomock.Any()).DoAndReturn(func(keys ...string) ([][]byte, error) { return tx.GetMany(keys) }).AnyTimes()
	stub.EXPECT().GetStateByPartialCompositeKey(gomock.Any(), gomock.Any()).DoAndReturn(func(typ string, attrs []string) (shim.StateQueryIteratorInterface, error) {
		var kvs []state.KV
		err := tx.Scan(typ, attrs, func(kv state.KV) error { kvs = append(kvs, kv); return nil })
		return iterator(ctrl, kvs), err
	}).AnyTimes()
	stub.EXPECT().GetTxID().Return("tx1").AnyTimes()
	stub.EXPECT().GetTxTimestamp().Return(timestamppb.New(at), nil).AnyTimes()
}

func TestWriteBatchIsStartedAndFlushed(t *testing.T) {
	n := newNetwork(t)
	ctrl := gomock.NewController(t)
	stub := mocks.NewMockChaincodeStubInterface(ctrl)
	readsFrom(ctrl, stub, n.mem.Begin(statetest.Tx{}), n.now)
	gomock.InOrder(
		stub.EXPECT().StartWriteBatch(),
		stub.EXPECT().PutState(gomock.Any(), gomock.Any()).Return(nil),
		stub.EXPECT().SetEvent(model.EventMemberRegistered, gomock.Any()).Return(nil),
		stub.EXPECT().FinishWriteBatch().Return(nil),
	)
	err := run(regulator, context(ctrl, stub, admin(regulator)), func(tc *contract.Tracechain, ctx *contract.TxContext) error {
		_, err := tc.RegisterMember(ctx, model.MemberRequest{MSPID: distributor, Role: model.RoleDistributor, Name: "D", USCC: uscc("91310000M000300Y4")})
		return err
	})
	require.NoError(t, err)
}

func TestErrorMapping(t *testing.T) {
	t.Run("domain errors pass through", func(t *testing.T) {
		n := newNetwork(t)
		n.setup()
		_, err := n.call(distributor, nil, func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.Commission(ctx, model.CommissionRequest{GTIN: gtinA, Batch: "B1", ProductionDate: "2026-02-01", Codes: []string{"x"}})
			return err
		})
		e := requireModelError(t, err, model.CodeForbidden)
		assert.Equal(t, distributor, e.Subject)
	})
	t.Run("ledger failures are INTERNAL", func(t *testing.T) {
		ctrl := gomock.NewController(t)
		stub := mocks.NewMockChaincodeStubInterface(ctrl)
		stub.EXPECT().CreateCompositeKey(gomock.Any(), gomock.Any()).Return("k", nil).AnyTimes()
		stub.EXPECT().GetMultipleStates(gomock.Any()).Return(nil, errors.New("peer unreachable"))
		err := run(regulator, context(ctrl, stub, makerA), func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.GetMember(ctx, makerA)
			return err
		})
		e := requireModelError(t, contract.Answer(err), model.CodeInternal)
		assert.Contains(t, e.Message, "peer unreachable")
	})
	t.Run("flush failures are INTERNAL", func(t *testing.T) {
		n := newNetwork(t)
		ctrl := gomock.NewController(t)
		stub := mocks.NewMockChaincodeStubInterface(ctrl)
		readsFrom(ctrl, stub, n.mem.Begin(statetest.Tx{}), n.now)
		stub.EXPECT().StartWriteBatch()
		stub.EXPECT().PutState(gomock.Any(), gomock.Any()).Return(nil)
		stub.EXPECT().SetEvent(gomock.Any(), gomock.Any()).Return(nil)
		stub.EXPECT().FinishWriteBatch().Return(errors.New("write batch refused"))
		err := run(regulator, context(ctrl, stub, admin(regulator)), func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.RegisterMember(ctx, model.MemberRequest{MSPID: distributor, Role: model.RoleDistributor, Name: "D", USCC: uscc("91310000M000300Y4")})
			return err
		})
		requireModelError(t, err, model.CodeInternal)
	})
	t.Run("an uninitialised ledger is refused", func(t *testing.T) {
		ctrl := gomock.NewController(t)
		stub := mocks.NewMockChaincodeStubInterface(ctrl)
		readsFrom(ctrl, stub, statetest.NewMemory().Begin(statetest.Tx{}), time.Now())
		err := run(regulator, context(ctrl, stub, makerA), func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.GetMember(ctx, makerA)
			return err
		})
		requireModelError(t, err, model.CodeBadState)
	})
	t.Run("a server deployed for another Regulator refuses to serve", func(t *testing.T) {
		n := newNetwork(t)
		ctrl := gomock.NewController(t)
		stub := mocks.NewMockChaincodeStubInterface(ctrl)
		readsFrom(ctrl, stub, n.mem.Begin(statetest.Tx{}), n.now)
		err := run("OtherRegulatorMSP", context(ctrl, stub, regulator), func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.GetMember(ctx, regulator)
			return err
		})
		requireModelError(t, err, model.CodeInternal)
	})
}

func TestSellReadsTransientDataAndWritesTheSellersCollection(t *testing.T) {
	n := newNetwork(t)
	n.setup()
	code := "https://id.gs1.org/01/" + gtinA + "/21/S1"
	steps := []struct {
		msp string
		fn  func(tc *contract.Tracechain, ctx *contract.TxContext) error
	}{
		{makerA, func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.Commission(ctx, model.CommissionRequest{GTIN: gtinA, Batch: "B1", ProductionDate: "2026-02-01", Codes: []string{code}})
			return err
		}},
		{makerA, func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.Ship(ctx, model.ShipRequest{To: retailer, Codes: []string{code}})
			return err
		}},
		{retailer, func(tc *contract.Tracechain, ctx *contract.TxContext) error {
			_, err := tc.Receive(ctx, model.MoveRequest{Codes: []string{code}})
			return err
		}},
	}
	for _, s := range steps {
		_, err := n.call(s.msp, nil, s.fn)
		require.NoError(t, err)
	}
	var kept *model.RecordSaleResult
	record := func(tc *contract.Tracechain, ctx *contract.TxContext) (err error) {
		kept, err = tc.RecordSale(ctx, model.RecordSaleRequest{Code: code})
		return err
	}
	_, err := n.call(retailer, nil, record)
	requireModelError(t, err, model.CodeInvalidArgument)

	sale, _ := json.Marshal(model.SaleTransient{
		SaleData: model.SaleData{SalesTime: n.now, BuyerName: "赵六", BuyerAddress: "上海", BuyerContact: "13900000000"},
		Salt:     "fedcba9876543210fedcba9876543210",
	})
	rec, err := n.call(retailer, map[string][]byte{model.TransientSaleKey: sale}, record)
	require.NoError(t, err)
	assert.Equal(t, []string{model.EventSaleRecorded}, rec.events)
	rec, err = n.call(retailer, nil, func(tc *contract.Tracechain, ctx *contract.TxContext) error {
		_, err := tc.Sell(ctx, model.SellRequest{Code: code, SaleHash: kept.SaleHash, RecordHash: kept.RecordHash})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, []string{model.EventSold}, rec.events)
	_, payload := rec.tx.Event()
	assert.NotContains(t, string(payload), "赵六")
	key, _ := state.CompositeKey("sale", code)
	assert.Contains(t, string(n.mem.PrivateValue("salesRetailerMSP", key)), "赵六")

	var sealed *model.SealedSale
	readKey := make([]byte, model.ReadKeySize)
	_, err = n.call(admin(regulator), map[string][]byte{model.TransientReadKey: readKey}, func(tc *contract.Tracechain, ctx *contract.TxContext) (err error) {
		sealed, err = tc.GetSale(ctx, code)
		return err
	})
	require.NoError(t, err)
	got, err := sealed.Open(readKey)
	require.NoError(t, err)
	assert.Equal(t, "赵六", got.BuyerName)
}

// run calls fn on a Tracechain deployed for regulatorMSPID, in a TxContext on ctx.
func run(regulatorMSPID string, ctx contractapi.TransactionContextInterface, fn func(*contract.Tracechain, *contract.TxContext) error) error {
	tc := contract.NewTracechain(regulatorMSPID)
	return contract.Run(tc, ctx, func(tx *contract.TxContext) error { return fn(tc, tx) })
}
