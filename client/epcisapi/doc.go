// Package epcisapi serves the EPCIS 2.0 REST query binding over the event
// index: GET /events with the EPCIS query parameters, GET /events/{eventID},
// and the per-resource event lists /eventTypes/{eventType}/events,
// /epcs/{epc}/events, /bizSteps/{bizStep}/events,
// /bizLocations/{bizLocation}/events, /readPoints/{readPoint}/events and
// /dispositions/{disposition}/events.
//
// Answers are EPCISQueryDocuments. Each event is the index's verbatim copy
// with the fields the hash leaves out added where missing (eventID,
// recordTime, an event-level @context) and two user extensions that say
// where the ledger holds it: tracechain:ledgerBlock (the block number) and
// tracechain:ledgerTxId (the transaction ID). These two are not part of the
// event that was hashed; Unannotate removes them, and the hash of what is
// left is the eventID, which is how a client proves an answer against the
// ledger.
//
// Pages are sized by perPage (default 30, at most 1000) and continued with
// the Link header's rel="next" URL, which carries an opaque nextPageToken.
// Errors are RFC 7807 problem documents with the EPCIS exception types.
//
// Capture (POST /capture, GET /capture/{captureID}, POST /events) needs the
// ledger and is not served here; WithCapture mounts a handler for it.
package epcisapi
