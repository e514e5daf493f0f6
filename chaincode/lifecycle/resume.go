package lifecycle

import (
	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// CheckCommission reports which codes of a commissioning request are already
// units of this caller's product and batch, and which are not on the ledger.
// A code on the ledger as anything else (another batch, product, maker or
// class) is a DUPLICATE naming it: the request conflicts with the ledger and
// resuming cannot help. It writes nothing; all codes are read in one batch, so
// a resumed import checks a chunk with one call instead of one per code.
func (l *Ledger) CheckCommission(req model.CommissionRequest) (*model.CommissionCheck, error) {
	caller, err := l.reg.Caller()
	if err != nil {
		return nil, err
	}
	refs, err := parseList("codes", req.Codes)
	if err != nil {
		return nil, err
	}
	gtin, err := identifier.NormalizeGTIN(req.GTIN)
	if err != nil {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, req.GTIN, "gtin: %v", err)
	}
	if err := l.load(codesOf(refs)...); err != nil {
		return nil, err
	}
	out := &model.CommissionCheck{}
	seenTx := map[string]bool{}
	for i, r := range refs {
		it := l.items[r.code]
		switch {
		case it == nil:
			out.Missing = append(out.Missing, i)
		case it.Class != model.ClassUnit || it.Manufacturer != caller.MSPID || it.GTIN != gtin || it.Batch != req.Batch:
			return nil, model.SubjectErrorf(model.CodeDuplicate, r.input,
				"%s is already commissioned as %s %s batch %s by %s", r.what("codes", i), it.Class, it.GTIN, it.Batch, it.Manufacturer)
		default:
			out.Committed++
			if !seenTx[it.CommissionTx] {
				seenTx[it.CommissionTx] = true
				out.CommissionTxs = append(out.CommissionTxs, it.CommissionTx)
			}
		}
	}
	return out, nil
}
