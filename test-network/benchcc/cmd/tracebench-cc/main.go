// Command tracebench-cc serves the benchmark baseline chaincode (package
// benchcc) as an external service, on CHAINCODE_SERVER_ADDRESS under
// CHAINCODE_ID. Only the test network deploys it.
package main

import (
	"log"
	"os"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/tracechain/tracechain/test-network/benchcc"
)

func main() {
	id, addr := os.Getenv("CHAINCODE_ID"), os.Getenv("CHAINCODE_SERVER_ADDRESS")
	if id == "" || addr == "" {
		log.Fatal("tracebench-cc: CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS are required")
	}
	cc, err := benchcc.New()
	if err != nil {
		log.Fatalf("tracebench-cc: %v", err)
	}
	server := &shim.ChaincodeServer{CCID: id, Address: addr, CC: cc, TLSProps: shim.TLSProperties{Disabled: true}}
	if err := server.Start(); err != nil {
		log.Fatalf("tracebench-cc: %v", err)
	}
}
