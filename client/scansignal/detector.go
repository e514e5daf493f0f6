package scansignal

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// Filer files a signal on the ledger; *client.Client is one (it needs a
// write-capable identity: the read-only one is refused).
type Filer interface {
	FileSignal(ctx context.Context, req model.FileSignalRequest) (*model.SignalResult, error)
}

// Defaults, chosen so that an honest owner's scans raise nothing: a buyer
// checks a unit a few times, while a code copied onto many products is
// scanned by many buyers; a person mistyping a serial does so a few times a
// day per product, while a batch of fake labels on a market is scanned by
// the dozen.
var (
	// DefaultAfterSale: 10 scans of one sold or decommissioned unit within
	// 24 hours, scans less than a minute after the last counted one counting
	// once.
	DefaultAfterSale = Rule{Threshold: 10, Window: 24 * time.Hour, Gap: time.Minute}
	// DefaultUnknownSerials: 50 scans of never commissioned serials of one
	// registered GTIN within 24 hours.
	DefaultUnknownSerials = Rule{Threshold: 50, Window: 24 * time.Hour}
)

// Default bounds.
const (
	// DefaultUnits and DefaultGTINs bound the subjects counted (about
	// EntryBytes each: some 10 MB and 2 MB).
	DefaultUnits = 50_000
	DefaultGTINs = 10_000
	// DefaultFilings per DefaultFilingPeriod is how many signals the service
	// files at most; a signal beyond it waits for a later scan of its subject.
	DefaultFilings      = 60
	DefaultFilingPeriod = time.Hour
	// queueLen bounds the signals waiting to be filed.
	queueLen = 64
	// fileTimeout bounds one filing.
	fileTimeout = 30 * time.Second
)

// Detector counts the verdicts it is shown and files signals. Build it with
// New, feed it with Observe (safe for concurrent use, never blocks on the
// ledger) and run Run to file.
type Detector struct {
	filer     Filer
	afterSale *counter
	unknown   *counter
	units     int
	gtins     int
	ruleAfter Rule
	ruleUnk   Rule
	filings   int
	period    time.Duration
	now       func() time.Time
	log       *slog.Logger
	queue     chan model.FileSignalRequest

	mu     sync.Mutex // guards budget
	budget budget

	stats struct{ filed, joined, duplicate, failed, dropped atomic.Uint64 }
	// done, when set, sees every filing's result (tests).
	done func(req model.FileSignalRequest, res *model.SignalResult, err error)
}

// Option configures a Detector in New.
type Option func(*Detector)

// WithAfterSale sets the rule of scanned_after_sale signals (DefaultAfterSale).
func WithAfterSale(r Rule) Option { return func(d *Detector) { d.ruleAfter = r } }

// WithUnknownSerials sets the rule of unknown_serials signals
// (DefaultUnknownSerials).
func WithUnknownSerials(r Rule) Option { return func(d *Detector) { d.ruleUnk = r } }

// WithCapacity bounds the units and GTINs counted at once (DefaultUnits,
// DefaultGTINs).
func WithCapacity(units, gtins int) Option {
	return func(d *Detector) { d.units, d.gtins = units, gtins }
}

// WithFilingLimit lets the Detector file at most n signals per period, n at
// once (DefaultFilings per DefaultFilingPeriod).
func WithFilingLimit(n int, period time.Duration) Option {
	return func(d *Detector) { d.filings, d.period = n, period }
}

// WithClock sets the clock windows and the filing limit are judged by.
func WithClock(now func() time.Time) Option { return func(d *Detector) { d.now = now } }

// WithLogger sets where filings and their failures are logged.
func WithLogger(l *slog.Logger) Option { return func(d *Detector) { d.log = l } }

// WithResults calls f after each filing with its result (tests, metrics).
func WithResults(f func(req model.FileSignalRequest, res *model.SignalResult, err error)) Option {
	return func(d *Detector) { d.done = f }
}

// ErrRule is returned by New for a rule or bound that can never work.
var ErrRule = errors.New("scansignal: a rule needs a threshold of 1 or more, a positive window of at most 31 days (model.MaxSignalSpan) and a gap of 0 or more; bounds must be positive")

// New returns a Detector filing through f.
func New(f Filer, opts ...Option) (*Detector, error) {
	d := &Detector{
		filer: f, ruleAfter: DefaultAfterSale, ruleUnk: DefaultUnknownSerials, units: DefaultUnits, gtins: DefaultGTINs,
		filings: DefaultFilings, period: DefaultFilingPeriod, now: time.Now, log: slog.Default(),
		queue: make(chan model.FileSignalRequest, queueLen),
	}
	for _, o := range opts {
		o(d)
	}
	if !d.ruleAfter.Valid() || !d.ruleUnk.Valid() || d.units < 1 || d.gtins < 1 || d.filings < 1 || d.period <= 0 {
		return nil, ErrRule
	}
	d.afterSale, d.unknown = newCounter(d.ruleAfter, d.units), newCounter(d.ruleUnk, d.gtins)
	d.budget = newBudget(d.filings, d.period, d.now())
	return d, nil
}

// Observe counts one public scan by the verdict the service answered it
// with; gtin is the GTIN-14 of the scanned code ("" when it has none). Only
// subjects the ledger vouched for are counted: a sold or decommissioned unit
// on the ledger, or an unknown serial under a registered GTIN, so made-up
// codes cannot fill the counters.
func (d *Detector) Observe(v *model.Verification, gtin string) {
	if v == nil {
		return
	}
	now := d.now()
	switch {
	case (v.Verdict == model.VerdictSold || v.Verdict == model.VerdictDecommissioned) && v.Class == model.ClassUnit && v.Code != "":
		code := v.Code
		d.afterSale.observe(code, now, func(n int, since time.Time) bool {
			return d.offer(model.FileSignalRequest{Reason: model.AlertReasonScannedAfterSale, Code: code, Scans: n, Since: since}, now)
		})
	case v.Verdict == model.VerdictUnknown && v.GTINRegistered && gtin != "":
		d.unknown.observe(gtin, now, func(n int, since time.Time) bool {
			return d.offer(model.FileSignalRequest{Reason: model.AlertReasonUnknownSerials, GTIN: gtin, Scans: n, Since: since}, now)
		})
	}
}

// offer queues req for filing if the filing budget and the queue allow.
func (d *Detector) offer(req model.FileSignalRequest, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.budget.take(req.Reason, now) {
		d.stats.dropped.Add(1)
		return false
	}
	select {
	case d.queue <- req:
		return true
	default:
		d.budget.giveBack(req.Reason)
		d.stats.dropped.Add(1)
		return false
	}
}

// Run files the queued signals until ctx ends. A refusal as a duplicate
// means the subject's open report already names this organisation; any
// other failure lets a later scan of the subject offer the signal again.
func (d *Detector) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case req := <-d.queue:
			d.file(ctx, req)
		}
	}
}

func (d *Detector) file(ctx context.Context, req model.FileSignalRequest) {
	fctx, cancel := context.WithTimeout(ctx, fileTimeout)
	defer cancel()
	res, err := d.filer.FileSignal(fctx, req)
	subject := req.Code + req.GTIN
	switch {
	case err == nil && res.Outcome == model.SignalJoined:
		d.stats.joined.Add(1)
		d.log.Info("scan signal joined an open report", "reason", req.Reason, "subject", subject, "alert", res.Alert.ID, "scans", req.Scans)
	case err == nil:
		d.stats.filed.Add(1)
		d.log.Info("scan signal filed", "reason", req.Reason, "subject", subject, "alert", res.Alert.ID, "scans", req.Scans)
	case errors.Is(err, client.ErrDuplicate):
		d.stats.duplicate.Add(1)
	default:
		d.stats.failed.Add(1)
		d.log.Warn("scan signal not filed", "reason", req.Reason, "subject", subject, "error", err.Error())
		if errors.Is(err, client.ErrLimit) {
			d.mu.Lock()
			d.budget.quotaUsedUp(d.now())
			d.mu.Unlock()
		}
		if req.Code != "" {
			d.afterSale.lower(req.Code)
		} else {
			d.unknown.lower(req.GTIN)
		}
	}
	if d.done != nil {
		d.done(req, res, err)
	}
}

// Stats counts the Detector's filings by outcome, and the signals dropped
// by the filing limit or a full queue.
type Stats struct {
	Filed, Joined, Duplicate, Failed, Dropped uint64
}

// Stats returns the counts so far.
func (d *Detector) Stats() Stats {
	return Stats{
		Filed: d.stats.filed.Load(), Joined: d.stats.joined.Load(), Duplicate: d.stats.duplicate.Load(),
		Failed: d.stats.failed.Load(), Dropped: d.stats.dropped.Load(),
	}
}

// Subjects returns how many units and GTINs are counted now.
func (d *Detector) Subjects() (units, gtins int) { return d.afterSale.len(), d.unknown.len() }
