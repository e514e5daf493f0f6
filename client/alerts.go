package client

import (
	"context"
	"iter"

	"github.com/tracechain/tracechain/chaincode/model"
)

// ListAlerts returns one page of suspected-clone alerts, oldest first
// (Regulator only).
func (c *Client) ListAlerts(ctx context.Context, pageSize int32, bookmark string) (*model.AlertPage, error) {
	return query[model.AlertPage](ctx, c, model.FnListAlerts, pageArgs(pageSize, bookmark)...)
}

// Alerts iterates over all suspected-clone alerts (Regulator only).
func (c *Client) Alerts(ctx context.Context) iter.Seq2[model.Alert, error] {
	return pages(ctx, model.MaxPageSize, func(ctx context.Context, n int32, b string) ([]model.Alert, string, error) {
		p, err := c.ListAlerts(ctx, n, b)
		if err != nil {
			return nil, "", err
		}
		return p.Alerts, p.Bookmark, nil
	})
}
