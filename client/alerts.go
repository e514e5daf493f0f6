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

// DecideAlert records the Regulator's decision on a unit's open clone report
// (an administrator of the Regulator only). Confirming it makes the unit
// verify suspected_clone; a report alone never changes a verdict.
func (c *Client) DecideAlert(ctx context.Context, req model.DecideAlertRequest) (*model.Alert, error) {
	return invoke[model.Alert](ctx, c, model.FnDecideAlert, req)
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
