package scansignal

import (
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
)

// MaxUnknownSerialsPerDay is how many unknown_serials signals the service
// offers for filing per UTC day at most: half the ledger's daily quota per
// reporter (model.MaxSignalsPerReporterDay), so that the other half is left
// for scanned_after_sale signals. Anyone can raise an unknown_serials
// signal on any registered GTIN by scanning invented serials under it;
// without this share they could use up the ledger's quota, and with it
// every clone signal of the day.
const MaxUnknownSerialsPerDay = model.MaxSignalsPerReporterDay / 2

// budget is the Detector's filing budget: a token bucket of filings per
// period, of which unknown_serials signals may take only the part above a
// reserve (half the bucket) and at most MaxUnknownSerialsPerDay a UTC day,
// and which files nothing for the rest of the UTC day once the ledger has
// refused a filing for the reporter's daily quota.
//
// Why the shares: unknown_serials signals cost an attacker nothing but
// invented serials, while scanned_after_sale signals need real sold codes,
// which only goods carry. Sharing one bucket, a few scans a second on
// registered GTINs would keep it empty, so that the signal of a real clone
// would be dropped at every scan (the way to hide a clone). Caller holds
// the Detector's lock.
type budget struct {
	capacity float64
	period   time.Duration
	tokens   float64
	refill   time.Time

	day          time.Time // the UTC day unknownToday counts
	unknownToday int
	pausedUntil  time.Time // the ledger's quota is used up until then
}

func newBudget(filings int, period time.Duration, now time.Time) budget {
	return budget{capacity: float64(filings), period: period, tokens: float64(filings), refill: now}
}

// reserve is the part of the bucket only scanned_after_sale signals take.
func (b *budget) reserve() float64 { return float64(int(b.capacity) / 2) }

// take spends a filing on a signal of reason at now, if the budget allows
// it; it reports whether it did.
func (b *budget) take(reason string, now time.Time) bool {
	if el := now.Sub(b.refill); el > 0 {
		b.tokens = min(b.capacity, b.tokens+el.Seconds()*b.capacity/b.period.Seconds())
	}
	b.refill = now
	if now.Before(b.pausedUntil) {
		return false
	}
	if day := utcDay(now); !day.Equal(b.day) {
		b.day, b.unknownToday = day, 0
	}
	need := 1.0
	if reason == model.AlertReasonUnknownSerials {
		if b.unknownToday >= MaxUnknownSerialsPerDay {
			return false
		}
		need += b.reserve()
	}
	if b.tokens < need {
		return false
	}
	b.tokens--
	if reason == model.AlertReasonUnknownSerials {
		b.unknownToday++
	}
	return true
}

// giveBack returns a filing taken for a signal that could not be queued.
func (b *budget) giveBack(reason string) {
	b.tokens = min(b.capacity, b.tokens+1)
	if reason == model.AlertReasonUnknownSerials && b.unknownToday > 0 {
		b.unknownToday--
	}
}

// quotaUsedUp stops filing until the next UTC day: the ledger refused a
// filing because the reporter's daily quota is used up, and would refuse
// every other until then.
func (b *budget) quotaUsedUp(now time.Time) { b.pausedUntil = utcDay(now).AddDate(0, 0, 1) }

func utcDay(t time.Time) time.Time { return t.UTC().Truncate(24 * time.Hour) }
