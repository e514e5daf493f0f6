// Package contract is the thin Fabric layer of tracechain: fabric-contract-api
// transaction functions that decode arguments, build a state.Store on the
// stub and the caller's MSP ID, call the registry and lifecycle packages and
// return their typed results. It adds no rules of its own.
package contract

import (
	"fmt"
	"log"
	"strings"
	"unicode/utf8"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/tracechain/tracechain/chaincode/contract/recovery"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
)

// Version is reported in the contract metadata.
const Version = "1.0.0"

// Chaincode is the tracechain chaincode: the tracechain contract, behind a
// wrapper that makes every error response a model.Error, including the ones
// fabric-contract-api produces itself (unknown function, wrong number of
// arguments, undecodable arguments), and that turns a panic anywhere in a
// transaction into an INTERNAL refusal of that proposal (package recovery):
// no proposal can end the chaincode server.
type Chaincode struct {
	cc  *contractapi.ContractChaincode
	log *log.Logger // recovered panics; nil for log.Default()
}

var _ shim.Chaincode = (*Chaincode)(nil)

// New builds the chaincode. The Regulator is the one InitLedger recorded on
// the ledger; expectedRegulator, when not empty, is the one this server was
// deployed for, and a ledger that names another is refused (see
// registry.New).
func New(expectedRegulator string) (*Chaincode, error) { return build(expectedRegulator, false) }

// build builds the chaincode; checkResults validates every result against
// its schema, which the tests turn on.
func build(expectedRegulator string, checkResults bool) (*Chaincode, error) {
	if expectedRegulator != "" && !registry.ValidMSPID(expectedRegulator) {
		return nil, fmt.Errorf("invalid expected Regulator MSP ID %q", expectedRegulator)
	}
	tc := NewTracechain(expectedRegulator)
	cc, err := contractapi.NewChaincode(tc)
	if err != nil {
		return nil, fmt.Errorf("building chaincode: %w", err)
	}
	cc.DefaultContract = model.ContractTracechain
	cc.Info = metadata.InfoMetadata{Title: "tracechain", Version: Version}
	cc.TransactionSerializer = &argSerializer{checkResults: checkResults}
	return &Chaincode{cc: cc}, nil
}

// Init implements shim.Chaincode.
func (c *Chaincode) Init(stub shim.ChaincodeStubInterface) *peer.Response {
	return recovery.Run(stub, c.log, func() *peer.Response { return withModelError(c.cc.Init(stub)) })
}

// Invoke implements shim.Chaincode.
func (c *Chaincode) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	return recovery.Run(stub, c.log, func() *peer.Response { return withModelError(c.cc.Invoke(stub)) })
}

// maxErrorText bounds error messages: contract-api errors may quote whole
// arguments, which can hold thousands of codes.
const maxErrorText = 512

// withModelError rewrites an error response that does not already carry a
// model.Error. Messages about the call itself are INVALID_ARGUMENT; anything
// else is INTERNAL.
func withModelError(resp *peer.Response) *peer.Response {
	if resp == nil || resp.Status < shim.ERRORTHRESHOLD {
		return resp
	}
	msg := resp.Message
	if _, ok := model.ParseError(msg); ok {
		return resp
	}
	code := model.CodeInternal
	for _, s := range []string{"not found in contract", "Contract not found", "Blank function name", "incorrect number of params", "error managing parameter"} {
		if strings.Contains(msg, s) {
			code = model.CodeInvalidArgument
			break
		}
	}
	return shim.Error(model.Errorf(code, "%s", truncate(msg)).Error())
}

// truncate cuts s to at most maxErrorText bytes on a character boundary and
// replaces invalid UTF-8: the error travels in a protobuf string field, and
// one that does not marshal loses the client its typed error.
func truncate(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= maxErrorText {
		return s
	}
	cut := maxErrorText
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
