package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/test-network/benchcc"
)

// Kinds of operation a scenario measures.
const (
	KindTx   = "tx"   // one submitted transaction, latency until committed
	KindCall = "call" // one evaluated (read-only) call
	KindPair = "pair" // ship then receive of one pallet, latency of both
)

// Baselines a scenario's ratio is taken against.
const (
	BaselineWrite = "baseline-write"
	BaselineRead  = "baseline-read"
	PairOf1       = "ship-receive-1"
)

// Scenario is one benchmark scenario.
type Scenario struct {
	Name            string
	Title           string
	Kind            string // KindTx, KindCall or KindPair
	UnitsPerOp      int    // units per operation (0: not a goods operation, e.g. a key)
	Against         string // what its ratio is against: BaselineWrite, BaselineRead or PairOf1
	ExpectConflicts bool   // designed to conflict: failures are the point, not a defect
	// Bracketed scenarios have the scenario they are compared with
	// (Against) measured again right after them, so that their ratio is to
	// the mean of the measurements on both sides.
	Bracketed bool

	// plan returns how to drive it under cfg.
	plan func(cfg *Config) Plan
	// prepare builds what it needs (untimed) and returns its operations.
	prepare func(ctx context.Context, s *suite, p Plan) (Source, error)
	// note says what differs from the nominal scenario in this mode.
	note func(cfg *Config) string
	// after, when set, runs once the scenario was measured, to add to its note.
	after func(ctx context.Context, s *suite) error
}

// Scenarios lists every scenario in run order (the baselines first, so that
// pools can be sized from the measured write rate).
func Scenarios() []Scenario {
	return []Scenario{
		{
			Name: "baseline-write", Title: "bench Put: one key per tx (ceiling for writes)", Kind: KindTx, UnitsPerOp: 1, Against: BaselineWrite,
			plan: timedPlan(1, 1), prepare: prepareBaselineWrite,
		},
		{
			Name: "baseline-read", Title: "bench Get, evaluated (ceiling for reads)", Kind: KindCall, UnitsPerOp: 1, Against: BaselineRead,
			plan: timedPlan(1, 1), prepare: prepareBaselineRead,
		},
		{
			Name: "commission-1", Title: "Commission, 1 serial per tx", Kind: KindTx, UnitsPerOp: 1, Against: BaselineWrite,
			plan: timedPlan(1, 1), prepare: prepareCommission(1),
		},
		{
			Name: "commission-100", Title: "Commission, 100 serials per tx", Kind: KindTx, UnitsPerOp: 100, Against: BaselineWrite,
			plan: timedPlan(1, 4), prepare: prepareCommission(100),
		},
		{
			Name: "commission-1000", Title: "Commission, 1,000 serials per tx", Kind: KindTx, UnitsPerOp: 1000, Against: BaselineWrite,
			plan: timedPlan(1, 8), prepare: prepareCommission(1000),
		},
		{
			Name: "pack-1000", Title: "Pack 1,000 units into a pallet per tx", Kind: KindTx, UnitsPerOp: 1000, Against: BaselineWrite,
			plan: countPlan(12, 2, 3, 1, 8), prepare: preparePack,
		},
		{
			Name: BulkOf10000, Title: "CommissionBulk of 10,000 units (SDK: chunks of 1,000, 4 in flight)", Kind: KindTx, UnitsPerOp: documentUnits, Against: BaselineWrite,
			plan: documentPlan, prepare: prepareBulk, note: documentNote,
		},
		{
			Name: "capture-10000", Title: "Capture a 10,000-event commissioning document (POST /capture, proceed)", Kind: KindTx, UnitsPerOp: documentUnits, Against: BulkOf10000,
			Bracketed: true, plan: documentPlan, prepare: prepareCapture, note: documentNote,
		},
		shipReceive(1, 20, 3),
		shipReceive(100, 20, 3),
		shipReceive(1000, 12, 3),
		shipReceive(10000, 6, 3),
		{
			Name: "verify", Title: "Verify a unit's code at the point of sale (Retailer), evaluated", Kind: KindCall, UnitsPerOp: 1, Against: BaselineRead,
			plan: timedPlan(1, 1), prepare: prepareRead(model.FnVerify),
		},
		{
			Name: "verify-http", Title: "Scan a unit's QR code through the public verification service (HTTP, skewed mix)", Kind: KindCall, UnitsPerOp: 1, Against: BaselineRead,
			plan: timedPlan(1, 4), prepare: prepareVerifyHTTP, after: afterVerifyHTTP,
		},
		{
			Name: "trace", Title: "Trace a unit's history (4 events, via its pallet), evaluated", Kind: KindCall, UnitsPerOp: 1, Against: BaselineRead,
			plan: timedPlan(1, 1), prepare: prepareRead(model.FnTrace),
		},
		{
			Name: "sell", Title: "Sell a unit: RecordSale (buyer data as transient, the Retailer's peer alone) then Sell (two organisations), as the SDK does", Kind: KindTx, UnitsPerOp: 1, Against: BaselineWrite,
			plan: timedPlan(1, 1), prepare: prepareSell,
		},
		{
			Name: "pack-contended", Title: "Pack 1 unit per tx into ONE pallet concurrently (designed to conflict)", Kind: KindTx, UnitsPerOp: 1, Against: BaselineWrite,
			ExpectConflicts: true, plan: countPlan(200, 20, 50, 10, 4), prepare: prepareContended,
		},
	}
}

// ScenarioNames lists the names of all scenarios.
func ScenarioNames() []string {
	var out []string
	for _, sc := range Scenarios() {
		out = append(out, sc.Name)
	}
	return out
}

// timedPlan runs for the configured durations. Scenarios whose operations
// are big divide the in-flight count by div and the workers by wdiv.
func timedPlan(wdiv, div int) func(cfg *Config) Plan {
	return func(cfg *Config) Plan {
		p := Plan{Workers: max(cfg.Workers/wdiv, 1), InFlight: max(cfg.InFlight/div, 2)}
		if cfg.Txs > 0 {
			p.Warmup, p.Measure = Budget{Ops: max(cfg.Txs/10, 1)}, Budget{Ops: cfg.Txs}
		} else {
			p.Warmup, p.Measure = Budget{Duration: cfg.Warmup}, Budget{Duration: cfg.Duration}
		}
		return p
	}
}

// countPlan runs a fixed number of operations on prepared goods: full-mode
// measured and warm-up counts, short-mode counts, and the in-flight divisor.
func countPlan(full, fullWarm, short, shortWarm, div int) func(cfg *Config) Plan {
	return func(cfg *Config) Plan {
		p := Plan{Workers: cfg.Workers, InFlight: max(cfg.InFlight/div, 2)}
		switch {
		case cfg.Txs > 0:
			p.Warmup, p.Measure = Budget{Ops: max(cfg.Txs/10, 1)}, Budget{Ops: cfg.Txs}
		case cfg.Short:
			p.Warmup, p.Measure = Budget{Ops: shortWarm}, Budget{Ops: short}
		default:
			p.Warmup, p.Measure = Budget{Ops: fullWarm}, Budget{Ops: full}
		}
		return p
	}
}

// ShortPalletCap is the largest pallet in short mode: the 10,000-unit
// pallet shrinks to it.
const ShortPalletCap = 2000

// palletSize is the size the ship-receive scenario of nominal size n uses.
func palletSize(cfg *Config, n int) int {
	if cfg.Short && n > ShortPalletCap {
		return ShortPalletCap
	}
	return n
}

// shipReceive measures the ship+receive pair of a pallet of n units, one
// pair at a time, so its latency is the network's, not a queue's.
func shipReceive(n, full, short int) Scenario {
	return Scenario{
		Name:  fmt.Sprintf("ship-receive-%d", n),
		Title: fmt.Sprintf("Ship + receive a pallet of %s units (one pair at a time)", commas(n)),
		Kind:  KindPair, UnitsPerOp: n, Against: PairOf1,
		plan: func(cfg *Config) Plan {
			p := countPlan(full, 1, short, 1, 1)(cfg)
			p.Workers, p.InFlight = 1, 1
			return p
		},
		prepare: func(ctx context.Context, s *suite, p Plan) (Source, error) {
			size := palletSize(s.cfg, n)
			pallets, _, err := s.buildPallets(ctx, p.Warmup.Ops+p.Measure.Ops, size)
			if err != nil {
				return nil, err
			}
			dist := s.conns[OrgDistributor].mspID
			return func(seq int) (Op, bool, error) {
				if seq >= len(pallets) {
					return Op{}, false, nil
				}
				arg, err := jsonArg(model.ShipRequest{To: dist, Codes: []string{pallets[seq]}})
				if err != nil {
					return Op{}, false, err
				}
				recv, err := jsonArg(model.MoveRequest{Codes: []string{pallets[seq]}})
				if err != nil {
					return Op{}, false, err
				}
				return Op{Units: size, Steps: []Tx{
					{Org: OrgManufacturer, Fn: model.FnShip, Args: []string{arg}},
					{Org: OrgDistributor, Fn: model.FnReceive, Args: []string{recv}},
				}}, true, nil
			}, nil
		},
		note: func(cfg *Config) string {
			if size := palletSize(cfg, n); size != n {
				return fmt.Sprintf("short mode: pallet of %s units instead of %s", commas(size), commas(n))
			}
			return ""
		},
	}
}

func prepareBaselineWrite(_ context.Context, s *suite, _ Plan) (Source, error) {
	value := "v-" + s.runTag
	tag := fmt.Sprintf("%s-%d", s.runTag, s.prepared.Add(1))
	return func(seq int) (Op, bool, error) {
		return Op{Units: 1, Steps: []Tx{{Org: OrgManufacturer, Chaincode: benchcc.Chaincode, Fn: benchcc.FnPut,
			Args: []string{fmt.Sprintf("w-%s-%d", tag, seq), value}}}}, true, nil
	}, nil
}

// baselineReadKeys is the number of keys the read baseline cycles through.
const baselineReadKeys = 100

func prepareBaselineRead(ctx context.Context, s *suite, _ Plan) (Source, error) {
	mfr := s.conns[OrgManufacturer]
	keys := make([]string, baselineReadKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("r-%s-%d", s.runTag, i)
	}
	// Write them in parallel: each BenchPut waits for its commit.
	errs := make(chan error, len(keys))
	for _, k := range keys {
		go func() {
			err := mfr.benchPut(ctx, k, "value-of-"+k)
			errs <- err
		}()
	}
	for range keys {
		if err := <-errs; err != nil {
			return nil, fmt.Errorf("writing read-baseline keys: %w", err)
		}
	}
	return func(seq int) (Op, bool, error) {
		return Op{Units: 1, Steps: []Tx{{Org: OrgRetailer, Chaincode: benchcc.Chaincode, Fn: benchcc.FnGet, Evaluate: true,
			Args: []string{keys[seq%len(keys)]}}}}, true, nil
	}, nil
}

func prepareCommission(n int) func(context.Context, *suite, Plan) (Source, error) {
	return func(_ context.Context, s *suite, _ Plan) (Source, error) {
		return func(int) (Op, bool, error) {
			codes, err := s.fx.unitCodes(n)
			if err != nil {
				return Op{}, false, err
			}
			arg, err := jsonArg(s.fx.commissionRequest(codes))
			if err != nil {
				return Op{}, false, err
			}
			return Op{Units: n, Steps: []Tx{{Org: OrgManufacturer, Fn: model.FnCommission, Args: []string{arg}}}}, true, nil
		}, nil
	}
}

func preparePack(ctx context.Context, s *suite, p Plan) (Source, error) {
	const size = 1000
	count := p.Warmup.Ops + p.Measure.Ops
	units, err := s.commissionUnits(ctx, count*size)
	if err != nil {
		return nil, err
	}
	return func(seq int) (Op, bool, error) {
		if seq >= count {
			return Op{}, false, nil
		}
		pallet, err := s.fx.palletCode()
		if err != nil {
			return Op{}, false, err
		}
		arg, err := jsonArg(model.PackRequest{Container: pallet, Children: units[seq*size : (seq+1)*size]})
		if err != nil {
			return Op{}, false, err
		}
		return Op{Units: size, Steps: []Tx{{Org: OrgManufacturer, Fn: model.FnPack, Args: []string{arg}}}}, true, nil
	}, nil
}

// historyUnits is the number of units with a history (commissioned, packed,
// shipped and received with their pallet) that verify and trace read.
const historyUnits = 500

// historyCodes builds, once per run, units with a history: commissioned,
// packed into a pallet, shipped to the Distributor and received.
func (s *suite) historyCodes(ctx context.Context) ([]string, error) {
	if s.history != nil {
		return s.history, nil
	}
	pallets, contents, err := s.buildPallets(ctx, 1, historyUnits)
	if err != nil {
		return nil, err
	}
	if err := s.move(ctx, pallets, OrgManufacturer, OrgDistributor); err != nil {
		return nil, err
	}
	s.history = contents[0]
	return s.history, nil
}

func prepareRead(fn string) func(context.Context, *suite, Plan) (Source, error) {
	return func(ctx context.Context, s *suite, _ Plan) (Source, error) {
		codes, err := s.historyCodes(ctx)
		if err != nil {
			return nil, err
		}
		return func(seq int) (Op, bool, error) {
			args := []string{codes[seq%len(codes)]}
			if fn == model.FnTrace {
				args = append(args, strconv.Itoa(int(model.MaxPageSize)), "")
			}
			return Op{Units: 1, Steps: []Tx{{Org: OrgRetailer, Fn: fn, Args: args, Evaluate: true}}}, true, nil
		}, nil
	}
}

// poolSize is the number of goods to prepare for a scenario that consumes
// one unit per operation: the budget's count, or for a timed budget the
// baseline write rate over the warm-up and measured time with a margin.
func (s *suite) poolSize(p Plan, perOp int) int {
	if p.Measure.Ops > 0 {
		return (p.Warmup.Ops + p.Measure.Ops) * perOp
	}
	rate := s.baselineWriteTPS
	if rate <= 0 {
		rate = 200
	}
	secs := (time.Duration(max(s.cfg.Slices, 1))*p.Warmup.Duration + p.Measure.Duration).Seconds()
	n := int(math.Ceil(rate*secs*1.5)) + 50
	return min(max(n, 100), 50000) * perOp
}

func prepareSell(ctx context.Context, s *suite, p Plan) (Source, error) {
	units, err := s.commissionUnits(ctx, s.poolSize(p, 1)+1)
	if err != nil {
		return nil, err
	}
	if err := s.move(ctx, units, OrgManufacturer, OrgRetailer); err != nil {
		return nil, err
	}
	// The last unit stays unsold, for the cost anatomy.
	s.unsold = units[len(units)-1]
	units = units[:len(units)-1]
	return func(seq int) (Op, bool, error) {
		if seq >= len(units) {
			return Op{}, false, nil
		}
		code, sdk := units[seq], s.conns[OrgRetailer].sdk
		return Op{Units: 1, Do: func(ctx context.Context) (int, error) {
			_, err := sdk.Sell(ctx, model.SellRequest{Code: code}, model.SaleData{BuyerName: "Bench Buyer " + strconv.Itoa(seq),
				BuyerAddress: "1 Bench Road, Beijing", BuyerContact: "+86 10 0000 0000"})
			return 2, err
		}}, true, nil
	}, nil
}

// recordSaleTx is the Retailer's RecordSale of code with buyer data and a
// fresh random salt in the transient map, endorsed by its own peer, as the
// SDK's Sell sends it first.
func recordSaleTx(code string, seq int) (Tx, error) {
	salt := make([]byte, model.MinSaltLength/2)
	if _, err := rand.Read(salt); err != nil {
		return Tx{}, err
	}
	transient, err := json.Marshal(model.SaleTransient{
		SaleData: model.SaleData{SalesTime: time.Now().UTC(), BuyerName: "Bench Buyer " + strconv.Itoa(seq),
			BuyerAddress: "1 Bench Road, Beijing", BuyerContact: "+86 10 0000 0000"},
		Salt: hex.EncodeToString(salt),
	})
	if err != nil {
		return Tx{}, err
	}
	arg, err := jsonArg(model.RecordSaleRequest{Code: code})
	if err != nil {
		return Tx{}, err
	}
	return Tx{Org: OrgRetailer, Fn: model.FnRecordSale, Args: []string{arg},
		Transient: map[string][]byte{model.TransientSaleKey: transient}, Endorsers: []string{OrgRetailer + "MSP"}}, nil
}

func prepareContended(ctx context.Context, s *suite, p Plan) (Source, error) {
	count := p.Warmup.Ops + p.Measure.Ops
	pallets, _, err := s.buildPallets(ctx, 1, 1)
	if err != nil {
		return nil, err
	}
	units, err := s.commissionUnits(ctx, count)
	if err != nil {
		return nil, err
	}
	return func(seq int) (Op, bool, error) {
		if seq >= count {
			return Op{}, false, nil
		}
		arg, err := jsonArg(model.PackRequest{Container: pallets[0], Children: []string{units[seq]}})
		if err != nil {
			return Op{}, false, err
		}
		return Op{Units: 1, Steps: []Tx{{Org: OrgManufacturer, Fn: model.FnPack, Args: []string{arg}}}}, true, nil
	}, nil
}

func jsonArg(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// commas formats n with thousands separators.
func commas(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
