package client

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"testing"
	"time"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/hash"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gatewaypb "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/tracechain/tracechain/chaincode/model"
)

// timeWindowRefusal is what Fabric's TimeWindowCheck filter answers a proposal stamped an
// hour ahead of the peer, as the gateway passes it on: an ErrorDetail for an endorsement,
// the message itself for an evaluation.
const timeWindowRefusal = "request unauthorized due to incorrect timestamp 2026-12-01T16:00:00Z, peer time 2026-12-01T15:00:00Z, peer.authentication.timewindow 15m0s"

func skewStatus(t *testing.T, code codes.Code, inDetail bool) error {
	t.Helper()
	if !inDetail {
		return status.Error(code, "evaluate call to endorser returned error: "+timeWindowRefusal)
	}
	st, err := status.New(code, "failed to endorse transaction, see attached details for more info").
		WithDetails(&gatewaypb.ErrorDetail{Address: "peer0.org:7051", MspId: "Org1MSP", Message: timeWindowRefusal})
	require.NoError(t, err)
	return st.Err()
}

func TestPeerTimeWindowRefusalIsAClockSkewError(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   string
		err  error
	}{
		{"endorsement, in the details", opEndorse, skewStatus(t, codes.Aborted, true)},
		{"evaluation, in the message", opEvaluate, skewStatus(t, codes.Unknown, false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := mapError(tc.op, "tx1", tc.err)
			require.ErrorIs(t, err, ErrClockSkew)
			assert.NotErrorIs(t, err, ErrUnavailable)
			var skew *ClockSkewError
			require.ErrorAs(t, err, &skew)
			assert.Equal(t, tc.op, skew.Op)
			assert.Equal(t, "tx1", skew.TxID)
			assert.Equal(t, time.Hour, skew.Skew())
			assert.Equal(t, 15*time.Minute, skew.Window)
			assert.Contains(t, err.Error(), "clock is 1h0m0s off")
		})
	}
	// Other refusals keep their types.
	var te *TransportError
	require.ErrorAs(t, mapError(opEndorse, "", transportStatus(codes.Aborted, "request unauthorized")), &te)
}

func TestClockSkewIsNeverRetried(t *testing.T) {
	c, cc, _ := newTestClient(t) // 3 attempts
	cc.EXPECT().Endorse(gomock.Any(), gomock.Any()).Return(nil, skewStatus(t, codes.Aborted, true)).Times(1)
	_, err := c.Pack(context.Background(), model.PackRequest{Container: "c", Children: []string{"u"}})
	require.ErrorIs(t, err, ErrClockSkew)

	cc.EXPECT().Evaluate(gomock.Any(), gomock.Any()).Return(nil, skewStatus(t, codes.Unknown, false)).Times(1)
	_, err = c.Verify(context.Background(), "(01)09501101530003(21)X")
	require.ErrorIs(t, err, ErrClockSkew)
}

func TestStamperStampsProposalsWithTheClientsClock(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	id, err := identity.NewX509Identity("Org1MSP", &x509.Certificate{Raw: []byte("cert")})
	require.NoError(t, err)
	sign, err := identity.NewPrivateKeySign(key)
	require.NoError(t, err)
	// No call is made: the connection is never used.
	conn, err := grpc.NewClient("127.0.0.1:1", grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	defer conn.Close()
	gw, err := gateway.Connect(id, gateway.WithSign(sign), gateway.WithClientConnection(conn))
	require.NoError(t, err)
	defer gw.Close()

	skewed := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	contract := gw.GetNetwork("traceability").GetContract("tracechain")
	p, err := contract.NewProposal(model.FnVerify, gateway.WithArguments("x"), gateway.WithEndorsingOrganizations("Org1MSP"))
	require.NoError(t, err)
	s := &stamper{gw: gw, sign: sign, now: func() time.Time { return skewed }}
	stamped, err := s.stamp(p)
	require.NoError(t, err)
	assert.Equal(t, p.TransactionID(), stamped.TransactionID(), "the transaction ID does not depend on the time")

	raw, err := stamped.Bytes()
	require.NoError(t, err)
	var pt gatewaypb.ProposedTransaction
	require.NoError(t, proto.Unmarshal(raw, &pt))
	assert.Equal(t, []string{"Org1MSP"}, pt.GetEndorsingOrganizations())
	var prop peer.Proposal
	require.NoError(t, proto.Unmarshal(pt.GetProposal().GetProposalBytes(), &prop))
	var hdr common.Header
	require.NoError(t, proto.Unmarshal(prop.GetHeader(), &hdr))
	var ch common.ChannelHeader
	require.NoError(t, proto.Unmarshal(hdr.GetChannelHeader(), &ch))
	assert.Equal(t, skewed, ch.GetTimestamp().AsTime())
	assert.Equal(t, p.TransactionID(), ch.GetTxId())
	// The signature is over the new proposal bytes.
	assert.True(t, ecdsa.VerifyASN1(&key.PublicKey, hash.SHA256(pt.GetProposal().GetProposalBytes()), pt.GetProposal().GetSignature()))
	assert.Equal(t, stamped.Digest(), hash.SHA256(pt.GetProposal().GetProposalBytes()))
}

func TestWithClockSetsTheSalesTime(t *testing.T) {
	_, err := New(WithClock(nil))
	require.Error(t, err)
	cfg := defaultConfig()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, WithClock(func() time.Time { return at })(&cfg))
	c := newClient(nil, cfg)
	assert.Equal(t, at, c.now())
}
