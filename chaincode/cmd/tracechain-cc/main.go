// Command tracechain-cc runs the tracechain chaincode as an external service
// (chaincode-as-a-service): the peer connects to it at
// CHAINCODE_SERVER_ADDRESS and identifies it by CHAINCODE_ID.
//
// Environment:
//
//	CHAINCODE_ID                package ID the peer knows the chaincode by (required)
//	CHAINCODE_SERVER_ADDRESS    listen address, e.g. 0.0.0.0:9999 (required)
//	TRACECHAIN_REGULATOR_MSPID  MSP ID of the Regulator this server is deployed for (optional):
//	                            the ledger's own record (InitLedger) decides, and a server
//	                            whose expectation differs refuses to endorse rather than
//	                            disagree with its peers
//	CHAINCODE_TLS_CERT          server certificate, PEM or file path (enables TLS)
//	CHAINCODE_TLS_KEY           server key, PEM or file path (required with the certificate)
//	CHAINCODE_TLS_CLIENT_CA     CA of peer client certificates, PEM or file path (enables mutual TLS)
package main

import (
	"log"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tracechain/tracechain/chaincode/contract"
)

func main() {
	cfg, err := loadConfig(os.Getenv, os.ReadFile)
	if err != nil {
		log.Fatalf("tracechain-cc: %v", err)
	}
	cc, err := contract.New(cfg.regulator)
	if err != nil {
		log.Fatalf("tracechain-cc: %v", err)
	}
	server := &shim.ChaincodeServer{CCID: cfg.ccid, Address: cfg.address, CC: cc, TLSProps: cfg.tls}
	log.Printf("tracechain-cc %s: serving %s on %s (TLS %t, expected regulator %q)", contract.Version, cfg.ccid, cfg.address, !cfg.tls.Disabled, cfg.regulator)
	if err := server.Start(); err != nil {
		log.Fatalf("tracechain-cc: %v", err)
	}
}
