package lifecycle

import (
	"bytes"
	"encoding/json"
	"slices"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
)

// Sell sells a unit the calling retailer holds to an end customer. The buyer
// data comes only from the transient map (model.TransientSaleKey); it is kept
// in the seller's private collection and only its salted hash goes public.
// A unit inside a container the retailer holds is unpacked implicitly.
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
	sale, err := l.saleInput()
	if err != nil {
		return nil, err
	}
	days, err := retentionDays(req.RetentionDays)
	if err != nil {
		return nil, err
	}
	r, err := parseCode(req.Code, "code")
	if err != nil {
		return nil, err
	}
	it, err := l.mustItem(r.code, "unit")
	if err != nil {
		return nil, err
	}
	if it.Class != model.ClassUnit {
		return nil, model.SubjectErrorf(model.CodeBadState, it.Code, "%s is a %s: only serialised units are sold", it.Code, it.Class)
	}
	if it.Disposition == model.DispositionRetailSold {
		return l.refuseResale(m.MSPID, it)
	}
	if err := l.takeForSale(it, m.MSPID); err != nil {
		return nil, err
	}
	rec, err := l.keepSaleRecord(it.Code, m.MSPID, sale, days)
	if err != nil {
		return nil, err
	}
	hash, now := rec.SaleHash, rec.RecordedAt
	it.Holder, it.Disposition = m.MSPID, model.DispositionRetailSold
	it.SaleHash, it.SoldBy, it.SoldAt, it.SaleRetainUntil = hash, m.MSPID, now, rec.RetainUntil
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

// takeForSale checks that seller may sell unit it now (not recalled, held by
// the seller, active) and takes it out of the case it is in, recording the
// case's unpacking.
func (l *Ledger) takeForSale(it *model.Item, seller string) error {
	v, err := l.chain(it)
	if err != nil {
		return err
	}
	if v, err = l.withRecall(v); err != nil {
		return err
	}
	if v.recall != nil {
		return model.SubjectErrorf(model.CodeRecalled, it.Code, "unit is under recall %s", v.recall.ID)
	}
	if h := v.holder(); h != seller {
		return model.SubjectErrorf(model.CodeNotHolder, it.Code, "unit is held by %s", h)
	}
	if d := v.disposition(); d != model.DispositionActive {
		return model.SubjectErrorf(model.CodeBadState, it.Code, "unit is %s", d)
	}
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

// keepSaleRecord writes the sale's buyer data to the seller's private
// collection, where only the seller and the Regulator read it, and returns
// the record; the public ledger gets only its salted hash.
func (l *Ledger) keepSaleRecord(code, seller string, sale *model.SaleTransient, days int) (*model.SaleRecord, error) {
	now := l.now()
	rec := &model.SaleRecord{
		Code: code, Seller: seller, TxID: l.txID(), RecordedAt: now, RetainUntil: now.AddDate(0, 0, days),
		SalesTime: sale.SalesTime.UTC(), BuyerName: sale.BuyerName, BuyerAddress: sale.BuyerAddress, BuyerContact: sale.BuyerContact,
		Salt: sale.Salt, SaleHash: model.SaleHash(sale.Salt, sale.SaleData),
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	k, err := l.key(saleKey, code)
	if err != nil {
		return nil, err
	}
	if err := l.store.PutPrivate(model.SalesCollection(seller), k, raw); err != nil {
		return nil, err
	}
	return rec, nil
}

// refuseResale turns a second sale of it into a clone report. The first
// report opens an alert; a report by another organisation while the alert is
// open joins it; a repeated report by the same organisation changes nothing.
// No report changes the unit's verdict: the Regulator decides (DecideAlert).
func (l *Ledger) refuseResale(reporter string, it *model.Item) (*model.SellResult, error) {
	// The proposal carries buyer data in its transient map even when the sale is refused. A
	// read of the reporter's sales collection declares that collection in the endorsement's
	// chaincode interest, so the gateway asks only collection members to endorse and the
	// buyer data reaches no other organisation. Without it, a refusal touches no private data
	// and any two organisations could be chosen.
	k, err := l.key(saleKey, it.Code)
	if err != nil {
		return nil, err
	}
	if _, err := l.store.GetPrivate(model.SalesCollection(reporter), k); err != nil {
		return nil, err
	}
	res := &model.SellResult{Outcome: model.OutcomeRefusedAlreadySold, Code: it.Code, TxID: l.txID()}
	var a *model.Alert
	if it.OpenAlert != "" {
		if a, err = l.alert(it.Code, it.OpenAlert); err != nil {
			return nil, err
		}
		res.AlertID = a.ID
		if slices.Contains(a.Reporters, reporter) || a.Reporter == reporter {
			// Deduplicated: nothing to write, but like every submitted transaction
			// it sets its one event.
			return res, l.commit(cloneReportEvent(l, it, a))
		}
		a.Reports++
		if len(a.Reporters) < model.MaxAlertReporters {
			a.Reporters = append(a.Reporters, reporter)
		}
	} else {
		a = &model.Alert{
			ID: l.txID(), Code: it.Code, GTIN: it.GTIN, Batch: it.Batch, Reason: model.AlertReasonAlreadySold,
			Status: model.AlertOpen, Reporter: reporter, Reporters: []string{reporter}, Reports: 1,
			DetectedAt: l.now(), SoldBy: it.SoldBy, SoldAt: it.SoldAt,
		}
		it.OpenAlert = a.ID
		res.AlertID = a.ID
		l.save(it)
		if err := l.record(it.Code, model.TraceEvent{Type: model.EventCloneAlert, BizStep: model.BizStepRetailSelling, Disposition: it.Disposition, AlertID: a.ID}); err != nil {
			return nil, err
		}
	}
	if err := l.putAlert(a); err != nil {
		return nil, err
	}
	if err := l.commit(cloneReportEvent(l, it, a)); err != nil {
		return nil, err
	}
	return res, nil
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
// its seller or of the Regulator, sealed with the key the caller passed in the
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
	if m.MSPID != it.SoldBy && m.Role != model.RoleRegulator {
		return nil, model.SubjectErrorf(model.CodeForbidden, it.Code, "only the seller and the Regulator may read the sale record")
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
	var rec model.SaleRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, err
	}
	return model.SealSale(readKey, l.txID(), &rec)
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
	r, err := parseCode(code, "code")
	if err != nil {
		return nil, err
	}
	it, err := l.mustItem(r.code, "unit")
	if err != nil {
		return nil, err
	}
	if it.SoldBy == "" {
		return nil, model.SubjectErrorf(model.CodeNotFound, it.Code, "unit has not been sold")
	}
	return it, nil
}
