package scansignal

import (
	"fmt"
	"testing"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// must fails the test at once on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// filed fails the test unless f got n filings.
func filed(t *testing.T, f *fakeFiler, n int, why string) {
	t.Helper()
	if len(f.got) != n {
		t.Fatalf("%d filings, want %d: %s", len(f.got), n, why)
	}
}

func unknownSerial() *model.Verification {
	return &model.Verification{Code: "fake", Verdict: model.VerdictUnknown, GTINRegistered: true}
}

// TestInventedSerialsCannotStarveTheCloneSignals: anyone can raise
// unknown_serials signals on registered GTINs by scanning invented serials.
// However many they raise, they take at most the part of the filing budget
// above its reserve, so the signal of a sold unit scanned again and again
// (which needs its real code) is still filed at once.
func TestInventedSerialsCannotStarveTheCloneSignals(t *testing.T) {
	now := t0
	f := &fakeFiler{}
	d, err := New(f, quiet, WithAfterSale(Rule{Threshold: 1, Window: time.Hour}), WithUnknownSerials(Rule{Threshold: 1, Window: time.Hour}),
		WithFilingLimit(10, time.Hour), WithClock(func() time.Time { return now }))
	must(t, err)
	for i := range 100 { // a hundred registered GTINs, each scanned with an invented serial
		d.Observe(unknownSerial(), fmt.Sprintf("0690123400%04d", i))
		drain(d)
	}
	filed(t, f, 5, "unknown_serials take the bucket above its reserve of 5 only")
	for _, code := range []string{"clone-1", "clone-2", "clone-3", "clone-4", "clone-5"} {
		d.Observe(sold(code), "")
	}
	drain(d)
	filed(t, f, 10, "the clone signals are filed at once")
	for _, req := range f.got[5:] {
		if req.Reason != model.AlertReasonScannedAfterSale {
			t.Fatalf("filed %+v, want the clones' signals", req)
		}
	}
	// An hour on, the flood starts again: it still takes only the part above the reserve.
	now = now.Add(time.Hour)
	for i := range 100 {
		d.Observe(unknownSerial(), fmt.Sprintf("0690123401%04d", i))
		drain(d)
	}
	d.Observe(sold("clone-6"), "")
	drain(d)
	if last := f.got[len(f.got)-1]; last.Code != "clone-6" {
		t.Fatalf("the last filing is %+v, want clone-6's", last)
	}
}

// TestUnknownSerialsTakeHalfTheLedgersDailyQuota: unknown_serials signals
// are offered at most MaxUnknownSerialsPerDay a UTC day, so they cannot use
// up the reporter's quota on the ledger (model.MaxSignalsPerReporterDay)
// that the day's clone signals need; the next day they are offered again.
func TestUnknownSerialsTakeHalfTheLedgersDailyQuota(t *testing.T) {
	now := t0
	f := &fakeFiler{}
	d, err := New(f, quiet, WithUnknownSerials(Rule{Threshold: 1, Window: time.Hour}), WithFilingLimit(10_000, time.Hour),
		WithClock(func() time.Time { return now }))
	must(t, err)
	flood := func(day int) {
		for i := range model.MaxSignalsPerReporterDay {
			d.Observe(unknownSerial(), fmt.Sprintf("069%02d234%06d", day, i))
			drain(d)
		}
	}
	flood(0)
	filed(t, f, MaxUnknownSerialsPerDay, "half the daily quota")
	now = utcDay(now).AddDate(0, 0, 1)
	flood(1)
	filed(t, f, 2*MaxUnknownSerialsPerDay, "half the quota again the next day")
}

// TestAUsedUpQuotaPausesFilingUntilTheNextDay: once the ledger refuses a
// filing for the reporter's daily quota (LIMIT), the service stops offering
// signals until the next UTC day instead of spending its budget, and the
// endorsers' work, on filings the ledger refuses; the subject's signal is
// offered again then.
func TestAUsedUpQuotaPausesFilingUntilTheNextDay(t *testing.T) {
	now := t0
	f := &fakeFiler{answer: func(model.FileSignalRequest) (*model.SignalResult, error) { return nil, client.ErrLimit }}
	d, err := New(f, quiet, WithAfterSale(Rule{Threshold: 1, Window: 48 * time.Hour}), WithClock(func() time.Time { return now }))
	must(t, err)
	d.Observe(sold("u1"), "")
	drain(d)
	filed(t, f, 1, "the first filing")
	for i := range 10 {
		now = now.Add(time.Hour)
		if utcDay(now) != utcDay(t0) {
			break
		}
		d.Observe(sold("u1"), "")
		d.Observe(sold(fmt.Sprintf("u%d", i+2)), "")
		drain(d)
	}
	filed(t, f, 1, "nothing offered while the quota is used up")
	now = utcDay(t0).AddDate(0, 0, 1).Add(time.Minute)
	f.answer = nil
	d.Observe(sold("u1"), "")
	drain(d)
	filed(t, f, 2, "offered again the next day")
	if f.got[1].Code != "u1" {
		t.Fatalf("filed %+v the next day, want u1's signal", f.got[1])
	}
}
