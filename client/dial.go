package client

import (
	"errors"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// dial opens the gRPC connection to the gateway peer that c describes: TLS
// trusting c's roots for the peer's certificate, and messages up to
// c.maxRecvMsgSize in both directions, since trace pages, recall reports and
// bulk commissioning requests outgrow gRPC's 4 MiB default. The caller's dial
// options come last, so they override these. New and Profile.Dial both dial
// here, so a connection shared between clients behaves as an owned one.
func (c *config) dial() (*grpc.ClientConn, error) {
	if c.endpoint == "" {
		return nil, errors.New("a peer endpoint is required (WithProfile or WithPeer)")
	}
	if c.tlsRoots == nil {
		return nil, errors.New("the peer's TLS CA is required (WithProfile, WithTLSCACertFile or WithTLSRootCAs)")
	}
	opts := append([]grpc.DialOption{
		grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(c.tlsRoots, c.serverName)),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(c.maxRecvMsgSize), grpc.MaxCallSendMsgSize(c.maxRecvMsgSize)),
	}, c.dialOptions...)
	conn, err := grpc.NewClient(c.endpoint, opts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", c.endpoint, err)
	}
	return conn, nil
}
