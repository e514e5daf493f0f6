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

// RecallReport returns one page of the items a recall affects, each with its
// top-level container, holder and disposition.
func (c *Client) RecallReport(ctx context.Context, recallID string, pageSize int32, bookmark string) (*model.RecallReportPage, error) {
	args := append([]string{recallID}, pageArgs(pageSize, bookmark)...)
	return query[model.RecallReportPage](ctx, c, model.FnRecallReport, args...)
}

// RecallEntries iterates over every entry of a recall report, page by page.
func (c *Client) RecallEntries(ctx context.Context, recallID string) iter.Seq2[model.RecallEntry, error] {
	return pages(ctx, model.MaxPageSize, func(ctx context.Context, n int32, b string) ([]model.RecallEntry, string, error) {
		p, err := c.RecallReport(ctx, recallID, n, b)
		if err != nil {
			return nil, "", err
		}
		return p.Entries, p.Bookmark, nil
	})
}

// RecallReportAll reads the whole recall report: the recall and all entries.
func (c *Client) RecallReportAll(ctx context.Context, recallID string) (*model.Recall, []model.RecallEntry, error) {
	first, err := c.RecallReport(ctx, recallID, model.MaxPageSize, "")
	if err != nil {
		return nil, nil, err
	}
	entries := first.Entries
	bookmark := first.Bookmark
	for bookmark != "" {
		p, err := c.RecallReport(ctx, recallID, model.MaxPageSize, bookmark)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, p.Entries...)
		if p.Bookmark == bookmark {
			break
		}
		bookmark = p.Bookmark
	}
	return &first.Recall, entries, nil
}
