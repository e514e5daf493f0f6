// Package epciscapture is the capture interface of the EPCIS 2.0 REST
// binding on the member-facing part of the verification service: POST
// /capture takes an EPCISDocument, validates it, and captures its events
// into the ledger as a capture job whose outcome GET /capture/{captureID}
// reports.
//
// A document is one CaptureEvents transaction, all or nothing, unless the
// client sends GS1-Capture-Error-Behaviour: proceed; then a document larger
// than one transaction is split into parts, each part all or nothing, and the
// parts are pipelined as CommissionBulk's chunks are: several are endorsed and
// sent while earlier ones await their commit (WithInFlight). The job reports
// every part in document order, committed, failed, unknown or, when the
// service stopped first, pending. Every event is kept verbatim
// (eventindex.Store.Keep) before its part is sent; the feeder (package
// epcisfeed), the index's only writer, indexes that copy, with the block and
// transaction that anchor it, when it reaches the block, so that a query
// answer carries the full event and can be proven against the ledger.
//
// The handler is mounted with epcisapi.WithCapture. It trusts the TLS layer
// to authenticate clients (traced requires a client certificate from the
// member's own CA) and records the subject of the client's certificate with
// each job.
package epciscapture
