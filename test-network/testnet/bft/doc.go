// Package bft holds the integration suite of the SmartBFT ordering variant (network.sh up
// --bft): writes through the SDK go on while one of the four orderers, the cluster's
// leader, is down, and the orderer catches up when it is back.
//
// The suite needs a BFT network of its own, so it never attaches to the raft network that
// test-network/integration.sh shares between the other suites (testnet.WithOrdering); the
// script runs it last, after stopping that network, so that one network runs at a time:
//
//	go test -tags integration -count=1 -v ./test-network/testnet/bft/
package bft
