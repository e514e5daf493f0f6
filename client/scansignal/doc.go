// Package scansignal turns the public's scans, as the verification service
// (client/resolver) answers them, into clone signals for the Regulator. It
// counts scans per subject in bounded memory and keeps nothing about who
// scanned: no IP address, no request, only a hash of the subject and its
// count in the current window. Two patterns raise a signal:
//
//   - a sold or decommissioned unit scanned again and again
//     (model.AlertReasonScannedAfterSale), counted per unit;
//   - many scans of serials never commissioned under a registered GTIN, as
//     printed fake labels carry (model.AlertReasonUnknownSerials), counted
//     per GTIN.
//
// A Detector is fed the verdicts the service computes anyway (Observe) and
// files each signal on the ledger through a write-capable identity
// (client.Client.FileSignal), off the request path, at most a bounded number
// per period. The ledger keeps one open report per subject and a daily quota
// per reporter (chaincode/lifecycle FileSignal); docs/resolver.md describes
// the counting and docs/security.md what an attacker who scans on purpose can
// and cannot achieve.
package scansignal
