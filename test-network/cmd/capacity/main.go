// Command capacity measures what docs/capacity.md's model is built on: how the ledger grows on
// disk per unit, how long joining a peer takes at a given height, and how the channel
// configuration grows with the number of organisations. It drives a network that
// test-network/network.sh started (its run directory), or none at all (config):
//
//	capacity batchsize --run-dir RUN --max-messages N
//	capacity disk --run-dir RUN [--index FILE] > before.json
//	capacity diff --before before.json --after after.json --units N
//	capacity index --run-dir RUN --org ManufacturerA --db FILE
//	capacity genesis-join --run-dir RUN --org NAME [--timeout D]
//	capacity config --orgs 5,50,200 --work DIR
//
// batchsize sets the orderers' BatchSize.MaxMessageCount by a channel configuration update
// that the ordering organisation's admin signs and submits (peer channel fetch config,
// orgupdate batchsize, peer channel update). With 1, every transaction is a block of its own,
// which is how a ledger is grown to 100,000 blocks quickly (tracebench --scenarios
// baseline-write --txs N); set it back to 1000 (configtx.yaml's value) before measuring
// anything else.
//
// disk prints, as JSON, the bytes on disk of every peer's and orderer's stores (block files,
// block index, state, history, private data; the orderer's blocks, index, raft WAL and
// snapshots), apparent size, and of an EPCIS index file (client/eventindex's SQLite
// database) when given. diff subtracts two such reports and divides by the units that the
// work between them commissioned or moved.
//
// index feeds an EPCIS index (client/eventindex, SQLite) from the ledger's blocks with
// client/epcisfeed, as traced --epcis-index does, up to the current height, so that disk
// --index measures it.
//
// genesis-join stops the peer of organisation NAME (one that add-org joined from a
// snapshot), moves its ledger aside, starts it again and joins it from the channel's genesis
// block, and prints the time until it reaches the snapshot's height (the height add-org's
// snapshot join reached, before the newcomer's own chaincode approvals, whose private data
// only its moved-aside ledger holds), next to the snapshot join that add-org recorded
// (RUN/add-org/NAME.times). Then it puts the snapshot-joined ledger back.
//
// config generates the MSPs of N organisations with cryptogen, the genesis block of a
// channel that has them all with configtxgen, and measures the channel configuration, the
// chaincode endorsement policy, the collection definitions, and the update that adds one
// more organisation (orgupdate add) with the majority of admin signatures it needs. It runs
// offline: no node is started.
//
// The Fabric binaries and orgupdate are taken from --bin (default .bin, as network.sh builds
// them). It lives under test-network/: the consortium's product never imports it.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "batchsize":
		err = batchSize(os.Args[2:])
	case "disk":
		err = disk(os.Args[2:], os.Stdout)
	case "diff":
		err = diff(os.Args[2:], os.Stdout)
	case "index":
		err = index(os.Args[2:], os.Stdout)
	case "genesis-join":
		err = genesisJoin(os.Args[2:], os.Stdout)
	case "config":
		err = configGrowth(os.Args[2:], os.Stdout)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "capacity %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: capacity batchsize --run-dir RUN --max-messages N\n"+
		"       capacity disk --run-dir RUN [--index FILE]\n"+
		"       capacity diff --before F --after F --units N\n"+
		"       capacity index --run-dir RUN --org ORG --db FILE\n"+
		"       capacity genesis-join --run-dir RUN --org NAME [--timeout D]\n"+
		"       capacity config --orgs 5,50,200 --work DIR")
	os.Exit(2)
}
