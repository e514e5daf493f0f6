package lifecycle_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// sizedStore is a peerStore that also counts the bytes a transaction
// writes (keys and values) and the size of its chaincode event: what every
// peer validates and commits.
type sizedStore struct {
	*peerStore
	written, event int
}

func (s *sizedStore) Put(key string, value []byte) error {
	s.written += len(key) + len(value)
	return s.peerStore.Put(key, value)
}

func (s *sizedStore) SetEvent(name string, payload []byte) error {
	s.event = len(payload)
	return s.peerStore.SetEvent(name, payload)
}

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
	req := model.CommissionRequest{GTIN: gtinA, Batch: "L9", ProductionDate: "2026-02-01", Codes: codes}
	arg, err := json.Marshal(req)
	if err != nil {
		b.Fatal(err)
	}
	run := func(b *testing.B, argBytes int, op func(l *lifecycle.Ledger) (any, error)) {
		var ps *sizedStore
		var res []byte
		for b.Loop() {
			ps = &sizedStore{peerStore: &peerStore{Store: w.mem.Begin(statetest.Tx{MSPID: makerA, TxID: "bench", Time: w.now.Add(time.Minute)}), read: map[string][]byte{}}}
			v, err := op(lifecycle.New(registry.New(ps, regulator)))
			if err != nil {
				b.Fatal(err)
			}
			if res, err = json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(ps.roundTrips), "roundtrips/op")
		b.ReportMetric(float64(ps.keys), "keys/op")
		b.ReportMetric(float64(argBytes), "argbytes/op")
		b.ReportMetric(float64(ps.written), "writebytes/op")
		b.ReportMetric(float64(ps.event), "eventbytes/op")
		b.ReportMetric(float64(len(res)), "resultbytes/op")
	}
	b.Run("commission", func(b *testing.B) {
		run(b, len(arg), func(l *lifecycle.Ledger) (any, error) { return l.Commission(req) })
	})
	b.Run("capture", func(b *testing.B) {
		run(b, len(doc), func(l *lifecycle.Ledger) (any, error) { return l.CaptureEvents(doc) })
	})
}
