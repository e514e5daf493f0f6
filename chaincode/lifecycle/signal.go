package lifecycle

import (
	"strconv"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// FileSignal files a signal from the public's scans as a report for the
// Regulator, in the queue of clone reports (ListAlerts), decided with
// DecideAlert. A scanned_after_sale signal names a sold or decommissioned
// unit and shares the unit's one open report (Item.OpenAlert) with clone
// reports from resales; an unknown_serials signal names a registered GTIN
// and has one open report per GTIN. A second filing while the report is
// open joins it, once per reporting organisation; a repeat by the same
// organisation is refused (DUPLICATE, subject the open alert's ID), so it
// never reaches the ledger, however many organisations reported before it
// (reportedAlert). Each organisation writes at most
// model.MaxSignalsPerReporterDay signals per UTC day (LIMIT).
//
// Members that trade (manufacturers, distributors, retailers) and the
// Regulator may file: each may run a verification service. A provincial
// regulator writes nothing, and a read-only identity is refused by the
// contract. The counts are the filer's claim: the ledger checks that they
// are plausible and that the subject is in the state the reason names. A
// signal changes no verdict until the Regulator decides it.
//
// Work: the caller, the unit (and its container chain) or the product and
// its open signal, the open alert with the caller's report record, the
// quota; writes the alert and its log copy, the report record, the quota,
// and the unit with its trace event or the GTIN's marker.
func (l *Ledger) FileSignal(req model.FileSignalRequest) (*model.SignalResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Require("file scan signals", model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer, model.RoleRegulator)
	if err != nil {
		return nil, err
	}
	if err := l.checkSignalClaim(req); err != nil {
		return nil, err
	}
	switch req.Reason {
	case model.AlertReasonScannedAfterSale:
		if req.GTIN != "" {
			return nil, model.Errorf(model.CodeInvalidArgument, "a %s signal names a unit (code), not a gtin", req.Reason)
		}
		return l.fileUnitSignal(m.MSPID, req)
	case model.AlertReasonUnknownSerials:
		if req.Code != "" {
			return nil, model.Errorf(model.CodeInvalidArgument, "an %s signal names a gtin, not a unit (code)", req.Reason)
		}
		return l.fileGTINSignal(m.MSPID, req)
	}
	return nil, model.Errorf(model.CodeInvalidArgument, "reason must be %q or %q, got %s", model.AlertReasonScannedAfterSale, model.AlertReasonUnknownSerials, excerpt(req.Reason))
}

// checkSignalClaim checks that the filer's counts are plausible: at least
// one scan, at most model.MaxSignalScans, counted from a time not in the
// future and at most model.MaxSignalSpan ago.
func (l *Ledger) checkSignalClaim(req model.FileSignalRequest) error {
	if req.Scans < 1 || req.Scans > model.MaxSignalScans {
		return model.Errorf(model.CodeInvalidArgument, "scans must be 1 to %d, got %d", model.MaxSignalScans, req.Scans)
	}
	now := l.now()
	if req.Since.IsZero() || req.Since.After(now) || now.Sub(req.Since) > model.MaxSignalSpan {
		return model.Errorf(model.CodeInvalidArgument, "since must lie within %s before the transaction time", model.MaxSignalSpan)
	}
	return nil
}

// fileUnitSignal files a scanned_after_sale signal on a sold or
// decommissioned unit.
func (l *Ledger) fileUnitSignal(reporter string, req model.FileSignalRequest) (*model.SignalResult, error) {
	it, err := l.unitByCode(req.Code)
	if err != nil {
		return nil, err
	}
	if it.Class != model.ClassUnit {
		return nil, model.SubjectErrorf(model.CodeBadState, it.Code, "%s is a %s: scan signals name serialised units", it.Code, it.Class)
	}
	if it.CloneConfirmed != "" {
		return nil, model.SubjectErrorf(model.CodeBadState, it.Code, "the Regulator already confirmed a clone of %s (alert %s)", it.Code, it.CloneConfirmed)
	}
	v, err := l.chain(it)
	if err != nil {
		return nil, err
	}
	if d := v.disposition(); d != model.DispositionRetailSold && !d.Decommissioned() {
		return nil, model.SubjectErrorf(model.CodeBadState, it.Code, "%s is %s: a %s signal names a sold or decommissioned unit", it.Code, d, req.Reason)
	}
	subject := func(e *model.Event) { e.GTIN, e.Batch, e.Count, e.Codes = it.GTIN, it.Batch, 1, []string{it.Code} }
	joined, a, err := l.startSignal(reporter, req, it.Code, it.OpenAlert, subject)
	if err != nil || joined != nil {
		return joined, err
	}
	a.Code, a.GTIN, a.Batch, a.SoldBy, a.SoldAt = it.Code, it.GTIN, it.Batch, it.SoldBy, it.SoldAt
	if err := l.openReport(it, a); err != nil {
		return nil, err
	}
	return l.writeSignal(model.SignalFiled, a, subject)
}

// fileGTINSignal files an unknown_serials signal on a registered GTIN.
func (l *Ledger) fileGTINSignal(reporter string, req model.FileSignalRequest) (*model.SignalResult, error) {
	g, openKey, open, err := l.gtinSignal(req.GTIN)
	if err != nil {
		return nil, err
	}
	if _, err := l.reg.RequireProduct(g); err != nil {
		return nil, err
	}
	subject := func(e *model.Event) { e.GTIN = g }
	joined, a, err := l.startSignal(reporter, req, g, open, subject)
	if err != nil || joined != nil {
		return joined, err
	}
	a.GTIN = g
	if err := l.store.Put(openKey, []byte(a.ID)); err != nil {
		return nil, err
	}
	return l.writeSignal(model.SignalFiled, a, subject)
}

// gtinSignal reads the open unknown_serials signal of a GTIN in any length:
// the GTIN-14, the key of its marker and the open signal's ID, "" for none.
func (l *Ledger) gtinSignal(gtin string) (g, openKey, open string, err error) {
	g, err = identifier.NormalizeGTIN(strings.TrimSpace(gtin))
	if err != nil {
		return "", "", "", model.SubjectErrorf(model.CodeInvalidCode, excerpt(gtin), "invalid gtin: %v", err)
	}
	if openKey, err = l.key(gtinAlertKey, g); err != nil {
		return "", "", "", err
	}
	raw, err := l.store.Get(openKey)
	if err != nil {
		return "", "", "", err
	}
	return g, openKey, string(raw), nil
}

// startSignal joins the subject's open report open (an alert stored under
// alertSubject) and returns the result, or, when none is open, spends the
// reporter's quota and returns the new report for the caller to complete.
func (l *Ledger) startSignal(reporter string, req model.FileSignalRequest, alertSubject, open string, subject func(*model.Event)) (*model.SignalResult, *model.Alert, error) {
	if open != "" {
		a, reported, err := l.reportedAlert(alertSubject, open, reporter)
		if err != nil {
			return nil, nil, err
		}
		res, err := l.joinSignal(reporter, req, a, reported, subject)
		return res, nil, err
	}
	if err := l.spendSignalQuota(reporter); err != nil {
		return nil, nil, err
	}
	a := &model.Alert{
		ID: l.txID(), Reason: req.Reason, Status: model.AlertOpen, Reporter: reporter,
		DetectedAt: l.now(), Scans: req.Scans, ScansSince: req.Since.UTC(), ScansBy: reporter,
	}
	return nil, a, l.noteReport(a, reporter)
}

// joinSignal adds reporter to the subject's open report a. A reporter that
// already reported it (reported, from reportedAlert) is refused: one open
// report per subject, and one report in it per organisation, however many
// organisations reported it. The report keeps the largest scan claim, with
// the name of the reporter that made it.
func (l *Ledger) joinSignal(reporter string, req model.FileSignalRequest, a *model.Alert, reported bool, subject func(*model.Event)) (*model.SignalResult, error) {
	if reported {
		return nil, model.SubjectErrorf(model.CodeDuplicate, a.ID, "%s already reported the open report %s", reporter, a.ID)
	}
	if err := l.spendSignalQuota(reporter); err != nil {
		return nil, err
	}
	if err := l.noteReport(a, reporter); err != nil {
		return nil, err
	}
	if req.Scans > a.Scans {
		a.Scans, a.ScansSince, a.ScansBy = req.Scans, req.Since.UTC(), reporter
	}
	return l.writeSignal(model.SignalJoined, a, subject)
}

// writeSignal writes the report a signal filed or joined, and sets the
// transaction's CloneAlert event about subject.
func (l *Ledger) writeSignal(outcome string, a *model.Alert, subject func(*model.Event)) (*model.SignalResult, error) {
	if err := l.putAlert(a); err != nil {
		return nil, err
	}
	e := l.event(model.EventCloneAlert)
	subject(&e)
	e.AlertID = a.ID
	if err := l.commit(e); err != nil {
		return nil, err
	}
	return &model.SignalResult{Outcome: outcome, Alert: *a}, nil
}

// spendSignalQuota counts one signal of reporter on the transaction's UTC
// day, or refuses with LIMIT when the day's quota is used up.
func (l *Ledger) spendSignalQuota(reporter string) error {
	return l.spendQuota(signalQuota, reporter, model.MaxSignalsPerReporterDay, "signals")
}

// excerpt quotes at most 40 bytes of untrusted input for an error message.
func excerpt(s string) string {
	const n = 40
	if len(s) > n {
		s = s[:n] + "..."
	}
	return strconv.Quote(s)
}
