package contract_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tracechain/tracechain/chaincode/internal/mocks"
	"github.com/tracechain/tracechain/chaincode/state"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// asAdmin marks an invocation's signer as an administrator of its
// organisation: its certificate carries the NodeOU "admin".
const asAdmin = "#admin"

func admin(msp string) string { return msp + asAdmin }

// asReader marks a signer whose certificate carries tracechain.reader=true,
// as Fabric CA issues it to a read-only service identity.
const asReader = "#reader"

const (
	regulator   = "RegulatorMSP"
	makerA      = "ManufacturerAMSP"
	distributor = "DistributorMSP"
	retailer    = "RetailerMSP"
)

// invocation describes one transaction proposal for ledgerStub.
type invocation struct {
	msp       string
	txID      string
	at        time.Time
	transient map[string][]byte
	fn        string
	args      []string
}

// recorded collects what the chaincode told the stub.
type recorded struct {
	events []string
	tx     *statetest.MemoryTx
}

// ledgerStub returns a mock stub whose ledger calls are served by a
// statetest.Memory transaction, so the contract runs against real state. Call
// expectations that a test wants to pin can be added with .EXPECT() before
// the permissive ones registered here (gomock matches in order).
func ledgerStub(t *testing.T, ctrl *gomock.Controller, mem *statetest.Memory, inv invocation) (*mocks.MockChaincodeStubInterface, *recorded) {
	t.Helper()
	msp, isAdmin := strings.CutSuffix(strings.TrimSuffix(inv.msp, asReader), asAdmin)
	tx := mem.Begin(statetest.Tx{MSPID: msp, Admin: isAdmin, TxID: inv.txID, Time: inv.at, Transient: inv.transient})
	rec := &recorded{tx: tx}
	s := mocks.NewMockChaincodeStubInterface(ctrl)
	s.EXPECT().GetTxID().Return(inv.txID).AnyTimes()
	s.EXPECT().GetChannelID().Return("tracechain").AnyTimes()
	s.EXPECT().GetTxTimestamp().Return(timestamppb.New(inv.at), nil).AnyTimes()
	s.EXPECT().GetTransient().Return(inv.transient, nil).AnyTimes()
	s.EXPECT().GetFunctionAndParameters().Return(inv.fn, inv.args).AnyTimes()
	s.EXPECT().GetCreator().Return(creator(t, inv.msp), nil).AnyTimes()
	s.EXPECT().GetPrivateDataHash(gomock.Any(), gomock.Any()).DoAndReturn(tx.GetPrivateHash).AnyTimes()
	s.EXPECT().GetState(gomock.Any()).DoAndReturn(tx.Get).AnyTimes()
	s.EXPECT().GetMultipleStates(gomock.Any()).DoAndReturn(func(keys ...string) ([][]byte, error) { return tx.GetMany(keys) }).AnyTimes()
	s.EXPECT().PutState(gomock.Any(), gomock.Any()).DoAndReturn(tx.Put).AnyTimes()
	s.EXPECT().DelState(gomock.Any()).DoAndReturn(tx.Delete).AnyTimes()
	s.EXPECT().CreateCompositeKey(gomock.Any(), gomock.Any()).DoAndReturn(func(typ string, attrs []string) (string, error) {
		return state.CompositeKey(typ, attrs...)
	}).AnyTimes()
	s.EXPECT().SplitCompositeKey(gomock.Any()).DoAndReturn(state.SplitCompositeKey).AnyTimes()
	s.EXPECT().GetStateByPartialCompositeKey(gomock.Any(), gomock.Any()).DoAndReturn(func(typ string, attrs []string) (shim.StateQueryIteratorInterface, error) {
		var kvs []state.KV
		err := tx.Scan(typ, attrs, func(kv state.KV) error { kvs = append(kvs, kv); return nil })
		return iterator(ctrl, kvs), err
	}).AnyTimes()
	s.EXPECT().GetStateByPartialCompositeKeyWithPagination(gomock.Any(), gomock.Any(), gomock.Any(), gomock.Any()).DoAndReturn(
		func(typ string, attrs []string, size int32, bookmark string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
			page, err := tx.ScanPage(typ, attrs, size, bookmark)
			return iterator(ctrl, page.Entries), &peer.QueryResponseMetadata{FetchedRecordsCount: int32(len(page.Entries)), Bookmark: page.Bookmark}, err
		}).AnyTimes()
	s.EXPECT().GetPrivateData(gomock.Any(), gomock.Any()).DoAndReturn(tx.GetPrivate).AnyTimes()
	s.EXPECT().PutPrivateData(gomock.Any(), gomock.Any(), gomock.Any()).DoAndReturn(tx.PutPrivate).AnyTimes()
	s.EXPECT().PurgePrivateData(gomock.Any(), gomock.Any()).DoAndReturn(tx.PurgePrivate).AnyTimes()
	s.EXPECT().SetEvent(gomock.Any(), gomock.Any()).DoAndReturn(func(name string, payload []byte) error {
		rec.events = append(rec.events, name)
		return tx.SetEvent(name, payload)
	}).AnyTimes()
	s.EXPECT().StartWriteBatch().AnyTimes()
	s.EXPECT().FinishWriteBatch().Return(nil).AnyTimes()
	return s, rec
}

// iterator serves kvs through a mock query iterator.
func iterator(ctrl *gomock.Controller, kvs []state.KV) *mocks.MockStateQueryIteratorInterface {
	it := mocks.NewMockStateQueryIteratorInterface(ctrl)
	i := 0
	it.EXPECT().HasNext().DoAndReturn(func() bool { return i < len(kvs) }).AnyTimes()
	it.EXPECT().Next().DoAndReturn(func() (*queryresult.KV, error) {
		kv := kvs[i]
		i++
		return &queryresult.KV{Key: kv.Key, Value: kv.Value}, nil
	}).AnyTimes()
	it.EXPECT().Close().Return(nil).AnyTimes()
	return it
}

var creators sync.Map // MSP ID (with asAdmin) -> serialized identity

// creator returns a serialized X.509 identity of msp, as a proposal carries;
// msp with the asAdmin suffix gets an administrator's certificate.
func creator(t *testing.T, who string) []byte {
	t.Helper()
	if c, ok := creators.Load(who); ok {
		return c.([]byte)
	}
	rest, isReader := strings.CutSuffix(who, asReader)
	mspID, isAdmin := strings.CutSuffix(rest, asAdmin)
	ou := []string{"client"}
	if isAdmin {
		ou = []string{"admin"}
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "user1@" + mspID, OrganizationalUnit: ou},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	if isReader {
		// Fabric CA's attribute extension, which the client identity library reads.
		tmpl.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}, Value: []byte(`{"attrs":{"tracechain.reader":"true"}}`)}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	raw, err := proto.Marshal(&msp.SerializedIdentity{Mspid: mspID, IdBytes: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})})
	require.NoError(t, err)
	creators.Store(who, raw)
	return raw
}

// context returns a mock transaction context with a mock identity of msp
// (an administrator's with the asAdmin suffix).
func context(ctrl *gomock.Controller, stub shim.ChaincodeStubInterface, who string) *mocks.MockTransactionContextInterface {
	mspID, isAdmin := strings.CutSuffix(who, asAdmin)
	id := mocks.NewMockClientIdentity(ctrl)
	id.EXPECT().GetMSPID().Return(mspID, nil).AnyTimes()
	id.EXPECT().GetAttributeValue(gomock.Any()).Return("", false, nil).AnyTimes()
	ou := []string{"client"}
	if isAdmin {
		ou = []string{"admin"}
	}
	id.EXPECT().GetX509Certificate().Return(&x509.Certificate{Subject: pkix.Name{OrganizationalUnit: ou}}, nil).AnyTimes()
	ctx := mocks.NewMockTransactionContextInterface(ctrl)
	ctx.EXPECT().GetStub().Return(stub).AnyTimes()
	ctx.EXPECT().GetClientIdentity().Return(id).AnyTimes()
	return ctx
}
