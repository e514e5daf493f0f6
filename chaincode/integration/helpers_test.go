//go:build integration

package integration

import (
	"context"
	cryptorand "crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	tc "github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// callTimeout bounds one endorse + submit + commit-status round trip.
const callTimeout = 60 * time.Second

// member is one organisation identity's gateway connection (the kit's, shared by the
// package run), with the same organisation acting as its administrator.
type member struct {
	*testnet.Gateway
	org string // testnet organisation name, e.g. "ManufacturerA"
	msp string // MSP ID, e.g. "ManufacturerAMSP"
	s   *suite
	// admin is the same organisation acting through its administrator
	// identity, which privileged functions require; nil on an admin member.
	admin *member
}

// txRecord is a transaction the suite committed, with the chaincode event it
// must have emitted.
type txRecord struct {
	ID    string
	Fn    string
	MSP   string
	Block uint64
	Event string
}

// suite is the state shared by the ordered subtests of TestTracechain.
type suite struct {
	run   string // short run-unique token used in serials, batches and MSP IDs
	fresh bool   // the ledger had no registered member when the suite started

	ma, mb, dist, ret, reg *member
	all                    []*member // in matrix column order

	prefixA, prefixB string // GS1 company prefixes of ManufacturerA and B
	prefixD, prefixR string // GS1 company prefixes of the Distributor and the Retailer, for their SSCCs
	licenceA         string // production licence of ManufacturerA
	licenceB         string // production licence of ManufacturerB
	cccA             string // CCC certificate of ManufacturerA
	cccB             string // CCC certificate of ManufacturerB
	ecodeNSIB        string // Ecode number system of ManufacturerB (version digit + NSI)
	productA         string // GTIN-14 of a product of ManufacturerA (MasterData)
	productB         string // GTIN-14 of a product of ManufacturerB (MasterData)

	mu       sync.Mutex
	txs      []txRecord
	storyTxs []string // the Story's transactions, in order
	personal []string // buyer data that must never appear in public data
	gtinNext int
	ssccNext int
	seq      int
}

func newSuite(t *testing.T) *suite {
	t.Helper()
	s := &suite{
		run:       strconv.FormatInt(time.Now().Unix()%(36*36*36*36*36*36), 36),
		prefixA:   testnet.PrefixA,
		prefixB:   testnet.PrefixB,
		prefixD:   testnet.PrefixD,
		prefixR:   testnet.PrefixR,
		licenceA:  testnet.LicenceA,
		licenceB:  testnet.LicenceB,
		cccA:      testnet.CCCA,
		cccB:      testnet.CCCB,
		ecodeNSIB: testnet.EcodeNSIB,
		gtinNext:  rand.IntN(90000),
		ssccNext:  rand.IntN(900000000),
	}
	s.ma = s.connect(t, testnet.ManufacturerA)
	s.mb = s.connect(t, testnet.ManufacturerB)
	s.dist = s.connect(t, testnet.Distributor)
	s.ret = s.connect(t, testnet.Retailer)
	s.reg = s.connect(t, testnet.Regulator)
	s.all = []*member{s.ma, s.mb, s.dist, s.ret, s.reg}
	return s
}

// connect opens org's gateway connections, user and administrator, for the
// whole run.
func (s *suite) connect(t *testing.T, org string) *member {
	t.Helper()
	m := s.connectAs(t, org, tc.IdentityUser)
	m.admin = s.connectAs(t, org, tc.IdentityAdmin)
	return m
}

// connectAs takes the kit's connection of one of org's identities: user, admin or reader.
func (s *suite) connectAs(t *testing.T, org, identity string) *member {
	t.Helper()
	g, err := testnet.Current().Gateway(org, identity)
	require.NoError(t, err)
	return &member{Gateway: g, org: org, msp: g.MSPID, s: s}
}

// ---------------------------------------------------------------------------
// Calls

// options turns call arguments into proposal options: strings are passed as
// they are, int32 as decimal, client.ProposalOption values (transient data,
// endorsing organisations) as options, anything else as one JSON argument.
func options(args []any) []client.ProposalOption {
	var strs []string
	var opts []client.ProposalOption
	for _, a := range args {
		switch v := a.(type) {
		case client.ProposalOption:
			opts = append(opts, v)
		case string:
			strs = append(strs, v)
		case int32:
			strs = append(strs, strconv.Itoa(int(v)))
		default:
			b, err := json.Marshal(v)
			if err != nil {
				panic(err)
			}
			strs = append(strs, string(b))
		}
	}
	return append([]client.ProposalOption{client.WithArguments(strs...)}, opts...)
}

// commitFailure is a transaction that was ordered but did not validate.
type commitFailure struct {
	TxID string
	Code peer.TxValidationCode
}

func (e *commitFailure) Error() string {
	return fmt.Sprintf("transaction %s committed with validation code %s", e.TxID, e.Code)
}

// committed is what a successful submission returns.
type committed struct {
	TxID   string
	Block  uint64
	Result []byte
}

// submitProposal endorses, submits and awaits one proposal.
func (m *member) submitProposal(ctx context.Context, prop *client.Proposal) (committed, error) {
	out := committed{TxID: prop.TransactionID()}
	tx, err := prop.EndorseWithContext(ctx)
	if err != nil {
		return out, err
	}
	out.Result = tx.Result()
	commit, err := tx.SubmitWithContext(ctx)
	if err != nil {
		return out, err
	}
	st, err := commit.StatusWithContext(ctx)
	if err != nil {
		return out, err
	}
	out.Block = st.BlockNumber
	if !st.Successful {
		return out, &commitFailure{TxID: out.TxID, Code: st.Code}
	}
	return out, nil
}

// submitRaw submits fn as m and records the committed transaction.
func (m *member) submitRaw(fn string, args ...any) (committed, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	prop, err := m.Contract.NewProposal(fn, options(args)...)
	if err != nil {
		return committed{}, err
	}
	c, err := m.submitProposal(ctx, prop)
	if err == nil {
		m.s.record(m, fn, c)
		err = m.s.settle(c.Block)
	}
	return c, err
}

// settle waits until every organisation's peer has committed block n: the
// next call may be endorsed or evaluated on any of them.
func (s *suite) settle(n uint64) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return testnet.Current().WaitForBlock(ctx, n)
}

// submitAt is submitRaw with the proposal's timestamp set to at: the
// chaincode takes every time from the client-set transaction timestamp.
func (m *member) submitAt(at time.Time, fn string, args ...any) (committed, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	prop, err := m.Contract.NewProposal(fn, options(args)...)
	if err != nil {
		return committed{}, err
	}
	raw, err := prop.Bytes()
	if err != nil {
		return committed{}, err
	}
	pt := &gateway.ProposedTransaction{}
	if err := proto.Unmarshal(raw, pt); err != nil {
		return committed{}, err
	}
	p := &peer.Proposal{}
	if err := proto.Unmarshal(pt.GetProposal().GetProposalBytes(), p); err != nil {
		return committed{}, err
	}
	h := &common.Header{}
	if err := proto.Unmarshal(p.GetHeader(), h); err != nil {
		return committed{}, err
	}
	ch := &common.ChannelHeader{}
	if err := proto.Unmarshal(h.GetChannelHeader(), ch); err != nil {
		return committed{}, err
	}
	ch.Timestamp = timestamppb.New(at)
	if h.ChannelHeader, err = proto.Marshal(ch); err != nil {
		return committed{}, err
	}
	if p.Header, err = proto.Marshal(h); err != nil {
		return committed{}, err
	}
	if pt.Proposal.ProposalBytes, err = proto.Marshal(p); err != nil {
		return committed{}, err
	}
	pt.Proposal.Signature = nil
	if raw, err = proto.Marshal(pt); err != nil {
		return committed{}, err
	}
	dated, err := m.Gateway.Gateway.NewProposal(raw)
	if err != nil {
		return committed{}, err
	}
	c, err := m.submitProposal(ctx, dated)
	if err == nil {
		m.s.record(m, fn, c)
		err = m.s.settle(c.Block)
	}
	return c, err
}

// record logs a committed transaction with the event it must have emitted.
func (s *suite) record(m *member, fn string, c committed) {
	ev, ok := expectedEvent[fn]
	if !ok {
		return // a read submitted on purpose: it sets no event
	}
	if fn == model.FnSell {
		var r model.SellResult
		if json.Unmarshal(c.Result, &r) == nil && r.Outcome == model.OutcomeRefusedAlreadySold {
			ev = model.EventCloneAlert
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.txs = append(s.txs, txRecord{ID: c.TxID, Fn: fn, MSP: m.msp, Block: c.Block, Event: ev})
}

// expectedEvent names the chaincode event of each write transaction (Sell
// emits CloneAlert instead when it refuses a resale).
var expectedEvent = map[string]string{
	model.FnRegisterMember:  model.EventMemberRegistered,
	model.FnUpdateMember:    model.EventMemberUpdated,
	model.FnRegisterProduct: model.EventProductRegistered,
	model.FnUpdateProduct:   model.EventProductUpdated,
	model.FnCommission:      model.EventCommissioned,
	model.FnCommissionLot:   model.EventLotCommissioned,
	model.FnSplitLot:        model.EventLotSplit,
	model.FnPack:            model.EventPacked,
	model.FnUnpack:          model.EventUnpacked,
	model.FnShip:            model.EventShipped,
	model.FnReceive:         model.EventReceived,
	model.FnReject:          model.EventRejected,
	model.FnRecordSale:      model.EventSaleRecorded,
	model.FnSell:            model.EventSold,
	model.FnPurgeSale:       model.EventSalePurged,
	model.FnRecall:          model.EventRecalled,
	model.FnDecommission:    model.EventDecommissioned,
	model.FnDecideAlert:     model.EventAlertDecided,
	model.FnFileSignal:      model.EventCloneAlert,
}

// readKey is the transient option of a GetSale: a fresh key to seal the answer with.
func readKey() ([]byte, client.ProposalOption) {
	key := make([]byte, model.ReadKeySize)
	if _, err := cryptorand.Read(key); err != nil {
		panic(err)
	}
	return key, client.WithTransient(map[string][]byte{model.TransientReadKey: key})
}

// getSale evaluates GetSale as m and opens the sealed answer.
func getSale(m *member, code string) (*model.SaleRecord, []byte, error) {
	key, opt := readKey()
	raw, err := m.evaluateRaw(model.FnGetSale, code, opt)
	if err != nil {
		return nil, raw, err
	}
	var sealed model.SealedSale
	if err := json.Unmarshal(raw, &sealed); err != nil {
		return nil, raw, err
	}
	rec, err := sealed.Open(key)
	return rec, raw, err
}

// mustGetSale is getSale that fails the test on any error.
func mustGetSale(t *testing.T, m *member, code string) *model.SaleRecord {
	t.Helper()
	rec, _, err := getSale(m, code)
	if err != nil {
		t.Fatalf("GetSale as %s: %s", m.msp, describe(err))
	}
	return rec
}

// submit submits fn as m and decodes its result.
func submit[T any](t *testing.T, m *member, fn string, args ...any) (T, error) {
	t.Helper()
	var out T
	c, err := m.submitRaw(fn, args...)
	if err != nil {
		return out, err
	}
	if len(c.Result) > 0 {
		require.NoError(t, json.Unmarshal(c.Result, &out), "decoding %s result %s", fn, c.Result)
	}
	return out, nil
}

// mustSubmit is submit that fails the test on any error.
func mustSubmit[T any](t *testing.T, m *member, fn string, args ...any) T {
	t.Helper()
	out, err := submit[T](t, m, fn, args...)
	if err != nil {
		t.Fatalf("%s as %s: %s", fn, m.msp, describe(err))
	}
	return out
}

// evaluateRaw evaluates fn as m and returns the raw result.
func (m *member) evaluateRaw(fn string, args ...any) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	return m.Contract.EvaluateWithContext(ctx, fn, options(args)...)
}

// evaluate evaluates fn as m and decodes its result.
func evaluate[T any](t *testing.T, m *member, fn string, args ...any) (T, error) {
	t.Helper()
	var out T
	raw, err := m.evaluateRaw(fn, args...)
	if err != nil {
		return out, err
	}
	require.NoError(t, json.Unmarshal(raw, &out), "decoding %s result %s", fn, raw)
	return out, nil
}

// mustEvaluate is evaluate that fails the test on any error.
func mustEvaluate[T any](t *testing.T, m *member, fn string, args ...any) T {
	t.Helper()
	out, err := evaluate[T](t, m, fn, args...)
	if err != nil {
		t.Fatalf("%s as %s: %s", fn, m.msp, describe(err))
	}
	return out
}

// ---------------------------------------------------------------------------
// Errors

// errorTexts is every message a gateway error carries: the per-peer error
// details, the status message and the error text.
func errorTexts(err error) []string {
	var texts []string
	if st, ok := status.FromError(err); ok {
		for _, d := range st.Details() {
			if ed, ok := d.(*gateway.ErrorDetail); ok {
				texts = append(texts, ed.GetMessage())
			}
		}
		texts = append(texts, st.Message())
	}
	return append(texts, err.Error())
}

// chaincodeError recovers the chaincode's model.Error from a gateway error,
// with the SDK's own decoding.
func chaincodeError(err error) (*model.Error, bool) {
	var ce *tc.ChaincodeError
	if !errors.As(tc.DecodeError(err), &ce) {
		return nil, false
	}
	return &model.Error{Code: ce.Code, Message: ce.Message, Subject: ce.Subject}, true
}

// outcome renders an error as the chaincode code, or "✓" for success.
func outcome(err error) string {
	if err == nil {
		return "✓"
	}
	if e, ok := chaincodeError(err); ok {
		return string(e.Code)
	}
	var cf *commitFailure
	if errors.As(err, &cf) {
		return cf.Code.String()
	}
	return "error: " + err.Error()
}

// describe renders an error for a failure message.
func describe(err error) string {
	if e, ok := chaincodeError(err); ok {
		return e.Error()
	}
	return err.Error()
}

// requireCode asserts that err is a chaincode error with code and returns it.
func requireCode(t *testing.T, err error, code model.Code, msgAndArgs ...any) *model.Error {
	t.Helper()
	if err == nil {
		require.FailNow(t, fmt.Sprintf("expected %s, but the call succeeded", code), msgAndArgs...)
	}
	e, ok := chaincodeError(err)
	if !ok {
		require.FailNow(t, fmt.Sprintf("expected %s, got a non-chaincode error: %v", code, err), msgAndArgs...)
	}
	if e.Code != code {
		require.FailNow(t, fmt.Sprintf("expected %s, got %s", code, e.Error()), msgAndArgs...)
	}
	return e
}

// ---------------------------------------------------------------------------
// Identifiers

// next returns a run-unique counter value.
func (s *suite) next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

// newGTIN returns a fresh valid GTIN-14 under a company prefix of 7 digits.
func (s *suite) newGTIN(prefix string) string {
	s.mu.Lock()
	ref := s.gtinNext % 100000
	s.gtinNext++
	s.mu.Unlock()
	return gtin14("0" + prefix + fmt.Sprintf("%05d", ref))
}

// gtin14 appends the GS1 check digit to 13 digits.
func gtin14(first13 string) string { return testnet.WithCheckDigit(first13) }

// wrongCheck replaces the last digit of a GS1 key with a wrong one.
func wrongCheck(key string) string {
	last := key[len(key)-1]
	return key[:len(key)-1] + string('0'+(last-'0'+1)%10)
}

// newSSCC returns a fresh valid SSCC under ManufacturerA's prefix.
func (s *suite) newSSCC() string { return s.newSSCCOf(s.prefixA) }

// ssccOf returns a fresh SSCC under m's own company prefix: a container code
// must be the packer's own.
func (s *suite) ssccOf(m *member) string {
	prefix := map[*member]string{s.ma: s.prefixA, s.mb: s.prefixB, s.dist: s.prefixD, s.ret: s.prefixR}[m]
	if prefix == "" {
		prefix = s.prefixA
	}
	return s.newSSCCOf(prefix)
}

func (s *suite) newSSCCOf(prefix string) string {
	s.mu.Lock()
	ref := s.ssccNext % 1000000000
	s.ssccNext++
	s.mu.Unlock()
	return testnet.WithCheckDigit("0" + prefix + fmt.Sprintf("%09d", ref))
}

// ssccCode is the canonical ledger code of an SSCC.
func ssccCode(sscc string) string {
	c, err := identifier.SSCC(sscc)
	if err != nil {
		panic(err)
	}
	return c.Canonical
}

// sgtin is the canonical ledger code (GS1 Digital Link URI) of a unit.
func sgtin(gtin, serial string) string {
	c, err := identifier.SGTIN(gtin, serial)
	if err != nil {
		panic(err)
	}
	return c.Canonical
}

// elementString is the bracketed GS1 element string of a unit, another
// accepted written form of the same code.
func elementString(gtin, serial string) string { return "(01)" + gtin + "(21)" + serial }

// serials returns n run-unique serial numbers tagged tag (at most 20 chars).
func (s *suite) serials(tag string, n int) []string {
	out := make([]string, n)
	base := s.next()
	for i := range out {
		out[i] = fmt.Sprintf("%s%s%d-%d", s.run, tag, base, i)
	}
	return out
}

// units returns the canonical codes of serials of gtin.
func units(gtin string, serials []string) []string {
	out := make([]string, len(serials))
	for i, sr := range serials {
		out[i] = sgtin(gtin, sr)
	}
	return out
}

// batch returns a run-unique batch number tagged tag.
func (s *suite) batch(tag string) string { return fmt.Sprintf("%s%s%d", s.run, tag, s.next()) }

// uscc completes 17 characters with the GB 32100 check character.
func uscc(first17 string) string { return testnet.USCC(first17) }

// wrongUSCC returns a USCC with a wrong check character.
func wrongUSCC(first17 string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	good := uscc(first17)[17]
	i := strings.IndexByte(alphabet, good)
	return first17 + string(alphabet[(i+1)%len(alphabet)])
}

// ---------------------------------------------------------------------------
// Fixtures

// commission commissions n fresh units of gtin in batch as m and returns
// their canonical codes.
func (s *suite) commission(t *testing.T, m *member, gtin, batch, tag string, n int) []string {
	t.Helper()
	codes := units(gtin, s.serials(tag, n))
	res := mustSubmit[model.CommissionResult](t, m, model.FnCommission, model.CommissionRequest{
		GTIN: gtin, Batch: batch, ProductionDate: today(), Codes: codes,
	})
	require.Equal(t, n, res.Count)
	return codes
}

// ship ships codes from m to dest, and receive takes them in.
func (s *suite) ship(t *testing.T, m, dest *member, codes ...string) model.MoveResult {
	t.Helper()
	return mustSubmit[model.MoveResult](t, m, model.FnShip, model.ShipRequest{To: dest.msp, Codes: codes})
}

func (s *suite) receive(t *testing.T, m *member, codes ...string) model.MoveResult {
	t.Helper()
	return mustSubmit[model.MoveResult](t, m, model.FnReceive, model.MoveRequest{Codes: codes})
}

// move ships codes from m to dest and receives them there.
func (s *suite) move(t *testing.T, m, dest *member, codes ...string) {
	t.Helper()
	s.ship(t, m, dest, codes...)
	s.receive(t, dest, codes...)
}

// buyer returns run-unique buyer data and remembers it as personal data.
func (s *suite) buyer(tag string) model.SaleTransient {
	n := s.next()
	b := model.SaleTransient{
		SaleData: model.SaleData{
			SalesTime:    time.Now().Add(-time.Hour).Truncate(time.Second).In(time.FixedZone("CST", 8*3600)),
			BuyerName:    fmt.Sprintf("张伟%s%s%d", tag, s.run, n),
			BuyerAddress: fmt.Sprintf("北京市海淀区中关村大街%d号 %s", n, s.run),
			BuyerContact: fmt.Sprintf("+86 138 %04d %s", n, s.run),
		},
		Salt: fmt.Sprintf("%032x%d", rand.Uint64(), n),
	}
	s.mu.Lock()
	s.personal = append(s.personal, b.BuyerName, b.BuyerAddress, b.BuyerContact)
	s.mu.Unlock()
	return b
}

// saleData puts buyer data in the transient map as Sell expects it.
// sell sells as the SDK does: RecordSale with the buyer data, endorsed by
// m's peers alone, then Sell with the record's hashes and no buyer data. A
// unit sold before has no record (ALREADY_SOLD), and Sell reports it.
func sell(t *testing.T, m *member, req model.SellRequest, b model.SaleTransient) (model.SellResult, error) {
	t.Helper()
	rec, err := submit[model.RecordSaleResult](t, m, model.FnRecordSale, model.RecordSaleRequest{Code: req.Code, RetentionDays: req.RetentionDays},
		saleData(b), client.WithEndorsingOrganizations(m.msp))
	switch e, ok := chaincodeError(err); {
	case ok && e.Code == model.CodeAlreadySold:
	case err != nil:
		return model.SellResult{}, err
	default:
		req.SaleHash, req.RecordHash = rec.SaleHash, rec.RecordHash
	}
	return submit[model.SellResult](t, m, model.FnSell, req)
}

// mustSell is sell that must succeed.
func mustSell(t *testing.T, m *member, req model.SellRequest, b model.SaleTransient) model.SellResult {
	t.Helper()
	out, err := sell(t, m, req, b)
	if err != nil {
		t.Fatalf("sale as %s: %s", m.msp, describe(err))
	}
	return out
}

func saleData(b model.SaleTransient) client.ProposalOption {
	raw, err := json.Marshal(b)
	if err != nil {
		panic(err)
	}
	return client.WithTransient(map[string][]byte{model.TransientSaleKey: raw})
}

// requireNoPersonalData asserts that none of the buyer data recorded so far
// occurs in what (a result, an error text, an event payload or a block).
func (s *suite) requireNoPersonalData(t *testing.T, what string, data any) {
	t.Helper()
	var text string
	switch v := data.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	case error:
		text = strings.Join(errorTexts(v), "\n")
	default:
		b, err := json.Marshal(v)
		require.NoError(t, err)
		text = string(b)
	}
	s.mu.Lock()
	personal := append([]string(nil), s.personal...)
	s.mu.Unlock()
	for _, p := range personal {
		require.NotContains(t, text, p, "%s contains personal data", what)
	}
}

func today() string { return time.Now().UTC().Format("2006-01-02") }

// ---------------------------------------------------------------------------
// Blocks

// txEndorsers returns the MSP IDs that endorsed transaction txID in block
// blockNum, and the raw bytes of that transaction's envelope.
func (m *member) txEndorsers(t *testing.T, blockNum uint64, txID string) ([]string, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	blocks, err := m.Network.BlockEvents(ctx, client.WithStartBlock(blockNum))
	require.NoError(t, err)
	var b *common.Block
	select {
	case b = <-blocks:
	case <-ctx.Done():
		t.Fatalf("block %d not delivered", blockNum)
	}
	require.NotNil(t, b, "block %d", blockNum)
	for _, envBytes := range b.GetData().GetData() {
		env := &common.Envelope{}
		require.NoError(t, proto.Unmarshal(envBytes, env))
		payload := &common.Payload{}
		require.NoError(t, proto.Unmarshal(env.GetPayload(), payload))
		ch := &common.ChannelHeader{}
		require.NoError(t, proto.Unmarshal(payload.GetHeader().GetChannelHeader(), ch))
		if ch.GetTxId() != txID {
			continue
		}
		tx := &peer.Transaction{}
		require.NoError(t, proto.Unmarshal(payload.GetData(), tx))
		var out []string
		for _, action := range tx.GetActions() {
			payloadCC := &peer.ChaincodeActionPayload{}
			require.NoError(t, proto.Unmarshal(action.GetPayload(), payloadCC))
			for _, e := range payloadCC.GetAction().GetEndorsements() {
				id := &msp.SerializedIdentity{}
				require.NoError(t, proto.Unmarshal(e.GetEndorser(), id))
				out = append(out, id.GetMspid())
			}
		}
		return out, envBytes
	}
	t.Fatalf("transaction %s not in block %d", txID, blockNum)
	return nil, nil
}

// blockOf returns the block in which the suite committed txID.
func (s *suite) blockOf(t *testing.T, txID string) uint64 {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.txs {
		if r.ID == txID {
			return r.Block
		}
	}
	t.Fatalf("transaction %s was not committed by the suite", txID)
	return 0
}
