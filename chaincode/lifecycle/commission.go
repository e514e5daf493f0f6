package lifecycle

import (
	"slices"
	"strings"
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
)

const dateLayout = "2006-01-02"

// batchInfo is what commissioning validated about the product and batch.
type batchInfo struct {
	maker   *model.Member
	product *model.Product
	lot     identifier.Code // LGTIN of the batch
	dates   [3]string       // production, expiry, warranty end
}

// Commission commissions serialised units of one of the calling
// manufacturer's products. All codes are checked before anything is written;
// the first invalid or duplicate code (in the request or on the ledger)
// rejects the transaction. Per unit: one batched read and two writes (the
// item record and its batch index entry); the commissioning event of a unit
// is derived from its record.
func (l *Ledger) Commission(req model.CommissionRequest) (*model.CommissionResult, error) {
	b, err := l.commissionBatch("commission goods", req.GTIN, req.Batch, req.ProductionDate, req.ExpiryDate, req.WarrantyEnd)
	if err != nil {
		return nil, err
	}
	refs, err := parseList("codes", req.Codes)
	if err != nil {
		return nil, err
	}
	for i, r := range refs {
		if err := b.checkUnitCode(r, i); err != nil {
			return nil, err
		}
	}
	if err := l.load(codesOf(refs)...); err != nil {
		return nil, err
	}
	for i, r := range refs {
		if l.items[r.code] != nil {
			return nil, model.SubjectErrorf(model.CodeDuplicate, r.input, "%s is already commissioned", r.what("codes", i))
		}
	}
	gtin, batch := b.product.GTIN, b.lot.Batch
	for _, r := range refs {
		it := b.newItem(l, r.code, model.ClassUnit, r.id.Kind.Scheme())
		if err := l.anchorCreation(it); err != nil {
			return nil, err
		}
		l.save(it)
		if err := l.mark(model.ClassUnit, batchKey, gtin, batch, r.code); err != nil {
			return nil, err
		}
	}
	e := l.event(model.EventCommissioned)
	e.GTIN, e.Batch, e.Count, e.Codes = gtin, batch, len(refs), eventCodes(codesOf(refs))
	if err := l.commit(e); err != nil {
		return nil, err
	}
	return &model.CommissionResult{GTIN: gtin, Batch: batch, Count: len(refs), WarrantyEnd: b.dates[2], TxID: l.txID()}, nil
}

// CommissionLot commissions a batch as a quantity without serial numbers,
// keyed by its LGTIN. The lot stays with the manufacturer; its quantity moves
// through parts (SplitLot, or Ship with lots).
func (l *Ledger) CommissionLot(req model.LotRequest) (*model.Item, error) {
	b, err := l.commissionBatch("commission lots", req.GTIN, req.Batch, req.ProductionDate, req.ExpiryDate, req.WarrantyEnd)
	if err != nil {
		return nil, err
	}
	if req.Quantity <= 0 || req.Quantity > maxQuantity {
		return nil, model.Errorf(model.CodeInvalidArgument, "quantity must be between 1 and %d", int64(maxQuantity))
	}
	existing, err := l.item(b.lot.Canonical)
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return nil, model.SubjectErrorf(model.CodeDuplicate, b.lot.Canonical, "lot %s is already commissioned", b.lot.Canonical)
	}
	it := b.newItem(l, b.lot.Canonical, model.ClassLot, "gs1")
	it.Quantity, it.InitialQuantity = req.Quantity, req.Quantity
	if err := l.anchorCreation(it); err != nil {
		return nil, err
	}
	l.save(it)
	if err := l.mark(model.ClassLot, batchKey, it.GTIN, it.Batch, it.Code); err != nil {
		return nil, err
	}
	e := l.event(model.EventLotCommissioned)
	e.GTIN, e.Batch, e.Quantity, e.Codes, e.Count = it.GTIN, it.Batch, it.Quantity, []string{it.Code}, 1
	return it, l.commit(e)
}

// maxQuantity bounds lot quantities well inside JSON's exact integer range.
const maxQuantity = 1 << 50

// commissionBatch checks the caller, product, batch, dates and recall status
// shared by unit and lot commissioning: three reads whatever the batch size.
func (l *Ledger) commissionBatch(action, gtinIn, batchIn, production, expiry, warrantyEnd string) (*batchInfo, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	maker, err := l.reg.Require(action, model.RoleManufacturer)
	if err != nil {
		return nil, err
	}
	gtin, err := registry.NormalizeGTIN(gtinIn)
	if err != nil {
		return nil, err
	}
	product, err := l.reg.RequireProduct(gtin)
	if err != nil {
		return nil, err
	}
	if product.Manufacturer != maker.MSPID {
		return nil, model.SubjectErrorf(model.CodeForbidden, gtin, "product %s belongs to %s", gtin, product.Manufacturer)
	}
	lot, err := identifier.LGTIN(gtin, batchIn)
	if err != nil {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, batchIn, "invalid batch: %v", err)
	}
	b := &batchInfo{maker: maker, product: product, lot: lot}
	prod, err := parseDate("productionDate", production, true)
	if err != nil {
		return nil, err
	}
	if prod.After(l.now().AddDate(0, 0, 1)) {
		return nil, model.Errorf(model.CodeInvalidArgument, "productionDate %s is in the future", production)
	}
	b.dates[0] = prod.Format(dateLayout)
	for i, d := range []struct{ field, value string }{{"expiryDate", expiry}, {"warrantyEnd", warrantyEnd}} {
		t, err := parseDate(d.field, d.value, false)
		if err != nil {
			return nil, err
		}
		if !t.IsZero() {
			if t.Before(prod) {
				return nil, model.Errorf(model.CodeInvalidArgument, "%s %s is before the production date", d.field, d.value)
			}
			b.dates[i+1] = t.Format(dateLayout)
		}
	}
	if b.dates[2] == "" && product.WarrantyMonths > 0 {
		b.dates[2] = prod.AddDate(0, product.WarrantyMonths, 0).Format(dateLayout)
	}
	recall, err := l.batchRecall(gtin, lot.Batch)
	if err != nil {
		return nil, err
	}
	if recall != nil {
		return nil, model.SubjectErrorf(model.CodeRecalled, lot.Canonical, "batch %s of %s is under recall %s", lot.Batch, gtin, recall.ID)
	}
	return b, nil
}

// checkUnitCode accepts serialised unit codes of the batch's product: SGTINs
// carrying its GTIN (registered under the maker's own company prefix), Ecodes
// of a number system registered to the maker, CCC codes of a certificate
// registered to the maker, and digital identity codes issued by the maker
// (its USCC). Registrations are exclusive, so no member can commission a code
// that belongs to another.
func (b *batchInfo) checkUnitCode(r ref, i int) error {
	what := r.what("codes", i)
	switch {
	case r.part:
		return model.SubjectErrorf(model.CodeInvalidCode, r.input, "%s is a lot part, not a unit code", what)
	case r.id.Kind == identifier.KindSGTIN:
		if r.id.GTIN != b.product.GTIN {
			return model.SubjectErrorf(model.CodeInvalidCode, r.input, "%s carries GTIN %s, not %s", what, r.id.GTIN, b.product.GTIN)
		}
		if r.id.Batch != "" && r.id.Batch != b.lot.Batch {
			return model.SubjectErrorf(model.CodeInvalidCode, r.input, "%s carries batch %s, not %s", what, r.id.Batch, b.lot.Batch)
		}
	case r.id.Kind == identifier.KindEcode:
		if nsi := identifier.EcodeNumberSystem(r.id); !slices.Contains(b.maker.EcodeNumberSystems, nsi) {
			return model.SubjectErrorf(model.CodeForbidden, r.input, "%s is in Ecode number system %s, which is not registered to %s", what, nsi, b.maker.MSPID)
		}
	case r.id.Kind == identifier.KindCCC:
		if cert := strings.TrimPrefix(r.code, "ccc:"); !slices.Contains(b.maker.CCCCertificates, cert) {
			return model.SubjectErrorf(model.CodeForbidden, r.input, "%s names CCC certificate %s, which is not registered to %s", what, cert, b.maker.MSPID)
		}
	case r.id.Kind == identifier.KindDIC:
		if issuer := dicIssuer(r.code); issuer != b.maker.USCC {
			return model.SubjectErrorf(model.CodeForbidden, r.input, "%s was issued by %s, not by the manufacturer (USCC %s)", what, issuer, b.maker.USCC)
		}
	default:
		return model.SubjectErrorf(model.CodeInvalidCode, r.input, "%s is a %s code, not a serialised unit code", what, r.id.Kind)
	}
	return nil
}

// dicIssuer returns the issuer USCC of a canonical "dic:{issuer}/{code}".
func dicIssuer(canonical string) string {
	issuer, _, _ := strings.Cut(strings.TrimPrefix(canonical, "dic:"), "/")
	return issuer
}

// newItem builds the record of a newly commissioned identity of the batch.
func (b *batchInfo) newItem(l *Ledger, code string, class model.ItemClass, scheme string) *model.Item {
	return &model.Item{
		Code: code, Class: class, Scheme: scheme,
		GTIN: b.product.GTIN, Batch: b.lot.Batch,
		ProductionDate: b.dates[0], ExpiryDate: b.dates[1], WarrantyEnd: b.dates[2],
		Manufacturer: b.maker.MSPID, Holder: b.maker.MSPID, Disposition: model.DispositionActive,
		CommissionedAt: l.now(), CommissionTx: l.txID(),
	}
}

// parseDate parses a YYYY-MM-DD field; an empty optional field is zero.
func parseDate(field, s string, required bool) (time.Time, error) {
	if s == "" {
		if required {
			return time.Time{}, model.Errorf(model.CodeInvalidArgument, "%s is required", field)
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, model.Errorf(model.CodeInvalidArgument, "%s must be a date YYYY-MM-DD, got %q", field, s)
	}
	return t, nil
}
