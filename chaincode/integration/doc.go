// Package integration holds the end-to-end tests of the tracechain chaincode
// against a real Fabric network started by test-network/testnet (3 orderers,
// 5 peers, the chaincode as a service). The tests drive the chaincode with
// raw fabric-gateway calls, one gateway connection per organisation, and
// check master data, a full supply-chain story, every typed refusal, the
// role × transaction matrix, the absence of hot keys and the chaincode
// events.
//
// The tests carry the build tag "integration":
//
//	go test -tags integration -count=1 -v ./chaincode/integration/
//
// Each run starts and stops its own network. With TRACECHAIN_TESTNET_DIR set
// the tests use a network already running from that run directory; the
// checks that need an empty ledger (unregistered callers) are then skipped.
package integration
