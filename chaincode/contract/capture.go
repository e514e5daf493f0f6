package contract

import (
	"github.com/tracechain/tracechain/chaincode/model"
)

// CaptureEvents applies the events of an EPCIS 2.0 EPCISDocument (JSON-LD)
// in one transaction, all or nothing, each through the ledger operation it
// stands for. The document travels in the transient map under
// model.TransientCaptureKey, never in the transaction; documentHash, the
// transaction's argument, is its model.CaptureDigest.
func (c *Tracechain) CaptureEvents(ctx *TxContext, documentHash string) (*model.CaptureResult, error) {
	doc, err := captureDocument(ctx, documentHash)
	if err != nil {
		return nil, err
	}
	return ctx.ledger.CaptureEvents(doc)
}

// captureDocument returns the transient document once it is proven to be
// the one the signed argument names. This comes before anything reads the
// document: endorsers see only what the client put in the transient map, and
// the block keeps only the argument, so the argument must bind the document.
// The size is checked before hashing, so an oversized document costs no
// hashing.
func captureDocument(ctx *TxContext, documentHash string) ([]byte, error) {
	if !validDigest(documentHash) {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, "documentHash",
			"the argument must be the document's SHA-256 as %d lowercase hex digits (model.CaptureDigest); the document itself goes in the transient map under %q",
			model.CaptureDigestLen, model.TransientCaptureKey)
	}
	doc, err := ctx.store.Transient(model.TransientCaptureKey)
	if err != nil {
		return nil, modelError(err)
	}
	if len(doc) == 0 {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, model.TransientCaptureKey,
			"the EPCIS document is missing: put it in the transient map under %q", model.TransientCaptureKey)
	}
	if len(doc) > model.MaxCaptureBytes {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, model.TransientCaptureKey,
			"the document has %d bytes: capture at most %d per transaction", len(doc), model.MaxCaptureBytes)
	}
	if got := model.CaptureDigest(doc); got != documentHash {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, model.TransientCaptureKey,
			"the document in the transient map has SHA-256 %s, not the %s the argument names", got, documentHash)
	}
	return doc, nil
}

// validDigest reports whether s is a SHA-256 in lowercase hex.
func validDigest(s string) bool {
	if len(s) != model.CaptureDigestLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
