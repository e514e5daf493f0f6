package testnet

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"
)

// WaitForBlock waits until every organisation's peer has committed block number block. A
// gateway reports a commit as soon as its own peer has the block; a read or an endorsement on
// another organisation's peer must wait for that peer. It listens to each peer's block events
// from that block on: the first one delivered proves the peer has it, with no polling.
func (n *Network) WaitForBlock(ctx context.Context, block uint64) error {
	return n.WaitForBlockOn(ctx, block, Orgs)
}

// WaitForBlockOn is WaitForBlock on the peers of orgs only: those a partition left reachable.
func (n *Network) WaitForBlockOn(ctx context.Context, block uint64, orgs []string) error {
	errs := make([]error, len(orgs))
	var wg sync.WaitGroup
	for i, org := range orgs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = n.waitForBlockAt(ctx, org, block)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (n *Network) waitForBlockAt(ctx context.Context, org string, block uint64) error {
	g, err := n.Gateway(org, User)
	if err != nil {
		return err
	}
	// A peer that has just restarted may close the stream before it has
	// opened its ledger: listen again, after a short pause, until ctx ends.
	for {
		delivered, err := firstBlock(ctx, g, block)
		switch {
		case delivered:
			return nil
		case ctx.Err() != nil:
			return fmt.Errorf("%s: block %d not committed: %w (last: %v)", org, block, ctx.Err(), err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// firstBlock listens to g's block events from block on and reports whether one was delivered.
func firstBlock(ctx context.Context, g *Gateway, block uint64) (bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks, err := g.Network.FilteredBlockEvents(ctx, gateway.WithStartBlock(block))
	if err != nil {
		return false, fmt.Errorf("block events: %w", err)
	}
	select {
	case _, ok := <-blocks:
		if !ok {
			return false, fmt.Errorf("block stream closed before block %d", block)
		}
		return true, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// Settle waits until every peer has committed every block that any peer had committed when
// it was called: after it, a read anywhere sees every write acknowledged before.
func (n *Network) Settle(ctx context.Context) error {
	_, err := n.SettleOn(ctx, Orgs)
	return err
}

// SettleOn is Settle on the peers of orgs only (those a grown or shrunk network runs), and
// returns the height they all have.
func (n *Network) SettleOn(ctx context.Context, orgs []string) (uint64, error) {
	var top uint64
	for _, org := range orgs {
		h, err := n.ChainHeight(ctx, org)
		if err != nil {
			return 0, err
		}
		top = max(top, h)
	}
	if top == 0 {
		return 0, nil
	}
	return top, n.WaitForBlockOn(ctx, top-1, orgs)
}

// ChainHeight is the number of blocks org's peer has committed on the channel, read through
// the peer's query system chaincode.
func (n *Network) ChainHeight(ctx context.Context, org string) (uint64, error) {
	g, err := n.Gateway(org, User)
	if err != nil {
		return 0, err
	}
	raw, err := g.Network.GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo",
		gateway.WithArguments(Names.Channel))
	if err != nil {
		return 0, fmt.Errorf("%s: GetChainInfo: %w", org, err)
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(raw, &info); err != nil {
		return 0, fmt.Errorf("%s: GetChainInfo: %w", org, err)
	}
	return info.GetHeight(), nil
}
