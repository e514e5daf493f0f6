package client

import (
	"context"
	"iter"

	"github.com/tracechain/tracechain/chaincode/model"
)

// AlertsPage returns one page of suspected-clone alerts, oldest first
// (Regulator only).
func (c *Client) AlertsPage(ctx context.Context, pageSize int32, bookmark string) (*model.AlertPage, error) {
	return query[model.AlertPage](ctx, c, model.FnListAlerts, pageArgs(pageSize, bookmark)...)
}

// DecideAlert records the Regulator's decision on a unit's open clone report
// (an administrator of the Regulator only). Confirming it makes the unit
// verify suspected_clone; a report alone never changes a verdict.
func (c *Client) DecideAlert(ctx context.Context, req model.DecideAlertRequest) (*model.Alert, error) {
	return invoke[model.Alert](ctx, c, model.FnDecideAlert, req)
}

// Alerts iterates over all suspected-clone alerts, oldest first, page by page
// (Regulator only).
func (c *Client) Alerts(ctx context.Context) iter.Seq2[model.Alert, error] {
	return pages(ctx, c.AlertsPage, func(p *model.AlertPage) ([]model.Alert, string) { return p.Alerts, p.Bookmark })
}
