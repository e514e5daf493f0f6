package console

import (
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"net/http"
	"slices"
)

// Staff is the staff member a request comes from, as its verified client
// certificate names them.
type Staff struct {
	// Name is the certificate's common name: the enrolment ID the
	// organisation's Fabric CA issued it to (e.g. Admin@regulator.example).
	Name string
	// Admin is true for a certificate of the Fabric NodeOU "admin": the
	// organisation's administrators, who may decide reports. Others only
	// read.
	Admin bool
	// fingerprint is the SHA-256 of the certificate, which the CSRF token
	// is bound to.
	fingerprint [32]byte
}

// ErrNoStaff is the refusal of a request without a verified client
// certificate. traced's listener already requires one; the console checks
// again, so that it never serves a request that reached it another way.
var ErrNoStaff = errors.New("console: no verified client certificate")

// ErrNotStaff is the refusal of a certificate that is not a person's: a
// peer's or an orderer's (Fabric NodeOU peer or orderer), or one with no
// common name.
var ErrNotStaff = errors.New("console: the certificate is not a staff member's")

// StaffOf reads the staff member of a verified client certificate.
func StaffOf(cert *x509.Certificate) (Staff, error) {
	ous := cert.Subject.OrganizationalUnit
	if slices.Contains(ous, "peer") || slices.Contains(ous, "orderer") || cert.Subject.CommonName == "" {
		return Staff{}, ErrNotStaff
	}
	return Staff{Name: cert.Subject.CommonName, Admin: slices.Contains(ous, "admin"), fingerprint: sha256.Sum256(cert.Raw)}, nil
}

// staffOf reads the staff member of r from its TLS connection: only a
// certificate that the listener verified against a CA counts.
func staffOf(r *http.Request) (Staff, error) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return Staff{}, ErrNoStaff
	}
	return StaffOf(r.TLS.VerifiedChains[0][0])
}
