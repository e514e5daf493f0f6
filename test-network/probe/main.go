// Command probe tells whether the test network is ready for clients: it connects to an
// organisation's peer through the Fabric Gateway, evaluates a read and submits a write that
// needs endorsements from two organisations, and exits 0 only if both succeed.
//
//	probe -profile run/connection/manufacturera.json [-timeout 60s]
package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-gateway/pkg/identity"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
)

// profile is the subset of the connection material the probe needs.
type profile struct {
	MSPID     string `json:"mspId"`
	Channel   string `json:"channel"`
	Chaincode string `json:"chaincode"`
	Peer      struct {
		Endpoint  string `json:"endpoint"`
		TLSCACert string `json:"tlsCACert"`
	} `json:"peer"`
	User struct {
		Cert string `json:"cert"`
		Key  string `json:"key"`
	} `json:"user"`
}

func main() {
	path := flag.String("profile", "", "connection profile JSON written by network.sh")
	timeout := flag.Duration("timeout", 60*time.Second, "give up after")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var last error
	for {
		if last = probe(ctx, *path); last == nil {
			return
		}
		select {
		case <-ctx.Done():
			fmt.Fprintf(os.Stderr, "probe: not ready: %v\n", last)
			os.Exit(1)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func probe(ctx context.Context, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var p profile
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	caPEM, err := os.ReadFile(p.Peer.TLSCACert)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	conn, err := grpc.NewClient(p.Peer.Endpoint, grpc.WithTransportCredentials(credentials.NewClientTLSFromCert(pool, "")))
	if err != nil {
		return err
	}
	defer conn.Close()
	certPEM, err := os.ReadFile(p.User.Cert)
	if err != nil {
		return err
	}
	cert, err := identity.CertificateFromPEM(certPEM)
	if err != nil {
		return err
	}
	id, err := identity.NewX509Identity(p.MSPID, cert)
	if err != nil {
		return err
	}
	keyPEM, err := os.ReadFile(p.User.Key)
	if err != nil {
		return err
	}
	key, err := identity.PrivateKeyFromPEM(keyPEM)
	if err != nil {
		return err
	}
	sign, err := identity.NewPrivateKeySign(key)
	if err != nil {
		return err
	}
	gw, err := client.Connect(id, client.WithSign(sign), client.WithClientConnection(conn),
		client.WithEvaluateTimeout(5*time.Second), client.WithEndorseTimeout(10*time.Second),
		client.WithSubmitTimeout(5*time.Second), client.WithCommitStatusTimeout(20*time.Second))
	if err != nil {
		return err
	}
	defer gw.Close()
	contract := gw.GetNetwork(p.Channel).GetContractWithName(p.Chaincode, "bench")
	if _, err := contract.SubmitWithContext(ctx, "Put", client.WithArguments("probe", time.Now().UTC().Format(time.RFC3339Nano))); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	if _, err := contract.EvaluateWithContext(ctx, "Get", client.WithArguments("probe")); err != nil {
		return fmt.Errorf("evaluate: %w", err)
	}
	return nil
}
