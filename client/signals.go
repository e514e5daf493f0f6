package client

import (
	"context"

	"github.com/tracechain/tracechain/chaincode/model"
)

// FileSignal files a signal from the public's scans as a report in the
// Regulator's queue (Alerts), decided like a clone report (DecideAlert, by
// GTIN for an unknown_serials signal). A repeat by the same organisation
// while the report is open is refused with ErrDuplicate, whose subject is
// the open report's ID; beyond the organisation's daily quota it is ErrLimit.
func (c *Client) FileSignal(ctx context.Context, req model.FileSignalRequest) (*model.SignalResult, error) {
	return invoke[model.SignalResult](ctx, c, model.FnFileSignal, req)
}
