// Package benchcc is the benchmark baseline chaincode: the cheapest write and
// read through the same network and endorsement policy as tracechain. It is a
// chaincode of its own, deployed by the test network beside tracechain, so
// the chaincode a consortium deploys carries no benchmark contract. It is
// served behind the same panic guard as tracechain (chaincode/contract/recovery),
// and has a transaction that panics on purpose, so the test network can
// prove on a real peer that no proposal ends a chaincode server.
package benchcc

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"

	"github.com/tracechain/tracechain/chaincode/contract/recovery"
)

// Names the benchmark and the test network's probe call it by.
const (
	Chaincode = "tracebench" // chaincode name (network/chaincode.env BENCH_CC_NAME)
	FnPut     = "Put"
	FnGet     = "Get"
	FnPanic   = "Panic"
	EventPut  = "BenchPut"
)

// MaxValue bounds a value, so that the baseline cannot be used to store bulk
// data on every peer.
const MaxValue = 1024

// benchKey namespaces bench keys.
const benchKey = "bench"

// Event is the chaincode event of Put, shaped like tracechain's events.
type Event struct {
	Type  string    `json:"type"`
	TxID  string    `json:"txId"`
	Time  time.Time `json:"time"`
	Count int       `json:"count"`
}

// Bench is the contract. It checks no membership (that would add a read) and
// touches only bench~{key}.
type Bench struct {
	contractapi.Contract
}

// New returns the chaincode with Bench as its default contract, behind the
// panic guard tracechain's server uses.
func New() (shim.Chaincode, error) {
	b := &Bench{}
	b.Name = "bench"
	b.Info = metadata.InfoMetadata{Title: "bench", Version: "1.0.0", Description: "Cheapest write and read, the benchmark baseline"}
	cc, err := contractapi.NewChaincode(b)
	if err != nil {
		return nil, err
	}
	cc.DefaultContract = b.Name
	return recovery.Wrap(cc), nil
}

// GetEvaluateTransactions marks Get as read-only.
func (b *Bench) GetEvaluateTransactions() []string { return []string{FnGet} }

// Put writes value under key and emits one chaincode event, like every
// tracechain transaction.
func (b *Bench) Put(ctx contractapi.TransactionContextInterface, key string, value string) error {
	if key == "" || value == "" || len(value) > MaxValue {
		return fmt.Errorf("key must not be empty and value must have 1 to %d bytes", MaxValue)
	}
	stub := ctx.GetStub()
	k, err := stub.CreateCompositeKey(benchKey, []string{key})
	if err != nil {
		return fmt.Errorf("invalid key: %w", err)
	}
	if err := stub.PutState(k, []byte(value)); err != nil {
		return err
	}
	e := Event{Type: EventPut, TxID: stub.GetTxID(), Count: 1}
	if ts, err := stub.GetTxTimestamp(); err == nil && ts != nil {
		e.Time = ts.AsTime().UTC()
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return stub.SetEvent(EventPut, payload)
}

// Get returns the value under key, "" when absent.
func (b *Bench) Get(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	stub := ctx.GetStub()
	k, err := stub.CreateCompositeKey(benchKey, []string{key})
	if err != nil {
		return "", fmt.Errorf("invalid key: %w", err)
	}
	v, err := stub.GetState(k)
	return string(v), err
}

// Panic indexes past the end of list split at commas, as a parser bug
// would: it always panics. Served through the panic guard, the proposal is
// refused INTERNAL naming Panic and the server keeps serving
// (chaincode/integration, TestNoPanicReachesTheShim). It writes nothing.
func (b *Bench) Panic(_ contractapi.TransactionContextInterface, list string) error {
	items := strings.Split(list, ",")
	return fmt.Errorf("unreachable: %s", items[len(items)])
}
