package testnet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"

	"github.com/tracechain/tracechain/client"
)

// Identities of an organisation's connection material that tests act as.
const (
	User   = client.IdentityUser   // an ordinary client of the organisation
	Admin  = client.IdentityAdmin  // its administrator (NodeOU admin), for privileged functions
	Reader = client.IdentityReader // its read-only identity, where it has one (the Regulator)
)

// Gateway is one organisation identity's fabric-gateway connection, for the tests of the
// chaincode itself: they shape proposals, read blocks and see errors as an application
// using fabric-gateway directly would. Everything else uses Client.
type Gateway struct {
	Org      string
	MSPID    string
	Identity string // User, Admin or Reader
	Conn     *grpc.ClientConn
	Gateway  *gateway.Gateway
	Network  *gateway.Network
	Contract *gateway.Contract // the tracechain chaincode
	Sign     identity.Sign
}

// connections are the network's open clients and gateways, shared by every test of the
// process and closed by Stop.
type connections struct {
	mu       sync.Mutex
	clients  map[string]*client.Client
	gateways map[string]*Gateway
	closers  []io.Closer
}

// Client returns a tracechain SDK client of org acting as identity (User, Admin or Reader),
// connected once and shared by every test of the process.
func (n *Network) Client(org, identity string) (*client.Client, error) {
	n.conns.mu.Lock()
	defer n.conns.mu.Unlock()
	key := org + "/" + identity
	if c, ok := n.conns.clients[key]; ok {
		return c, nil
	}
	p, err := client.LoadProfile(n.ProfilePath(org))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.Connect(ctx, client.WithProfileAs(p, identity))
	if err != nil {
		return nil, fmt.Errorf("connect as %s %s: %w", org, identity, err)
	}
	if n.conns.clients == nil {
		n.conns.clients = map[string]*client.Client{}
	}
	n.conns.clients[key] = c
	n.conns.closers = append(n.conns.closers, c)
	return c, nil
}

// Gateway returns org's fabric-gateway connection acting as identity, opened once and
// shared by every test of the process. Its timeouts bound one endorse, submit and commit.
func (n *Network) Gateway(org, identity string) (*Gateway, error) {
	n.conns.mu.Lock()
	defer n.conns.mu.Unlock()
	key := org + "/" + identity
	if g, ok := n.conns.gateways[key]; ok {
		return g, nil
	}
	p, err := client.LoadProfile(n.ProfilePath(org))
	if err != nil {
		return nil, err
	}
	files, err := p.Identity(identity)
	if err != nil {
		return nil, err
	}
	id, sign, err := files.Load(p.MSPID)
	if err != nil {
		return nil, err
	}
	// Tests stop and restart nodes: a call waits for the connection to come
	// back (within its context) instead of failing at once, and reconnection
	// attempts stay frequent.
	conn, err := p.Dial(grpc.WithDefaultCallOptions(grpc.WaitForReady(true)),
		grpc.WithConnectParams(grpc.ConnectParams{Backoff: backoff.Config{
			BaseDelay: 100 * time.Millisecond, Multiplier: 1.6, Jitter: 0.2, MaxDelay: 2 * time.Second}}))
	if err != nil {
		return nil, err
	}
	gw, err := gateway.Connect(id, gateway.WithSign(sign), gateway.WithClientConnection(conn),
		gateway.WithEvaluateTimeout(15*time.Second), gateway.WithEndorseTimeout(30*time.Second),
		gateway.WithSubmitTimeout(15*time.Second), gateway.WithCommitStatusTimeout(45*time.Second))
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	network := gw.GetNetwork(p.Channel)
	g := &Gateway{Org: org, MSPID: p.MSPID, Identity: identity, Conn: conn, Gateway: gw,
		Network: network, Contract: network.GetContract(p.Chaincode), Sign: sign}
	if n.conns.gateways == nil {
		n.conns.gateways = map[string]*Gateway{}
	}
	n.conns.gateways[key] = g
	n.conns.closers = append(n.conns.closers, gw, conn)
	return g, nil
}

// closeConnections closes every client and gateway the network handed out.
func (n *Network) closeConnections() error {
	n.conns.mu.Lock()
	defer n.conns.mu.Unlock()
	var errs []error
	for i := len(n.conns.closers) - 1; i >= 0; i-- {
		errs = append(errs, n.conns.closers[i].Close())
	}
	n.conns.clients, n.conns.gateways, n.conns.closers = nil, nil, nil
	return errors.Join(errs...)
}
