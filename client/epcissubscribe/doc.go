// Package epcissubscribe serves the named queries and query subscriptions
// of the EPCIS 2.0 REST binding (/queries, /queries/{queryName},
// /queries/{queryName}/subscriptions[/{subscriptionID}]) over the event
// index, and delivers each subscription's events to its webhook.
//
// A subscription follows the index in record order (eventindex.Follow) from
// a persisted position, so a subscriber that was away resumes where its
// last acknowledged delivery ended: no event is missed and none is sent
// again after a 2xx answer. Deliveries are EPCISQueryDocuments, signed with
// HMAC-SHA256 under the subscriber's signatureToken in the GS1-Signature
// header. A failed delivery is retried with exponential backoff from the
// same position; after the retry horizon the subscription is suspended, its
// position kept, until its owner resumes it.
//
// Subscriptions and named queries are stored in the index's database, in
// tables of their own that the index's rebuild leaves alone. Everything is
// bounded: see Limits. Run starts the due deliveries on a ticker and as
// deliveries end, without waiting for those under way; Step does the same
// and waits, for tests with a fake clock.
package epcissubscribe
