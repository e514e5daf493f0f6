// Package resolver is tracechain's GS1-Conformant Resolver (GS1-Conformant
// Resolver standard 1.2) and its public verification service, as a plain
// net/http handler.
//
// A GS1 Digital Link URI read from a product's QR code (/01/{gtin}/21/{serial},
// /00/{sscc}, /414/{gln}, ...) is answered with a redirect to its default link,
// the verification service, or to the link of the requested linkType, or with
// the RFC 9264 linkset of every link offered for it. /verify?code=... answers
// any code form the ledger accepts with an Answer: the ledger's verdict
// reduced to what may be shown to the public, plus the point-of-sale checks
// (batch and expiry on the pack against the ledger, expiry and warranty
// against the clock). A browser (Accept preferring text/html) gets the same
// answer as the verification page, in Chinese or English, with a form for
// typing a code; see wantsHTML and pageLang. docs/resolver.md lists each
// conformance point and the test that shows it.
package resolver
