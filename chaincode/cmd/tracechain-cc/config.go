package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

// config is the server configuration read from the environment.
type config struct {
	ccid      string
	address   string
	regulator string
	tls       shim.TLSProperties
}

// loadConfig reads the configuration, failing fast on anything missing.
func loadConfig(getenv func(string) string, readFile func(string) ([]byte, error)) (config, error) {
	cfg := config{
		ccid:      strings.TrimSpace(getenv("CHAINCODE_ID")),
		address:   strings.TrimSpace(getenv("CHAINCODE_SERVER_ADDRESS")),
		regulator: strings.TrimSpace(getenv("TRACECHAIN_REGULATOR_MSPID")),
		tls:       shim.TLSProperties{Disabled: true},
	}
	var missing []string
	for name, v := range map[string]string{"CHAINCODE_ID": cfg.ccid, "CHAINCODE_SERVER_ADDRESS": cfg.address} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return cfg, fmt.Errorf("missing environment: %s", strings.Join(slices.Sorted(slices.Values(missing)), ", "))
	}
	cert, key, ca := getenv("CHAINCODE_TLS_CERT"), getenv("CHAINCODE_TLS_KEY"), getenv("CHAINCODE_TLS_CLIENT_CA")
	if cert == "" && key == "" {
		if ca != "" {
			return cfg, errors.New("CHAINCODE_TLS_CLIENT_CA needs CHAINCODE_TLS_CERT and CHAINCODE_TLS_KEY")
		}
		return cfg, nil
	}
	if cert == "" || key == "" {
		return cfg, errors.New("CHAINCODE_TLS_CERT and CHAINCODE_TLS_KEY go together")
	}
	var err error
	cfg.tls.Disabled = false
	if cfg.tls.Cert, err = pem(cert, readFile); err != nil {
		return cfg, fmt.Errorf("CHAINCODE_TLS_CERT: %w", err)
	}
	if cfg.tls.Key, err = pem(key, readFile); err != nil {
		return cfg, fmt.Errorf("CHAINCODE_TLS_KEY: %w", err)
	}
	if ca != "" {
		if cfg.tls.ClientCACerts, err = pem(ca, readFile); err != nil {
			return cfg, fmt.Errorf("CHAINCODE_TLS_CLIENT_CA: %w", err)
		}
	}
	return cfg, nil
}

// pem returns v itself when it holds PEM text, else the file it names.
func pem(v string, readFile func(string) ([]byte, error)) ([]byte, error) {
	if strings.Contains(v, "-----BEGIN") {
		return []byte(v), nil
	}
	return readFile(v)
}
