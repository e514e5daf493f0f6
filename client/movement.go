package client

import (
	"context"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Pack packs units, lot parts or containers the caller holds into a
// container (an SSCC or a serialised case code), created on first use.
func (c *Client) Pack(ctx context.Context, req model.PackRequest) (*model.PackResult, error) {
	return invoke[model.PackResult](ctx, c, model.FnPack, req)
}

// Unpack takes children out of a container the caller holds; no children
// means all of them.
func (c *Client) Unpack(ctx context.Context, req model.UnpackRequest) (*model.PackResult, error) {
	return invoke[model.PackResult](ctx, c, model.FnUnpack, req)
}

// Ship ships top-level items the caller holds (containers carry their
// contents) to another member; they are in transit until received.
func (c *Client) Ship(ctx context.Context, req model.ShipRequest) (*model.MoveResult, error) {
	return invoke[model.MoveResult](ctx, c, model.FnShip, req)
}

// Receive takes in goods shipped to the caller, who becomes their holder.
func (c *Client) Receive(ctx context.Context, req model.MoveRequest) (*model.MoveResult, error) {
	return invoke[model.MoveResult](ctx, c, model.FnReceive, req)
}

// Reject refuses goods shipped to the caller; they go back to the sender.
func (c *Client) Reject(ctx context.Context, req model.MoveRequest) (*model.MoveResult, error) {
	return invoke[model.MoveResult](ctx, c, model.FnReject, req)
}

// Decommission records top-level items the caller holds as destroyed,
// stolen or damaged; a container's contents follow it.
func (c *Client) Decommission(ctx context.Context, req model.DecommissionRequest) (*model.MoveResult, error) {
	return invoke[model.MoveResult](ctx, c, model.FnDecommission, req)
}
