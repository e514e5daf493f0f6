package lifecycle_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// TestPropertyRandomSequences runs random sequences of transactions by
// random callers, honest and dishonest (wrong roles, ordinary clients for
// privileged calls, other members' goods and codes), and checks the ledger's
// invariants after every step. Its Capture steps capture EPCIS documents
// built from the sequence's state (property_capture_test.go): an accepted one
// must change exactly what its direct calls would, a refused one nothing,
// and an adversarial one must be refused. A failure prints the seed and the steps; set
// TRACECHAIN_PROPERTY_SEED to that seed to replay the one sequence, and
// TRACECHAIN_PROPERTY_SEQUENCES to run more or fewer.
func TestPropertyRandomSequences(t *testing.T) {
	sequences, steps := 1500, 40
	if testing.Short() {
		sequences = 200
	}
	if v, err := strconv.Atoi(os.Getenv("TRACECHAIN_PROPERTY_SEQUENCES")); err == nil {
		sequences = v
	}
	seeds := make([]uint64, sequences)
	for i := range seeds {
		seeds[i] = uint64(i) + 1
	}
	if v, err := strconv.ParseUint(os.Getenv("TRACECHAIN_PROPERTY_SEED"), 10, 64); err == nil {
		seeds = []uint64{v}
	}
	succeeded := map[string]int{}
	for _, seed := range seeds {
		p := newProperty(t, seed)
		for range steps {
			p.step()
			if t.Failed() {
				t.Fatalf("invariant broken: replay with TRACECHAIN_PROPERTY_SEED=%d\nsteps:\n  %s", seed, strings.Join(p.log, "\n  "))
			}
		}
		for k, v := range p.succeeded {
			succeeded[k] += v
		}
	}
	t.Logf("successful steps by action: %v", succeeded)
	if len(seeds) >= 1000 {
		// Sequences that never get past the refusals would check nothing. Some
		// actions need a long honest chain first (a clone report needs a sale, which
		// needs a shipment received by a retailer), so only the full run reaches
		// all of them: -short checks the invariants, not the coverage.
		for _, a := range actions {
			if succeeded[a.name] == 0 {
				t.Errorf("no %s ever succeeded: the sequences do not exercise it", a.name)
			}
		}
	}
}

// property is one random sequence on a fresh world.
type property struct {
	t   *testing.T
	w   *world
	rnd *rand.Rand
	log []string

	units, lots, parts, containers []string // codes that were created
	unknown                        []string // valid codes never commissioned
	sold                           []string
	records                        map[string]*model.RecordSaleResult // by seller and code: what RecordSale kept
	alerts                         map[string]string
	focus                          string // the code this step acts on
	focusItem                      *model.ItemStatus
	succeeded                      map[string]int
	n                              int

	pending     *captureDoc  // the document of the current Capture step
	counterpart *counterpart // what its direct calls did, for an honest one
}

func newProperty(t *testing.T, seed uint64) *property {
	p := &property{t: t, w: newWorld(t), rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), records: map[string]*model.RecordSaleResult{}, alerts: map[string]string{}, succeeded: map[string]int{}}
	withGLNs(t, p.w) // parties and sites for the captured documents to name
	p.unknown = []string{unit("NEVER-1"), sgtin(gtinB, "NEVER-2"), "ecode:100019999", "ccc:2023010701999999", sscc("6905678", 99)}
	return p
}

// callers are the identities a step may act as, dishonest ones included.
var callers = []string{makerA, makerB, distributor, retailer, retailer2, regulator, outsider}

func (p *property) caller() string {
	c := callers[p.rnd.IntN(len(callers))]
	if p.rnd.IntN(2) == 0 {
		return admin(c)
	}
	return c
}

func pick[T any](p *property, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[p.rnd.IntN(len(xs))], true
}

// anyCode returns the step's focus code.
func (p *property) anyCode() string { return p.focus }

// randomCode returns a code of any kind, sometimes one never commissioned.
func (p *property) randomCode() string {
	pools := [][]string{p.units, p.lots, p.parts, p.containers, p.unknown}
	for range 5 {
		if c, ok := pick(p, pools[p.rnd.IntN(len(pools))]); ok {
			return c
		}
	}
	return p.unknown[0]
}

// action is one kind of step: it returns what it did, for the log, and the
// transaction's error.
type action struct {
	name string
	// natural is who would honestly make this step on the focus code; a step
	// is made by it three times in four, else by anyone.
	natural func(p *property) string
	// roles and admin state who may succeed: a success by anyone else breaks
	// the role invariant.
	roles []model.Role
	admin bool
	run   func(p *property, c call) (string, error)
}

var actions = []action{
	{"Commission", func(p *property) string { return []string{makerA, makerB}[p.rnd.IntN(2)] }, []model.Role{model.RoleManufacturer}, false, func(p *property, c call) (string, error) {
		g, _ := pick(p, []string{gtinA, gtinA2, gtinB})
		p.n++
		codes := []string{sgtin(g, fmt.Sprintf("P%d", p.n))}
		switch p.rnd.IntN(4) {
		case 0:
			codes = append(codes, fmt.Sprintf("ecode:1000%d%04d", 1+p.rnd.IntN(2), p.n)) // NSI 0001 is A's, 0002 is B's
		case 1:
			codes = append(codes, []string{"ccc:2023011234000001", "ccc:2023010701000001"}[p.rnd.IntN(2)])
		}
		_, err := c.l.Commission(model.CommissionRequest{GTIN: g, Batch: "B" + strconv.Itoa(p.rnd.IntN(3)), ProductionDate: "2026-02-01", Codes: codes})
		if err == nil {
			p.units = append(p.units, commissioned(codes)...)
		}
		return fmt.Sprintf("Commission %s %v", g, codes), err
	}},
	{"CommissionLot", func(p *property) string { return []string{makerA, makerB}[p.rnd.IntN(2)] }, []model.Role{model.RoleManufacturer}, false, func(p *property, c call) (string, error) {
		g, _ := pick(p, []string{gtinA, gtinB})
		batch := "L" + strconv.Itoa(p.rnd.IntN(3))
		it, err := c.l.CommissionLot(model.LotRequest{GTIN: g, Batch: batch, ProductionDate: "2026-02-01", Quantity: int64(1 + p.rnd.IntN(100))})
		if err == nil {
			p.lots = append(p.lots, it.Code)
		}
		return fmt.Sprintf("CommissionLot %s %s", g, batch), err
	}},
	{"SplitLot", holderOf, []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer}, false, func(p *property, c call) (string, error) {
		src := p.anyCode()
		q := int64(1 + p.rnd.IntN(40))
		part, err := c.l.SplitLot(model.SplitRequest{Source: src, Quantity: q})
		if err == nil {
			p.parts = append(p.parts, part.Code)
		}
		return fmt.Sprintf("SplitLot %s %d", src, q), err
	}},
	{"Pack", holderOf, []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer}, false, func(p *property, c call) (string, error) {
		// The container: a packer's own SSCC, another's, or a squatted SGTIN of a maker's GTIN.
		prefix, _ := pick(p, []string{"6901234", "6905678", "6907777", "6908888"})
		container := sscc(prefix, 1+p.rnd.IntN(4))
		if p.rnd.IntN(4) == 0 {
			container = sgtin(gtinA, fmt.Sprintf("CASE%d", p.rnd.IntN(3)))
		}
		if old, ok := pick(p, p.containers); ok && p.rnd.IntN(2) == 0 {
			container = old
		}
		child := p.anyCode()
		_, err := c.l.Pack(model.PackRequest{Container: container, Children: []string{child}})
		if err == nil && !slices.Contains(p.containers, container) {
			p.containers = append(p.containers, container)
		}
		return fmt.Sprintf("Pack %s <- %s", container, child), err
	}},
	{"Unpack", holderOf, []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer}, false, func(p *property, c call) (string, error) {
		container := p.anyCode()
		_, err := c.l.Unpack(model.UnpackRequest{Container: container})
		return "Unpack " + container, err
	}},
	{"Ship", holderOf, []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer}, false, func(p *property, c call) (string, error) {
		to, _ := pick(p, callers)
		if p.rnd.IntN(4) != 0 {
			to, _ = pick(p, []string{distributor, retailer, retailer2})
		}
		req := model.ShipRequest{To: to, Codes: []string{p.anyCode()}}
		if l, ok := pick(p, append(slices.Clone(p.lots), p.parts...)); ok && p.rnd.IntN(3) == 0 {
			req = model.ShipRequest{To: to, Lots: []model.LotShipment{{Source: l, Quantity: int64(1 + p.rnd.IntN(30))}}}
		}
		res, err := c.l.Ship(req)
		if err == nil {
			for _, code := range res.Codes {
				if strings.Contains(code, model.PartSeparator) && !slices.Contains(p.parts, code) {
					p.parts = append(p.parts, code)
				}
			}
		}
		return fmt.Sprintf("Ship %+v", req), err
	}},
	{"Receive", destinationOf, []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer}, false, func(p *property, c call) (string, error) {
		code := p.anyCode()
		_, err := c.l.Receive(model.MoveRequest{Codes: []string{code}})
		return "Receive " + code, err
	}},
	{"Reject", destinationOf, []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer}, false, func(p *property, c call) (string, error) {
		code := p.anyCode()
		_, err := c.l.Reject(model.MoveRequest{Codes: []string{code}})
		return "Reject " + code, err
	}},
	{"RecordSale", func(p *property) string { return []string{retailer, retailer2, holderOf(p)}[p.rnd.IntN(3)] }, []model.Role{model.RoleRetailer}, false, func(p *property, c call) (string, error) {
		code := p.anyCode()
		res, err := c.l.RecordSale(model.RecordSaleRequest{Code: code})
		if err == nil && res.Outcome == model.OutcomeRecorded {
			p.records[c.tx.ClientMSPID()+" "+res.Code] = res
		}
		return "RecordSale " + code, err
	}},
	{"Sell", func(p *property) string { return []string{retailer, retailer2, holderOf(p)}[p.rnd.IntN(3)] }, []model.Role{model.RoleRetailer}, false, func(p *property, c call) (string, error) {
		code := p.anyCode()
		if sold, ok := pick(p, p.sold); ok && p.rnd.IntN(2) == 0 {
			code = sold // a resale: a clone at another shop, or a rival's invented report
		}
		req := model.SellRequest{Code: code}
		who := c.tx.ClientMSPID()
		if _, ok := p.records[who+" "+code]; !ok && p.rnd.IntN(4) != 0 {
			// The first half of an honest sale, committed before this one.
			_, _ = p.w.do(who, map[string][]byte{model.TransientSaleKey: saleJSON("买家" + strconv.Itoa(p.n))}, func(rc call) error {
				r, err := rc.l.RecordSale(model.RecordSaleRequest{Code: code})
				if err == nil && r.Outcome == model.OutcomeRecorded {
					p.records[who+" "+r.Code] = r
				}
				return err
			})
		}
		// The record this seller kept, another seller's, or none: Sell must
		// hold each of them against the hash its collection keeps.
		for _, k := range slices.Sorted(maps.Keys(p.records)) {
			r := p.records[k]
			if strings.HasSuffix(k, " "+code) && (strings.HasPrefix(k, c.tx.ClientMSPID()+" ") || p.rnd.IntN(4) == 0) {
				req.SaleHash, req.RecordHash = r.SaleHash, r.RecordHash
			}
		}
		res, err := c.l.Sell(req)
		switch {
		case err != nil:
		case res.AlertID != "":
			p.alerts[res.Code] = res.AlertID
		default:
			p.sold = append(p.sold, res.Code)
		}
		return "Sell " + code, err
	}},
	{"DecideAlert", func(*property) string { return admin(regulator) }, []model.Role{model.RoleRegulator}, true, func(p *property, c call) (string, error) {
		code, ok := pick(p, keys(p.alerts))
		if !ok {
			code = p.focus
		}
		d, _ := pick(p, []model.AlertDecision{model.DecisionConfirm, model.DecisionDismiss})
		_, err := c.l.DecideAlert(model.DecideAlertRequest{Code: code, AlertID: p.alerts[code], Decision: d})
		return fmt.Sprintf("DecideAlert %s %s", code, d), err
	}},
	{"Recall", func(p *property) string { return admin([]string{regulator, makerA, makerB}[p.rnd.IntN(3)]) }, []model.Role{model.RoleManufacturer, model.RoleRegulator}, true, func(p *property, c call) (string, error) {
		req := model.RecallRequest{Codes: []string{p.anyCode()}, Reason: "defect"}
		if p.rnd.IntN(8) == 0 {
			g, _ := pick(p, []string{gtinA, gtinB})
			req = model.RecallRequest{GTIN: g, Batch: "B" + strconv.Itoa(p.rnd.IntN(3)), Reason: "defect"}
		}
		_, err := c.l.Recall(req)
		return fmt.Sprintf("Recall %+v", req), err
	}},
	{"Decommission", holderOf, []model.Role{model.RoleManufacturer, model.RoleDistributor, model.RoleRetailer}, false, func(p *property, c call) (string, error) {
		code := p.anyCode()
		_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{code}, Reason: model.ReasonDamaged})
		return "Decommission " + code, err
	}},
	{"RegisterMember", func(*property) string { return admin(regulator) }, []model.Role{model.RoleRegulator}, true, func(p *property, c call) (string, error) {
		// A member trying to enrol an accomplice, or to take a prefix another holds.
		p.n++
		req := model.MemberRequest{MSPID: fmt.Sprintf("New%dMSP", p.n), Role: model.RoleManufacturer, Name: "n", USCC: uscc("91350100M000900Y4"),
			CompanyPrefixes: []string{[]string{"69012345", "6909999", "690"}[p.rnd.IntN(3)] + "1"}}
		_, err := c.reg.RegisterMember(req)
		return fmt.Sprintf("RegisterMember %s %v", req.MSPID, req.CompanyPrefixes), err
	}},
	captureAction,
}

// commissioned returns the canonical codes of commissioning inputs.
func commissioned(codes []string) []string {
	out := make([]string, len(codes))
	copy(out, codes)
	return out
}

// weights make the honest supply chain common enough for sequences to reach
// sales, clone reports and decisions; the rest is there to be refused.
var weights = map[string]int{"Commission": 3, "Ship": 4, "Receive": 4, "Sell": 3, "Pack": 2, "DecideAlert": 2, "Capture": 4}

func (p *property) pickAction() action {
	total := 0
	for _, a := range actions {
		total += max(1, weights[a.name])
	}
	n := p.rnd.IntN(total)
	for _, a := range actions {
		if n -= max(1, weights[a.name]); n < 0 {
			return a
		}
	}
	return actions[0]
}

// holderOf is the focus item's effective holder, a random caller if none.
func holderOf(p *property) string {
	if p.focusItem == nil {
		return p.caller()
	}
	return p.focusItem.Holder.MSPID
}

// destinationOf is where the focus item is shipped to, a random caller if
// it is not in transit.
func destinationOf(p *property) string {
	if p.focusItem == nil || p.focusItem.Destination == "" {
		return p.caller()
	}
	return p.focusItem.Destination
}

func (p *property) step() {
	p.t.Helper()
	a := p.pickAction()
	p.focus = p.randomCode()
	p.focusItem = nil
	if st, err := p.w.begin(regulator, nil).l.GetItem(p.focus); err == nil {
		p.focusItem = st
	}
	who := p.caller()
	if p.rnd.IntN(4) != 0 {
		who = a.natural(p)
	}
	var what, before string
	if a.name == captureAction.name {
		before = p.stateDigest()
	}
	var transient map[string][]byte
	if a.name == "RecordSale" {
		transient = map[string][]byte{model.TransientSaleKey: saleJSON("买家" + strconv.Itoa(p.n))}
	}
	tx, err := p.w.do(who, transient, func(c call) (err error) {
		what, err = a.run(p, c)
		return err
	})
	outcome := "ok"
	if err != nil {
		outcome = string(model.CodeOf(err))
	}
	p.log = append(p.log, fmt.Sprintf("%s as %s: %s", what, who, outcome))
	if err == nil {
		p.succeeded[a.name]++
		p.checkRole(a, who)
	} else if tx.Committed() {
		p.t.Errorf("a refused transaction was committed: %s", what)
	}
	if a.name == captureAction.name {
		p.checkCapture(err, before)
	}
	p.checkInvariants()
}

// checkRole fails when a caller without the role (or, for privileged
// actions, without an administrator identity) succeeded.
func (p *property) checkRole(a action, who string) {
	msp, isAdmin := strings.CutSuffix(who, asAdmin)
	role := map[string]model.Role{makerA: model.RoleManufacturer, makerB: model.RoleManufacturer, distributor: model.RoleDistributor,
		retailer: model.RoleRetailer, retailer2: model.RoleRetailer, regulator: model.RoleRegulator}[msp]
	if !slices.Contains(a.roles, role) || (a.admin && !isAdmin) {
		p.t.Errorf("%s succeeded for %s, which may not", a.name, who)
	}
}

// checkInvariants reads the whole committed state and checks what must hold
// whatever happened.
func (p *property) checkInvariants() {
	t := p.t
	t.Helper()
	c := p.w.begin(regulator, nil)
	items := map[string]*model.Item{}
	require.NoError(t, c.tx.Scan("item", nil, func(kv state.KV) error {
		var it model.Item
		require.NoError(t, json.Unmarshal(kv.Value, &it))
		items[it.Code] = &it
		return nil
	}))
	containerOf := map[string][]string{}
	require.NoError(t, c.tx.Scan("contains", nil, func(kv state.KV) error {
		_, attrs, _ := c.tx.SplitKey(kv.Key)
		containerOf[attrs[1]] = append(containerOf[attrs[1]], attrs[0])
		return nil
	}))
	products := map[string]string{gtinA: makerA, gtinA2: makerA, gtinB: makerB}
	holders := []string{makerA, makerB, distributor, retailer, retailer2}

	for code, it := range items {
		// At most one container per child, and the index agrees with the record.
		if n := len(containerOf[code]); n > 1 || (n == 1) != (it.Parent != "") || (n == 1 && containerOf[code][0] != it.Parent) {
			t.Errorf("%s: parent %q but contained in %v", code, it.Parent, containerOf[code])
		}
		// One effective holder, a member that may hold goods.
		st, err := c.l.GetItem(code)
		require.NoError(t, err)
		if !slices.Contains(holders, st.Holder.MSPID) {
			t.Errorf("%s: effective holder %q", code, st.Holder.MSPID)
		}
		// Lot quantities are conserved.
		if it.Class == model.ClassLot {
			total := it.Quantity
			for _, part := range items {
				if part.Class == model.ClassLotPart && part.Lot == code {
					total += part.Quantity
				}
			}
			if total != it.InitialQuantity {
				t.Errorf("lot %s: %d of %d accounted for", code, total, it.InitialQuantity)
			}
		}
		// A part split off recalled goods is recalled, whether it was split before the
		// recall or after it.
		if it.Class == model.ClassLotPart && it.RecallID == "" {
			for src := items[it.SplitFrom]; src != nil; src = items[src.SplitFrom] {
				if src.RecallID != "" {
					t.Errorf("part %s escaped the recall of %s", code, src.Code)
				}
				if src.Class != model.ClassLotPart {
					break
				}
			}
		}
		v, err := c.l.Verify(code)
		require.NoError(t, err)
		switch v.Verdict {
		case model.VerdictGenuine:
			if st.Recalled {
				t.Errorf("%s is recalled (%s) but verifies genuine", code, st.RecallID)
			}
			// Nothing verifies genuine unless its manufacturer commissioned it, or it is a
			// container under its issuer's own prefix.
			if it.Class == model.ClassContainer {
				if v.Product != nil || v.Producer == nil || v.Producer.MSPID != it.Issuer {
					t.Errorf("container %s verifies with product %v, producer %v", code, v.Product, v.Producer)
				}
				if it.GTIN != "" && products[it.GTIN] != "" && products[it.GTIN] != it.Issuer {
					t.Errorf("container %s squats %s's GTIN %s", code, products[it.GTIN], it.GTIN)
				}
			} else if products[it.GTIN] != it.Manufacturer {
				t.Errorf("%s verifies genuine as %s's, but its product is %s's", code, it.Manufacturer, products[it.GTIN])
			}
		case model.VerdictSuspectedClone:
			if it.CloneConfirmed == "" {
				t.Errorf("%s verifies suspected_clone without the Regulator's confirmation", code)
			}
		}
	}
	for _, code := range p.unknown {
		if items[code] != nil {
			continue // a dishonest step may legitimately have created it: its owner did
		}
		v, err := c.l.Verify(code)
		require.NoError(t, err)
		if v.Verdict != model.VerdictUnknown {
			t.Errorf("uncommissioned %s verifies %s", code, v.Verdict)
		}
	}
}

// keys returns a map's keys in order, so that a seed replays exactly.
func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
