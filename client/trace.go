package client

import (
	"context"
	"iter"

	"github.com/tracechain/tracechain/chaincode/model"
)

// TracePage returns one page of an item's history in chronological order,
// including events it underwent inside containers (TraceEvent.Via).
func (c *Client) TracePage(ctx context.Context, code string, pageSize int32, bookmark string) (*model.TracePage, error) {
	args := append([]string{Uncompressed(code)}, pageArgs(pageSize, bookmark)...)
	return query[model.TracePage](ctx, c, model.FnTrace, args...)
}

// Trace iterates over an item's whole history in chronological order, page
// by page. Collect(c.Trace(ctx, code)) reads it into a slice.
func (c *Client) Trace(ctx context.Context, code string) iter.Seq2[model.TraceEvent, error] {
	return pages(ctx, func(ctx context.Context, n int32, b string) (*model.TracePage, error) {
		return c.TracePage(ctx, code, n, b)
	}, func(p *model.TracePage) ([]model.TraceEvent, string) { return p.Events, p.Bookmark })
}

// GetItem returns an item's ledger record with its effective holder,
// disposition, container chain and recall status.
func (c *Client) GetItem(ctx context.Context, code string) (*model.ItemStatus, error) {
	return query[model.ItemStatus](ctx, c, model.FnGetItem, Uncompressed(code))
}

// ContentsPage returns one page of a container's direct children.
func (c *Client) ContentsPage(ctx context.Context, container string, pageSize int32, bookmark string) (*model.ContentsPage, error) {
	args := append([]string{container}, pageArgs(pageSize, bookmark)...)
	return query[model.ContentsPage](ctx, c, model.FnGetContents, args...)
}

// Contents iterates over all direct children of a container, page by page.
func (c *Client) Contents(ctx context.Context, container string) iter.Seq2[string, error] {
	return pages(ctx, func(ctx context.Context, n int32, b string) (*model.ContentsPage, error) {
		return c.ContentsPage(ctx, container, n, b)
	}, func(p *model.ContentsPage) ([]string, string) { return p.Children, p.Bookmark })
}
