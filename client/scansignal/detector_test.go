package scansignal

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// fakeFiler answers FileSignal from a script, recording the requests.
type fakeFiler struct {
	got    []model.FileSignalRequest
	answer func(req model.FileSignalRequest) (*model.SignalResult, error)
}

func (f *fakeFiler) FileSignal(_ context.Context, req model.FileSignalRequest) (*model.SignalResult, error) {
	f.got = append(f.got, req)
	if f.answer != nil {
		return f.answer(req)
	}
	return &model.SignalResult{Outcome: model.SignalFiled, Alert: model.Alert{ID: "a1"}}, nil
}

// drain files everything queued, in the test's goroutine.
func drain(d *Detector) {
	for {
		select {
		case req := <-d.queue:
			d.file(context.Background(), req)
		default:
			return
		}
	}
}

const gtin = "06901234000017"

var quiet = WithLogger(slog.New(slog.DiscardHandler))

func sold(code string) *model.Verification {
	return &model.Verification{Code: code, Verdict: model.VerdictSold, Class: model.ClassUnit}
}

func TestDetectorObserves(t *testing.T) {
	after := Rule{Threshold: 2, Window: time.Hour}
	unknown := &model.Verification{Code: "u9", Verdict: model.VerdictUnknown, GTINRegistered: true}
	for _, tc := range []struct {
		name string
		scan *model.Verification
		gtin string
		want []model.FileSignalRequest
	}{
		{"a sold unit", sold("u1"), gtin, []model.FileSignalRequest{{Reason: model.AlertReasonScannedAfterSale, Code: "u1", Scans: 2, Since: t0}}},
		{"a decommissioned unit", &model.Verification{Code: "u2", Verdict: model.VerdictDecommissioned, Class: model.ClassUnit}, gtin,
			[]model.FileSignalRequest{{Reason: model.AlertReasonScannedAfterSale, Code: "u2", Scans: 2, Since: t0}}},
		{"an unknown serial of a registered GTIN", unknown, gtin, []model.FileSignalRequest{{Reason: model.AlertReasonUnknownSerials, GTIN: gtin, Scans: 2, Since: t0}}},
		{"an unknown serial of an unregistered GTIN", &model.Verification{Code: "u9", Verdict: model.VerdictUnknown}, gtin, nil},
		{"an unknown code without GTIN", unknown, "", nil},
		{"a genuine unit", &model.Verification{Code: "u3", Verdict: model.VerdictGenuine, Class: model.ClassUnit}, gtin, nil},
		{"a sold lot", &model.Verification{Code: "l1", Verdict: model.VerdictSold, Class: model.ClassLot}, gtin, nil},
		{"a confirmed clone", &model.Verification{Code: "u4", Verdict: model.VerdictSuspectedClone, Class: model.ClassUnit}, gtin, nil},
		{"no answer", nil, gtin, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeFiler{}
			d, err := New(f, quiet, WithAfterSale(after), WithUnknownSerials(after), WithClock(func() time.Time { return t0 }))
			require.NoError(t, err)
			for range 3 {
				d.Observe(tc.scan, tc.gtin)
			}
			drain(d)
			assert.Equal(t, tc.want, f.got)
		})
	}
}

func TestDetectorFilingOutcomes(t *testing.T) {
	now := t0
	f := &fakeFiler{}
	d, err := New(f, quiet, WithAfterSale(Rule{Threshold: 1, Window: time.Hour}), WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		err   error
		again bool // a later scan of the subject offers the signal again
		stats Stats
	}{
		{"filed", nil, false, Stats{Filed: 1}},
		{"duplicate", client.ErrDuplicate, false, Stats{Filed: 1, Duplicate: 1}},
		{"ledger unavailable, twice", client.ErrUnavailable, true, Stats{Filed: 1, Duplicate: 1, Failed: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.got = nil
			f.answer = func(model.FileSignalRequest) (*model.SignalResult, error) {
				if tc.err != nil {
					return nil, tc.err
				}
				return &model.SignalResult{Outcome: model.SignalFiled}, nil
			}
			code := "unit-" + tc.name
			d.Observe(sold(code), "")
			drain(d)
			d.Observe(sold(code), "")
			drain(d)
			want := 1
			if tc.again {
				want = 2
			}
			assert.Len(t, f.got, want)
			assert.Equal(t, tc.stats.Filed, d.Stats().Filed)
			assert.Equal(t, tc.stats.Duplicate, d.Stats().Duplicate)
			assert.Equal(t, tc.stats.Failed, d.Stats().Failed)
		})
	}
}

func TestDetectorFilingLimit(t *testing.T) {
	now := t0
	f := &fakeFiler{}
	d, err := New(f, quiet, WithAfterSale(Rule{Threshold: 1, Window: time.Hour}), WithFilingLimit(2, time.Hour), WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	for _, code := range []string{"a", "b", "c"} {
		d.Observe(sold(code), "")
	}
	drain(d)
	assert.Len(t, f.got, 2, "two filings an hour")
	assert.Equal(t, uint64(1), d.Stats().Dropped)
	// Half an hour later one more filing is allowed: c, scanned again, is offered again.
	now = now.Add(30 * time.Minute)
	d.Observe(sold("c"), "")
	d.Observe(sold("d"), "")
	drain(d)
	require.Len(t, f.got, 3)
	assert.Equal(t, "c", f.got[2].Code)
}

func TestNewRefusesRulesThatCannotWork(t *testing.T) {
	for _, o := range []Option{
		WithAfterSale(Rule{Threshold: 0, Window: time.Hour}),
		WithUnknownSerials(Rule{Threshold: 1}),
		WithAfterSale(Rule{Threshold: 1, Window: time.Hour, Gap: -1}),
		WithUnknownSerials(Rule{Threshold: 1, Window: model.MaxSignalSpan + time.Hour}), // the ledger would refuse its signals
		WithCapacity(0, 1),
		WithFilingLimit(0, time.Hour),
		WithFilingLimit(1, 0),
	} {
		_, err := New(&fakeFiler{}, o)
		assert.ErrorIs(t, err, ErrRule)
	}
}

func TestRunFilesUntilCancelled(t *testing.T) {
	done := make(chan model.FileSignalRequest, 1)
	d, err := New(&fakeFiler{}, quiet, WithAfterSale(Rule{Threshold: 1, Window: time.Hour}),
		WithResults(func(req model.FileSignalRequest, _ *model.SignalResult, _ error) { done <- req }))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { d.Run(ctx); close(stopped) }()
	d.Observe(sold("u"), "")
	assert.Equal(t, "u", (<-done).Code)
	cancel()
	<-stopped
}
