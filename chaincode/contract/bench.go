package contract

import (
	"encoding/json"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/tracechain/tracechain/chaincode/model"
)

// benchKey namespaces bench keys away from the domain's.
const benchKey = "bench"

// Bench is the benchmark baseline: the cheapest write and read through the
// same network, chaincode and endorsement policy as tracechain. It checks
// no membership (that would add a read) and touches only bench~{key}.
type Bench struct {
	contractapi.Contract
}

// GetEvaluateTransactions marks Get as read-only.
func (b *Bench) GetEvaluateTransactions() []string { return []string{model.FnBenchGet} }

// Put writes value under key and emits the one chaincode event of the
// transaction, like every tracechain transaction.
func (b *Bench) Put(ctx contractapi.TransactionContextInterface, key string, value string) error {
	if key == "" || value == "" {
		return model.Errorf(model.CodeInvalidArgument, "key and value must not be empty")
	}
	stub := ctx.GetStub()
	k, err := stub.CreateCompositeKey(benchKey, []string{key})
	if err != nil {
		return model.Errorf(model.CodeInvalidArgument, "invalid key: %v", err)
	}
	if err := stub.PutState(k, []byte(value)); err != nil {
		return modelError(err)
	}
	e := model.Event{Type: model.EventBenchPut, TxID: stub.GetTxID(), Count: 1}
	if ts, err := stub.GetTxTimestamp(); err == nil && ts != nil {
		e.Time = ts.AsTime().UTC()
	}
	payload, err := json.Marshal(e)
	if err != nil {
		return modelError(err)
	}
	if err := stub.SetEvent(model.EventBenchPut, payload); err != nil {
		return modelError(err)
	}
	return nil
}

// Get returns the value under key, "" when absent.
func (b *Bench) Get(ctx contractapi.TransactionContextInterface, key string) (string, error) {
	stub := ctx.GetStub()
	k, err := stub.CreateCompositeKey(benchKey, []string{key})
	if err != nil {
		return "", model.Errorf(model.CodeInvalidArgument, "invalid key: %v", err)
	}
	v, err := stub.GetState(k)
	if err != nil {
		return "", modelError(err)
	}
	return string(v), nil
}
