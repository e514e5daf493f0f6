package client

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// Profile is an organisation's connection material: the peer its clients talk to, the TLS CA
// that signed that peer's certificate, and the identities (user and admin) they act as.
// test-network/network.sh writes one per organisation to RUN/connection/<org>.json.
type Profile struct {
	Organization string        `json:"organization"`
	MSPID        string        `json:"mspId"`
	Channel      string        `json:"channel"`
	Chaincode    string        `json:"chaincode"`
	Peer         PeerEndpoint  `json:"peer"`
	User         IdentityFiles `json:"user"`
	Admin        IdentityFiles `json:"admin"`
	// Reader is a read-only identity (certificate attribute
	// tracechain.reader=true from the organisation's Fabric CA), for services
	// such as the public verification service; the chaincode refuses it every
	// write and every read of buyer data. Only some organisations have one.
	Reader IdentityFiles `json:"reader,omitzero"`
}

// Identities a profile holds, for WithProfileAs.
const (
	IdentityUser   = "user"
	IdentityAdmin  = "admin"
	IdentityReader = "reader"
)

// identity returns the files of the named identity.
func (p *Profile) identity(name string) (IdentityFiles, error) {
	var f IdentityFiles
	switch name {
	case IdentityUser:
		f = p.User
	case IdentityAdmin:
		f = p.Admin
	case IdentityReader:
		f = p.Reader
	default:
		return f, fmt.Errorf("unknown identity %q (user, admin or reader)", name)
	}
	if f.Cert == "" || f.Key == "" {
		return f, fmt.Errorf("profile of %s has no %s identity", p.Organization, name)
	}
	return f, nil
}

// PeerEndpoint is where a gateway peer listens and how to trust it.
type PeerEndpoint struct {
	Name      string `json:"name"`
	Endpoint  string `json:"endpoint"`
	TLSCACert string `json:"tlsCACert"`
}

// IdentityFiles locates an X.509 identity's certificate and private key in PEM files.
type IdentityFiles struct {
	Name string `json:"name"`
	Cert string `json:"cert"`
	Key  string `json:"key"`
}

// LoadProfile reads connection material written by the test network (or by hand for any
// other network). Relative paths in it are taken relative to the file.
func LoadProfile(path string) (*Profile, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // the connection profile the caller names
	if err != nil {
		return nil, fmt.Errorf("connection profile: %w", err)
	}
	var p Profile
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("connection profile %s: %w", path, err)
	}
	if p.MSPID == "" || p.Peer.Endpoint == "" {
		return nil, fmt.Errorf("connection profile %s: mspId and peer.endpoint are required", path)
	}
	base := filepath.Dir(path)
	for _, f := range []*string{&p.Peer.TLSCACert, &p.User.Cert, &p.User.Key, &p.Admin.Cert, &p.Admin.Key, &p.Reader.Cert, &p.Reader.Key} {
		if *f != "" && !filepath.IsAbs(*f) {
			*f = filepath.Join(base, *f)
		}
	}
	return &p, nil
}

// TLSRootCAs returns a pool holding the profile's peer TLS CA.
func (p *Profile) TLSRootCAs() (*x509.CertPool, error) {
	pem, err := os.ReadFile(p.Peer.TLSCACert)
	if err != nil {
		return nil, fmt.Errorf("peer TLS CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("peer TLS CA %s: no PEM certificate", p.Peer.TLSCACert)
	}
	return pool, nil
}

// Load reads the identity and its signer from the PEM files.
func (f IdentityFiles) Load(mspID string) (*identity.X509Identity, identity.Sign, error) {
	certPEM, err := os.ReadFile(f.Cert)
	if err != nil {
		return nil, nil, fmt.Errorf("certificate: %w", err)
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("certificate %s: %w", f.Cert, err)
	}
	id, err := identity.NewX509Identity(mspID, cert)
	if err != nil {
		return nil, nil, err
	}
	keyPEM, err := os.ReadFile(f.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("private key: %w", err)
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return nil, nil, fmt.Errorf("private key %s: %w", f.Key, err)
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return nil, nil, err
	}
	return id, sign, nil
}

// Dial opens a TLS connection to the profile's peer that accepts results up to
// DefaultMaxRecvMsgSize. Pass it to WithClientConnection to share it between clients.
func (p *Profile) Dial(opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	pool, err := p.TLSRootCAs()
	if err != nil {
		return nil, err
	}
	opts = append([]grpc.DialOption{
		grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, "")),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(DefaultMaxRecvMsgSize), grpc.MaxCallSendMsgSize(DefaultMaxRecvMsgSize)),
	}, opts...)
	conn, err := grpc.NewClient(p.Peer.Endpoint, opts...)
	if err != nil {
		return nil, fmt.Errorf("peer %s: %w", p.Peer.Endpoint, err)
	}
	return conn, nil
}

// Gateway connects fabric-gateway's own client over conn as the profile's user, or its admin.
// It is for code that works below the SDK, such as tests that shape proposals themselves.
func (p *Profile) Gateway(conn grpc.ClientConnInterface, asAdmin bool, opts ...gateway.ConnectOption) (*gateway.Gateway, error) {
	files := p.User
	if asAdmin {
		files = p.Admin
	}
	id, sign, err := files.Load(p.MSPID)
	if err != nil {
		return nil, err
	}
	return gateway.Connect(id, append([]gateway.ConnectOption{gateway.WithSign(sign), gateway.WithClientConnection(conn)}, opts...)...)
}
