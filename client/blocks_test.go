package client_test

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tracechain/tracechain/client"
)

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	require.NoError(t, err)
	return b
}

// envelope builds a transaction envelope as a peer delivers it, with the
// writes of one chaincode action.
func envelope(t *testing.T, typ common.HeaderType, txID string, at time.Time, chaincode string, writes ...*kvrwset.KVWrite) []byte {
	t.Helper()
	set := mustMarshal(t, &rwset.TxReadWriteSet{NsRwset: []*rwset.NsReadWriteSet{
		{Namespace: "_lifecycle", Rwset: mustMarshal(t, &kvrwset.KVRWSet{})},
		{Namespace: chaincode, Rwset: mustMarshal(t, &kvrwset.KVRWSet{Writes: writes})},
	}})
	action := mustMarshal(t, &peer.ChaincodeAction{ChaincodeId: &peer.ChaincodeID{Name: chaincode}, Results: set})
	actionPayload := mustMarshal(t, &peer.ChaincodeActionPayload{Action: &peer.ChaincodeEndorsedAction{
		ProposalResponsePayload: mustMarshal(t, &peer.ProposalResponsePayload{Extension: action})}})
	tx := mustMarshal(t, &peer.Transaction{Actions: []*peer.TransactionAction{{Payload: actionPayload}}})
	header := mustMarshal(t, &common.ChannelHeader{Type: int32(typ), TxId: txID, Timestamp: timestamppb.New(at)})
	payload := mustMarshal(t, &common.Payload{Header: &common.Header{ChannelHeader: header}, Data: tx})
	return mustMarshal(t, &common.Envelope{Payload: payload})
}

func TestChaincodeBlockKeepsValidTransactionsOfTheChaincode(t *testing.T) {
	at := time.Date(2026, 3, 1, 8, 0, 0, 123000000, time.UTC)
	w := &kvrwset.KVWrite{Key: "\x00item\x00c\x00", Value: []byte(`{"code":"c"}`)}
	del := &kvrwset.KVWrite{Key: "\x00sale\x00c\x00", IsDelete: true}
	b := &common.Block{
		Header: &common.BlockHeader{Number: 7},
		Data: &common.BlockData{Data: [][]byte{
			envelope(t, common.HeaderType_ENDORSER_TRANSACTION, "tx1", at, "tracechain", w, del),
			envelope(t, common.HeaderType_ENDORSER_TRANSACTION, "invalid", at, "tracechain", w),
			envelope(t, common.HeaderType_ENDORSER_TRANSACTION, "other", at, "tracebench", w),
			envelope(t, common.HeaderType_CONFIG, "config", at, "tracechain"),
		}},
		Metadata: &common.BlockMetadata{Metadata: [][]byte{{}, {}, {
			byte(peer.TxValidationCode_VALID), byte(peer.TxValidationCode_MVCC_READ_CONFLICT),
			byte(peer.TxValidationCode_VALID), byte(peer.TxValidationCode_VALID),
		}}},
	}
	got, err := client.ChaincodeBlock(b, "tracechain")
	require.NoError(t, err)
	assert.Equal(t, client.Block{Number: 7, Transactions: []client.BlockTransaction{{
		TxID: "tx1", Time: at,
		Writes: []client.Write{{Key: w.Key, Value: w.Value}, {Key: del.Key, Delete: true}},
	}}}, got)

	empty, err := client.ChaincodeBlock(&common.Block{Header: &common.BlockHeader{Number: 0}}, "tracechain")
	require.NoError(t, err)
	assert.Equal(t, client.Block{Number: 0}, empty, "a block without transactions is still a block")

	unflagged := &common.Block{Header: &common.BlockHeader{Number: 8}, Data: b.Data}
	_, err = client.ChaincodeBlock(unflagged, "tracechain")
	assert.ErrorContains(t, err, "block 8 has 0 validation codes for 4 transactions", "a block whose validity is unknown is not skipped")

	b.Data.Data[0] = []byte("not an envelope")
	_, err = client.ChaincodeBlock(b, "tracechain")
	assert.ErrorContains(t, err, "block 7, transaction 0")
}
