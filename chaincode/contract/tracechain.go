package contract

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
	"github.com/hyperledger/fabric-contract-api-go/v2/metadata"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Tracechain is the default contract. Each transaction function is one line:
// contract-api decodes its arguments (JSON objects for requests), the
// BeforeTransaction hook has opened the session of its TxContext on the stub,
// the function delegates to the registry or lifecycle package, and the
// AfterTransaction hook flushes its writes. Errors that are not model.Errors
// become INTERNAL in Chaincode.Invoke. Function names are the model.Fn*
// constants.
type Tracechain struct {
	contractapi.Contract
	regulator string
}

// NewTracechain returns the tracechain contract; expectedRegulator is the
// Regulator this server was deployed for, or "" to take the ledger's.
func NewTracechain(expectedRegulator string) *Tracechain {
	tc := &Tracechain{regulator: expectedRegulator}
	tc.Name = model.ContractTracechain
	// Every transaction function runs in a TxContext: BeforeTransaction opens
	// its session on the stub, AfterTransaction flushes the writes of a
	// function that succeeded (contract-api calls it only then).
	tc.TransactionContextHandler = new(TxContext)
	tc.BeforeTransaction = tc.before
	tc.AfterTransaction = tc.after
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
func (c *Tracechain) InitLedger(ctx *TxContext, regulatorMSPID string) (*model.NetworkConfig, error) {
	return ctx.reg.InitLedger(regulatorMSPID)
}

// GetNetwork returns the ledger's agreed configuration.
func (c *Tracechain) GetNetwork(ctx *TxContext) (*model.NetworkConfig, error) {
	return ctx.reg.NetworkConfig()
}

// DecideAlert confirms or dismisses a unit's open clone report (the
// Regulator's administrator).
func (c *Tracechain) DecideAlert(ctx *TxContext, req model.DecideAlertRequest) (*model.Alert, error) {
	return ctx.ledger.DecideAlert(req)
}

// FileSignal files a signal from the public's scans as a report for the
// Regulator (a trading member or the Regulator).
func (c *Tracechain) FileSignal(ctx *TxContext, req model.FileSignalRequest) (*model.SignalResult, error) {
	return ctx.ledger.FileSignal(req)
}

// RegisterMember registers a member organisation (Regulator only).
func (c *Tracechain) RegisterMember(ctx *TxContext, req model.MemberRequest) (*model.Member, error) {
	return ctx.reg.RegisterMember(req)
}

// UpdateMember replaces a member's details (Regulator only).
func (c *Tracechain) UpdateMember(ctx *TxContext, req model.MemberRequest) (*model.Member, error) {
	return ctx.reg.UpdateMember(req)
}

// GetMember returns a member by MSP ID.
func (c *Tracechain) GetMember(ctx *TxContext, mspID string) (*model.Member, error) {
	return ctx.reg.GetMember(mspID)
}

// ListMembers pages through the registered members.
func (c *Tracechain) ListMembers(ctx *TxContext, pageSize int32, bookmark string) (*model.MemberPage, error) {
	return ctx.reg.ListMembers(pageSize, bookmark)
}

// RegisterProduct registers a product of the calling manufacturer.
func (c *Tracechain) RegisterProduct(ctx *TxContext, req model.ProductRequest) (*model.Product, error) {
	return ctx.reg.RegisterProduct(req)
}

// UpdateProduct versions a product of the calling manufacturer.
func (c *Tracechain) UpdateProduct(ctx *TxContext, req model.ProductRequest) (*model.Product, error) {
	return ctx.reg.UpdateProduct(req)
}

// GetProduct returns the current version of a product.
func (c *Tracechain) GetProduct(ctx *TxContext, gtin string) (*model.Product, error) {
	return ctx.reg.GetProduct(gtin)
}

// ProductHistory pages through the versions of a product.
func (c *Tracechain) ProductHistory(ctx *TxContext, gtin string, pageSize int32, bookmark string) (*model.ProductHistory, error) {
	return ctx.reg.ProductHistory(gtin, pageSize, bookmark)
}

// Commission commissions serialised units of a batch.
func (c *Tracechain) Commission(ctx *TxContext, req model.CommissionRequest) (*model.CommissionResult, error) {
	return ctx.ledger.Commission(req)
}

// CommissionLot commissions a batch as a quantity.
func (c *Tracechain) CommissionLot(ctx *TxContext, req model.LotRequest) (*model.Item, error) {
	return ctx.ledger.CommissionLot(req)
}

// SplitLot splits a quantity off a lot or lot part into a new part.
func (c *Tracechain) SplitLot(ctx *TxContext, req model.SplitRequest) (*model.Item, error) {
	return ctx.ledger.SplitLot(req)
}

// Pack packs items into a container.
func (c *Tracechain) Pack(ctx *TxContext, req model.PackRequest) (*model.PackResult, error) {
	return ctx.ledger.Pack(req)
}

// Unpack takes items out of a container.
func (c *Tracechain) Unpack(ctx *TxContext, req model.UnpackRequest) (*model.PackResult, error) {
	return ctx.ledger.Unpack(req)
}

// Ship ships top-level goods to another member.
func (c *Tracechain) Ship(ctx *TxContext, req model.ShipRequest) (*model.MoveResult, error) {
	return ctx.ledger.Ship(req)
}

// Receive takes in goods shipped to the caller.
func (c *Tracechain) Receive(ctx *TxContext, req model.MoveRequest) (*model.MoveResult, error) {
	return ctx.ledger.Receive(req)
}

// Reject returns goods shipped to the caller to their sender.
func (c *Tracechain) Reject(ctx *TxContext, req model.MoveRequest) (*model.MoveResult, error) {
	return ctx.ledger.Reject(req)
}

// RecordSale keeps the buyer data of a sale (transient map, "sale") in the
// seller's sales collection, endorsed by the seller's peers alone.
func (c *Tracechain) RecordSale(ctx *TxContext, req model.RecordSaleRequest) (*model.RecordSaleResult, error) {
	return ctx.ledger.RecordSale(req)
}

// Sell sells a unit whose sale record RecordSale kept; it carries no buyer
// data and is endorsed like any move.
func (c *Tracechain) Sell(ctx *TxContext, req model.SellRequest) (*model.SellResult, error) {
	return ctx.ledger.Sell(req)
}

// GetSale returns the private sale record of a unit, sealed with the key in
// the transient map (administrators of the seller and of its regulators).
func (c *Tracechain) GetSale(ctx *TxContext, code string) (*model.SealedSale, error) {
	return ctx.ledger.GetSale(code)
}

// PurgeSale purges a sale record after its retention period (seller only).
func (c *Tracechain) PurgeSale(ctx *TxContext, code string) error {
	return ctx.ledger.PurgeSale(code)
}

// Recall recalls a batch or a list of units and lot parts.
func (c *Tracechain) Recall(ctx *TxContext, req model.RecallRequest) (*model.Recall, error) {
	return ctx.ledger.Recall(req)
}

// GetRecall returns a recall record.
func (c *Tracechain) GetRecall(ctx *TxContext, recallID string) (*model.Recall, error) {
	return ctx.ledger.GetRecall(recallID)
}

// RecallReport pages through the items a recall affects.
func (c *Tracechain) RecallReport(ctx *TxContext, recallID string, pageSize int32, bookmark string) (*model.RecallReportPage, error) {
	return ctx.ledger.RecallReport(recallID, pageSize, bookmark)
}

// AcknowledgeRecall records that the calling member took note of a recall
// reaching goods it holds (administrators).
func (c *Tracechain) AcknowledgeRecall(ctx *TxContext, recallID string) (*model.RecallAck, error) {
	return ctx.ledger.AcknowledgeRecall(recallID)
}

// ListRecallAcks pages through a recall's acknowledgements.
func (c *Tracechain) ListRecallAcks(ctx *TxContext, recallID string, pageSize int32, bookmark string) (*model.RecallAckPage, error) {
	return ctx.ledger.ListRecallAcks(recallID, pageSize, bookmark)
}

// CloseRecall closes a recall with the issuer's figures (its administrator).
func (c *Tracechain) CloseRecall(ctx *TxContext, req model.CloseRecallRequest) (*model.Recall, error) {
	return ctx.ledger.CloseRecall(req)
}

// Decommission records goods as destroyed, stolen or damaged.
func (c *Tracechain) Decommission(ctx *TxContext, req model.DecommissionRequest) (*model.MoveResult, error) {
	return ctx.ledger.Decommission(req)
}

// Verify answers a scanned code with a verdict.
func (c *Tracechain) Verify(ctx *TxContext, code string) (*model.Verification, error) {
	return ctx.ledger.Verify(code)
}

// Trace pages through the history of an item.
func (c *Tracechain) Trace(ctx *TxContext, code string, pageSize int32, bookmark string) (*model.TracePage, error) {
	return ctx.ledger.Trace(code, pageSize, bookmark)
}

// GetItem returns an item with its derived state.
func (c *Tracechain) GetItem(ctx *TxContext, code string) (*model.ItemStatus, error) {
	return ctx.ledger.GetItem(code)
}

// CheckCommission reports which codes of a commissioning request are already
// the caller's units of that batch, for a resumed bulk import.
func (c *Tracechain) CheckCommission(ctx *TxContext, req model.CommissionRequest) (*model.CommissionCheck, error) {
	return ctx.ledger.CheckCommission(req)
}

// GetContents pages through the direct children of a container.
func (c *Tracechain) GetContents(ctx *TxContext, container string, pageSize int32, bookmark string) (*model.ContentsPage, error) {
	return ctx.ledger.GetContents(container, pageSize, bookmark)
}

// ListAlerts pages through suspected-clone alerts (Regulator only).
func (c *Tracechain) ListAlerts(ctx *TxContext, pageSize int32, bookmark string) (*model.AlertPage, error) {
	return ctx.ledger.ListAlerts(pageSize, bookmark)
}
