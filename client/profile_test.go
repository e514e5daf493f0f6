package client

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadProfileReadsTheTestNetworksCommonConnectionProfile(t *testing.T) {
	p, err := LoadProfile(filepath.Join("testdata", "retailer-ccp.json"))
	require.NoError(t, err)

	rel := func(path string) string { return filepath.Join("testdata", path) }
	assert.Equal(t, &Profile{
		Organization: "Retailer",
		MSPID:        "RetailerMSP",
		Channel:      "traceability",
		Chaincode:    "tracechain",
		Peer: PeerEndpoint{
			Name:       "peer0.retailer.tracechain.example",
			Endpoint:   "127.0.0.1:27130",
			ServerName: "peer0.retailer.tracechain.example",
			TLSCACert:  rel("crypto/retailer/tlsca-cert.pem"),
		},
		User: IdentityFiles{
			Name: "User1@retailer.tracechain.example",
			Cert: rel("crypto/retailer/User1/cert.pem"),
			Key:  rel("crypto/retailer/User1/priv_sk"),
		},
		Admin: IdentityFiles{
			Name: "Admin@retailer.tracechain.example",
			Cert: "/etc/tracechain/Admin/cert.pem",
			Key:  "/etc/tracechain/Admin/priv_sk",
		},
	}, p)
}

// minimalCCP is the smallest profile LoadProfile accepts, as a document to edit.
func minimalCCP() map[string]any {
	return map[string]any{
		"name":    "minimal",
		"version": "1.0.0",
		"client":  map[string]any{"organization": "Org1"},
		"organizations": map[string]any{
			"Org1": map[string]any{"mspid": "Org1MSP", "peers": []any{"peer0.org1"}},
		},
		"peers": map[string]any{
			"peer0.org1": map[string]any{"url": "grpcs://localhost:7051", "tlsCACerts": map[string]any{"path": "tls/ca.pem"}},
		},
	}
}

// part returns the object at keys in doc.
func part(doc map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		doc = doc[k].(map[string]any)
	}
	return doc
}

func TestLoadProfile(t *testing.T) {
	caPEM := string(testCertPEM(t))
	for _, tc := range []struct {
		name  string
		edit  func(doc map[string]any)
		check func(t *testing.T, dir string, p *Profile)
		err   error // wrapped by the *ProfileError, or nil
	}{
		{
			name: "minimal",
			edit: func(map[string]any) {},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, "Org1", p.Organization)
				assert.Equal(t, "Org1MSP", p.MSPID)
				assert.Equal(t, "peer0.org1", p.Peer.Name)
				assert.Equal(t, "localhost:7051", p.Peer.Endpoint)
				assert.Empty(t, p.Peer.ServerName)
				assert.Empty(t, p.Channel, "no channel named: the SDK's default applies")
				assert.Empty(t, p.Chaincode)
				assert.Zero(t, p.User)
			},
		},
		{
			name: "relative TLS CA path is taken from the profile's directory",
			edit: func(map[string]any) {},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, filepath.Join(dir, "tls", "ca.pem"), p.Peer.TLSCACert)
				assert.Nil(t, p.Peer.TLSCACertPEM)
			},
		},
		{
			name: "absolute TLS CA path is kept",
			edit: func(doc map[string]any) {
				part(doc, "peers", "peer0.org1", "tlsCACerts")["path"] = "/srv/tls/ca.pem"
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, "/srv/tls/ca.pem", p.Peer.TLSCACert)
			},
		},
		{
			name: "relative identity paths are taken from the profile's directory",
			edit: func(doc map[string]any) {
				doc["x-tracechain"] = map[string]any{"identities": map[string]any{
					"user":   map[string]any{"name": "User1", "cert": "user/cert.pem", "key": "user/key.pem"},
					"reader": map[string]any{"cert": "/abs/cert.pem", "key": "../reader/key.pem"},
				}}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, IdentityFiles{Name: "User1", Cert: filepath.Join(dir, "user/cert.pem"), Key: filepath.Join(dir, "user/key.pem")}, p.User)
				assert.Equal(t, IdentityFiles{Cert: "/abs/cert.pem", Key: filepath.Join(filepath.Dir(dir), "reader/key.pem")}, p.Reader)
				assert.Zero(t, p.Admin)
			},
		},
		{
			name: "inline PEM string",
			edit: func(doc map[string]any) {
				part(doc, "peers", "peer0.org1")["tlsCACerts"] = map[string]any{"pem": caPEM}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, caPEM, string(p.Peer.TLSCACertPEM))
				assert.Empty(t, p.Peer.TLSCACert)
				_, err := p.TLSRootCAs()
				assert.NoError(t, err)
			},
		},
		{
			name: "inline PEM array",
			edit: func(doc map[string]any) {
				part(doc, "peers", "peer0.org1")["tlsCACerts"] = map[string]any{"pem": []any{caPEM, caPEM}}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Contains(t, string(p.Peer.TLSCACertPEM), caPEM)
				_, err := p.TLSRootCAs()
				assert.NoError(t, err)
			},
		},
		{
			name: "inline PEM that holds no certificate fails when used",
			edit: func(doc map[string]any) {
				part(doc, "peers", "peer0.org1")["tlsCACerts"] = map[string]any{"pem": "not a certificate"}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				_, err := p.TLSRootCAs()
				assert.ErrorContains(t, err, "no PEM certificate")
			},
		},
		{
			name: "inline PEM of the wrong type",
			edit: func(doc map[string]any) {
				part(doc, "peers", "peer0.org1")["tlsCACerts"] = map[string]any{"pem": 42}
			},
		},
		{
			name: "no TLS CA fails when used",
			edit: func(doc map[string]any) {
				delete(part(doc, "peers", "peer0.org1"), "tlsCACerts")
			},
			check: func(t *testing.T, dir string, p *Profile) {
				_, err := p.TLSRootCAs()
				assert.ErrorContains(t, err, "no TLS CA")
			},
		},
		{
			name: "ssl-target-name-override",
			edit: func(doc map[string]any) {
				part(doc, "peers", "peer0.org1")["grpcOptions"] = map[string]any{"ssl-target-name-override": "peer0.org1.example.com"}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, "peer0.org1.example.com", p.Peer.ServerName)
			},
		},
		{
			name: "hostnameOverride when ssl-target-name-override is absent",
			edit: func(doc map[string]any) {
				part(doc, "peers", "peer0.org1")["grpcOptions"] = map[string]any{"hostnameOverride": "peer0.org1.example.com"}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, "peer0.org1.example.com", p.Peer.ServerName)
			},
		},
		{
			name: "url without a scheme",
			edit: func(doc map[string]any) {
				part(doc, "peers", "peer0.org1")["url"] = "peer0.org1.example.com:7051"
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, "peer0.org1.example.com:7051", p.Peer.Endpoint)
			},
		},
		{
			name: "the first of several peers is the gateway peer",
			edit: func(doc map[string]any) {
				part(doc, "organizations", "Org1")["peers"] = []any{"peer1.org1", "peer0.org1"}
				part(doc, "peers")["peer1.org1"] = map[string]any{"url": "grpcs://localhost:8051"}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, "peer1.org1", p.Peer.Name)
				assert.Equal(t, "localhost:8051", p.Peer.Endpoint)
			},
		},
		{
			name: "the only channel of channels",
			edit: func(doc map[string]any) {
				doc["channels"] = map[string]any{"mychannel": map[string]any{}}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, "mychannel", p.Channel)
			},
		},
		{
			name: "one of several channels is not guessed",
			edit: func(doc map[string]any) {
				doc["channels"] = map[string]any{"a": map[string]any{}, "b": map[string]any{}}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Empty(t, p.Channel)
			},
		},
		{
			name: "the extension's channel and chaincode",
			edit: func(doc map[string]any) {
				doc["channels"] = map[string]any{"mychannel": map[string]any{}}
				doc["x-tracechain"] = map[string]any{"channel": "traceability", "chaincode": "tracechain"}
			},
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, "traceability", p.Channel)
				assert.Equal(t, "tracechain", p.Chaincode)
			},
		},
		{
			name: "client.organization unset with one organisation",
			edit: func(doc map[string]any) { delete(doc, "client") },
			check: func(t *testing.T, dir string, p *Profile) {
				assert.Equal(t, "Org1", p.Organization)
			},
		},
		{
			name: "client.organization unset with two organisations",
			edit: func(doc map[string]any) {
				delete(doc, "client")
				part(doc, "organizations")["Org2"] = map[string]any{"mspid": "Org2MSP", "peers": []any{"peer0.org1"}}
			},
			err: ErrUnknownOrganization,
		},
		{
			name: "unknown organisation",
			edit: func(doc map[string]any) { part(doc, "client")["organization"] = "Org9" },
			err:  ErrUnknownOrganization,
		},
		{
			name: "tracechain's format before the common connection profile",
			edit: func(doc map[string]any) {
				for k := range doc {
					delete(doc, k)
				}
				doc["organization"] = "Org1"
				doc["mspId"] = "Org1MSP"
				doc["peer"] = map[string]any{"endpoint": "127.0.0.1:7051"}
			},
			err: ErrUnknownOrganization,
		},
		{
			name: "missing peer",
			edit: func(doc map[string]any) { delete(part(doc, "peers"), "peer0.org1") },
			err:  ErrNoPeer,
		},
		{
			name: "organisation lists no peer",
			edit: func(doc map[string]any) { part(doc, "organizations", "Org1")["peers"] = []any{} },
			err:  ErrNoPeer,
		},
		{
			name: "peer without url",
			edit: func(doc map[string]any) { delete(part(doc, "peers", "peer0.org1"), "url") },
			err:  ErrNoPeer,
		},
		{
			name: "plain gRPC peer",
			edit: func(doc map[string]any) { part(doc, "peers", "peer0.org1")["url"] = "grpc://localhost:7051" },
			err:  ErrNoPeer,
		},
		{
			name: "missing mspid",
			edit: func(doc map[string]any) { delete(part(doc, "organizations", "Org1"), "mspid") },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := minimalCCP()
			tc.edit(doc)
			dir := t.TempDir()
			path := filepath.Join(dir, "org1.json")
			raw, err := json.Marshal(doc)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, raw, 0o600))

			p, err := LoadProfile(path)
			if tc.check == nil {
				require.Error(t, err)
				var pe *ProfileError
				require.True(t, errors.As(err, &pe), "%T is not a *ProfileError", err)
				assert.Equal(t, path, pe.Path)
				if tc.err != nil {
					assert.ErrorIs(t, err, tc.err)
				}
				return
			}
			require.NoError(t, err)
			tc.check(t, dir, p)
		})
	}
}

func TestLoadProfileOfAMissingFile(t *testing.T) {
	_, err := LoadProfile(filepath.Join(t.TempDir(), "none.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	var pe *ProfileError
	assert.True(t, errors.As(err, &pe))
}

// testCertPEM is a self-signed CA certificate in PEM.
func testCertPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "tlsca.org1"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
