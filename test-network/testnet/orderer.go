package testnet

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// ErrNoBFTLeader is returned by BFTLeader while no orderer reports that it leads the channel's
// SmartBFT cluster: during a view change, or while the ordering service is down.
var ErrNoBFTLeader = errors.New("testnet: no orderer leads the channel's SmartBFT cluster")

// OrdererLedgerHeight is the number of blocks an orderer's ledger holds for the channel, as its
// channel participation API (osnadmin channel list) reports it: the same for raft and BFT.
func (n *Network) OrdererLedgerHeight(ctx context.Context, orderer string) (uint64, error) {
	env, err := readEnv(filepath.Join(n.Dir, "nodes", orderer, "env"))
	if err != nil {
		return 0, err
	}
	hc, err := ordererAdminClient(env)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", orderer, err)
	}
	defer hc.CloseIdleConnections()
	url := fmt.Sprintf("https://%s/participation/v1/channels/%s", env["ORDERER_ADMIN_LISTENADDRESS"], Names.Channel)
	var info struct {
		Height uint64 `json:"height"`
	}
	if err := getJSON(ctx, hc, url, &info); err != nil {
		return 0, fmt.Errorf("%s: %w", orderer, err)
	}
	return info.Height, nil
}

// ordererAdminClient is an HTTP client for the admin endpoint of the orderer whose settings
// env holds, as the administrator of its own organisation: the endpoint requires mutual TLS
// with a certificate of that organisation's TLS CA.
func ordererAdminClient(env map[string]string) (*http.Client, error) {
	// LOCALMSPDIR is ordererOrganizations/<domain>/orderers/<node>.<domain>/msp.
	orgDir := filepath.Dir(filepath.Dir(filepath.Dir(env["ORDERER_GENERAL_LOCALMSPDIR"])))
	domain := filepath.Base(orgDir)
	admin := filepath.Join(orgDir, "users", "Admin@"+domain, "tls")
	cert, err := tls.LoadX509KeyPair(filepath.Join(admin, "client.crt"), filepath.Join(admin, "client.key"))
	if err != nil {
		return nil, err
	}
	ca, err := os.ReadFile(filepath.Join(orgDir, "tlsca", "tlsca."+domain+"-cert.pem")) //nolint:gosec // the network's own crypto material
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(ca) {
		return nil, fmt.Errorf("no certificate in the TLS CA of %s", domain)
	}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{cert}, RootCAs: roots, MinVersion: tls.VersionTLS12},
	}}, nil
}

// BFTLeader returns the orderer that leads the channel's SmartBFT cluster now, as the orderers
// themselves report it (consensus_BFT_is_leader on their operations endpoints). An orderer
// that does not answer is not the leader.
func (n *Network) BFTLeader(ctx context.Context) (string, error) {
	return n.leader(ctx, "consensus_BFT_is_leader", ErrNoBFTLeader)
}

// getJSON decodes the JSON answer of a GET of url.
func getJSON(ctx context.Context, hc *http.Client, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req) //nolint:gosec // the admin endpoint the network's own node listens on
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
