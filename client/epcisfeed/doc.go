// Package epcisfeed keeps a member's EPCIS event index (package eventindex)
// in step with the ledger: it follows the channel's blocks from the index's
// checkpoint and, for each block, indexes the EPCIS 2.0 rendering of every
// tracechain event committed in it, with its eventID, block number and
// transaction ID, and advances the checkpoint to that block in the same
// database transaction (eventindex.Store.Index). Blocks with no tracechain
// event advance it too, so a restart never reads the chain again: it resumes
// at the block after the checkpoint, with neither a duplicate nor a gap.
// Rebuild empties the index and follows the ledger again from block 0.
//
// # Why full blocks
//
// The ledger's chaincode events (client.Client.Events) carry the block number
// but only a summary of each transaction (at most model.MaxEventCodes codes,
// no eventIDs but for captures), and a transaction's events would then have to
// be read back with Trace, code by code, one ledger query per code. Filtered
// blocks carry no payload at all. A full block (client.Client.Blocks, on
// fabric-gateway's BlockEvents) already holds everything: each valid
// transaction's public writes are the stored trace events and the item and
// recall records from which Trace derives the others, each with the eventID
// the chaincode anchored (lifecycle.WrittenEvents). So the feeder renders
// every event of a block from the block alone, with epcis.FromTrace, without
// a single ledger query, and groups them by block for free. The block also
// says which transactions the peers found invalid, whose writes it skips.
//
// # Captured events
//
// A captured event carries fields the ledger does not model (readPoint,
// bizTransactionList, sensor data, extensions); the ledger anchors its hash
// and records the ledger events it caused. The capturing service keeps the
// verbatim event (eventindex.Store.Keep) before it sends the document; when
// the feeder meets a ledger event anchored by a captured eventID that has a
// kept copy whose hash is that eventID, it indexes the copy, once, instead of
// the ledger's renderings. Events captured through other services (another
// member's, or another of this member's) are indexed from the ledger's
// rendering, which names the captured hash in tracechain:capturedEventId.
//
// The package reads no clock but through its options, and imports no Fabric
// package: the blocks come from a Source.
package epcisfeed
