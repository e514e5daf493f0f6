package contract

import (
	"github.com/tracechain/tracechain/chaincode/model"
)

// CaptureEvents applies the events of an EPCIS 2.0 EPCISDocument (JSON-LD,
// passed as it is) in one transaction, all or nothing, each through the
// ledger operation it stands for.
func (c *Tracechain) CaptureEvents(ctx *TxContext, document string) (*model.CaptureResult, error) {
	return ctx.ledger.CaptureEvents([]byte(document))
}
