package lifecycle_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// peerStore is a state.Store that reads like the Fabric store (shimstore):
// what the transaction read before is answered from its cache. It counts what
// reached the ledger: round trips to the peer, keys and value bytes.
type peerStore struct {
	state.Store
	read       map[string][]byte
	roundTrips int
	keys       int
	bytes      int
}

func (s *peerStore) Get(key string) ([]byte, error) {
	vals, err := s.GetMany([]string{key})
	if err != nil {
		return nil, err
	}
	return vals[0], nil
}

func (s *peerStore) GetMany(keys []string) ([][]byte, error) {
	var missing []string
	for _, k := range keys {
		if _, ok := s.read[k]; !ok && !slices.Contains(missing, k) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		vals, err := s.Store.GetMany(missing)
		if err != nil {
			return nil, err
		}
		s.roundTrips++
		s.keys += len(missing)
		for i, k := range missing {
			s.read[k] = vals[i]
			s.bytes += len(vals[i])
		}
	}
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = s.read[k]
	}
	return out, nil
}

// verifyCases are the codes the benchmarks verify: the benchmark network's
// unit (packed in a pallet that moved on), a top-level unit at a retailer,
// and the pallet itself.
func verifyCases(w *world) map[string]string {
	packed := w.units("P1", "P", 3)
	pallet := sscc("6901234", 1)
	w.pack(makerA, pallet, packed...)
	w.move(makerA, distributor, pallet)
	loose := atRetailer(w, 1)
	return map[string]string{"packed": packed[0], "loose": loose[0], "pallet": pallet}
}

// BenchmarkVerify measures one Verify as the Retailer against the in-memory
// ledger, and reports what it asks of the peer: round trips, keys, bytes read,
// and the size of the answer the contract would return.
func BenchmarkVerify(b *testing.B) {
	w := newWorld(b)
	cases := verifyCases(w)
	for _, name := range []string{"packed", "loose", "pallet"} {
		code := cases[name]
		b.Run(name, func(b *testing.B) {
			var ps *peerStore
			var out []byte
			for b.Loop() {
				ps = &peerStore{Store: w.mem.Begin(statetest.Tx{MSPID: retailer, TxID: "verify", Time: w.now}), read: map[string][]byte{}}
				v, err := lifecycle.New(registry.New(ps, regulator)).Verify(code)
				if err != nil {
					b.Fatal(err)
				}
				if out, err = json.Marshal(v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(ps.roundTrips), "roundtrips/op")
			b.ReportMetric(float64(ps.keys), "keys/op")
			b.ReportMetric(float64(ps.bytes), "readbytes/op")
			b.ReportMetric(float64(len(out)), "resultbytes/op")
		})
	}
}

// TestVerifyReads pins what a Verify costs the peer, so that a change which
// adds a round trip shows up in review.
func TestVerifyReads(t *testing.T) {
	w := newWorld(t)
	cases := verifyCases(w)
	tests := []struct {
		name       string
		roundTrips int
	}{
		{"packed", 2},
		{"loose", 2},
		{"pallet", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := &peerStore{Store: w.mem.Begin(statetest.Tx{MSPID: retailer, TxID: "verify", Time: w.now}), read: map[string][]byte{}}
			v, err := lifecycle.New(registry.New(ps, regulator)).Verify(cases[tc.name])
			require.NoError(t, err)
			require.Equal(t, model.VerdictGenuine, v.Verdict, fmt.Sprint(v))
			require.Equal(t, tc.roundTrips, ps.roundTrips, "round trips to the peer")
		})
	}
}
