package client

import (
	"fmt"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gatewaypb "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// stamper re-stamps proposals with the client's own clock. fabric-gateway stamps a proposal
// with the host's time when it builds it and offers no option to change that; its offline
// signing API does accept a proposal built and signed elsewhere. The stamper rewrites the
// channel header's timestamp of the unsigned proposal and signs the result itself. The
// transaction ID (from the nonce and the creator) stays valid, and the transaction envelope
// is signed by the gateway as usual.
type stamper struct {
	gw   *gateway.Gateway
	sign identity.Sign
	now  func() time.Time
}

// stamp returns p as a signed proposal whose timestamp is the stamper's now.
func (s *stamper) stamp(p *gateway.Proposal) (*gateway.Proposal, error) {
	raw, err := p.Bytes()
	if err != nil {
		return nil, err
	}
	raw, digest, err := restamp(raw, s.now())
	if err != nil {
		return nil, fmt.Errorf("stamping the proposal: %w", err)
	}
	sig, err := s.sign(digest)
	if err != nil {
		return nil, fmt.Errorf("signing the proposal: %w", err)
	}
	return s.gw.NewSignedProposal(raw, sig)
}

// restamp sets the channel header timestamp of a serialised gateway ProposedTransaction to t
// and returns it re-serialised, with the digest of its new proposal bytes to sign.
func restamp(raw []byte, t time.Time) ([]byte, []byte, error) {
	var pt gatewaypb.ProposedTransaction
	if err := proto.Unmarshal(raw, &pt); err != nil {
		return nil, nil, err
	}
	var prop peer.Proposal
	if err := proto.Unmarshal(pt.GetProposal().GetProposalBytes(), &prop); err != nil {
		return nil, nil, err
	}
	var hdr common.Header
	if err := proto.Unmarshal(prop.GetHeader(), &hdr); err != nil {
		return nil, nil, err
	}
	var ch common.ChannelHeader
	if err := proto.Unmarshal(hdr.GetChannelHeader(), &ch); err != nil {
		return nil, nil, err
	}
	ch.Timestamp = timestamppb.New(t)
	var err error
	if hdr.ChannelHeader, err = proto.Marshal(&ch); err != nil {
		return nil, nil, err
	}
	if prop.Header, err = proto.Marshal(&hdr); err != nil {
		return nil, nil, err
	}
	propBytes, err := proto.Marshal(&prop)
	if err != nil {
		return nil, nil, err
	}
	pt.Proposal = &peer.SignedProposal{ProposalBytes: propBytes}
	out, err := proto.Marshal(&pt)
	if err != nil {
		return nil, nil, err
	}
	return out, hash.SHA256(propBytes), nil
}
