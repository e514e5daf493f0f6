package testnet

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tracechain/tracechain/client"
)

// orgDir is the crypto material directory of a peer organisation (cryptogen's layout).
func (n *Network) orgDir(org string) (string, error) {
	dirs, err := filepath.Glob(filepath.Join(n.Dir, "crypto", "peerOrganizations", strings.ToLower(org)+".*"))
	if err != nil {
		return "", err
	}
	if len(dirs) != 1 {
		return "", fmt.Errorf("no single crypto material directory of %s: %v", org, dirs)
	}
	return dirs[0], nil
}

// IssueUser issues one more client identity of org, as the organisation's CA would enrol a
// new user: a P-256 key and a certificate signed by the organisation's CA key, with the
// NodeOU "client", laid out as cryptogen lays out User1 (users/NAME@DOMAIN/msp). It returns
// the certificate and key files; ClientAs connects as them, and Revoke(org, name) revokes
// them.
func (n *Network) IssueUser(org, name string) (certFile, keyFile string, err error) {
	dir, err := n.orgDir(org)
	if err != nil {
		return "", "", err
	}
	domain := filepath.Base(dir)
	caCerts, err := filepath.Glob(filepath.Join(dir, "ca", "*-cert.pem"))
	if err != nil || len(caCerts) != 1 {
		return "", "", fmt.Errorf("%s: no single CA certificate (%v)", dir, err)
	}
	ca, err := readPEM(caCerts[0], "CERTIFICATE")
	if err != nil {
		return "", "", err
	}
	caCert, err := x509.ParseCertificate(ca)
	if err != nil {
		return "", "", err
	}
	rawKey, err := readPEM(filepath.Join(dir, "ca", "priv_sk"), "PRIVATE KEY")
	if err != nil {
		return "", "", err
	}
	caKey, err := x509.ParsePKCS8PrivateKey(rawKey)
	if err != nil {
		return "", "", err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return "", "", err
	}
	cn := name + "@" + domain
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{CommonName: cn, OrganizationalUnit: []string{"client"},
			Country: caCert.Subject.Country, Province: caCert.Subject.Province, Locality: caCert.Subject.Locality},
		NotBefore: time.Now().Add(-time.Minute), NotAfter: caCert.NotAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return "", "", err
	}
	msp := filepath.Join(dir, "users", cn, "msp")
	for _, sub := range []string{"signcerts", "keystore"} {
		if err := os.MkdirAll(filepath.Join(msp, sub), 0o750); err != nil {
			return "", "", err
		}
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", "", err
	}
	certFile, keyFile = filepath.Join(msp, "signcerts", cn+"-cert.pem"), filepath.Join(msp, "keystore", "priv_sk")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", "", err
	}
	return certFile, keyFile, nil
}

func readPEM(path, typ string) ([]byte, error) {
	raw, err := os.ReadFile(path) //nolint:gosec // the network's own crypto material
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(raw)
	if b == nil || b.Type != typ {
		return nil, fmt.Errorf("%s: no PEM %s", path, typ)
	}
	return b.Bytes, nil
}

// ClientAs connects a tracechain SDK client to peerOrg's peer (its profile's endpoint, TLS
// and channel) acting as the identity of MSP mspID in certFile and keyFile: an identity of
// IssueUser, or one of an organisation that is no longer in the channel, sending its
// proposals to another organisation's peer. The caller closes it.
func (n *Network) ClientAs(ctx context.Context, peerOrg, mspID, certFile, keyFile string) (*client.Client, error) {
	p, err := client.LoadProfile(n.ProfilePath(peerOrg))
	if err != nil {
		return nil, err
	}
	if mspID == "" || certFile == "" || keyFile == "" {
		return nil, errors.New("ClientAs: an MSP ID, a certificate and a key")
	}
	return client.Connect(ctx, client.WithProfileAs(p, User), client.WithIdentityFiles(mspID, certFile, keyFile))
}
