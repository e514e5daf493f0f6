package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// Block is a committed block as seen by a reader of the chaincode's data:
// its number and its valid transactions of the chaincode, each with the
// public writes it made. A block without any (a configuration block, a
// block of other chaincodes' or of invalid transactions) has none.
type Block struct {
	Number       uint64
	Transactions []BlockTransaction
}

// BlockTransaction is one valid transaction of the chaincode in a block.
type BlockTransaction struct {
	TxID string
	// Time is the transaction's timestamp, the one the chaincode reads as
	// the transaction time.
	Time time.Time
	// Writes are the keys of the chaincode's public world state that the
	// transaction wrote, in the order the block records them (Fabric sorts
	// them by key). Private data appears only as hashes in a block, and is
	// not here.
	Writes []Write
}

// Write is one key a transaction wrote: its new value, or a delete.
type Write struct {
	Key    string
	Value  []byte
	Delete bool
}

// Blocks streams the channel's blocks from block start on, in order, each
// reduced to the chaincode's valid transactions and their writes. It needs
// the full blocks (not the filtered ones, which carry no writes), so the
// client's identity must be allowed to read the channel's blocks, as every
// member's is.
//
// A stream that breaks is reopened after the last block yielded, with the
// client's retry policy; when that fails the error is a *TransportError
// matching ErrUnavailable. The stream ends when ctx ends (without an
// error), or after yielding an error.
func (c *Client) Blocks(ctx context.Context, start uint64) iter.Seq2[Block, error] {
	return func(yield func(Block, error) bool) {
		if c.fabric == nil {
			yield(Block{}, errors.New("tracechain: blocks need a client connected with New or Connect"))
			return
		}
		network := c.fabric.GetNetwork(c.cfg.channel)
		next := start
		open := func(sctx context.Context) (<-chan *common.Block, error) {
			return network.BlockEvents(sctx, gateway.WithStartBlock(next))
		}
		err := follow(ctx, c.retrier(time.Time{}), opBlocks, open, func(raw *common.Block) bool {
			b, err := ChaincodeBlock(raw, c.cfg.chaincode)
			if !yield(b, err) || err != nil {
				return false
			}
			next = b.Number + 1
			return true
		})
		if err != nil {
			yield(Block{}, err)
		}
	}
}

// ChaincodeBlock reduces a block to the valid transactions of chaincode and
// their public writes. Transactions the committing peer marked invalid are
// left out: their writes never reached the world state.
func ChaincodeBlock(b *common.Block, chaincode string) (Block, error) {
	out := Block{Number: b.GetHeader().GetNumber()}
	var flags []byte
	if md := b.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_TRANSACTIONS_FILTER) {
		flags = md[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	}
	data := b.GetData().GetData()
	if len(flags) < len(data) {
		if out.Number == 0 {
			return out, nil // the genesis block: the channel's configuration, no chaincode transaction
		}
		// A committed block has a validation code for every transaction; without
		// them no transaction can be told valid, and skipping them all would lose
		// the block's events for good.
		return Block{}, fmt.Errorf("tracechain: block %d has %d validation codes for %d transactions", out.Number, len(flags), len(data))
	}
	for i, data := range data {
		if peer.TxValidationCode(flags[i]) != peer.TxValidationCode_VALID {
			continue
		}
		tx, ok, err := chaincodeTransaction(data, chaincode)
		if err != nil {
			return Block{}, fmt.Errorf("tracechain: block %d, transaction %d: %w", out.Number, i, err)
		}
		if ok {
			out.Transactions = append(out.Transactions, tx)
		}
	}
	return out, nil
}

// chaincodeTransaction decodes one envelope; ok is false for a transaction
// that is not an endorser transaction or wrote nothing of chaincode.
func chaincodeTransaction(data []byte, chaincode string) (BlockTransaction, bool, error) {
	var env common.Envelope
	if err := proto.Unmarshal(data, &env); err != nil {
		return BlockTransaction{}, false, fmt.Errorf("envelope: %w", err)
	}
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return BlockTransaction{}, false, fmt.Errorf("payload: %w", err)
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), &ch); err != nil {
		return BlockTransaction{}, false, fmt.Errorf("channel header: %w", err)
	}
	if common.HeaderType(ch.GetType()) != common.HeaderType_ENDORSER_TRANSACTION {
		return BlockTransaction{}, false, nil
	}
	var tx peer.Transaction
	if err := proto.Unmarshal(payload.GetData(), &tx); err != nil {
		return BlockTransaction{}, false, fmt.Errorf("transaction %s: %w", ch.GetTxId(), err)
	}
	out := BlockTransaction{TxID: ch.GetTxId(), Time: ch.GetTimestamp().AsTime().UTC()}
	found := false
	for _, action := range tx.GetActions() {
		writes, ok, err := actionWrites(action, chaincode)
		if err != nil {
			return BlockTransaction{}, false, fmt.Errorf("transaction %s: %w", out.TxID, err)
		}
		found = found || ok
		out.Writes = append(out.Writes, writes...)
	}
	return out, found, nil
}

// actionWrites returns the writes of one action in chaincode's namespace;
// ok is false for an action of another chaincode.
func actionWrites(action *peer.TransactionAction, chaincode string) ([]Write, bool, error) {
	var payload peer.ChaincodeActionPayload
	if err := proto.Unmarshal(action.GetPayload(), &payload); err != nil {
		return nil, false, fmt.Errorf("action payload: %w", err)
	}
	var prp peer.ProposalResponsePayload
	if err := proto.Unmarshal(payload.GetAction().GetProposalResponsePayload(), &prp); err != nil {
		return nil, false, fmt.Errorf("proposal response: %w", err)
	}
	var cc peer.ChaincodeAction
	if err := proto.Unmarshal(prp.GetExtension(), &cc); err != nil {
		return nil, false, fmt.Errorf("chaincode action: %w", err)
	}
	if cc.GetChaincodeId().GetName() != chaincode {
		return nil, false, nil
	}
	var set rwset.TxReadWriteSet
	if err := proto.Unmarshal(cc.GetResults(), &set); err != nil {
		return nil, false, fmt.Errorf("read-write set: %w", err)
	}
	var out []Write
	for _, ns := range set.GetNsRwset() {
		if ns.GetNamespace() != chaincode {
			continue
		}
		var kv kvrwset.KVRWSet
		if err := proto.Unmarshal(ns.GetRwset(), &kv); err != nil {
			return nil, false, fmt.Errorf("writes of %s: %w", chaincode, err)
		}
		for _, w := range kv.GetWrites() {
			out = append(out, Write{Key: w.GetKey(), Value: w.GetValue(), Delete: w.GetIsDelete()})
		}
	}
	return out, true, nil
}
