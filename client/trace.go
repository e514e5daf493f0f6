package client

import (
	"context"
	"iter"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Trace returns one page of an item's history in chronological order,
// including events it underwent inside containers (TraceEvent.Via).
func (c *Client) Trace(ctx context.Context, code string, pageSize int32, bookmark string) (*model.TracePage, error) {
	args := append([]string{code}, pageArgs(pageSize, bookmark)...)
	return query[model.TracePage](ctx, c, model.FnTrace, args...)
}

// TraceEvents iterates over an item's whole history, page by page.
func (c *Client) TraceEvents(ctx context.Context, code string) iter.Seq2[model.TraceEvent, error] {
	return pages(ctx, model.MaxPageSize, func(ctx context.Context, n int32, b string) ([]model.TraceEvent, string, error) {
		p, err := c.Trace(ctx, code, n, b)
		if err != nil {
			return nil, "", err
		}
		return p.Events, p.Bookmark, nil
	})
}

// TraceAll reads an item's whole history.
func (c *Client) TraceAll(ctx context.Context, code string) ([]model.TraceEvent, error) {
	return collect(c.TraceEvents(ctx, code))
}

// GetItem returns an item's ledger record with its effective holder,
// disposition, container chain and recall status.
func (c *Client) GetItem(ctx context.Context, code string) (*model.ItemStatus, error) {
	return query[model.ItemStatus](ctx, c, model.FnGetItem, code)
}

// GetContents returns one page of a container's direct children.
func (c *Client) GetContents(ctx context.Context, container string, pageSize int32, bookmark string) (*model.ContentsPage, error) {
	args := append([]string{container}, pageArgs(pageSize, bookmark)...)
	return query[model.ContentsPage](ctx, c, model.FnGetContents, args...)
}

// Contents iterates over all direct children of a container.
func (c *Client) Contents(ctx context.Context, container string) iter.Seq2[string, error] {
	return pages(ctx, model.MaxPageSize, func(ctx context.Context, n int32, b string) ([]string, string, error) {
		p, err := c.GetContents(ctx, container, n, b)
		if err != nil {
			return nil, "", err
		}
		return p.Children, p.Bookmark, nil
	})
}
