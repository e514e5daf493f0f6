package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/benchcc"
)

// Organisations the benchmark acts as (names as in network/consortium.env).
const (
	OrgManufacturer = "ManufacturerA"
	OrgDistributor  = "Distributor"
	OrgRetailer     = "Retailer"
	OrgRegulator    = "Regulator"
	OrgOther        = "ManufacturerB" // only watched: its peer validates and commits every block too
)

// Per-step timeouts of the benchmark's own transactions. They are generous:
// a step that times out is counted as a failure, never retried.
const (
	evaluateTimeout     = 30 * time.Second
	endorseTimeout      = 2 * time.Minute
	submitTimeout       = 30 * time.Second
	commitStatusTimeout = 3 * time.Minute
)

// orgConn is one organisation's connection: a gRPC connection to its peer,
// shared by a fabric-gateway Gateway (which the runner drives directly for
// pipelined submits) and an SDK client (used for setup).
type orgConn struct {
	org     string
	mspID   string
	conn    *grpc.ClientConn
	fabric  *gateway.Gateway
	network *gateway.Network
	sdk     *client.Client
	admin   *client.Client // the administrator identity, for privileged set-up
}

// connect opens the connection of org from the run directory's connection
// material (RUN/connection/<lower(org)>.json).
func connect(ctx context.Context, runDir, org string) (*orgConn, error) {
	path := filepath.Join(runDir, "connection", strings.ToLower(org)+".json")
	p, err := client.LoadProfile(path)
	if err != nil {
		return nil, err
	}
	conn, err := p.Dial()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", org, err)
	}
	g, err := p.Gateway(conn, client.IdentityUser,
		gateway.WithEvaluateTimeout(evaluateTimeout), gateway.WithEndorseTimeout(endorseTimeout),
		gateway.WithSubmitTimeout(submitTimeout), gateway.WithCommitStatusTimeout(commitStatusTimeout))
	if err != nil {
		_ = conn.Close()
		return nil, fmt.Errorf("%s user identity: %w", org, err)
	}
	sdk, err := client.Connect(ctx, client.WithProfile(p, false), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(evaluateTimeout), client.WithEndorseTimeout(endorseTimeout),
		client.WithSubmitTimeout(submitTimeout), client.WithCommitStatusTimeout(commitStatusTimeout))
	if err != nil {
		g.Close()
		_ = conn.Close()
		return nil, err
	}
	// Privileged set-up steps (the Regulator registering members) need the
	// organisation's administrator identity.
	admin, err := client.New(client.WithProfile(p, true), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(evaluateTimeout), client.WithEndorseTimeout(endorseTimeout),
		client.WithSubmitTimeout(submitTimeout), client.WithCommitStatusTimeout(commitStatusTimeout))
	if err != nil {
		_ = sdk.Close()
		g.Close()
		_ = conn.Close()
		return nil, fmt.Errorf("%s admin identity: %w", org, err)
	}
	channel := p.Channel
	if channel == "" {
		channel = client.DefaultChannel
	}
	return &orgConn{org: org, mspID: p.MSPID, conn: conn, fabric: g, network: g.GetNetwork(channel), sdk: sdk, admin: admin}, nil
}

// height returns the block height of the organisation's peer on the
// channel, from the query system chaincode.
func (o *orgConn) height(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	p, err := o.network.GetContract("qscc").NewProposal("GetChainInfo", gateway.WithArguments(o.network.Name()))
	if err != nil {
		return 0, err
	}
	raw, err := p.EvaluateWithContext(ctx)
	if err != nil {
		return 0, err
	}
	var info common.BlockchainInfo
	if err := proto.Unmarshal(raw, &info); err != nil {
		return 0, err
	}
	return info.GetHeight(), nil
}

// waitHeight waits until the organisation's peer has a block height of at
// least h, at most limit. An organisation acting on another's transaction
// (receiving a shipment) must wait for its own peer to commit that
// transaction's block: the gateway endorses on its own peer first, which
// would otherwise refuse on a state it has not seen yet.
func (o *orgConn) waitHeight(ctx context.Context, h uint64, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		got, err := o.height(ctx)
		if err == nil && got >= h {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			if err == nil {
				err = fmt.Errorf("height %d, want %d", got, h)
			}
			return fmt.Errorf("waiting for %s's peer: %w", o.org, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// contract returns a chaincode's contract by name: "" is tracechain and its
// default contract.
func (o *orgConn) contract(chaincode, name string) *gateway.Contract {
	if chaincode == "" {
		chaincode = o.sdk.Chaincode()
	}
	if name == "" || name == model.ContractTracechain {
		return o.network.GetContract(chaincode)
	}
	return o.network.GetContractWithName(chaincode, name)
}

// benchPut writes through the baseline chaincode and waits for the commit.
func (o *orgConn) benchPut(ctx context.Context, key, value string) error {
	_, err := o.contract(benchcc.Chaincode, "").SubmitWithContext(ctx, benchcc.FnPut, gateway.WithArguments(key, value))
	return err
}

func (o *orgConn) close() {
	_ = o.sdk.Close()
	_ = o.admin.Close()
	_ = o.fabric.Close()
	_ = o.conn.Close()
}

// settle waits, at most limit, until every peer has committed every block
// that any peer had when it was called (the previous slice's blocks are
// validated everywhere). It listens to each peer's block events from that
// block on: the first one delivered proves the peer has it.
func settle(ctx context.Context, conns map[string]*orgConn, limit time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	var top uint64
	for _, c := range conns {
		if h, err := c.height(ctx); err == nil {
			top = max64(top, h)
		}
	}
	if top == 0 {
		return
	}
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			blocks, err := c.network.FilteredBlockEvents(ctx, gateway.WithStartBlock(top-1))
			if err == nil {
				<-blocks
			}
		}()
	}
	wg.Wait()
}

func max64(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}
