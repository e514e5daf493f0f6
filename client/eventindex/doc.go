// Package eventindex is the query index of the ledger's EPCIS 2.0 events.
//
// The index is derived data: the ledger is the record, and the index is
// fed from its blocks, one block at a time, in order. Index applies a block's
// events and advances the checkpoint (the last indexed block number) in one
// database transaction, so after a crash the feeder resumes at
// Checkpoint()+1 and a block is never half applied; applying a block at or
// below the checkpoint again is a no-op. Reset empties the index so that it
// can be rebuilt from block 0; the verbatim copies of captured events (Keep)
// survive it, since the ledger holds only their hashes.
//
// Each event is kept verbatim, as captured or mapped, with its eventID (the
// CBV 2.0 event hash), its block number and transaction ID, so a query
// answer can be re-hashed and checked against the ledger. The fields that
// EPCIS 2.0 queries filter on are stored beside it in canonical form (CBV web
// URIs, constrained canonical GS1 Digital Links), and every EPC an event
// names is stored in a separate table with its role (epcList, parentID,
// childEPCs, ...), which is what the MATCH_ parameters select on.
//
// Query answers the EPCIS 2.0 simple event query: filters combined with AND,
// the values of one filter OR-ed, in eventTime order with a stable tiebreak,
// one page at a time with an opaque keyset page token.
//
// The Store runs on SQLite through a pure-Go driver (OpenSQLite, the
// embedded default) or on PostgreSQL (OpenPostgres). The package imports no
// Fabric package.
package eventindex
