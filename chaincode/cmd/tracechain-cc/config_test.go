package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadConfig(t *testing.T) {
	base := map[string]string{
		"CHAINCODE_ID":               "tracechain_1.0:abc",
		"CHAINCODE_SERVER_ADDRESS":   "0.0.0.0:9999",
		"TRACECHAIN_REGULATOR_MSPID": "RegulatorMSP",
	}
	files := map[string]string{"/tls/cert.pem": "CERT", "/tls/key.pem": "KEY", "/tls/ca.pem": "CA"}
	readFile := func(p string) ([]byte, error) {
		if v, ok := files[p]; ok {
			return []byte(v), nil
		}
		return nil, errors.New("no such file")
	}
	env := func(extra map[string]string, drop ...string) func(string) string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		for _, k := range drop {
			delete(m, k)
		}
		return func(k string) string { return m[k] }
	}

	cfg, err := loadConfig(env(nil), readFile)
	require.NoError(t, err)
	assert.Equal(t, "tracechain_1.0:abc", cfg.ccid)
	assert.Equal(t, "RegulatorMSP", cfg.regulator)
	assert.True(t, cfg.tls.Disabled)

	_, err = loadConfig(env(nil, "CHAINCODE_SERVER_ADDRESS", "CHAINCODE_ID"), readFile)
	assert.EqualError(t, err, "missing environment: CHAINCODE_ID, CHAINCODE_SERVER_ADDRESS")

	// The Regulator comes from the ledger; the server's expectation is optional.
	cfg, err = loadConfig(env(nil, "TRACECHAIN_REGULATOR_MSPID"), readFile)
	require.NoError(t, err)
	assert.Empty(t, cfg.regulator)

	cfg, err = loadConfig(env(map[string]string{"CHAINCODE_TLS_CERT": "/tls/cert.pem", "CHAINCODE_TLS_KEY": "-----BEGIN EC PRIVATE KEY-----\nx", "CHAINCODE_TLS_CLIENT_CA": "/tls/ca.pem"}), readFile)
	require.NoError(t, err)
	assert.False(t, cfg.tls.Disabled)
	assert.Equal(t, "CERT", string(cfg.tls.Cert))
	assert.Contains(t, string(cfg.tls.Key), "BEGIN EC PRIVATE KEY")
	assert.Equal(t, "CA", string(cfg.tls.ClientCACerts))

	for name, extra := range map[string]map[string]string{
		"cert without key":    {"CHAINCODE_TLS_CERT": "/tls/cert.pem"},
		"client CA alone":     {"CHAINCODE_TLS_CLIENT_CA": "/tls/ca.pem"},
		"missing certificate": {"CHAINCODE_TLS_CERT": "/nope.pem", "CHAINCODE_TLS_KEY": "/tls/key.pem"},
	} {
		_, err := loadConfig(env(extra), readFile)
		assert.Error(t, err, name)
	}
}
