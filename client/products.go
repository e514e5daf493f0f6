package client

import (
	"context"
	"iter"

	"github.com/tracechain/tracechain/chaincode/model"
)

// RegisterProduct registers a product of the calling manufacturer. Its GTIN
// must carry one of the manufacturer's GS1 company prefixes (else
// ErrForbidden) and the licence must be one of its licences or CCC
// certificates.
func (c *Client) RegisterProduct(ctx context.Context, req model.ProductRequest) (*model.Product, error) {
	return invoke[model.Product](ctx, c, model.FnRegisterProduct, req)
}

// UpdateProduct replaces a product's details; the previous version stays
// readable through ProductHistory.
func (c *Client) UpdateProduct(ctx context.Context, req model.ProductRequest) (*model.Product, error) {
	return invoke[model.Product](ctx, c, model.FnUpdateProduct, req)
}

// GetProduct returns the current version of a product. Any GTIN form
// (GTIN-8/12/13/14) is accepted.
func (c *Client) GetProduct(ctx context.Context, gtin string) (*model.Product, error) {
	return query[model.Product](ctx, c, model.FnGetProduct, gtin)
}

// ProductHistoryPage returns one page of the versions of a product, oldest
// first.
func (c *Client) ProductHistoryPage(ctx context.Context, gtin string, pageSize int32, bookmark string) (*model.ProductHistory, error) {
	return query[model.ProductHistory](ctx, c, model.FnProductHistory, append([]string{gtin}, pageArgs(pageSize, bookmark)...)...)
}

// ProductHistory iterates over every version of a product, oldest first,
// page by page.
func (c *Client) ProductHistory(ctx context.Context, gtin string) iter.Seq2[model.Product, error] {
	return pages(ctx, func(ctx context.Context, n int32, b string) (*model.ProductHistory, error) {
		return c.ProductHistoryPage(ctx, gtin, n, b)
	}, func(p *model.ProductHistory) ([]model.Product, string) { return p.Versions, p.Bookmark })
}
