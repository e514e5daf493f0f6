package lifecycle

import (
	"strconv"

	"github.com/tracechain/tracechain/chaincode/model"
)

// SplitLot splits a quantity off a lot or lot part the caller holds into a
// new lot part, which moves like a unit and stays traceable to its lot.
// Quantities are conserved: the source keeps what was not split off.
func (l *Ledger) SplitLot(req model.SplitRequest) (*model.Item, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Require("split lots", holderRoles...)
	if err != nil {
		return nil, err
	}
	src, err := parseCode(req.Source, "source")
	if err != nil {
		return nil, err
	}
	part, err := l.split(m.MSPID, src, req.Quantity, req.Label, 1, "source")
	if err != nil {
		return nil, err
	}
	e := l.event(model.EventLotSplit)
	e.GTIN, e.Batch, e.Quantity, e.Source = part.GTIN, part.Batch, part.Quantity, part.SplitFrom
	e.Codes, e.Count = []string{part.Code}, 1
	return part, l.commit(e)
}

// holderRoles may act on goods they hold; the Regulator holds none.
var holderRoles = []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer}

// split moves qty off the lot or part src, held by msp, into a new part
// labelled label (default: derived from the transaction ID and seq, the same
// on every endorser). Four writes: source, part, and the part's lot and batch
// index entries.
func (l *Ledger) split(msp string, src ref, qty int64, label string, seq int, what string) (*model.Item, error) {
	s, err := l.mustItem(src.code, what)
	if err != nil {
		return nil, err
	}
	if s.Class != model.ClassLot && s.Class != model.ClassLotPart {
		return nil, model.SubjectErrorf(model.CodeBadState, s.Code, "%s is a %s, not a lot or lot part", what, s.Class)
	}
	if err := movable(s, msp, what); err != nil {
		return nil, err
	}
	if qty <= 0 || qty > s.Quantity {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, s.Code, "quantity %d of %s must be between 1 and %d", qty, what, s.Quantity)
	}
	lot := s.Code
	if s.Class == model.ClassLotPart {
		lot = s.Lot
	}
	if label == "" {
		label = defaultLabel(l.txID(), seq)
	} else if !partLabel.MatchString(label) {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, label, "part label must be 1-40 of A-Z a-z 0-9 . _ -")
	}
	code := partCode(lot, label)
	existing, err := l.item(code)
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return nil, model.SubjectErrorf(model.CodeDuplicate, code, "lot part %s already exists", code)
	}
	part := &model.Item{
		Code: code, Class: model.ClassLotPart, Scheme: s.Scheme,
		GTIN: s.GTIN, Batch: s.Batch, ProductionDate: s.ProductionDate, ExpiryDate: s.ExpiryDate, WarrantyEnd: s.WarrantyEnd,
		Manufacturer: s.Manufacturer, Holder: msp, Disposition: model.DispositionActive,
		Quantity: qty, InitialQuantity: qty, Lot: lot, SplitFrom: s.Code,
		CommissionedAt: l.now(), CommissionTx: l.txID(),
	}
	if s.RecallID != "" {
		// A part split off recalled goods is recalled goods: the mark and the
		// recall report follow the quantity.
		part.RecallID, part.RecalledAt = s.RecallID, s.RecalledAt
		// The recall, not this transaction, is the event: never a captured one.
		if part.RecallEvent, err = l.inheritedRecall(part); err != nil {
			return nil, err
		}
		if err := l.mark(model.ClassLotPart, recallUnitKey, s.RecallID, code); err != nil {
			return nil, err
		}
	}
	if err := l.anchorCreation(part); err != nil {
		return nil, err
	}
	s.Quantity -= qty
	l.save(s)
	l.save(part)
	if err := l.mark(model.ClassLotPart, lotPartKey, lot, code); err != nil {
		return nil, err
	}
	if err := l.mark(model.ClassLotPart, batchKey, part.GTIN, part.Batch, code); err != nil {
		return nil, err
	}
	return part, nil
}

// defaultLabel derives a part label from the transaction ID.
func defaultLabel(txID string, seq int) string {
	var b []byte
	for i := 0; i < len(txID) && len(b) < 16; i++ {
		if c := txID[i]; c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			b = append(b, c)
		}
	}
	if len(b) == 0 {
		b = append(b, "tx"...)
	}
	return string(b) + "-" + strconv.Itoa(seq)
}
