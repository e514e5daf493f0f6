package client

import (
	"context"

	"github.com/tracechain/tracechain/chaincode/model"
)

// InitLedger records the Regulator on a new ledger. Only an administrator
// of that organisation may call it, once; every later transaction reads the
// Regulator from there.
func (c *Client) InitLedger(ctx context.Context, regulatorMSPID string) (*model.NetworkConfig, error) {
	s, err := c.submit(ctx, call{Fn: model.FnInitLedger, Args: []string{regulatorMSPID}})
	if err != nil {
		return nil, err
	}
	return decode[model.NetworkConfig](model.FnInitLedger, s.result)
}

// Network returns the ledger's agreed configuration: who the Regulator is.
func (c *Client) Network(ctx context.Context) (*model.NetworkConfig, error) {
	return query[model.NetworkConfig](ctx, c, model.FnGetNetwork)
}
