package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
)

// fabricAttrsOID is the X.509 extension in which Fabric CA writes an
// identity's enrolment attributes, as JSON {"attrs":{"name":"value"}}.
var fabricAttrsOID = asn1.ObjectIdentifier{1, 2, 3, 4, 5, 6, 7, 8, 1}

// checkMemberClient refuses, among the certificates the member's CA issued,
// those that must not write through the EPCIS interface although the CA
// vouches for them: the read-only identity of the public verification
// service (tracechain.reader=true, kept on an internet-facing host), and
// the certificates of the member's own peers and orderers (NodeOU peer or
// orderer). Every capture goes to the ledger as the member's user, so the
// ledger cannot tell these apart once the interface has let them in.
func checkMemberClient(cert *x509.Certificate) error {
	for _, ou := range cert.Subject.OrganizationalUnit {
		if ou == "peer" || ou == "orderer" {
			return fmt.Errorf("a %s certificate is not a client of the EPCIS interface", ou)
		}
	}
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(fabricAttrsOID) {
			continue
		}
		var a struct {
			Attrs map[string]any `json:"attrs"`
		}
		if err := json.Unmarshal(ext.Value, &a); err != nil {
			return errors.New("the certificate's Fabric CA attributes do not decode")
		}
		if t, _ := a.Attrs["hf.Type"].(string); t == "peer" || t == "orderer" {
			return fmt.Errorf("a %s identity is not a client of the EPCIS interface", t)
		}
		if v, ok := a.Attrs["tracechain.reader"]; ok && v == "true" {
			return errors.New("a read-only (tracechain.reader) certificate cannot use the EPCIS interface, which writes to the ledger")
		}
	}
	return nil
}

// verifyMemberClient is a tls.Config.VerifyConnection that applies
// checkMemberClient to the client's certificate. VerifyConnection, unlike
// VerifyPeerCertificate, runs on resumed sessions too, so a resumed session
// cannot skip the check.
func verifyMemberClient(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("no client certificate")
	}
	return checkMemberClient(cs.PeerCertificates[0])
}

// loadMutualTLS reads the certificate and key a listener presents, and the
// CA certificates its clients must be issued by; what names the listener
// in the errors.
func loadMutualTLS(what, certFile, keyFile, caFile string) (tls.Certificate, *x509.CertPool, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("%s TLS certificate: %w", what, err)
	}
	pem, err := os.ReadFile(caFile) //nolint:gosec // G304: the CA file the operator names on the command line
	if err != nil {
		return tls.Certificate{}, nil, fmt.Errorf("%s client CA: %w", what, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return tls.Certificate{}, nil, fmt.Errorf("%s client CA %s: no PEM certificate in it", what, caFile)
	}
	return cert, pool, nil
}

// checkMutualTLSListener checks the flags of a listener served with mutual
// TLS only and fed by an EPCIS index of its own: flag names the flags'
// prefix ("epcis", "console"), what the listener in the message.
func checkMutualTLSListener(flag, what, listen, certFile, keyFile, caFile, index string) error {
	if _, _, err := net.SplitHostPort(listen); err != nil {
		return configErrorf("--%s-listen %q: %v", flag, listen, err)
	}
	if certFile == "" || keyFile == "" || caFile == "" {
		return configErrorf("--%[1]s-listen needs --%[1]s-tls-cert, --%[1]s-tls-key and --%[1]s-client-ca: %[2]s is served with mutual TLS only", flag, what)
	}
	if index == "" {
		return configErrorf("--%[1]s-listen needs --%[1]s-index", flag)
	}
	return nil
}
