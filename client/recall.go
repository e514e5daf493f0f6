package client

import (
	"context"
	"iter"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Recall recalls a batch (GTIN and Batch) or a list of units and lot parts
// (Codes). Manufacturers recall their own products; the Regulator any.
// Recalled goods can no longer be sold, and Verify reports them recalled.
func (c *Client) Recall(ctx context.Context, req model.RecallRequest) (*model.Recall, error) {
	return invoke[model.Recall](ctx, c, model.FnRecall, req)
}

// GetRecall returns a recall record by ID (the transaction ID that issued it).
func (c *Client) GetRecall(ctx context.Context, recallID string) (*model.Recall, error) {
	return query[model.Recall](ctx, c, model.FnGetRecall, recallID)
}

// RecallReportPage returns one page of the items a recall affects, each with
// its top-level container, holder and disposition, and the recall itself.
func (c *Client) RecallReportPage(ctx context.Context, recallID string, pageSize int32, bookmark string) (*model.RecallReportPage, error) {
	args := append([]string{recallID}, pageArgs(pageSize, bookmark)...)
	return query[model.RecallReportPage](ctx, c, model.FnRecallReport, args...)
}

// RecallReport iterates over every item a recall affects, page by page.
func (c *Client) RecallReport(ctx context.Context, recallID string) iter.Seq2[model.RecallEntry, error] {
	return pages(ctx, func(ctx context.Context, n int32, b string) (*model.RecallReportPage, error) {
		return c.RecallReportPage(ctx, recallID, n, b)
	}, func(p *model.RecallReportPage) ([]model.RecallEntry, string) { return p.Entries, p.Bookmark })
}
