package client

import (
	"context"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Commission commissions serialised units of one of the caller's products in
// one transaction (at most model.MaxCodesPerTx codes; use CommissionBulk for
// more). The whole request fails on the first invalid or already
// commissioned code (ErrInvalidCode, ErrDuplicate).
func (c *Client) Commission(ctx context.Context, req model.CommissionRequest) (*model.CommissionResult, error) {
	return invoke[model.CommissionResult](ctx, c, model.FnCommission, req)
}

// CommissionLot commissions a batch as a quantity without serial numbers.
// The lot stays with its manufacturer; quantities move as lot parts.
func (c *Client) CommissionLot(ctx context.Context, req model.LotRequest) (*model.Item, error) {
	return invoke[model.Item](ctx, c, model.FnCommissionLot, req)
}

// SplitLot splits a quantity off a lot or lot part the caller holds into a
// new lot part, returned.
func (c *Client) SplitLot(ctx context.Context, req model.SplitRequest) (*model.Item, error) {
	return invoke[model.Item](ctx, c, model.FnSplitLot, req)
}

// CheckCommission reports which codes of a commissioning request are already
// the caller's units of that product and batch (Committed, with the
// transactions that commissioned them) and which are not on the ledger
// (Missing, as indexes into req.Codes), with one read. A code on the ledger as
// anything else is refused as ErrDuplicate, naming it. CommissionBulk uses it
// to resume; ProductionDate and the other dates are not needed.
func (c *Client) CheckCommission(ctx context.Context, req model.CommissionRequest) (*model.CommissionCheck, error) {
	arg, err := jsonArg(req)
	if err != nil {
		return nil, err
	}
	return query[model.CommissionCheck](ctx, c, model.FnCheckCommission, arg)
}
