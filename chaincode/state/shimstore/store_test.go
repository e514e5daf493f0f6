package shimstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tracechain/tracechain/chaincode/internal/mocks"
	"github.com/tracechain/tracechain/chaincode/state"
	"github.com/tracechain/tracechain/chaincode/state/shimstore"
)

func TestWritesGoThroughOneBatch(t *testing.T) {
	ctrl := gomock.NewController(t)
	stub := mocks.NewMockChaincodeStubInterface(ctrl)
	s := shimstore.New(stub, "Org1MSP", false)
	require.NoError(t, s.Flush(), "nothing to flush before the first write")

	gomock.InOrder(
		stub.EXPECT().StartWriteBatch().Times(1),
		stub.EXPECT().PutState("a", []byte("1")).Return(nil),
		stub.EXPECT().DelState("b").Return(nil),
		stub.EXPECT().PutPrivateData("salesR", "c", []byte("3")).Return(nil),
		stub.EXPECT().PurgePrivateData("salesR", "d").Return(nil),
		stub.EXPECT().FinishWriteBatch().Return(nil).Times(1),
	)
	require.NoError(t, s.Put("a", []byte("1")))
	require.NoError(t, s.Delete("b"))
	require.NoError(t, s.PutPrivate("salesR", "c", []byte("3")))
	require.NoError(t, s.PurgePrivate("salesR", "d"))
	assert.Error(t, s.Put("e", nil), "an empty value would be a delete on Fabric")
	require.NoError(t, s.Flush())
	require.NoError(t, s.Flush(), "flushed once")
	assert.Equal(t, "Org1MSP", s.ClientMSPID())
}

func TestReads(t *testing.T) {
	ctrl := gomock.NewController(t)
	stub := mocks.NewMockChaincodeStubInterface(ctrl)
	s := shimstore.New(stub, "Org1MSP", false)

	stub.EXPECT().GetMultipleStates("a", "b").Return([][]byte{[]byte("1"), nil}, nil)
	vals, err := s.GetMany([]string{"a", "b"})
	require.NoError(t, err)
	assert.Equal(t, [][]byte{[]byte("1"), nil}, vals)
	stub.EXPECT().GetMultipleStates("c").Return(nil, nil)
	_, err = s.GetMany([]string{"c"})
	assert.Error(t, err, "a short answer is an error, not absent keys")
	vals, err = s.GetMany(nil)
	require.NoError(t, err)
	assert.Nil(t, vals)

	stub.EXPECT().GetTransient().Return(map[string][]byte{"sale": []byte("{}")}, nil).Times(1)
	for range 2 {
		v, err := s.Transient("sale")
		require.NoError(t, err)
		assert.Equal(t, []byte("{}"), v)
	}

	at := time.Date(2026, 3, 1, 8, 0, 0, 5, time.FixedZone("CST", 8*3600))
	stub.EXPECT().GetTxTimestamp().Return(timestamppb.New(at), nil)
	assert.Equal(t, at.UTC(), s.TxTime())
	stub.EXPECT().GetTxTimestamp().Return(nil, errors.New("no header"))
	assert.True(t, s.TxTime().IsZero())
}

func TestScanPage(t *testing.T) {
	ctrl := gomock.NewController(t)
	stub := mocks.NewMockChaincodeStubInterface(ctrl)
	s := shimstore.New(stub, "Org1MSP", false)
	iter := func(keys ...string) *mocks.MockStateQueryIteratorInterface {
		it := mocks.NewMockStateQueryIteratorInterface(ctrl)
		i := 0
		it.EXPECT().HasNext().DoAndReturn(func() bool { return i < len(keys) }).AnyTimes()
		it.EXPECT().Next().DoAndReturn(func() (*queryresult.KV, error) { i++; return &queryresult.KV{Key: keys[i-1], Value: []byte("v")}, nil }).AnyTimes()
		it.EXPECT().Close().Return(nil)
		return it
	}
	key := func(n string) string { k, _ := state.CompositeKey("t", "x", n); return k }
	stub.EXPECT().GetStateByPartialCompositeKeyWithPagination("t", []string{"x"}, int32(2), "").Return(iter(key("1"), key("2")), &peer.QueryResponseMetadata{Bookmark: key("3")}, nil)
	page, err := s.ScanPage("t", []string{"x"}, 2, "")
	require.NoError(t, err)
	assert.Equal(t, []state.KV{{Key: key("1"), Value: []byte("v")}, {Key: key("2"), Value: []byte("v")}}, page.Entries)
	assert.Equal(t, key("3"), page.Bookmark)

	stub.EXPECT().GetStateByPartialCompositeKeyWithPagination("t", []string{"x"}, int32(2), key("3")).Return(iter(key("3")), &peer.QueryResponseMetadata{Bookmark: key("9")}, nil)
	page, err = s.ScanPage("t", []string{"x"}, 2, key("3"))
	require.NoError(t, err)
	assert.Len(t, page.Entries, 1)
	assert.Empty(t, page.Bookmark, "a short page is the last one")

	_, err = s.ScanPage("t", nil, 0, "")
	assert.Error(t, err)

	// The peer would start at any bookmark: one before or after the partial
	// key's range (another object type's keys) is refused before it asks.
	before, _ := state.CompositeKey("s", "x")
	after, _ := state.CompositeKey("t", "y")
	for _, b := range []string{before, after, "k3"} {
		_, err = s.ScanPage("t", []string{"x"}, 2, b)
		assert.Error(t, err, "%q", b)
	}

	stub.EXPECT().GetStateByPartialCompositeKey("t", []string{"x"}).Return(iter("k1", "k2"), nil)
	var got []string
	stop := errors.New("stop")
	err = s.Scan("t", []string{"x"}, func(kv state.KV) error {
		got = append(got, kv.Key)
		return stop
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, []string{"k1"}, got)
}

func TestReadsAreCachedForTheTransaction(t *testing.T) {
	ctrl := gomock.NewController(t)
	stub := mocks.NewMockChaincodeStubInterface(ctrl)
	s := shimstore.New(stub, "Org1MSP", false)

	stub.EXPECT().GetMultipleStates("a", "b").Return([][]byte{[]byte("1"), nil}, nil).Times(1)
	stub.EXPECT().GetState("c").Return([]byte("3"), nil).Times(1)
	stub.EXPECT().GetMultipleStates("d").Return([][]byte{[]byte("4")}, nil).Times(1)

	_, err := s.GetMany([]string{"a", "b"})
	require.NoError(t, err)
	for _, k := range []string{"a", "b", "c", "c"} {
		_, err := s.Get(k)
		require.NoError(t, err, k)
	}
	vals, err := s.GetMany([]string{"c", "d", "a", "b"})
	require.NoError(t, err)
	assert.Equal(t, [][]byte{[]byte("3"), []byte("4"), []byte("1"), nil}, vals, "only d is fetched")
}
