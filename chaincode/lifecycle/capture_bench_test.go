package lifecycle_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// unitEvents are n commissioning events of one new unit each, as a line's
// MES reports units (the shape of the benchmark's 10,000-event document).
func unitEvents(w *world, n int) ([]string, []string) {
	codes := make([]string, n)
	events := make([]string, n)
	at := w.epcisTime()
	for i := range codes {
		codes[i] = unit(fmt.Sprintf("B%06d", i))
		events[i] = fmt.Sprintf(`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":[%q],"action":"ADD","bizStep":"commissioning",`+
			`"disposition":"active","ilmd":{"cbvmda:lotNumber":"L9","cbvmda:productionDate":"2026-02-01"}}`, at, codes[i])
	}
	return codes, events
}

// BenchmarkCaptureVersusCommission compares one CaptureEvents transaction
// of 1,000 single-unit commissioning events with one Commission of the same
// 1,000 codes, on the in-memory ledger (nothing is committed, so every
// iteration commissions new units), and reports the round trips to the peer
// each would make.
func BenchmarkCaptureVersusCommission(b *testing.B) {
	w := newWorld(b)
	codes, events := unitEvents(w, model.MaxCaptureEvents)
	doc := document(events...)
	run := func(b *testing.B, op func(l *lifecycle.Ledger) error) {
		var ps *peerStore
		for b.Loop() {
			ps = &peerStore{Store: w.mem.Begin(statetest.Tx{MSPID: makerA, TxID: "bench", Time: w.now.Add(time.Minute)}), read: map[string][]byte{}}
			if err := op(lifecycle.New(registry.New(ps, regulator))); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(ps.roundTrips), "roundtrips/op")
		b.ReportMetric(float64(ps.keys), "keys/op")
	}
	b.Run("commission", func(b *testing.B) {
		run(b, func(l *lifecycle.Ledger) error {
			_, err := l.Commission(model.CommissionRequest{GTIN: gtinA, Batch: "L9", ProductionDate: "2026-02-01", Codes: codes})
			return err
		})
	})
	b.Run("capture", func(b *testing.B) {
		run(b, func(l *lifecycle.Ledger) error {
			_, err := l.CaptureEvents(doc)
			return err
		})
	})
}
