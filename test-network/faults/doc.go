// Package faults is the fault-injection suite on the real test network (issue #12): each case
// runs a sustained mixed load from several organisations through the SDK, injects one fault
// (the raft leader SIGKILLed, a peer SIGKILLed, an organisation's chaincode server killed, the whole ordering
// service stopped, an organisation partitioned on the namespaced network, a client with a
// skewed clock), restores it, and ends with the same checks:
// every acknowledged write is on every peer, none was applied twice, every peer's world state
// has the same snapshot hash, and no write was left with an unknown outcome.
//
// The suite has only integration tests (build tag integration); it stops and kills nodes, so
// test-network/integration.sh runs it last on the shared network, and the partition case
// afterwards on a namespaced network of its own. TestSoak (make soak) injects the faults at
// random for a given time. TestGrowthUnderLoad (TRACECHAIN_GROWTH=1) adds three organisations,
// removes one and revokes a certificate under the load, on a network of its own, which
// integration.sh starts for it last. docs/reliability.md has the figures.
package faults
