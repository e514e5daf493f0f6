package contract

import (
	"log"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/tracechain/tracechain/chaincode/model"
)

// NewCheckingResults builds the chaincode with every result validated against
// its JSON schema, as the contract API does by default.
func NewCheckingResults(regulatorMSPID string) (*Chaincode, error) {
	return build(regulatorMSPID, true)
}

// Run does what contract-api does around a transaction function: a TxContext
// on ctx's stub and identity, BeforeTransaction, the function, and
// AfterTransaction when the function succeeded.
func Run(c *Tracechain, ctx contractapi.TransactionContextInterface, fn func(*TxContext) error) error {
	tx := new(TxContext)
	tx.SetClientIdentity(ctx.GetClientIdentity())
	tx.SetStub(ctx.GetStub())
	if err := c.before(tx); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return c.after(tx, nil)
}

// Answer is the error a client gets for err, returned by a transaction
// function: the model.Error that Invoke's response carries.
func Answer(err error) error {
	resp := withModelError(shim.Error(err.Error()))
	if e, ok := model.ParseError(resp.Message); ok {
		return e
	}
	return err
}

// LogTo sends the chaincode's log of recovered panics to l.
func (c *Chaincode) LogTo(l *log.Logger) { c.log = l }
