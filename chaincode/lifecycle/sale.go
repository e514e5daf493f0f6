package lifecycle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
)

// RecordSale is the first half of a sale (see model.SellRequest): it keeps
// the buyer data, which comes only from the transient map
// (model.TransientSaleKey), in the calling retailer's sales collection, and
// writes nothing public, so that the collection's endorsement policy (the
// seller's peers) is the only one that applies and no other organisation
// is asked to endorse, or sees, the buyer data. The checks of Sell run here
// too, so that a sale Sell would refuse keeps no buyer data; Sell checks
// again, since only it is endorsed by two organisations.
//
// A unit already sold keeps nothing (ALREADY_SOLD): Sell, with no record,
// files the clone report.
func (l *Ledger) RecordSale(req model.RecordSaleRequest) (*model.RecordSaleResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Require("sell goods", model.RoleRetailer)
	if err != nil {
		return nil, err
	}
	sale, err := l.saleInput()
	if err != nil {
		return nil, err
	}
	days, err := retentionDays(req.RetentionDays)
	if err != nil {
		return nil, err
	}
	it, err := l.saleUnit(req.Code)
	if err != nil {
		return nil, err
	}
	if it.Disposition == model.DispositionRetailSold {
		return nil, model.SubjectErrorf(model.CodeAlreadySold, it.Code, "the unit was sold before: Sell it without a record to report the resale")
	}
	if _, err := l.saleView(it, m.MSPID); err != nil {
		return nil, err
	}
	rec, raw, err := l.keepSaleRecord(it.Code, m.MSPID, sale, days)
	if err != nil {
		return nil, err
	}
	e := l.event(model.EventSaleRecorded)
	e.Count, e.Codes = 1, []string{it.Code}
	if err := l.commit(e); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	return &model.RecordSaleResult{Outcome: model.OutcomeRecorded, Code: it.Code, SaleHash: rec.SaleHash,
		RecordHash: hex.EncodeToString(sum[:]), TxID: l.txID()}, nil
}

// Sell is the second half of a sale: it sells a unit the calling retailer
// holds to an end customer, whose record RecordSale kept. It carries no
// buyer data (a proposal that does is refused: it would reach endorsers
// outside the collection) and is endorsed like any move, so no organisation
// alone writes a sale's public record. Every endorser, member of the
// collection or not, checks the record against the hash its peer keeps of
// it; the public record gets the salted hash and the record's hash. A unit
// inside a container the retailer holds is unpacked implicitly.
//
// Selling a unit that was already sold is refused without an error, so the
// transaction files a clone report (refuseResale) that the Regulator decides;
// the result says which happened.
func (l *Ledger) Sell(req model.SellRequest) (*model.SellResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Require("sell goods", model.RoleRetailer)
	if err != nil {
		return nil, err
	}
	if raw, err := l.store.Transient(model.TransientSaleKey); err != nil || len(raw) != 0 {
		return nil, model.Errorf(model.CodeInvalidArgument, "Sell takes no buyer data: keep it with RecordSale, endorsed by the seller alone, and pass the record's hashes")
	}
	days, err := retentionDays(req.RetentionDays)
	if err != nil {
		return nil, err
	}
	it, err := l.saleUnit(req.Code)
	if err != nil {
		return nil, err
	}
	if it.Disposition == model.DispositionRetailSold {
		return l.refuseResale(m.MSPID, it)
	}
	v, err := l.saleView(it, m.MSPID)
	if err != nil {
		return nil, err
	}
	if err := l.checkSaleRecord(it.Code, m.MSPID, req); err != nil {
		return nil, err
	}
	if err := l.takeForSale(it, v, m.MSPID); err != nil {
		return nil, err
	}
	now := l.now()
	it.Holder, it.Disposition = m.MSPID, model.DispositionRetailSold
	it.SaleHash, it.SaleRecordHash, it.SoldBy, it.SoldAt, it.SaleRetainUntil = req.SaleHash, req.RecordHash, m.MSPID, now, now.AddDate(0, 0, days)
	hash := req.SaleHash
	l.save(it)
	if err := l.record(it.Code, model.TraceEvent{Type: model.EventSold, BizStep: model.BizStepRetailSelling, Disposition: model.DispositionRetailSold}); err != nil {
		return nil, err
	}
	e := l.event(model.EventSold)
	e.GTIN, e.Batch, e.Count, e.Codes, e.SaleHash = it.GTIN, it.Batch, 1, []string{it.Code}, hash
	if err := l.commit(e); err != nil {
		return nil, err
	}
	return &model.SellResult{Outcome: model.OutcomeSold, Code: it.Code, SaleHash: hash, TxID: l.txID()}, nil
}

// retentionDays is how long a sale record is kept: the default, or what the
// request asks within the allowed range.
func retentionDays(requested int) (int, error) {
	if requested == 0 {
		return model.DefaultSaleRetentionDays, nil
	}
	if requested < model.MinSaleRetentionDays || requested > model.DefaultSaleRetentionDays {
		return 0, model.Errorf(model.CodeInvalidArgument, "retentionDays must be between %d and %d", model.MinSaleRetentionDays, model.DefaultSaleRetentionDays)
	}
	return requested, nil
}

// saleUnit loads the serialised unit a sale names.
func (l *Ledger) saleUnit(code string) (*model.Item, error) {
	it, err := l.unitByCode(code)
	if err != nil {
		return nil, err
	}
	if it.Class != model.ClassUnit {
		return nil, model.SubjectErrorf(model.CodeBadState, it.Code, "%s is a %s: only serialised units are sold", it.Code, it.Class)
	}
	return it, nil
}

// saleView checks that seller may sell unit it now: not recalled, held by
// the seller, active.
func (l *Ledger) saleView(it *model.Item, seller string) (view, error) {
	v, err := l.chain(it)
	if err != nil {
		return v, err
	}
	if v, err = l.withRecall(v); err != nil {
		return v, err
	}
	if v.recall != nil {
		return v, model.SubjectErrorf(model.CodeRecalled, it.Code, "unit is under recall %s", v.recall.ID)
	}
	if h := v.holder(); h != seller {
		return v, model.SubjectErrorf(model.CodeNotHolder, it.Code, "unit is held by %s", h)
	}
	if d := v.disposition(); d != model.DispositionActive {
		return v, model.SubjectErrorf(model.CodeBadState, it.Code, "unit is %s", d)
	}
	return v, nil
}

// takeForSale takes a unit seller may sell (v, from saleView) out of the
// case it is in, recording the case's unpacking.
func (l *Ledger) takeForSale(it *model.Item, v view, seller string) error {
	if len(v.chain) == 0 {
		return nil
	}
	parent := v.chain[0]
	if err := l.takeOut(parent, it, seller); err != nil {
		return err
	}
	l.save(parent)
	return l.record(parent.Code, model.TraceEvent{Type: model.EventUnpacked, BizStep: model.BizStepUnpacking, Disposition: model.DispositionActive, Count: 1})
}

// checkSaleRecord checks that the seller's sales collection holds, for
// code, the record RecordSale returned the hash of. The peer keeps the
// hash of every private value for members and non-members alike, so every
// endorser checks it without reading the buyer data.
func (l *Ledger) checkSaleRecord(code, seller string, req model.SellRequest) error {
	if !isHexSHA256(req.SaleHash) || !isHexSHA256(req.RecordHash) {
		return model.SubjectErrorf(model.CodeInvalidArgument, code, "saleHash and recordHash must be the 64 hex digits RecordSale returned")
	}
	k, err := l.key(saleKey, code)
	if err != nil {
		return err
	}
	h, err := l.store.GetPrivateHash(model.SalesCollection(seller), k)
	if err != nil {
		return err
	}
	if h == nil {
		return model.SubjectErrorf(model.CodeNotFound, code, "no sale record: RecordSale keeps the buyer data first")
	}
	if hex.EncodeToString(h) != req.RecordHash {
		return model.SubjectErrorf(model.CodeInvalidArgument, code, "recordHash is not the hash of the sale record %s keeps for this unit", model.SalesCollection(seller))
	}
	return nil
}

// isHexSHA256 reports whether s is 64 lowercase hex digits.
func isHexSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// keepSaleRecord writes the sale's buyer data to the seller's private
// collection, where only the seller and its regulators read it, and
// returns the record and its bytes as stored; the public ledger gets only
// the salted hash and the hash of those bytes.
func (l *Ledger) keepSaleRecord(code, seller string, sale *model.SaleTransient, days int) (*model.SaleRecord, []byte, error) {
	now := l.now()
	rec := &model.SaleRecord{
		Code: code, Seller: seller, TxID: l.txID(), RecordedAt: now, RetainUntil: now.AddDate(0, 0, days),
		SalesTime: sale.SalesTime.UTC(), BuyerName: sale.BuyerName, BuyerAddress: sale.BuyerAddress, BuyerContact: sale.BuyerContact,
		Salt: sale.Salt, SaleHash: model.SaleHash(sale.Salt, sale.SaleData),
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, nil, err
	}
	k, err := l.key(saleKey, code)
	if err != nil {
		return nil, nil, err
	}
	if err := l.store.PutPrivate(model.SalesCollection(seller), k, raw); err != nil {
		return nil, nil, err
	}
	return rec, raw, nil
}

// refuseResale turns a second sale of it into a clone report. The first
// report opens an alert; a report by another organisation while the alert is
// open joins it; a repeated report by the same organisation changes nothing,
// however many organisations reported before it (reportedAlert). Each
// organisation writes at most model.MaxCloneReportsPerReporterDay reports
// per UTC day (LIMIT), so that no retailer floods the Regulator's queue by
// "selling" sold codes. No report changes the unit's verdict: the Regulator
// decides (DecideAlert).
func (l *Ledger) refuseResale(reporter string, it *model.Item) (*model.SellResult, error) {
	res := &model.SellResult{Outcome: model.OutcomeRefusedAlreadySold, Code: it.Code, TxID: l.txID()}
	var a *model.Alert
	if it.OpenAlert != "" {
		var reported bool
		var err error
		if a, reported, err = l.reportedAlert(it.Code, it.OpenAlert, reporter); err != nil {
			return nil, err
		}
		res.AlertID = a.ID
		if reported {
			// Deduplicated: nothing to write, but like every submitted transaction
			// it sets its one event.
			return res, l.commit(cloneReportEvent(l, it, a))
		}
	}
	if err := l.spendQuota(reportQuota, reporter, model.MaxCloneReportsPerReporterDay, "clone reports"); err != nil {
		return nil, err
	}
	if a == nil {
		a = &model.Alert{
			ID: l.txID(), Code: it.Code, GTIN: it.GTIN, Batch: it.Batch, Reason: model.AlertReasonAlreadySold,
			Status: model.AlertOpen, Reporter: reporter, DetectedAt: l.now(), SoldBy: it.SoldBy, SoldAt: it.SoldAt,
		}
		res.AlertID = a.ID
		if err := l.openReport(it, a); err != nil {
			return nil, err
		}
	}
	if err := l.noteReport(a, reporter); err != nil {
		return nil, err
	}
	if err := l.putAlert(a); err != nil {
		return nil, err
	}
	if err := l.commit(cloneReportEvent(l, it, a)); err != nil {
		return nil, err
	}
	return res, nil
}

// openReport makes a the open report of unit it, and records it in the
// unit's trace.
func (l *Ledger) openReport(it *model.Item, a *model.Alert) error {
	it.OpenAlert = a.ID
	l.save(it)
	return l.record(it.Code, model.TraceEvent{Type: model.EventCloneAlert, BizStep: model.BizStepRetailSelling, Disposition: it.Disposition, AlertID: a.ID})
}

// cloneReportEvent is the chaincode event of a clone report about it.
func cloneReportEvent(l *Ledger, it *model.Item, a *model.Alert) model.Event {
	e := l.event(model.EventCloneAlert)
	e.GTIN, e.Batch, e.Count, e.Codes, e.AlertID = it.GTIN, it.Batch, 1, []string{it.Code}, a.ID
	return e
}

// saleInput reads and checks the transient buyer data. Its errors name
// fields only, never values: they end up in the transaction response.
func (l *Ledger) saleInput() (*model.SaleTransient, error) {
	raw, err := l.store.Transient(model.TransientSaleKey)
	if err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, model.Errorf(model.CodeInvalidArgument, "sale data missing: put it in the transient map under %q", model.TransientSaleKey)
	}
	var in model.SaleTransient
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, model.Errorf(model.CodeInvalidArgument, "transient sale data is not a valid sale JSON object")
	}
	if in.SalesTime.IsZero() {
		return nil, model.Errorf(model.CodeInvalidArgument, "salesTime is required")
	}
	if in.SalesTime.After(l.now().Add(24 * time.Hour)) {
		return nil, model.Errorf(model.CodeInvalidArgument, "salesTime is in the future")
	}
	if in.SalesTime.UTC().Year() < 0 {
		// The record and its hash hold the time in UTC, in RFC 3339, which
		// has no year before 0000 (0000-01-01T00:30:00+01:00 would be one).
		return nil, model.Errorf(model.CodeInvalidArgument, "salesTime lies before the year 0000 in UTC")
	}
	fields := []struct {
		name     string
		v        *string
		max      int
		required bool
	}{
		{"buyerName", &in.BuyerName, 200, true},
		{"buyerAddress", &in.BuyerAddress, 500, false},
		{"buyerContact", &in.BuyerContact, 200, true},
	}
	for _, f := range fields {
		if *f.v, err = registry.Text(f.name, *f.v, f.max, f.required); err != nil {
			return nil, err
		}
	}
	if len(in.Salt) < model.MinSaltLength || len(in.Salt) > 256 {
		return nil, model.Errorf(model.CodeInvalidArgument, "salt must have %d to 256 characters", model.MinSaltLength)
	}
	return &in, nil
}

// GetSale returns the private sale record of a unit to an administrator of
// its seller, of the Regulator or of the provincial regulator of the
// seller's region, sealed with the key the caller passed in the
// transient map (model.TransientReadKey): buyer data never appears in clear in
// a proposal response, which a submitted transaction would carry into every
// peer's blocks beyond the reach of PurgeSale. It must be evaluated on a peer
// of a collection member.
func (l *Ledger) GetSale(code string) (*model.SealedSale, error) {
	m, err := l.reg.Caller()
	if err != nil {
		return nil, err
	}
	if err := l.reg.CheckAdmin("read buyer data"); err != nil {
		return nil, err
	}
	readKey, err := l.store.Transient(model.TransientReadKey)
	if err != nil {
		return nil, err
	}
	if len(readKey) != model.ReadKeySize {
		return nil, model.Errorf(model.CodeInvalidArgument, "pass a fresh %d-byte key in the transient map under %q", model.ReadKeySize, model.TransientReadKey)
	}
	it, err := l.soldUnit(code)
	if err != nil {
		return nil, err
	}
	if err := l.mayReadSale(m, it); err != nil {
		return nil, err
	}
	if it.SalePurged {
		return nil, model.SubjectErrorf(model.CodeNotFound, it.Code, "the sale record was purged")
	}
	k, err := l.key(saleKey, it.Code)
	if err != nil {
		return nil, err
	}
	raw, err := l.store.GetPrivate(model.SalesCollection(it.SoldBy), k)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, model.SubjectErrorf(model.CodeNotFound, it.Code, "no sale record on this peer")
	}
	if it.SaleRecordHash != "" {
		// The seller's own peers alone endorse writes to its collection: a
		// record rewritten after the sale no longer has the hash the sale
		// committed to.
		if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != it.SaleRecordHash {
			return nil, model.SubjectErrorf(model.CodeBadState, it.Code, "the sale record was changed after the sale: it no longer has the hash %s the sale committed to", it.SaleRecordHash)
		}
	}
	var rec model.SaleRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, err
	}
	return model.SealSale(readKey, l.txID(), &rec)
}

// mayReadSale lets the seller, the Regulator and the provincial regulator
// of the seller's region read a sale record. The collection's membership
// keeps the data off every other peer; this keeps a member's ordinary peer
// from answering another region's regulator.
func (l *Ledger) mayReadSale(m *model.Member, it *model.Item) error {
	switch m.Role {
	case model.RoleRegulator:
		return nil
	case model.RoleProvincialRegulator:
		seller, err := l.reg.LookupMember(it.SoldBy)
		if err != nil {
			return err
		}
		if seller != nil && seller.Region != "" && m.Region != "" && seller.Region[:2] == m.Region[:2] {
			return nil
		}
		return model.SubjectErrorf(model.CodeForbidden, it.Code, "the seller %s is not in your region %s", it.SoldBy, m.Region)
	}
	if m.MSPID == it.SoldBy {
		return nil
	}
	return model.SubjectErrorf(model.CodeForbidden, it.Code, "only the seller and its regulators may read the sale record")
}

// PurgeSale lets the seller purge a sale record, with its private history,
// once the retention period has passed. The public hash stays.
func (l *Ledger) PurgeSale(code string) error {
	if err := l.checkTime(); err != nil {
		return err
	}
	m, err := l.reg.RequireAdmin("purge sale records", model.RoleRetailer)
	if err != nil {
		return err
	}
	it, err := l.soldUnit(code)
	if err != nil {
		return err
	}
	if it.SoldBy != m.MSPID {
		return model.SubjectErrorf(model.CodeForbidden, it.Code, "only the seller may purge the sale record")
	}
	if it.SalePurged {
		return model.SubjectErrorf(model.CodeBadState, it.Code, "the sale record was already purged")
	}
	if it.OpenAlert != "" {
		// The sale record is the evidence the Regulator weighs a clone report against.
		return model.SubjectErrorf(model.CodeBadState, it.Code, "a clone report (alert %s) is open: the sale record is kept until the Regulator decides", it.OpenAlert)
	}
	if l.now().Before(it.SaleRetainUntil) {
		return model.SubjectErrorf(model.CodeBadState, it.Code, "the sale record must be retained until %s", it.SaleRetainUntil.Format(time.RFC3339))
	}
	k, err := l.key(saleKey, it.Code)
	if err != nil {
		return err
	}
	if err := l.store.PurgePrivate(model.SalesCollection(m.MSPID), k); err != nil {
		return err
	}
	it.SalePurged = true
	l.save(it)
	e := l.event(model.EventSalePurged)
	e.Count, e.Codes = 1, []string{it.Code}
	return l.commit(e)
}

// soldUnit loads a unit that has been sold.
func (l *Ledger) soldUnit(code string) (*model.Item, error) {
	it, err := l.unitByCode(code)
	if err != nil {
		return nil, err
	}
	if it.SoldBy == "" {
		return nil, model.SubjectErrorf(model.CodeNotFound, it.Code, "unit has not been sold")
	}
	return it, nil
}

// unitByCode parses code and loads its item, NOT_FOUND when absent.
func (l *Ledger) unitByCode(code string) (*model.Item, error) {
	r, err := parseCode(code, "code")
	if err != nil {
		return nil, err
	}
	return l.mustItem(r.code, "unit")
}
