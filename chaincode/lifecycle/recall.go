package lifecycle

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state"
)

// Recall recalls a batch (GTIN + batch) or a list of units and lot parts.
// The product's manufacturer or the Regulator may recall. A batch recall
// writes a marker that Verify and Sell consult, so it costs the same for a
// batch of ten or of a million; a list recall marks each item. The recall ID
// is the transaction ID.
func (l *Ledger) Recall(req model.RecallRequest) (*model.Recall, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.RequireAdmin("recall goods", model.RoleManufacturer, model.RoleRegulator)
	if err != nil {
		return nil, err
	}
	reason, err := registry.Text("reason", req.Reason, 500, true)
	if err != nil {
		return nil, err
	}
	rec := &model.Recall{ID: l.txID(), Reason: reason, IssuedBy: m.MSPID, IssuedAt: l.now()}
	e := l.event(model.EventRecalled)
	e.RecallID = rec.ID
	switch batchMode := req.GTIN != "" || req.Batch != ""; {
	case batchMode && len(req.Codes) > 0:
		return nil, model.Errorf(model.CodeInvalidArgument, "recall either a batch (gtin, batch) or a list of codes, not both")
	case batchMode:
		if err := l.recallBatch(m, req, rec); err != nil {
			return nil, err
		}
		e.GTIN, e.Batch = rec.GTIN, rec.Batch
	default:
		codes, err := l.recallItems(m, req.Codes, rec)
		if err != nil {
			return nil, err
		}
		e.Count, e.Codes = len(codes), eventCodes(codes)
	}
	if err := l.put(rec, recallIDKey, rec.ID); err != nil {
		return nil, err
	}
	return rec, l.commit(e)
}

// recallBatch writes the batch recall marker: constant cost.
func (l *Ledger) recallBatch(m *model.Member, req model.RecallRequest, rec *model.Recall) error {
	gtin, err := registry.NormalizeGTIN(req.GTIN)
	if err != nil {
		return err
	}
	lot, err := identifier.LGTIN(gtin, req.Batch)
	if err != nil {
		return model.SubjectErrorf(model.CodeInvalidArgument, req.Batch, "invalid batch: %v", err)
	}
	if err := l.mayRecall(m, gtin); err != nil {
		return err
	}
	existing, err := l.batchRecall(gtin, lot.Batch)
	if err != nil {
		return err
	}
	if existing != nil {
		return model.SubjectErrorf(model.CodeDuplicate, lot.Canonical, "batch is already under recall %s", existing.ID)
	}
	rec.GTIN, rec.Batch = gtin, lot.Batch
	a, err := l.anchor(recallEvent(lot.Canonical, rec, rec.IssuedAt, model.Anchor{}))
	if err != nil {
		return err
	}
	rec.EventID = a.EventID
	return l.put(rec, recallKey, gtin, lot.Batch)
}

// recallItems marks each listed unit, lot and lot part, and every lot part
// split off a listed lot or part before now: two writes per item (its record
// and the recall's index entry). Parts split off later inherit the mark
// (split), so the recall follows the goods wherever their quantities go. The
// parts of a listed lot or part are found with one scan of the lot's parts;
// more than model.MaxCodesPerTx items in all is refused: recall the batch.
func (l *Ledger) recallItems(m *model.Member, inputs []string, rec *model.Recall) ([]string, error) {
	refs, err := l.loadList("codes", inputs)
	if err != nil {
		return nil, err
	}
	lots := map[string]bool{} // lots whose parts must be looked at
	for i, r := range refs {
		it, err := l.mustItem(r.code, r.what("codes", i))
		if err != nil {
			return nil, err
		}
		if it.Class == model.ClassContainer {
			return nil, model.SubjectErrorf(model.CodeBadState, r.input, "%s is a container: recall its contents", r.what("codes", i))
		}
		if it.RecallID != "" {
			return nil, model.SubjectErrorf(model.CodeDuplicate, r.input, "%s is already under recall %s", r.what("codes", i), it.RecallID)
		}
		if err := l.mayRecall(m, it.GTIN); err != nil {
			return nil, err
		}
		switch it.Class {
		case model.ClassLot:
			lots[it.Code] = true
		case model.ClassLotPart:
			lots[it.Lot] = true
		}
	}
	marked := codesOf(refs)
	named := map[string]bool{}
	for _, c := range marked {
		named[c] = true
	}
	for _, lot := range sortedKeys(lots) {
		parts, err := l.descendants(lot, named, model.MaxCodesPerTx-len(marked))
		if err != nil {
			return nil, err
		}
		for _, p := range parts {
			if !named[p] {
				named[p] = true
				marked = append(marked, p)
			}
		}
	}
	for _, code := range marked {
		it := l.items[code]
		it.RecallID, it.RecalledAt = rec.ID, l.now()
		if it.RecallEvent, err = l.anchor(recallEvent(it.Code, rec, it.RecalledAt, model.Anchor{})); err != nil {
			return nil, err
		}
		l.save(it)
		if err := l.mark(it.Class, recallUnitKey, rec.ID, it.Code); err != nil {
			return nil, err
		}
	}
	rec.Count = len(marked)
	return marked, nil
}

// descendants returns the parts of lot that were split, directly or through
// other parts, off an item in named (the lot itself included) and that are not
// under a recall yet, in key order. Reading more than limit parts is refused.
func (l *Ledger) descendants(lot string, named map[string]bool, limit int) ([]string, error) {
	var parts []string
	err := l.store.Scan(lotPartKey, []string{lot}, func(kv state.KV) error {
		if len(parts) >= limit {
			return model.SubjectErrorf(model.CodeInvalidArgument, lot,
				"lot %s has more than %d parts to recall in one transaction: recall its batch instead", lot, limit)
		}
		_, attrs, err := l.store.SplitKey(kv.Key)
		if err != nil || len(attrs) != 2 {
			return fmt.Errorf("malformed lot part key %q", kv.Key)
		}
		parts = append(parts, attrs[1])
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := l.load(parts...); err != nil {
		return nil, err
	}
	covered := func(code string) bool {
		for depth := 0; code != "" && depth <= model.MaxCodesPerTx; depth++ {
			if named[code] {
				return true
			}
			it := l.items[code]
			if it == nil || it.Class != model.ClassLotPart {
				return false
			}
			code = it.SplitFrom
		}
		return false
	}
	var out []string
	for _, p := range parts {
		if it := l.items[p]; it != nil && it.RecallID == "" && covered(p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// mayRecall allows the Regulator and the product's manufacturer.
func (l *Ledger) mayRecall(m *model.Member, gtin string) error {
	p, err := l.reg.RequireProduct(gtin)
	if err != nil {
		return err
	}
	if m.Role != model.RoleRegulator && p.Manufacturer != m.MSPID {
		return model.SubjectErrorf(model.CodeForbidden, gtin, "product %s belongs to %s", gtin, p.Manufacturer)
	}
	return nil
}

// GetRecall returns a recall record to any member.
func (l *Ledger) GetRecall(id string) (*model.Recall, error) {
	if _, err := l.reg.Caller(); err != nil {
		return nil, err
	}
	r, err := l.recallByID(id)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, model.SubjectErrorf(model.CodeNotFound, id, "no recall %s", id)
	}
	return r, nil
}

// RecallReport lists the items a recall affects, a page at a time: each with
// the outermost container holding it, its effective holder and disposition.
// A batch recall walks the batch index written at commissioning.
func (l *Ledger) RecallReport(id string, pageSize int32, bookmark string) (*model.RecallReportPage, error) {
	rec, err := l.GetRecall(id)
	if err != nil {
		return nil, err
	}
	objectType, attrs := recallUnitKey, []string{rec.ID}
	if rec.GTIN != "" {
		objectType, attrs = batchKey, []string{rec.GTIN, rec.Batch}
	}
	page, err := l.store.ScanPage(objectType, attrs, model.PageSize(pageSize), bookmark)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalidArgument, "reading the recall report: %v", err)
	}
	codes := make([]string, 0, len(page.Entries))
	for _, kv := range page.Entries {
		_, a, err := l.store.SplitKey(kv.Key)
		if err != nil || len(a) == 0 {
			return nil, fmt.Errorf("malformed index key %q", kv.Key)
		}
		codes = append(codes, a[len(a)-1])
	}
	if err := l.load(codes...); err != nil {
		return nil, err
	}
	out := &model.RecallReportPage{Recall: *rec, Bookmark: page.Bookmark}
	for _, code := range codes {
		it := l.items[code]
		if it == nil {
			continue
		}
		v, err := l.chain(it)
		if err != nil {
			return nil, err
		}
		holder, err := l.reg.Party(v.holder())
		if err != nil {
			return nil, err
		}
		out.Entries = append(out.Entries, model.RecallEntry{
			Code: it.Code, Class: it.Class, TopContainer: v.topContainer(), Holder: holder,
			Disposition: v.disposition(), Destination: v.destination(), Quantity: it.Quantity,
			SoldBeforeRecall: it.SoldBy != "" && it.SoldAt.Before(rec.IssuedAt),
		})
	}
	return out, nil
}

// recallByID reads a recall record, nil when absent.
func (l *Ledger) recallByID(id string) (*model.Recall, error) {
	return l.readRecall(recallIDKey, id)
}

// batchRecall reads the recall marker of a batch, nil when not recalled.
func (l *Ledger) batchRecall(gtin, batch string) (*model.Recall, error) {
	return l.readRecall(recallKey, gtin, batch)
}

func (l *Ledger) readRecall(objectType string, attrs ...string) (*model.Recall, error) {
	k, err := l.key(objectType, attrs...)
	if err != nil {
		return nil, err
	}
	var r model.Recall
	found, err := state.GetJSON(l.store, k, &r)
	if err != nil || !found {
		return nil, err
	}
	return &r, nil
}

// AcknowledgeRecall records that the calling member took note of a recall
// that reaches goods it holds. One constant-cost write: whether the member
// holds any of the goods is what the recall report shows, page by page, and
// an acknowledgement by a member that holds none changes nothing. A closed
// recall takes no more acknowledgements.
func (l *Ledger) AcknowledgeRecall(id string) (*model.RecallAck, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.RequireAdmin("acknowledge recalls", model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer)
	if err != nil {
		return nil, err
	}
	rec, err := l.GetRecall(id)
	if err != nil {
		return nil, err
	}
	if rec.Closed != nil {
		return nil, model.SubjectErrorf(model.CodeBadState, rec.ID, "recall %s was closed at %s", rec.ID, rec.Closed.At.Format(time.RFC3339))
	}
	k, err := l.key(recallAckKey, rec.ID, m.MSPID)
	if err != nil {
		return nil, err
	}
	var prior model.RecallAck
	if found, err := state.GetJSON(l.store, k, &prior); err != nil {
		return nil, err
	} else if found {
		return nil, model.SubjectErrorf(model.CodeDuplicate, rec.ID, "%s acknowledged recall %s at %s", m.MSPID, rec.ID, prior.At.Format(time.RFC3339))
	}
	ack := &model.RecallAck{RecallID: rec.ID, MSPID: m.MSPID, At: l.now(), TxID: l.txID()}
	if err := state.PutJSON(l.store, k, ack); err != nil {
		return nil, err
	}
	e := l.event(model.EventRecallAcknowledged)
	e.RecallID, e.MSPID = rec.ID, m.MSPID
	return ack, l.commit(e)
}

// ListRecallAcks pages through a recall's acknowledgements in MSP ID order:
// at most one per member.
func (l *Ledger) ListRecallAcks(id string, pageSize int32, bookmark string) (*model.RecallAckPage, error) {
	rec, err := l.GetRecall(id)
	if err != nil {
		return nil, err
	}
	page, err := l.store.ScanPage(recallAckKey, []string{rec.ID}, model.PageSize(pageSize), bookmark)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalidArgument, "listing acknowledgements: %v", err)
	}
	out := &model.RecallAckPage{Bookmark: page.Bookmark}
	for _, kv := range page.Entries {
		var a model.RecallAck
		if err := json.Unmarshal(kv.Value, &a); err != nil {
			return nil, fmt.Errorf("malformed acknowledgement %q: %w", kv.Key, err)
		}
		out.Acks = append(out.Acks, a)
	}
	return out, nil
}

// maxRecallFigure bounds a closing figure: the largest integer a JSON
// reader's float64 holds exactly.
const maxRecallFigure = 1 << 53

// CloseRecall lets the recall's issuer close it with its figures. The goods
// stay recalled: closing ends the campaign, not the quarantine. A batch
// recall's marker, which Verify and Sell read, is closed with it.
func (l *Ledger) CloseRecall(req model.CloseRecallRequest) (*model.Recall, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.RequireAdmin("close recalls", model.RoleManufacturer, model.RoleRegulator)
	if err != nil {
		return nil, err
	}
	rec, err := l.GetRecall(req.RecallID)
	if err != nil {
		return nil, err
	}
	if rec.IssuedBy != m.MSPID {
		return nil, model.SubjectErrorf(model.CodeForbidden, rec.ID, "recall %s was issued by %s: only it closes it", rec.ID, rec.IssuedBy)
	}
	if rec.Closed != nil {
		return nil, model.SubjectErrorf(model.CodeBadState, rec.ID, "recall %s was closed at %s", rec.ID, rec.Closed.At.Format(time.RFC3339))
	}
	if req.Returned < 0 || req.Destroyed < 0 || req.Returned > maxRecallFigure || req.Destroyed > maxRecallFigure {
		return nil, model.SubjectErrorf(model.CodeInvalidArgument, rec.ID, "returned and destroyed must be between 0 and %d", maxRecallFigure)
	}
	note, err := registry.Text("note", req.Note, 500, false)
	if err != nil {
		return nil, err
	}
	rec.Closed = &model.RecallClosure{At: l.now(), By: m.MSPID, Returned: req.Returned, Destroyed: req.Destroyed, Note: note, TxID: l.txID()}
	if err := l.put(rec, recallIDKey, rec.ID); err != nil {
		return nil, err
	}
	if rec.GTIN != "" {
		if err := l.put(rec, recallKey, rec.GTIN, rec.Batch); err != nil {
			return nil, err
		}
	}
	e := l.event(model.EventRecallClosed)
	e.RecallID = rec.ID
	return rec, l.commit(e)
}
