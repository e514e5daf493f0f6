package client

import (
	"context"
	"iter"

	"github.com/tracechain/tracechain/chaincode/model"
)

// RegisterMember registers a member organisation with its role, enterprise
// name, USCC, GS1 company prefixes and licences. Only the Regulator may;
// others get ErrForbidden, an MSP ID already registered ErrDuplicate.
func (c *Client) RegisterMember(ctx context.Context, req model.MemberRequest) (*model.Member, error) {
	return invoke[model.Member](ctx, c, model.FnRegisterMember, req)
}

// UpdateMember replaces a member's details (Regulator only), e.g. to add a
// company prefix or to suspend it.
func (c *Client) UpdateMember(ctx context.Context, req model.MemberRequest) (*model.Member, error) {
	return invoke[model.Member](ctx, c, model.FnUpdateMember, req)
}

// GetMember returns a member by MSP ID (ErrNotFound if not registered).
func (c *Client) GetMember(ctx context.Context, mspID string) (*model.Member, error) {
	return query[model.Member](ctx, c, model.FnGetMember, mspID)
}

// MembersPage returns one page of the registered members in MSP ID order.
// Pass the returned bookmark to get the next page; it is empty on the last.
func (c *Client) MembersPage(ctx context.Context, pageSize int32, bookmark string) (*model.MemberPage, error) {
	return query[model.MemberPage](ctx, c, model.FnListMembers, pageArgs(pageSize, bookmark)...)
}

// Members iterates over all registered members in MSP ID order, page by
// page.
func (c *Client) Members(ctx context.Context) iter.Seq2[model.Member, error] {
	return pages(ctx, c.MembersPage, func(p *model.MemberPage) ([]model.Member, string) { return p.Members, p.Bookmark })
}
