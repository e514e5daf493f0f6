// Package addorg holds the integration suite of adding organisations to the running channel
// (network.sh add-org): a manufacturer and a retailer join, the Regulator registers them, and
// they commission, ship, receive and sell at once; every peer, the new ones included, ends
// with the same world state, and network.sh down leaves no process behind.
//
// The suite changes the network's shape, so it never attaches to the network that
// test-network/integration.sh shares between the other suites (testnet.WithOwnNetwork): the
// script runs it after stopping that network, so that one network runs at a time:
//
//	go test -tags integration -count=1 -v ./test-network/testnet/addorg/
package addorg
