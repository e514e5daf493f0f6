package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Tracechain is the default contract. Each transaction function decodes its
// arguments (JSON objects for requests), opens a session on the stub and
// delegates to the registry or lifecycle package. Function names are the
// model.Fn* constants.
type Tracechain struct {
	contractapi.Contract
	regulator string
}

// NewTracechain returns the tracechain contract; expectedRegulator is the
// Regulator this server was deployed for, or "" to take the ledger's.
func NewTracechain(expectedRegulator string) *Tracechain {
	tc := &Tracechain{regulator: expectedRegulator}
	tc.Name = model.ContractTracechain
	tc.Info = metadata.InfoMetadata{
		Title:       "tracechain",
		Version:     Version,
		Description: "Traceability of SAMR key industrial products: members, products, units, lots, containers, sales, recalls",
	}
	return tc
}

// GetEvaluateTransactions marks the read-only functions in the metadata.
func (c *Tracechain) GetEvaluateTransactions() []string { return model.EvaluateFunctions }

// InitLedger records the Regulator on a new ledger (the Regulator's
// administrator, once).
func (c *Tracechain) InitLedger(ctx contractapi.TransactionContextInterface, regulatorMSPID string) (*model.NetworkConfig, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.InitLedger(regulatorMSPID)
	return finish(s, v, err)
}

// GetNetwork returns the ledger's agreed configuration.
func (c *Tracechain) GetNetwork(ctx contractapi.TransactionContextInterface) (*model.NetworkConfig, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.NetworkConfig()
	return finish(s, v, err)
}

// DecideAlert confirms or dismisses a unit's open clone report (the
// Regulator's administrator).
func (c *Tracechain) DecideAlert(ctx contractapi.TransactionContextInterface, req model.DecideAlertRequest) (*model.Alert, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.DecideAlert(req)
	return finish(s, v, err)
}

// RegisterMember registers a member organisation (Regulator only).
func (c *Tracechain) RegisterMember(ctx contractapi.TransactionContextInterface, req model.MemberRequest) (*model.Member, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.RegisterMember(req)
	return finish(s, v, err)
}

// UpdateMember replaces a member's details (Regulator only).
func (c *Tracechain) UpdateMember(ctx contractapi.TransactionContextInterface, req model.MemberRequest) (*model.Member, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.UpdateMember(req)
	return finish(s, v, err)
}

// GetMember returns a member by MSP ID.
func (c *Tracechain) GetMember(ctx contractapi.TransactionContextInterface, mspID string) (*model.Member, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.GetMember(mspID)
	return finish(s, v, err)
}

// ListMembers pages through the registered members.
func (c *Tracechain) ListMembers(ctx contractapi.TransactionContextInterface, pageSize int32, bookmark string) (*model.MemberPage, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.ListMembers(pageSize, bookmark)
	return finish(s, v, err)
}

// RegisterProduct registers a product of the calling manufacturer.
func (c *Tracechain) RegisterProduct(ctx contractapi.TransactionContextInterface, req model.ProductRequest) (*model.Product, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.RegisterProduct(req)
	return finish(s, v, err)
}

// UpdateProduct versions a product of the calling manufacturer.
func (c *Tracechain) UpdateProduct(ctx contractapi.TransactionContextInterface, req model.ProductRequest) (*model.Product, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.UpdateProduct(req)
	return finish(s, v, err)
}

// GetProduct returns the current version of a product.
func (c *Tracechain) GetProduct(ctx contractapi.TransactionContextInterface, gtin string) (*model.Product, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.GetProduct(gtin)
	return finish(s, v, err)
}

// ProductHistory pages through the versions of a product.
func (c *Tracechain) ProductHistory(ctx contractapi.TransactionContextInterface, gtin string, pageSize int32, bookmark string) (*model.ProductHistory, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.reg.ProductHistory(gtin, pageSize, bookmark)
	return finish(s, v, err)
}

// Commission commissions serialised units of a batch.
func (c *Tracechain) Commission(ctx contractapi.TransactionContextInterface, req model.CommissionRequest) (*model.CommissionResult, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Commission(req)
	return finish(s, v, err)
}

// CommissionLot commissions a batch as a quantity.
func (c *Tracechain) CommissionLot(ctx contractapi.TransactionContextInterface, req model.LotRequest) (*model.Item, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.CommissionLot(req)
	return finish(s, v, err)
}

// SplitLot splits a quantity off a lot or lot part into a new part.
func (c *Tracechain) SplitLot(ctx contractapi.TransactionContextInterface, req model.SplitRequest) (*model.Item, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.SplitLot(req)
	return finish(s, v, err)
}

// Pack packs items into a container.
func (c *Tracechain) Pack(ctx contractapi.TransactionContextInterface, req model.PackRequest) (*model.PackResult, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Pack(req)
	return finish(s, v, err)
}

// Unpack takes items out of a container.
func (c *Tracechain) Unpack(ctx contractapi.TransactionContextInterface, req model.UnpackRequest) (*model.PackResult, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Unpack(req)
	return finish(s, v, err)
}

// Ship ships top-level goods to another member.
func (c *Tracechain) Ship(ctx contractapi.TransactionContextInterface, req model.ShipRequest) (*model.MoveResult, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Ship(req)
	return finish(s, v, err)
}

// Receive takes in goods shipped to the caller.
func (c *Tracechain) Receive(ctx contractapi.TransactionContextInterface, req model.MoveRequest) (*model.MoveResult, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Receive(req)
	return finish(s, v, err)
}

// Reject returns goods shipped to the caller to their sender.
func (c *Tracechain) Reject(ctx contractapi.TransactionContextInterface, req model.MoveRequest) (*model.MoveResult, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Reject(req)
	return finish(s, v, err)
}

// Sell sells a unit; the buyer data is in the transient map under "sale".
func (c *Tracechain) Sell(ctx contractapi.TransactionContextInterface, req model.SellRequest) (*model.SellResult, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Sell(req)
	return finish(s, v, err)
}

// GetSale returns the private sale record of a unit, sealed with the key in
// the transient map (administrators of the seller and of the Regulator).
func (c *Tracechain) GetSale(ctx contractapi.TransactionContextInterface, code string) (*model.SealedSale, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.GetSale(code)
	return finish(s, v, err)
}

// PurgeSale purges a sale record after its retention period (seller only).
func (c *Tracechain) PurgeSale(ctx contractapi.TransactionContextInterface, code string) error {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return err
	}
	_, err = finish(s, struct{}{}, s.ledger.PurgeSale(code))
	return err
}

// Recall recalls a batch or a list of units and lot parts.
func (c *Tracechain) Recall(ctx contractapi.TransactionContextInterface, req model.RecallRequest) (*model.Recall, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Recall(req)
	return finish(s, v, err)
}

// GetRecall returns a recall record.
func (c *Tracechain) GetRecall(ctx contractapi.TransactionContextInterface, recallID string) (*model.Recall, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.GetRecall(recallID)
	return finish(s, v, err)
}

// RecallReport pages through the items a recall affects.
func (c *Tracechain) RecallReport(ctx contractapi.TransactionContextInterface, recallID string, pageSize int32, bookmark string) (*model.RecallReportPage, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.RecallReport(recallID, pageSize, bookmark)
	return finish(s, v, err)
}

// Decommission records goods as destroyed, stolen or damaged.
func (c *Tracechain) Decommission(ctx contractapi.TransactionContextInterface, req model.DecommissionRequest) (*model.MoveResult, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Decommission(req)
	return finish(s, v, err)
}

// Verify answers a scanned code with a verdict.
func (c *Tracechain) Verify(ctx contractapi.TransactionContextInterface, code string) (*model.Verification, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Verify(code)
	return finish(s, v, err)
}

// Trace pages through the history of an item.
func (c *Tracechain) Trace(ctx contractapi.TransactionContextInterface, code string, pageSize int32, bookmark string) (*model.TracePage, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.Trace(code, pageSize, bookmark)
	return finish(s, v, err)
}

// GetItem returns an item with its derived state.
func (c *Tracechain) GetItem(ctx contractapi.TransactionContextInterface, code string) (*model.ItemStatus, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.GetItem(code)
	return finish(s, v, err)
}

// CheckCommission reports which codes of a commissioning request are already
// the caller's units of that batch, for a resumed bulk import.
func (c *Tracechain) CheckCommission(ctx contractapi.TransactionContextInterface, req model.CommissionRequest) (*model.CommissionCheck, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.CheckCommission(req)
	return finish(s, v, err)
}

// GetContents pages through the direct children of a container.
func (c *Tracechain) GetContents(ctx contractapi.TransactionContextInterface, container string, pageSize int32, bookmark string) (*model.ContentsPage, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.GetContents(container, pageSize, bookmark)
	return finish(s, v, err)
}

// ListAlerts pages through suspected-clone alerts (Regulator only).
func (c *Tracechain) ListAlerts(ctx contractapi.TransactionContextInterface, pageSize int32, bookmark string) (*model.AlertPage, error) {
	s, err := open(ctx, c.regulator)
	if err != nil {
		return nil, err
	}
	v, err := s.ledger.ListAlerts(pageSize, bookmark)
	return finish(s, v, err)
}
