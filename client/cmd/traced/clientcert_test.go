package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memberCert issues a self-signed certificate with the given NodeOUs and
// Fabric CA attributes JSON (none when empty).
func memberCert(t *testing.T, ous []string, attrs string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		Subject: pkix.Name{CommonName: "someone", OrganizationalUnit: ous}}
	if attrs != "" {
		tmpl.ExtraExtensions = []pkix.Extension{{Id: fabricAttrsOID, Value: []byte(attrs)}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert
}

func TestCheckMemberClient(t *testing.T) {
	for _, c := range []struct {
		name  string
		ous   []string
		attrs string
		ok    bool
	}{
		{"a client", []string{"client"}, `{"attrs":{"hf.Type":"client","hf.EnrollmentID":"line1"}}`, true},
		{"an admin", []string{"admin"}, "", true},
		{"no NodeOU, no attributes", nil, "", true},
		{"reader attribute false", []string{"client"}, `{"attrs":{"tracechain.reader":"false"}}`, true},
		{"the public resolver's reader", []string{"client"}, `{"attrs":{"hf.Type":"client","tracechain.reader":"true"}}`, false},
		{"a peer by NodeOU", []string{"peer"}, "", false},
		{"an orderer by NodeOU", []string{"orderer"}, "", false},
		{"a peer by Fabric CA type", nil, `{"attrs":{"hf.Type":"peer"}}`, false},
		{"attributes that do not decode", nil, `{"attrs":`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := checkMemberClient(memberCert(t, c.ous, c.attrs))
			if c.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
	assert.Error(t, verifyMemberClient(tls.ConnectionState{}), "no client certificate")
	assert.Error(t, verifyMemberClient(tls.ConnectionState{PeerCertificates: []*x509.Certificate{memberCert(t, []string{"peer"}, "")}}))
	assert.NoError(t, verifyMemberClient(tls.ConnectionState{PeerCertificates: []*x509.Certificate{memberCert(t, []string{"client"}, "")}}))
}
