package client

import (
	"cmp"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
)

// Profile is an organisation's connection material: the peer its clients talk to, the TLS CA
// that signed that peer's certificate, and the identities (user, admin, reader) they act as.
// LoadProfile reads it from a Fabric common connection profile; test-network/network.sh
// writes one per organisation to RUN/connection/<org>.json.
type Profile struct {
	Organization string
	MSPID        string
	Channel      string
	Chaincode    string
	Peer         PeerEndpoint
	User         IdentityFiles
	Admin        IdentityFiles
	// Reader is a read-only identity (certificate attribute
	// tracechain.reader=true from the organisation's Fabric CA), for services
	// such as the public verification service; the chaincode refuses it every
	// write and every read of buyer data. Only some organisations have one.
	Reader IdentityFiles
}

// Identities a profile holds, for WithProfileAs.
const (
	IdentityUser   = "user"
	IdentityAdmin  = "admin"
	IdentityReader = "reader"
)

// Identity returns the PEM files of the named identity (IdentityUser, IdentityAdmin or
// IdentityReader), for code that signs with it beside the SDK.
func (p *Profile) Identity(name string) (IdentityFiles, error) {
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
	Name     string
	Endpoint string // host:port
	// ServerName is the name checked against the peer's TLS certificate
	// (ssl-target-name-override); empty: the endpoint's host.
	ServerName string
	// TLSCACert is the PEM file of the peer's TLS CA, unless the profile holds
	// the PEM itself in TLSCACertPEM. Setting TLSCACert after loading takes
	// effect only with TLSCACertPEM cleared.
	TLSCACert    string
	TLSCACertPEM []byte
}

// IdentityFiles locates an X.509 identity's certificate and private key in PEM files.
type IdentityFiles struct {
	Name string `json:"name"`
	Cert string `json:"cert"`
	Key  string `json:"key"`
}

// Errors of LoadProfile, wrapped in a *ProfileError.
var (
	// ErrUnknownOrganization: client.organization names no organisation of
	// the profile, or is unset in a profile of several organisations.
	ErrUnknownOrganization = errors.New("tracechain: organisation not in the connection profile")
	// ErrNoPeer: the client's organisation lists no peer, or names one the
	// profile's peers do not define, or one without a TLS url.
	ErrNoPeer = errors.New("tracechain: no usable peer in the connection profile")
)

// ProfileError is a connection profile that could not be read or used.
type ProfileError struct {
	Path string
	Err  error
}

func (e *ProfileError) Error() string { return "connection profile " + e.Path + ": " + e.Err.Error() }

func (e *ProfileError) Unwrap() error { return e.Err }

// LoadProfile reads a Hyperledger Fabric common connection profile (JSON), as written by the
// test network or by any Fabric tooling, and takes from it the client organisation
// (client.organization), its MSP ID and its first peer: the gateway peer. The channel,
// chaincode and identity files come from the profile's "x-tracechain" extension; with no
// channel named there, a profile listing exactly one channel gives that one. Relative paths
// in it are taken relative to the file.
func LoadProfile(path string) (*Profile, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // the connection profile the caller names
	if err != nil {
		return nil, &ProfileError{Path: path, Err: err}
	}
	var doc ccp
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, &ProfileError{Path: path, Err: err}
	}
	p, err := doc.profile(filepath.Dir(path))
	if err != nil {
		return nil, &ProfileError{Path: path, Err: err}
	}
	return p, nil
}

// profile resolves the document into the client's connection material, with relative
// paths taken from base.
func (doc *ccp) profile(base string) (*Profile, error) {
	org := doc.Client.Organization
	if org == "" {
		if len(doc.Organizations) != 1 {
			return nil, fmt.Errorf("%w: client.organization is not set (not a Fabric common connection profile?)", ErrUnknownOrganization)
		}
		for name := range doc.Organizations {
			org = name
		}
	}
	o, ok := doc.Organizations[org]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownOrganization, org)
	}
	if o.MSPID == "" {
		return nil, fmt.Errorf("organizations.%s.mspid is required", org)
	}
	if len(o.Peers) == 0 {
		return nil, fmt.Errorf("%w: organisation %s lists none", ErrNoPeer, org)
	}
	name := o.Peers[0]
	peer, ok := doc.Peers[name]
	if !ok {
		return nil, fmt.Errorf("%w: peer %q of organisation %s is not defined in peers", ErrNoPeer, name, org)
	}
	endpoint, err := peerEndpoint(peer.URL)
	if err != nil {
		return nil, fmt.Errorf("%w: peer %q: %w", ErrNoPeer, name, err)
	}
	p := &Profile{
		Organization: org,
		MSPID:        o.MSPID,
		Channel:      doc.Tracechain.Channel,
		Chaincode:    doc.Tracechain.Chaincode,
		Peer: PeerEndpoint{
			Name:       name,
			Endpoint:   endpoint,
			ServerName: cmp.Or(peer.GRPCOptions.SSLTargetNameOverride, peer.GRPCOptions.HostnameOverride),
			TLSCACert:  peer.TLSCACerts.Path,
		},
		User:   doc.Tracechain.Identities.User,
		Admin:  doc.Tracechain.Identities.Admin,
		Reader: doc.Tracechain.Identities.Reader,
	}
	if peer.TLSCACerts.PEM != "" {
		p.Peer.TLSCACertPEM = []byte(peer.TLSCACerts.PEM)
	}
	if p.Channel == "" && len(doc.Channels) == 1 {
		for channel := range doc.Channels {
			p.Channel = channel
		}
	}
	for _, f := range []*string{&p.Peer.TLSCACert, &p.User.Cert, &p.User.Key, &p.Admin.Cert, &p.Admin.Key, &p.Reader.Cert, &p.Reader.Key} {
		if *f != "" && !filepath.IsAbs(*f) {
			*f = filepath.Join(base, *f)
		}
	}
	return p, nil
}

// peerEndpoint turns a profile's peer url into the host:port gRPC dials. Only grpcs
// is accepted: the SDK always connects with TLS.
func peerEndpoint(url string) (string, error) {
	scheme, addr, found := strings.Cut(url, "://")
	if !found {
		scheme, addr = "grpcs", url
	}
	switch {
	case addr == "":
		return "", errors.New("url is required")
	case scheme != "grpcs":
		return "", fmt.Errorf("url %q: want grpcs://host:port (tracechain clients connect with TLS only)", url)
	}
	return addr, nil
}

// TLSRootCAs returns a pool holding the profile's peer TLS CA.
func (p *Profile) TLSRootCAs() (*x509.CertPool, error) {
	pem, source := p.Peer.TLSCACertPEM, "inline PEM"
	if len(pem) == 0 {
		if p.Peer.TLSCACert == "" {
			return nil, fmt.Errorf("peer %s: the profile has no TLS CA", p.Peer.Name)
		}
		var err error
		if pem, err = os.ReadFile(p.Peer.TLSCACert); err != nil {
			return nil, fmt.Errorf("peer TLS CA: %w", err)
		}
		source = p.Peer.TLSCACert
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("peer TLS CA %s: no PEM certificate", source)
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
	cfg := defaultConfig()
	cfg.endpoint, cfg.tlsRoots, cfg.serverName, cfg.dialOptions = p.Peer.Endpoint, pool, p.Peer.ServerName, opts
	return cfg.dial()
}

// Gateway connects fabric-gateway's own client over conn as one of the profile's identities
// (IdentityUser, IdentityAdmin or IdentityReader), for an application that needs fabric-gateway's
// API beside the SDK: raw block events, or proposals it shapes and signs itself.
func (p *Profile) Gateway(conn grpc.ClientConnInterface, identity string, opts ...gateway.ConnectOption) (*gateway.Gateway, error) {
	files, err := p.Identity(identity)
	if err != nil {
		return nil, err
	}
	id, sign, err := files.Load(p.MSPID)
	if err != nil {
		return nil, err
	}
	return gateway.Connect(id, append([]gateway.ConnectOption{gateway.WithSign(sign), gateway.WithClientConnection(conn)}, opts...)...)
}
