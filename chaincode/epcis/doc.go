// Package epcis models GS1 EPCIS 2.0 JSON-LD documents and computes the
// CBV 2.0 "EPCIS event hash ID" of their events.
//
// The package is plain Go with no Fabric dependency and no use of the clock or
// of randomness, so the chaincode and the client compute the same hash for the
// same event: it is meant to be shared by both.
//
// The hash follows CBV 2.0 section "EPCIS event hash ID" as implemented by
// the reference implementation (github.com/RalphTro/epcis-event-hash-generator);
// docs/epcis.md describes the algorithm and the few places where this package
// deliberately differs from that implementation's quirks.
package epcis
