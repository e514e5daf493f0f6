package console

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// QueuePageSize is how many alerts one page of the queue shows.
const QueuePageSize = 50

// MaxNoteLen bounds a decision's note, as the chaincode does.
const MaxNoteLen = 500

type queueData struct {
	Alerts   []model.Alert
	Next     string // the next page's URL, "" on the last
	Decided  string // the alert just decided, for the notice
	Verdict  string
	Bookmark string
}

// queue is the queue of clone reports and signals: every alert, whatever
// its reason, oldest first, one page at a time; open ones carry the decide
// form for admin staff.
func (c *Console) queue(r *http.Request, v *view) (string, error) {
	v.Nav = "queue"
	q := r.URL.Query()
	bookmark := q.Get("bookmark")
	if len(bookmark) > 1024 {
		return "", inputErrorf("the bookmark is too long")
	}
	page, err := c.ledger.AlertsPage(r.Context(), QueuePageSize, bookmark)
	if err != nil {
		if errors.Is(err, client.ErrInvalidArgument) {
			return "", inputErrorf("the bookmark %s is not one the ledger gave", excerpt(bookmark))
		}
		return "", err
	}
	d := &queueData{Alerts: page.Alerts, Bookmark: bookmark}
	if page.Bookmark != "" {
		d.Next = c.base + "queue?" + url.Values{"bookmark": {page.Bookmark}, "lang": {v.Lang}}.Encode()
	}
	if id := q.Get("decided"); id != "" && len(id) <= 128 {
		d.Decided, d.Verdict = id, q.Get("status")
	}
	v.Data = d
	return "queue", nil
}

// decideForm is a decision as the form posts it, checked.
type decideForm struct {
	code, gtin, alertID string // code for a unit's report, gtin for a product's unknown_serials signal
	decision            model.AlertDecision
	note                string
	lang                string
}

// parseDecideForm reads the decision form: every field once, bounded.
func parseDecideForm(r *http.Request) (*decideForm, string, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return nil, "", inputErrorf("the form could not be read")
	}
	one := func(k string) (string, error) {
		vs := r.PostForm[k]
		if len(vs) > 1 {
			return "", inputErrorf("%s is given twice", k)
		}
		if len(vs) == 0 {
			return "", nil
		}
		return vs[0], nil
	}
	var f decideForm
	var token, decision string
	for _, p := range []struct {
		k string
		v *string
	}{{"code", &f.code}, {"gtin", &f.gtin}, {"alert", &f.alertID}, {"decision", &decision}, {"note", &f.note}, {"token", &token}, {"lang", &f.lang}} {
		s, err := one(p.k)
		if err != nil {
			return nil, "", err
		}
		*p.v = s
	}
	switch model.AlertDecision(decision) {
	case model.DecisionConfirm, model.DecisionDismiss:
		f.decision = model.AlertDecision(decision)
	default:
		return nil, token, inputErrorf("decision must be confirm or dismiss, got %s", excerpt(decision))
	}
	// A unit's report names its code; a product's unknown_serials signal its GTIN.
	if (f.code == "") == (f.gtin == "") || len(f.code) > 512 || len(f.gtin) > 14 || f.alertID == "" || len(f.alertID) > 128 {
		return nil, token, inputErrorf("the form names no alert")
	}
	f.note = strings.TrimSpace(f.note)
	if !utf8.ValidString(f.note) || utf8.RuneCountInString(f.note) > MaxNoteLen || strings.IndexFunc(f.note, unicode.IsControl) >= 0 {
		return nil, token, inputErrorf("the note must be text of at most %d characters", MaxNoteLen)
	}
	if f.lang != "en" {
		f.lang = "zh"
	}
	return &f, token, nil
}

// decide records an admin staff member's decision on an open alert, naming
// them on the ledger, and logs it whatever the outcome. Then it sends the
// browser back to the queue (POST, redirect, GET).
func (c *Console) decide(w http.ResponseWriter, r *http.Request) {
	s, _ := staffOf(r)
	f, token, err := parseDecideForm(r)
	if err == nil {
		err = c.checkSameSite(r, s, token)
	}
	if err == nil && (!s.Admin || c.decider == nil) {
		err = ErrNotAdmin
	}
	var a *model.Alert
	if err == nil {
		a, err = c.decider.DecideAlert(r.Context(), model.DecideAlertRequest{Code: f.code, GTIN: f.gtin, AlertID: f.alertID, Decision: f.decision,
			Note: f.note, Staff: s.Name})
	}
	if err != nil {
		status := http.StatusInternalServerError
		var bad *InputError
		switch {
		case errors.As(err, &bad):
			status = http.StatusBadRequest
		case errors.Is(err, ErrCrossSite), errors.Is(err, ErrNotAdmin):
			status = http.StatusForbidden
		case errors.Is(err, client.ErrBadState), errors.Is(err, client.ErrNotFound), errors.Is(err, client.ErrInvalidArgument):
			status = http.StatusConflict
		}
		c.log.Warn("console: decision refused", "staff", s.Name, "admin", s.Admin, "status", status, "err", err)
		v := c.newView(r, s)
		v.Nav = "queue"
		switch status {
		case http.StatusForbidden:
			v.Notice = v.T("notice.forbidden")
		case http.StatusConflict:
			v.Notice = v.T("notice.conflict")
		case http.StatusBadRequest:
			v.Notice = v.T("notice.input") + " " + bad.Msg
		default:
			v.Notice = v.T("notice.failure")
		}
		c.render(w, r, status, "notice", v)
		return
	}
	c.log.Info("console: decision", "staff", s.Name, "alert", a.ID, "code", a.Code, "decision", f.decision, "status", a.Status)
	http.Redirect(w, r, c.base+"queue?"+url.Values{"decided": {a.ID}, "status": {string(a.Status)}, "lang": {f.lang}}.Encode(), http.StatusSeeOther)
}

// ErrNotAdmin is the refusal of a decision by a staff member who is not an
// administrator, or by a console that has no administrator identity.
var ErrNotAdmin = errors.New("console: only admin staff decide reports")
