package contract

import (
	"errors"
	"reflect"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state/shimstore"
)

// TxContext is the transaction context of every tracechain function:
// contract-api's own, with the session that BeforeTransaction opened on it.
// contract-api builds a new one for each invocation.
type TxContext struct {
	contractapi.TransactionContext
	*session
}

// before opens the session of a transaction: the store on the stub, the
// caller's identity and, for a read-only identity, the refusal of anything
// but a read.
func (c *Tracechain) before(ctx *TxContext) error {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return err
	}
	ctx.session = s
	return nil
}

// after flushes the write batch of a function that succeeded.
func (c *Tracechain) after(ctx *TxContext, _ any) error {
	if err := ctx.store.Flush(); err != nil {
		return modelError(err)
	}
	return nil
}

// session is what one transaction function works with.
type session struct {
	store  *shimstore.Store
	reg    *registry.Registry
	ledger *lifecycle.Ledger
}

// open builds the store on the stub and the signer's identity.
func open(ctx contractapi.TransactionContextInterface, expectedRegulator string) (*session, error) {
	msp, err := callerMSPID(ctx)
	if err != nil {
		return nil, err
	}
	if callerIsReader(ctx.GetClientIdentity()) {
		if fn := calledFunction(ctx); !readOnlyFunction(fn) {
			return nil, model.SubjectErrorf(model.CodeForbidden, msp, "a read-only identity of %s may not call %s", msp, fn)
		}
	}
	store := shimstore.New(ctx.GetStub(), msp, callerIsAdmin(ctx.GetClientIdentity()))
	reg := registry.New(store, expectedRegulator)
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

// adminAttribute is the X.509 attribute (Fabric CA enrolment attribute) that
// marks an administrator where NodeOUs are not used for it.
const adminAttribute = "tracechain.admin"

// readerAttribute marks a read-only identity, such as the one a public
// verification service runs with: it may evaluate reads but neither write
// nor read buyer data, whatever its organisation's role.
const readerAttribute = "tracechain.reader"

// callerIsReader reports whether the signer's certificate carries
// tracechain.reader=true (issued by its organisation's Fabric CA).
func callerIsReader(ci cid.ClientIdentity) bool {
	v, ok, err := ci.GetAttributeValue(readerAttribute)
	return err == nil && ok && v == "true"
}

// calledFunction is the transaction function the proposal names, without the
// contract prefix.
func calledFunction(ctx contractapi.TransactionContextInterface) string {
	fn, _ := ctx.GetStub().GetFunctionAndParameters()
	if i := strings.LastIndexByte(fn, ':'); i >= 0 {
		fn = fn[i+1:]
	}
	return fn
}

// readOnlyFunction reports whether fn is a read that carries no personal data.
// A read-only identity is refused everything else, even a read submitted as
// a transaction, so it can never write.
func readOnlyFunction(fn string) bool {
	return fn != model.FnGetSale && slices.Contains(model.EvaluateFunctions, fn)
}

// callerIsAdmin reports whether the signer is an administrator of its
// organisation: its certificate carries the NodeOU "admin" (which the MSP
// recognises only from the organisation's own CA), or the attribute
// tracechain.admin=true issued by the organisation's Fabric CA.
func callerIsAdmin(ci cid.ClientIdentity) bool {
	if v, ok, err := ci.GetAttributeValue(adminAttribute); err == nil && ok && v == "true" {
		return true
	}
	cert, err := ci.GetX509Certificate()
	if err != nil || cert == nil {
		return false
	}
	return slices.Contains(cert.Subject.OrganizationalUnit, "admin")
}

// modelError returns err's model.Error, or wraps a ledger failure as INTERNAL.
func modelError(err error) error {
	var e *model.Error
	if errors.As(err, &e) {
		return e
	}
	return model.Errorf(model.CodeInternal, "%s", truncate(err.Error()))
}
