// Package leave holds the integration suite of members leaving and losing their rights on the
// running network: an organisation that was added (network.sh add-org) and an original one
// (the Retailer) are removed (network.sh remove-org); one client certificate is revoked
// (network.sh revoke); one member is suspended on the ledger (the Regulator's UpdateMember).
// It checks that the removed organisations can no longer endorse or submit, that the rest of
// the network writes and still traces their goods, that the revoked identity is refused while
// another of its organisation commits, that a suspended member is traced but writes nothing,
// that every remaining peer ends with the same world state, and that network.sh down leaves
// no process behind.
//
// Like test-network/testnet/addorg it changes the network's shape, so it runs on a network of
// its own (testnet.WithOwnNetwork), one network at a time:
//
//	TRACECHAIN_PORT_BASE=29500 go test -tags integration -count=1 -v ./test-network/testnet/leave/
package leave
