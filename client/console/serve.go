package console

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/tracechain/tracechain/chaincode/model"
)

// ServerTLS is the TLS configuration of the console's listener: it presents
// cert and requires a client certificate that clientCAs (the
// organisation's own CA) issued, and that is a person's (StaffOf), checked
// on resumed sessions too. A certificate of another organisation's CA
// fails the handshake, before any request is read.
func ServerTLS(cert tls.Certificate, clientCAs *x509.CertPool) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs,
		VerifyConnection: verifyStaff, MinVersion: tls.VersionTLS12}
}

// verifyStaff is a tls.Config.VerifyConnection that refuses node
// certificates among those the CA issued.
func verifyStaff(cs tls.ConnectionState) error {
	if len(cs.PeerCertificates) == 0 {
		return ErrNoStaff
	}
	_, err := StaffOf(cs.PeerCertificates[0])
	return err
}

// Member is how the console learns its organisation's role;
// *client.Client satisfies it.
type Member interface {
	MSPID() string
	GetMember(ctx context.Context, mspID string) (*model.Member, error)
}

// ErrNotRegulator refuses the console to an organisation that is neither
// the Regulator nor a provincial regulator on the ledger.
var ErrNotRegulator = errors.New("the console is served only for the Regulator or a provincial regulator")

// RequireRegulator reads the organisation's role on the ledger and refuses
// any other than the Regulator's or a provincial regulator's: the console
// shows every alert and recall, which only they may read, and a console
// for another role would only show refusals.
func RequireRegulator(ctx context.Context, m Member) (*model.Member, error) {
	mem, err := m.GetMember(ctx, m.MSPID())
	if err != nil {
		return nil, fmt.Errorf("reading the member's role: %w", err)
	}
	if mem.Role != model.RoleRegulator && mem.Role != model.RoleProvincialRegulator {
		return nil, fmt.Errorf("%w: %s is a %s", ErrNotRegulator, mem.MSPID, mem.Role)
	}
	return mem, nil
}
