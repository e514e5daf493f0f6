package epcis

import "strings"

// CanonicalVocabulary returns the form in which the CBV 2.0 pre-hash string
// writes a vocabulary value of the named field: bizStep and disposition as
// bare words, CURIEs or EPCIS 1.x URNs all become the one web URI
// (https://ref.gs1.org/cbv/BizStep-shipping). A query index stores and looks
// up values in this form, so that a query for "shipping" finds an event that
// wrote "cbv:BizStep-shipping". ctx supplies the prefixes of the event's
// document; nil means the standard prefixes only. Values of other fields are
// canonicalised as by CanonicalIdentifier.
func CanonicalVocabulary(ctx *Context, field, value string) string {
	var voc *vocabulary
	switch field {
	case "bizStep":
		voc = vocabBizStep
	case "disposition", "persistentDisposition":
		voc = vocabDisposition
	}
	return canonValue(ctx, voc.expand(strings.TrimSpace(value)))
}

// CanonicalIdentifier returns the form in which the CBV 2.0 pre-hash string
// writes an identifier (an EPC, an EPC class, a read point or business
// location): a GS1 key as an EPC URN or on any Digital Link domain becomes
// its constrained canonical Digital Link on id.gs1.org, and a known CURIE is
// expanded. Other identifiers are returned trimmed and otherwise unchanged.
func CanonicalIdentifier(ctx *Context, value string) string {
	return canonValue(ctx, strings.TrimSpace(value))
}
