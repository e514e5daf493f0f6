// Package recovery keeps a panic in a transaction from reaching the
// chaincode shim. The shim runs every proposal in a goroutine of its own and
// recovers nothing, so one panic (an index out of range on a malformed
// argument, say) would end the chaincode server, and with it every peer's
// endorsement of every transaction, for anyone who can send that proposal. A
// recovered panic is a refusal of that one proposal instead: an INTERNAL
// model.Error naming the transaction function, with the panic value and
// stack in the server's log.
//
// Both chaincode servers use it: the tracechain chaincode
// (contract.Chaincode) and the test network's benchmark baseline, which has
// a transaction that panics on purpose to prove it on a real peer.
package recovery

import (
	"log"
	"runtime/debug"
	"strings"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Run returns handle's response to the proposal on stub, or, when handle
// panics, an INTERNAL model.Error response whose subject is the transaction
// function the proposal names. The panic value and the stack go to logger
// (log.Default() when nil), never to the client: they may quote the
// proposal's arguments.
func Run(stub shim.ChaincodeStubInterface, logger *log.Logger, handle func() *peer.Response) (resp *peer.Response) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		fn := functionName(stub)
		if logger == nil {
			logger = log.Default()
		}
		logger.Printf("recovered a panic in transaction function %q (tx %s): %v\n%s", fn, txID(stub), v, debug.Stack())
		resp = shim.Error(Refusal(fn).Error())
	}()
	return handle()
}

// Refusal is the error a client gets for a transaction function fn that
// panicked.
func Refusal(fn string) *model.Error {
	return model.SubjectErrorf(model.CodeInternal, fn,
		"transaction function %s failed unexpectedly; the chaincode server logged the cause and serves on", fn)
}

// Chaincode is a shim.Chaincode whose Init and Invoke recover any panic of
// the chaincode it wraps, as Run does.
type Chaincode struct {
	CC  shim.Chaincode
	Log *log.Logger // where recovered panics are logged; nil for log.Default()
}

var _ shim.Chaincode = (*Chaincode)(nil)

// Wrap returns cc behind the panic guard, logging to log.Default().
func Wrap(cc shim.Chaincode) *Chaincode { return &Chaincode{CC: cc} }

// Init implements shim.Chaincode.
func (c *Chaincode) Init(stub shim.ChaincodeStubInterface) *peer.Response {
	return Run(stub, c.Log, func() *peer.Response { return c.CC.Init(stub) })
}

// Invoke implements shim.Chaincode.
func (c *Chaincode) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	return Run(stub, c.Log, func() *peer.Response { return c.CC.Invoke(stub) })
}

// maxName bounds the function name quoted in the refusal: it is the
// caller's own text.
const maxName = 128

// functionName is the transaction function the proposal names, as sent
// (with its contract prefix, if any), cut to maxName bytes of valid UTF-8:
// the refusal travels in a protobuf string, which must be UTF-8. The stub's
// own call is guarded too, so that the guard itself cannot panic.
func functionName(stub shim.ChaincodeStubInterface) (fn string) {
	defer func() {
		if recover() != nil {
			fn = "(unknown)"
		}
	}()
	if stub == nil {
		return "(unknown)"
	}
	fn, _ = stub.GetFunctionAndParameters()
	fn = strings.ToValidUTF8(fn, "\uFFFD")
	if len(fn) > maxName {
		cut := maxName
		for cut > 0 && !utf8.RuneStart(fn[cut]) {
			cut--
		}
		fn = fn[:cut] + "…"
	}
	if fn == "" {
		return "(none)"
	}
	return fn
}

// txID is the proposal's transaction ID, for the log line.
func txID(stub shim.ChaincodeStubInterface) (id string) {
	defer func() {
		if recover() != nil {
			id = "?"
		}
	}()
	if stub == nil {
		return "?"
	}
	return stub.GetTxID()
}
