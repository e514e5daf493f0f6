// Package client is the Go SDK of tracechain, the traceability ledger of
// SAMR key industrial products on Hyperledger Fabric. It speaks to one
// organisation's gateway peer through fabric-gateway and offers the ledger's
// transactions as typed methods: members and products, commissioning (one
// transaction or pipelined bulk imports that resume), packing, shipping and
// receiving, sales, recalls, clone reports, verification, traces and the
// chaincode's events.
//
// # Connecting
//
// A Client acts as one identity of one organisation. The test network writes
// each organisation's connection material, a Fabric common connection profile, to
// test-network/run/connection/<org>.json (LoadProfile); WithProfile takes the
// peer, its TLS CA, the channel, the chaincode and the user's identity from
// it, or the administrator's with asAdmin, and WithProfileAs any identity it
// holds, such as a service's read-only one:
//
//	p, err := client.LoadProfile("test-network/run/connection/retailer.json")
//	c, err := client.Connect(ctx, client.WithProfile(p, false))
//	defer c.Close()
//
// Privileged functions (registering members, recalls, decisions on clone
// reports, reading or purging buyer data) need the organisation's
// administrator identity; an ordinary client gets ErrForbidden.
//
// # Calling
//
// Every method takes a context. Reads are evaluated on the organisation's
// peer; writes are endorsed, sent to the orderer and awaited until they
// commit, so a write that returns without error is on the ledger. Codes may
// be given in any accepted form (GS1 element strings, Digital Link URLs from
// QR codes, EPC URNs, Ecode, CCC and digital identity codes); results carry
// canonical codes.
//
// # Paged reads
//
// The ledger's lists (members, a product's versions, an item's trace, a
// container's contents, a recall report, clone alerts) are read in pages, and
// every one of them is offered the same two ways, named after what it lists:
//
//   - XxxPage(ctx, …, pageSize, bookmark) returns one page; its Bookmark asks
//     for the next, and is empty on the last;
//   - Xxx(ctx, …) is an iter.Seq2 over every item, fetching pages of
//     model.MaxPageSize as the loop needs them; it stops after yielding an
//     error.
//
// Members and MembersPage, ProductHistory and ProductHistoryPage, Trace and
// TracePage, Contents and ContentsPage, RecallReport and RecallReportPage,
// Alerts and AlertsPage follow it. Collect reads an iterator into a slice:
//
//	for e, err := range c.Trace(ctx, code) { … }
//	page, err := c.TracePage(ctx, code, 20, bookmark)
//	events, err := client.Collect(c.Trace(ctx, code))
//
// # Errors
//
// A chaincode refusal is a *ChaincodeError whose Code matches a sentinel
// with errors.Is (ErrNotFound, ErrNotHolder, ErrForbidden, ErrRecalled, …).
// A transaction that committed invalid is a *CommitError; a failure to reach
// the network a *TransportError (ErrUnavailable, ErrTimeout). A write whose
// outcome is unknown at the caller's deadline is an *OutcomeUnknownError
// naming its transaction ID.
//
// # Retries
//
// What is safe to repeat is repeated (RetryPolicy): a transaction that lost
// an MVCC race is endorsed again as a new proposal; one that was sent but not
// committed within the resend bound (WithResendAfter) is sent again as the
// same signed envelope, which cannot commit twice, until the write deadline.
//
// # Events
//
// Events streams the chaincode's events in commit order and, with a
// checkpoint, resumes after a restart exactly where it stopped.
package client
