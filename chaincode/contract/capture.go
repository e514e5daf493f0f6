package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/tracechain/tracechain/chaincode/model"
)

// CaptureEvents applies the events of an EPCIS 2.0 EPCISDocument (JSON-LD,
// passed as it is) in one transaction, all or nothing, each through the
// ledger operation it stands for.
func (c *Tracechain) CaptureEvents(ctx contractapi.TransactionContextInterface, document string) (*model.CaptureResult, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.CaptureEvents([]byte(document))
	return finish(s, v, err)
}
