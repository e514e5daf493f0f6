package contract

import (
	"errors"
	"reflect"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state/shimstore"
)

// session is what one transaction function works with.
type session struct {
	store  *shimstore.Store
	reg    *registry.Registry
	ledger *lifecycle.Ledger
}

// open builds the store on the stub and the signer's MSP ID.
func open(ctx contractapi.TransactionContextInterface, regulator string) (*session, error) {
	msp, err := callerMSPID(ctx)
	if err != nil {
		return nil, err
	}
	store := shimstore.New(ctx.GetStub(), msp)
	reg := registry.New(store, regulator)
	return &session{store: store, reg: reg, ledger: lifecycle.New(reg)}, nil
}

// callerMSPID extracts the MSP ID of the proposal's signer. The contract API
// passes a typed nil identity when it cannot parse the creator.
func callerMSPID(ctx contractapi.TransactionContextInterface) (string, error) {
	ci := ctx.GetClientIdentity()
	if ci == nil {
		return "", model.Errorf(model.CodeNotMember, "cannot identify the caller")
	}
	if v := reflect.ValueOf(ci); v.Kind() == reflect.Pointer && v.IsNil() {
		return "", model.Errorf(model.CodeNotMember, "cannot identify the caller")
	}
	msp, err := ci.GetMSPID()
	if err != nil || msp == "" {
		return "", model.Errorf(model.CodeNotMember, "cannot identify the caller's MSP")
	}
	return msp, nil
}

// finish flushes the write batch of a successful call and maps errors.
func finish[T any](s *session, v T, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, modelError(err)
	}
	if err := s.store.Flush(); err != nil {
		return zero, modelError(err)
	}
	return v, nil
}

// modelError returns err's model.Error, or wraps a ledger failure as INTERNAL.
func modelError(err error) error {
	var e *model.Error
	if errors.As(err, &e) {
		return e
	}
	return model.Errorf(model.CodeInternal, "%s", truncate(err.Error()))
}
