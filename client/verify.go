package client

import (
	"context"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Verify answers a scanned code, in any accepted form (GS1 element string,
// Digital Link URL, EPC URN, Ecode, CCC, digital identity code), with a
// verdict: genuine, sold, recalled, suspected_clone, decommissioned, unknown
// or invalid_code. An unparsable input is not an error: its verdict is
// invalid_code with the reason in Detail. The answer holds no personal data.
func (c *Client) Verify(ctx context.Context, code string) (*model.Verification, error) {
	return query[model.Verification](ctx, c, model.FnVerify, Uncompressed(code))
}
