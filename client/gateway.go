package client

//go:generate go run go.uber.org/mock/mockgen@v0.6.0 -source=gateway.go -destination=mock_gateway_test.go -package=client -imports=gateway=github.com/hyperledger/fabric-gateway/pkg/client

import (
	"context"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
)

// call is one transaction function invocation: which contract and function,
// the string arguments, the transient data and, optionally, the
// organisations that must endorse it. It is what the SDK methods build and
// what the unit tests inspect.
type call struct {
	Contract   string            // "" or model.ContractTracechain for the default contract
	Fn         string            // transaction function name, a model.Fn* constant
	Args       []string          // arguments, JSON-encoded requests or plain strings
	Transient  map[string][]byte // private input, never written to the transaction
	Endorsers  []string          // MSP IDs that must endorse; nil lets the gateway decide
	evaluation bool              // read-only: evaluate, never submit
}

// contract is the small part of the Fabric gateway the SDK talks to. The
// production implementation wraps fabric-gateway's Network; unit tests use a
// gomock mock of it, so argument encoding, transient data, error mapping and
// retry rules are testable without a network.
type contract interface {
	// Evaluate runs a read-only call on a peer and returns its result.
	Evaluate(ctx context.Context, c call) ([]byte, error)
	// Endorse builds a new proposal (with a new transaction ID) and collects
	// endorsements for it. A failure means nothing was sent to the orderer.
	Endorse(ctx context.Context, c call) (transaction, error)
	// ChaincodeEvents streams the chaincode's events from a position (from
	// the next committed block when the position is unset). The channel
	// closes when ctx ends or the stream fails.
	ChaincodeEvents(ctx context.Context, chaincode string, from eventPosition) (<-chan *gateway.ChaincodeEvent, error)
}

// transaction is an endorsed transaction, ready to be sent to the orderer.
type transaction interface {
	TransactionID() string
	// Result is the transaction function's return value, as endorsed.
	Result() []byte
	// Submit sends the transaction to the orderer. Sending the same
	// transaction again is safe: a transaction ID commits at most once.
	Submit(ctx context.Context) (commit, error)
}

// commit is a submitted transaction whose validation result can be awaited.
type commit interface {
	TransactionID() string
	// Status blocks until the transaction is in a block (or ctx ends) and
	// returns its validation code. Asking again is a harmless read.
	Status(ctx context.Context) (*gateway.Status, error)
}

// fabricContract implements contract on a fabric-gateway Network.
type fabricContract struct {
	network   *gateway.Network
	chaincode string
	stamper   *stamper // nil: proposals carry fabric-gateway's own timestamp
}

func (f *fabricContract) contract(name string) *gateway.Contract {
	if name == "" {
		return f.network.GetContract(f.chaincode)
	}
	return f.network.GetContractWithName(f.chaincode, name)
}

func proposalOptions(c call) []gateway.ProposalOption {
	opts := []gateway.ProposalOption{gateway.WithArguments(c.Args...)}
	if len(c.Transient) > 0 {
		opts = append(opts, gateway.WithTransient(c.Transient))
	}
	if len(c.Endorsers) > 0 {
		opts = append(opts, gateway.WithEndorsingOrganizations(c.Endorsers...))
	}
	return opts
}

// proposal builds the proposal of c, stamped with the client's clock when it has one.
func (f *fabricContract) proposal(c call) (*gateway.Proposal, error) {
	p, err := f.contract(c.Contract).NewProposal(c.Fn, proposalOptions(c)...)
	if err != nil || f.stamper == nil {
		return p, err
	}
	return f.stamper.stamp(p)
}

func (f *fabricContract) Evaluate(ctx context.Context, c call) ([]byte, error) {
	p, err := f.proposal(c)
	if err != nil {
		return nil, err
	}
	return p.EvaluateWithContext(ctx)
}

func (f *fabricContract) Endorse(ctx context.Context, c call) (transaction, error) {
	p, err := f.proposal(c)
	if err != nil {
		return nil, err
	}
	tx, err := p.EndorseWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return fabricTransaction{tx}, nil
}

// eventPosition is where an event stream starts: at Block, after the event
// of transaction AfterTxID in it when set. The zero value means the next
// committed block.
type eventPosition struct {
	Set       bool
	Block     uint64
	AfterTxID string
}

// BlockNumber implements gateway.Checkpoint.
func (p eventPosition) BlockNumber() uint64 { return p.Block }

// TransactionID implements gateway.Checkpoint.
func (p eventPosition) TransactionID() string { return p.AfterTxID }

func (f *fabricContract) ChaincodeEvents(ctx context.Context, chaincode string, from eventPosition) (<-chan *gateway.ChaincodeEvent, error) {
	var opts []gateway.ChaincodeEventsOption
	switch {
	case from.Set && from.AfterTxID != "":
		opts = append(opts, gateway.WithCheckpoint(from))
	case from.Set:
		opts = append(opts, gateway.WithStartBlock(from.Block))
	}
	return f.network.ChaincodeEvents(ctx, chaincode, opts...)
}

type fabricTransaction struct{ tx *gateway.Transaction }

func (t fabricTransaction) TransactionID() string { return t.tx.TransactionID() }
func (t fabricTransaction) Result() []byte        { return t.tx.Result() }
func (t fabricTransaction) Submit(ctx context.Context) (commit, error) {
	c, err := t.tx.SubmitWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return fabricCommit{c}, nil
}

type fabricCommit struct{ c *gateway.Commit }

func (c fabricCommit) TransactionID() string { return c.c.TransactionID() }
func (c fabricCommit) Status(ctx context.Context) (*gateway.Status, error) {
	return c.c.StatusWithContext(ctx)
}
