package lifecycle_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/lifecycle"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state/statetest"
)

// Organisations of the test network.
const (
	regulator   = "RegulatorMSP"
	makerA      = "ManufacturerAMSP"
	makerB      = "ManufacturerBMSP"
	distributor = "DistributorMSP"
	retailer    = "RetailerMSP"
	retailer2   = "Retailer2MSP"
	outsider    = "OutsiderMSP"
)

// asAdmin marks a caller as an administrator of its organisation; without it
// a caller is one of the organisation's ordinary clients.
const asAdmin = "#admin"

func admin(msp string) string { return msp + asAdmin }

var (
	gtinA  = gtin("690123400001") // ManufacturerA, company prefix 6901234
	gtinA2 = gtin("690123400002")
	gtinB  = gtin("690567800001") // ManufacturerB, company prefix 6905678
	usccA  = uscc("91350100M000100Y4")
	usccB  = uscc("91110000M000200Y4")
)

func gtin(first12 string) string {
	d, err := identifier.CheckDigit("0" + first12)
	if err != nil {
		panic(err)
	}
	return "0" + first12 + string(d)
}

func uscc(first17 string) string {
	c, err := identifier.USCCCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// unit returns the canonical SGTIN of a ManufacturerA unit.
func unit(serial string) string { return sgtin(gtinA, serial) }

func sgtin(g, serial string) string {
	c, err := identifier.SGTIN(g, serial)
	if err != nil {
		panic(err)
	}
	return c.Canonical
}

// sscc returns the canonical code of the n-th SSCC of a company prefix.
func sscc(prefix string, n int) string {
	body := fmt.Sprintf("3%s%0*d", prefix, 16-len(prefix), n)
	d, err := identifier.CheckDigit(body)
	if err != nil {
		panic(err)
	}
	c, err := identifier.SSCC(body + string(d))
	if err != nil {
		panic(err)
	}
	return c.Canonical
}

func lot(g, batch string) string {
	c, err := identifier.LGTIN(g, batch)
	if err != nil {
		panic(err)
	}
	return c.Canonical
}

// world is a ledger with the test network's members and products.
type world struct {
	t   testing.TB
	mem *statetest.Memory
	now time.Time
	n   int
	// committed, when set, sees every transaction right after it commits.
	committed func(tx *statetest.MemoryTx)
}

// call is one simulated transaction.
type call struct {
	tx  *statetest.MemoryTx
	reg *registry.Registry
	l   *lifecycle.Ledger
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, mem: statetest.NewMemory(), now: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	w.ok(admin(regulator), func(c call) error { _, err := c.reg.InitLedger(regulator); return err })
	members := []model.MemberRequest{
		{MSPID: makerA, Role: model.RoleManufacturer, Name: "A Cable Co.", USCC: usccA, CompanyPrefixes: []string{"6901234"}, ProductionLicences: []string{"XK06-001-00001"}, CCCCertificates: []string{"2023011234000001"}, EcodeNumberSystems: []string{"10001"}},
		{MSPID: makerB, Role: model.RoleManufacturer, Name: "B Appliance Co.", USCC: usccB, CompanyPrefixes: []string{"6905678"}, CCCCertificates: []string{"2023010701000001"}, EcodeNumberSystems: []string{"10002"}},
		{MSPID: distributor, Role: model.RoleDistributor, Name: "D Logistics", USCC: uscc("91310000M000300Y4"), CompanyPrefixes: []string{"6907777"}},
		{MSPID: retailer, Role: model.RoleRetailer, Name: "R Mart", USCC: uscc("91440300M000400Y4"), CompanyPrefixes: []string{"6908888"}},
		{MSPID: retailer2, Role: model.RoleRetailer, Name: "R2 Store", USCC: uscc("91440100M000500Y4")},
	}
	for _, m := range members {
		w.ok(admin(regulator), func(c call) error { _, err := c.reg.RegisterMember(m); return err })
	}
	products := []struct {
		msp string
		req model.ProductRequest
	}{
		{makerA, model.ProductRequest{GTIN: gtinA, Name: "BV 2.5mm² cable", Type: "electric wire and cable", Licence: "XK06-001-00001", WarrantyMonths: 24, Standards: []string{"GB/T 5023.3-2008"}}},
		{makerA, model.ProductRequest{GTIN: gtinA2, Name: "BV 4mm² cable", Type: "electric wire and cable", Licence: "XK06-001-00001"}},
		{makerB, model.ProductRequest{GTIN: gtinB, Name: "Gas water heater", Type: "gas appliance", Licence: "2023010701000001", WarrantyMonths: 36}},
	}
	for _, p := range products {
		w.ok(p.msp, func(c call) error { _, err := c.reg.RegisterProduct(p.req); return err })
	}
	return w
}

// begin starts a transaction one minute after the previous one.
func (w *world) begin(msp string, transient map[string][]byte) call {
	w.n++
	w.now = w.now.Add(time.Minute)
	id := fmt.Sprintf("%x", sha256.Sum256([]byte(strconv.Itoa(w.n))))
	msp, isAdmin := strings.CutSuffix(msp, asAdmin)
	tx := w.mem.Begin(statetest.Tx{MSPID: msp, Admin: isAdmin, TxID: id, Time: w.now, Transient: transient})
	reg := registry.New(tx, regulator)
	return call{tx: tx, reg: reg, l: lifecycle.New(reg)}
}

// do runs fn as msp and commits when it succeeds. A successful transaction
// that wrote anything must have set exactly one chaincode event.
func (w *world) do(msp string, transient map[string][]byte, fn func(c call) error) (*statetest.MemoryTx, error) {
	c := w.begin(msp, transient)
	err := fn(c)
	if err == nil {
		if s := c.tx.Stats(); s.Writes+s.PrivateWrites > 0 {
			require.Equal(w.t, 1, s.Events, "exactly one chaincode event per transaction")
		}
		require.NoError(w.t, c.tx.Commit())
		if w.committed != nil {
			w.committed(c.tx)
		}
	}
	return c.tx, err
}

// ok runs fn as msp and requires success.
func (w *world) ok(msp string, fn func(c call) error) *statetest.MemoryTx {
	w.t.Helper()
	tx, err := w.do(msp, nil, fn)
	require.NoError(w.t, err)
	return tx
}

// fails runs fn as msp and requires a model.Error with code.
func (w *world) fails(msp string, code model.Code, fn func(c call) error) *model.Error {
	w.t.Helper()
	_, err := w.do(msp, nil, fn)
	return requireCode(w.t, err, code)
}

func requireCode(t testing.TB, err error, code model.Code) *model.Error {
	t.Helper()
	require.Error(t, err)
	me, ok := err.(*model.Error)
	require.True(t, ok, "want *model.Error, got %T: %v", err, err)
	require.Equal(t, code, me.Code, me.Error())
	return me
}

// Typed helpers for the common transactions.

func (w *world) commission(msp, g, batch string, codes ...string) *model.CommissionResult {
	w.t.Helper()
	var res *model.CommissionResult
	w.ok(msp, func(c call) (err error) {
		res, err = c.l.Commission(model.CommissionRequest{GTIN: g, Batch: batch, ProductionDate: "2026-02-01", Codes: codes})
		return err
	})
	return res
}

// units commissions n ManufacturerA units of a batch with serials prefix-i.
func (w *world) units(batch string, prefix string, n int) []string {
	w.t.Helper()
	codes := make([]string, n)
	for i := range codes {
		codes[i] = unit(fmt.Sprintf("%s%d", prefix, i))
	}
	w.commission(makerA, gtinA, batch, codes...)
	return codes
}

func (w *world) pack(msp, container string, children ...string) {
	w.t.Helper()
	w.ok(msp, func(c call) error {
		_, err := c.l.Pack(model.PackRequest{Container: container, Children: children})
		return err
	})
}

func (w *world) unpack(msp, container string, children ...string) {
	w.t.Helper()
	w.ok(msp, func(c call) error {
		_, err := c.l.Unpack(model.UnpackRequest{Container: container, Children: children})
		return err
	})
}

func (w *world) ship(msp, to string, codes ...string) *statetest.MemoryTx {
	w.t.Helper()
	return w.ok(msp, func(c call) error {
		_, err := c.l.Ship(model.ShipRequest{To: to, Codes: codes})
		return err
	})
}

func (w *world) receive(msp string, codes ...string) *statetest.MemoryTx {
	w.t.Helper()
	return w.ok(msp, func(c call) error {
		_, err := c.l.Receive(model.MoveRequest{Codes: codes})
		return err
	})
}

// move ships codes from one member to another and receives them there.
func (w *world) move(from, to string, codes ...string) {
	w.t.Helper()
	w.ship(from, to, codes...)
	w.receive(to, codes...)
}

func saleJSON(name string) []byte {
	b, _ := json.Marshal(model.SaleTransient{
		SaleData: model.SaleData{SalesTime: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), BuyerName: name, BuyerAddress: "北京市海淀区中关村大街1号", BuyerContact: "13800000000"},
		Salt:     "0123456789abcdef0123456789abcdef",
	})
	return b
}

func (w *world) sell(msp, code string) (*model.SellResult, error) {
	return w.sale(msp, model.SellRequest{Code: code}, saleJSON("张三"))
}

// record keeps a sale record as msp (RecordSale) and requires it kept.
func (w *world) record(msp, code string) *model.RecordSaleResult {
	w.t.Helper()
	var rec *model.RecordSaleResult
	_, err := w.do(msp, map[string][]byte{model.TransientSaleKey: saleJSON("张三")}, func(c call) (err error) {
		rec, err = c.l.RecordSale(model.RecordSaleRequest{Code: code})
		return err
	})
	require.NoError(w.t, err)
	require.Equal(w.t, model.OutcomeRecorded, rec.Outcome)
	return rec
}

// sale sells as the SDK does, in two transactions: RecordSale with the
// buyer data, then Sell with the record's hashes and no buyer data.
func (w *world) sale(msp string, req model.SellRequest, buyer []byte) (*model.SellResult, error) {
	var rec *model.RecordSaleResult
	_, err := w.do(msp, map[string][]byte{model.TransientSaleKey: buyer}, func(c call) (err error) {
		rec, err = c.l.RecordSale(model.RecordSaleRequest{Code: req.Code, RetentionDays: req.RetentionDays})
		return err
	})
	switch {
	case model.CodeOf(err) == model.CodeAlreadySold: // Sell without a record reports the resale
	case err != nil:
		return nil, err
	default:
		req.SaleHash, req.RecordHash = rec.SaleHash, rec.RecordHash
	}
	var res *model.SellResult
	_, err = w.do(msp, nil, func(c call) (err error) {
		res, err = c.l.Sell(req)
		return err
	})
	return res, err
}

// status reads an item as the Regulator.
func (w *world) status(code string) *model.ItemStatus {
	w.t.Helper()
	c := w.begin(regulator, nil)
	st, err := c.l.GetItem(code)
	require.NoError(w.t, err)
	return st
}

func (w *world) verify(code string) *model.Verification {
	w.t.Helper()
	c := w.begin(retailer, nil)
	v, err := c.l.Verify(code)
	require.NoError(w.t, err)
	return v
}

// decideAlert records the Regulator's decision on the open alert of code.
func (w *world) decideAlert(code, alertID string, d model.AlertDecision) {
	w.t.Helper()
	w.ok(admin(regulator), func(c call) error {
		_, err := c.l.DecideAlert(model.DecideAlertRequest{Code: code, AlertID: alertID, Decision: d})
		return err
	})
}
