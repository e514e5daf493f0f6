package lifecycle

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state"
)

// ListAlerts pages through suspected-clone alerts, oldest first. Only the
// Regulator and the provincial regulators may list them (every region's: an
// alert names organisations, never buyers).
func (l *Ledger) ListAlerts(pageSize int32, bookmark string) (*model.AlertPage, error) {
	if _, err := l.reg.Require("list alerts", model.RoleRegulator, model.RoleProvincialRegulator); err != nil {
		return nil, err
	}
	page, err := l.store.ScanPage(alertLogKey, nil, model.PageSize(pageSize), bookmark)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalidArgument, "listing alerts: %v", err)
	}
	out := &model.AlertPage{Bookmark: page.Bookmark}
	for _, kv := range page.Entries {
		var a model.Alert
		if err := json.Unmarshal(kv.Value, &a); err != nil {
			return nil, fmt.Errorf("decoding alert: %w", err)
		}
		out.Alerts = append(out.Alerts, a)
	}
	return out, nil
}

// DecideAlert records the Regulator's decision on a unit's open clone report
// (a resale's or a scan signal's), or with GTIN on a product's open
// unknown_serials signal (decideGTINSignal). Confirming a unit's report makes
// the unit verify suspected_clone from then on; dismissing it leaves the
// verdict as it was. Only an administrator of the Regulator may
// decide, once per alert. Writes: the alert and its log copy, the unit and its
// event.
func (l *Ledger) DecideAlert(req model.DecideAlertRequest) (*model.Alert, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.RequireAdmin("decide alerts", model.RoleRegulator)
	if err != nil {
		return nil, err
	}
	if req.Decision != model.DecisionConfirm && req.Decision != model.DecisionDismiss {
		return nil, model.Errorf(model.CodeInvalidArgument, "decision must be %q or %q, got %q", model.DecisionConfirm, model.DecisionDismiss, req.Decision)
	}
	note, err := registry.Text("note", req.Note, 500, false)
	if err != nil {
		return nil, err
	}
	staff, err := registry.Text("staff", req.Staff, model.MaxStaffLen, false)
	if err != nil {
		return nil, err
	}
	if req.GTIN != "" {
		if req.Code != "" {
			return nil, model.Errorf(model.CodeInvalidArgument, "give code (a unit's report) or gtin (a product's unknown_serials signal), not both")
		}
		return l.decideGTINSignal(m.MSPID, staff, req, note)
	}
	it, err := l.unitByCode(req.Code)
	if err != nil {
		return nil, err
	}
	if it.OpenAlert == "" || it.OpenAlert != req.AlertID {
		return nil, model.SubjectErrorf(model.CodeBadState, req.AlertID, "%s is not the open alert of %s", req.AlertID, it.Code)
	}
	a, err := l.alert(it.Code, it.OpenAlert)
	if err != nil {
		return nil, err
	}
	decide(a, req.Decision, m.MSPID, staff, l.now(), note)
	if a.Status == model.AlertConfirmed {
		it.CloneConfirmed = a.ID
	}
	it.OpenAlert = ""
	l.save(it)
	if err := l.putAlert(a); err != nil {
		return nil, err
	}
	if err := l.record(it.Code, model.TraceEvent{Type: model.EventAlertDecided, BizStep: model.BizStepRetailSelling, Disposition: it.Disposition, AlertID: a.ID}); err != nil {
		return nil, err
	}
	e := l.event(model.EventAlertDecided)
	e.GTIN, e.Batch, e.Count, e.Codes, e.AlertID = it.GTIN, it.Batch, 1, []string{it.Code}, a.ID
	return a, l.commit(e)
}

// decideGTINSignal records the Regulator's decision on a product's open
// unknown_serials signal. It changes no verdict: every fake serial already
// verifies unknown, and the product's genuine units are not touched. A
// confirmation is the Regulator's finding, on the ledger and in the
// AlertDecided event the maker can follow, that fake labels of the product
// circulate; either decision closes the signal, so that a later one may be
// filed.
func (l *Ledger) decideGTINSignal(regulator, staff string, req model.DecideAlertRequest, note string) (*model.Alert, error) {
	g, openKey, open, err := l.gtinSignal(req.GTIN)
	if err != nil {
		return nil, err
	}
	if open == "" || open != req.AlertID {
		return nil, model.SubjectErrorf(model.CodeBadState, req.AlertID, "%s is not the open signal of GTIN %s", req.AlertID, g)
	}
	a, err := l.alert(g, req.AlertID)
	if err != nil {
		return nil, err
	}
	decide(a, req.Decision, regulator, staff, l.now(), note)
	if err := l.store.Delete(openKey); err != nil {
		return nil, err
	}
	if err := l.putAlert(a); err != nil {
		return nil, err
	}
	e := l.event(model.EventAlertDecided)
	e.GTIN, e.AlertID = g, a.ID
	return a, l.commit(e)
}

// decide applies the Regulator's decision to an open alert, with the staff
// member its console names.
func decide(a *model.Alert, d model.AlertDecision, regulator, staff string, at time.Time, note string) {
	a.DecidedBy, a.DecidedAt, a.Note, a.DecidedByStaff = regulator, at, note, staff
	a.Status = model.AlertDismissed
	if d == model.DecisionConfirm {
		a.Status = model.AlertConfirmed
	}
}

// quotaDayLayout names the UTC day of an organisation's daily quotas.
const quotaDayLayout = "2006-01-02"

// alert reads an alert of a unit; a missing one is a broken ledger.
func (l *Ledger) alert(code, id string) (*model.Alert, error) {
	k, err := l.key(alertKey, code, id)
	if err != nil {
		return nil, err
	}
	var a model.Alert
	found, err := state.GetJSON(l.store, k, &a)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, model.SubjectErrorf(model.CodeInternal, id, "alert %s of %s is missing", id, code)
	}
	return &a, nil
}

// reportedAlert reads the open alert id of subject and whether reporter
// already reported it, in one round trip. A report is remembered under
// alertreporter~{id}~{reporter} (noteReport), which, unlike the bounded
// Alert.Reporters, holds every reporter, so an organisation past the
// MaxAlertReporters-th cannot report the same open alert again; the list and
// the first reporter are still consulted for the alerts filed before that
// record existed. The transaction reads the record it would write, so two
// reports by one organisation in one block conflict and one fails.
func (l *Ledger) reportedAlert(subject, id, reporter string) (*model.Alert, bool, error) {
	ak, err := l.key(alertKey, subject, id)
	if err != nil {
		return nil, false, err
	}
	rk, err := l.key(reportedKey, id, reporter)
	if err != nil {
		return nil, false, err
	}
	// One round trip for both keys; alert then reads its key from the
	// transaction's read cache.
	vals, err := l.store.GetMany([]string{ak, rk})
	if err != nil {
		return nil, false, err
	}
	a, err := l.alert(subject, id)
	if err != nil {
		return nil, false, err
	}
	return a, vals[1] != nil || a.Reporter == reporter || slices.Contains(a.Reporters, reporter), nil
}

// noteReport counts reporter's report in alert a, new or open, and remembers
// it for reportedAlert. Alert.Reporters shows the first MaxAlertReporters;
// Reports counts them all.
func (l *Ledger) noteReport(a *model.Alert, reporter string) error {
	a.Reports++
	if len(a.Reporters) < model.MaxAlertReporters {
		a.Reporters = append(a.Reporters, reporter)
	}
	k, err := l.key(reportedKey, a.ID, reporter)
	if err != nil {
		return err
	}
	return l.store.Put(k, []byte(l.txID()))
}

// spendQuota counts one write of reporter on the transaction's UTC day under
// the counter objectType, or refuses with LIMIT when max were written that
// day; what names the writes in the message.
func (l *Ledger) spendQuota(objectType, reporter string, limit int, what string) error {
	k, err := l.key(objectType, reporter, l.now().UTC().Format(quotaDayLayout))
	if err != nil {
		return err
	}
	var n int
	if _, err := state.GetJSON(l.store, k, &n); err != nil {
		return err
	}
	if n >= limit {
		return model.SubjectErrorf(model.CodeLimit, reporter, "%s filed %d %s today, the most one organisation may file a day", reporter, n, what)
	}
	return state.PutJSON(l.store, k, n+1)
}

// putAlert writes an alert and its chronological copy, under its unit, or
// under its GTIN for a signal that names no unit.
func (l *Ledger) putAlert(a *model.Alert) error {
	subject := a.Code
	if subject == "" {
		subject = a.GTIN
	}
	if err := l.put(a, alertKey, subject, a.ID); err != nil {
		return err
	}
	return l.put(a, alertLogKey, a.DetectedAt.Format(timeLayout), a.ID, subject)
}
