package client

import (
	"context"

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

// ProductHistory returns every version of a product, oldest first, reading
// them a page at a time.
func (c *Client) ProductHistory(ctx context.Context, gtin string) (*model.ProductHistory, error) {
	var all *model.ProductHistory
	bookmark := ""
	for {
		page, err := c.ProductHistoryPage(ctx, gtin, model.MaxPageSize, bookmark)
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = &model.ProductHistory{GTIN: page.GTIN}
		}
		all.Versions = append(all.Versions, page.Versions...)
		if bookmark = page.Bookmark; bookmark == "" || len(page.Versions) == 0 {
			return all, nil
		}
	}
}

// ProductHistoryPage returns one page of the versions of a product.
func (c *Client) ProductHistoryPage(ctx context.Context, gtin string, pageSize int32, bookmark string) (*model.ProductHistory, error) {
	return query[model.ProductHistory](ctx, c, model.FnProductHistory, append([]string{gtin}, pageArgs(pageSize, bookmark)...)...)
}
