//go:build integration

package client_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m)) }

var (
	mfrA = testnet.ManufacturerA
	mfrB = testnet.ManufacturerB
	dist = testnet.Distributor
	ret  = testnet.Retailer
	reg  = testnet.Regulator
)

// org returns the kit's shared client of org's user: ordinary work
// (commission, move, sell, read) needs no more than a user identity.
func org(t *testing.T, name string) *client.Client { return testnet.ClientOf(t, name, testnet.User) }

// admin returns the kit's shared client of org's administrator: privileged
// calls (member registration, recalls, alert decisions, sale records,
// InitLedger) are refused to ordinary users of the same organisation.
func admin(t *testing.T, name string) *client.Client { return testnet.ClientOf(t, name, testnet.Admin) }

// randDigits returns n random decimal digits.
func randDigits(_ *testing.T, n int) string { return testnet.RandDigits(n) }

func withCheck(_ *testing.T, digits string) string { return testnet.WithCheckDigit(digits) }

func uscc(_ *testing.T, first17 string) string { return testnet.USCC(first17) }

// memberOrgs are the registered organisations, in the order of memberRequest's index.
var memberOrgs = testnet.Registered()

// memberRequest is the kit's registration of memberOrgs[i].
func memberRequest(_ *testing.T, i int) model.MemberRequest {
	return testnet.MemberRequest(memberOrgs[i])
}

// ecodeNSIA is ManufacturerA's Ecode number system (version digit + NSI).
var ecodeNSIA = testnet.EcodeNSIA

// ssccUnder returns a fresh SSCC under a company prefix.
func ssccUnder(_ *testing.T, prefix string) string { return testnet.NewSSCC(prefix) }

func TestConnectFailsFastOnAWrongEndpoint(t *testing.T) {
	p, err := client.LoadProfile(testnet.Current().ProfilePath(mfrA))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = client.Connect(ctx, client.WithProfile(p, false), client.WithPeer("127.0.0.1:1"))
	assert.ErrorIs(t, err, client.ErrUnavailable)

	// A client whose calls time out reports ErrTimeout, not a chaincode error.
	c, err := client.New(client.WithProfile(p, false), client.WithEvaluateTimeout(time.Nanosecond), client.WithRetry(client.RetryPolicy{Attempts: 1}))
	require.NoError(t, err)
	defer c.Close()
	_, err = c.GetMember(context.Background(), "RegulatorMSP")
	assert.ErrorIs(t, err, client.ErrTimeout)
}

func TestMembersRightAndWrongOrganisation(t *testing.T) {
	testnet.Members(t)
	ctx := testnet.Context(t)
	m, err := org(t, dist).GetMember(ctx, "ManufacturerAMSP")
	require.NoError(t, err)
	assert.Equal(t, model.RoleManufacturer, m.Role)

	var listed []string
	for m, err := range org(t, ret).Members(ctx) {
		require.NoError(t, err)
		listed = append(listed, m.MSPID)
	}
	assert.Subset(t, listed, []string{"ManufacturerAMSP", "ManufacturerBMSP", "DistributorMSP", "RetailerMSP"})
	page, err := org(t, ret).MembersPage(ctx, 2, "")
	require.NoError(t, err)
	assert.Len(t, page.Members, 2)
	assert.NotEmpty(t, page.Bookmark)

	_, err = org(t, dist).GetMember(ctx, "NobodyMSP")
	assert.ErrorIs(t, err, client.ErrNotFound)

	// Only the Regulator registers and updates members, and only through its
	// administrator: its ordinary user is refused like any other organisation.
	req := memberRequest(t, 2)
	_, err = org(t, mfrA).RegisterMember(ctx, req)
	assert.ErrorIs(t, err, client.ErrForbidden)
	var ce *client.ChaincodeError
	require.ErrorAs(t, err, &ce)
	assert.NotEmpty(t, ce.TxID)
	_, err = org(t, reg).RegisterMember(ctx, req)
	assert.ErrorIs(t, err, client.ErrForbidden, "the Regulator's user is not its administrator")
	_, err = admin(t, mfrA).RegisterMember(ctx, req)
	assert.ErrorIs(t, err, client.ErrForbidden, "another organisation's administrator")
	_, err = admin(t, reg).RegisterMember(ctx, req)
	assert.ErrorIs(t, err, client.ErrDuplicate)
	_, err = org(t, dist).UpdateMember(ctx, req)
	assert.ErrorIs(t, err, client.ErrForbidden)
	_, err = org(t, reg).UpdateMember(ctx, req)
	assert.ErrorIs(t, err, client.ErrForbidden, "the Regulator's user is not its administrator")
	bad := req
	bad.USCC = "91310000MA1D0003X9"
	_, err = admin(t, reg).UpdateMember(ctx, bad)
	assert.ErrorIs(t, err, client.ErrInvalidArgument)

	// A suspended member is not a member. The update carries the member's
	// registrations, so suspending it releases none of them.
	b := memberRequest(t, 1)
	cur, err := org(t, reg).GetMember(ctx, b.MSPID)
	require.NoError(t, err)
	b.CompanyPrefixes, b.ProductionLicences = cur.CompanyPrefixes, cur.ProductionLicences
	b.CCCCertificates, b.EcodeNumberSystems = cur.CCCCertificates, cur.EcodeNumberSystems
	b.Suspended = true
	_, err = admin(t, reg).UpdateMember(ctx, b)
	require.NoError(t, err)
	testnet.Settled(t) // read on ManufacturerB's peer
	_, err = org(t, mfrB).GetProduct(ctx, "06901234000016")
	assert.ErrorIs(t, err, client.ErrNotMember)
	b.Suspended = false
	updated, err := admin(t, reg).UpdateMember(ctx, b)
	require.NoError(t, err)
	assert.False(t, updated.Suspended)
	testnet.Settled(t) // later tests act as ManufacturerB
}

func TestRegistrationsAreExclusive(t *testing.T) {
	testnet.Members(t)
	ctx := testnet.Context(t)
	G := admin(t, reg)

	// A company prefix that extends, or is extended by, another member's would
	// share its GTINs and SSCCs: refused either way, as is anything registered
	// to another member.
	d := memberRequest(t, 2)
	longer := d
	longer.CompanyPrefixes = append([]string{"69012345"}, d.CompanyPrefixes...)
	_, err := G.UpdateMember(ctx, longer)
	assert.ErrorIs(t, err, client.ErrDuplicate, "extends ManufacturerA's prefix 6901234")
	shorter := d
	shorter.CompanyPrefixes = append([]string{"690123"}, d.CompanyPrefixes...)
	_, err = G.UpdateMember(ctx, shorter)
	assert.ErrorIs(t, err, client.ErrDuplicate, "ManufacturerA's prefix 6901234 extends it")
	b := memberRequest(t, 1)
	b.ProductionLicences = append(b.ProductionLicences, memberRequest(t, 0).ProductionLicences[0])
	_, err = G.UpdateMember(ctx, b)
	assert.ErrorIs(t, err, client.ErrDuplicate, "ManufacturerA's production licence")
	b = memberRequest(t, 1)
	b.EcodeNumberSystems = append(b.EcodeNumberSystems, ecodeNSIA)
	_, err = G.UpdateMember(ctx, b)
	assert.ErrorIs(t, err, client.ErrDuplicate, "ManufacturerA's Ecode number system")
	_, err = G.RegisterMember(ctx, model.MemberRequest{MSPID: "InterloperMSP", Role: model.RoleRetailer, Name: "Interloper Trading Co.",
		USCC: uscc(t, "91440300MA5F0005X"), CompanyPrefixes: memberRequest(t, 3).CompanyPrefixes})
	assert.ErrorIs(t, err, client.ErrDuplicate, "the Retailer's prefix")
	_, err = org(t, ret).GetMember(ctx, "InterloperMSP")
	assert.ErrorIs(t, err, client.ErrNotFound, "a refused registration writes nothing")

	// The refusals changed nothing.
	for i := range memberOrgs {
		want := memberRequest(t, i)
		m, err := org(t, ret).GetMember(ctx, want.MSPID)
		require.NoError(t, err)
		assert.Equal(t, want.CompanyPrefixes, m.CompanyPrefixes, want.MSPID)
		assert.Equal(t, want.ProductionLicences, m.ProductionLicences, want.MSPID)
		assert.Equal(t, want.EcodeNumberSystems, m.EcodeNumberSystems, want.MSPID)
		assert.Equal(t, memberRequest(t, i).USCC, m.USCC, want.MSPID)
	}

	// A member commissions Ecodes only in a number system registered to it.
	fa, fb := testnet.NewProduct(t), testnet.NewProduct(t, mfrB)
	ecodeA := "ecode:" + ecodeNSIA + randDigits(t, 12)
	_, err = org(t, mfrB).Commission(ctx, model.CommissionRequest{GTIN: fb.GTIN, Batch: fb.Batch, ProductionDate: "2025-05-06", Codes: []string{ecodeA}})
	assert.ErrorIs(t, err, client.ErrForbidden, "ManufacturerA's number system")
	_, err = org(t, mfrA).Commission(ctx, model.CommissionRequest{GTIN: fa.GTIN, Batch: fa.Batch, ProductionDate: "2025-05-06", Codes: []string{ecodeA}})
	require.NoError(t, err)
	testnet.Settled(t)
	v, err := org(t, ret).Verify(ctx, ecodeA)
	require.NoError(t, err)
	assert.Equal(t, model.VerdictGenuine, v.Verdict)
	require.NotNil(t, v.Producer)
	assert.Equal(t, "ManufacturerAMSP", v.Producer.MSPID)
}

func TestProductsRightAndWrongOrganisation(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	p, err := org(t, ret).GetProduct(ctx, f.GTIN)
	require.NoError(t, err)
	assert.Equal(t, "ManufacturerAMSP", p.Manufacturer)
	assert.Equal(t, 1, p.Version)

	req := model.ProductRequest{GTIN: f.GTIN, Name: "test cable v2", Type: "electric wire and cable", Licence: f.Licence, Specification: "BV 2.5"}
	_, err = org(t, mfrA).RegisterProduct(ctx, req)
	assert.ErrorIs(t, err, client.ErrDuplicate)
	_, err = org(t, dist).RegisterProduct(ctx, model.ProductRequest{GTIN: "0" + withCheck(t, f.Prefix+randDigits(t, 12-len(f.Prefix))), Name: "x", Type: "x", Licence: f.Licence})
	assert.ErrorIs(t, err, client.ErrForbidden)
	// A GTIN outside ManufacturerA's prefixes.
	_, err = org(t, mfrA).RegisterProduct(ctx, model.ProductRequest{GTIN: withCheck(t, "690987600"+randDigits(t, 3)), Name: "x", Type: "x", Licence: f.Licence})
	assert.ErrorIs(t, err, client.ErrForbidden)
	_, err = org(t, mfrB).UpdateProduct(ctx, req)
	assert.ErrorIs(t, err, client.ErrForbidden)

	p, err = org(t, mfrA).UpdateProduct(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, 2, p.Version)
	testnet.Settled(t) // the update is read on the Regulator's peer
	versions, err := client.Collect(org(t, reg).ProductHistory(ctx, f.GTIN))
	require.NoError(t, err)
	require.Len(t, versions, 2)
	assert.Equal(t, "BV 2.5", versions[1].Specification)

	_, err = org(t, ret).GetProduct(ctx, withCheck(t, "0000000"+randDigits(t, 6)))
	assert.ErrorIs(t, err, client.ErrNotFound)
}

func TestFullStory(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, B, D, R, G := org(t, mfrA), org(t, mfrB), org(t, dist), org(t, ret), org(t, reg)
	// Administrators, for the privileged calls: reading and purging sale
	// records, recalls.
	Aadm, Badm, Dadm, Radm, Gadm := admin(t, mfrA), admin(t, mfrB), admin(t, dist), admin(t, ret), admin(t, reg)

	// Commission: 20 units. Wrong organisations and bad codes are refused.
	units := f.Units(0, 20)
	creq := model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Codes: units}
	_, err := D.Commission(ctx, creq)
	assert.ErrorIs(t, err, client.ErrForbidden)
	_, err = B.Commission(ctx, creq)
	assert.ErrorIs(t, err, client.ErrForbidden, "product of another manufacturer")
	_, err = A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Codes: []string{"(01)06901234000017(21)X"}})
	assert.ErrorIs(t, err, client.ErrInvalidCode)
	res, err := A.Commission(ctx, creq)
	require.NoError(t, err)
	assert.Equal(t, 20, res.Count)
	_, err = A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Codes: units[:1]})
	assert.ErrorIs(t, err, client.ErrDuplicate)

	// Pack: two cases of ten on a pallet.
	case1, case2, pallet := testnet.NewSSCC(f.Prefix), testnet.NewSSCC(f.Prefix), testnet.NewSSCC(f.Prefix)
	_, err = D.Pack(ctx, model.PackRequest{Container: ssccUnder(t, memberRequest(t, 2).CompanyPrefixes[0]), Children: units[:10]})
	assert.ErrorIs(t, err, client.ErrNotHolder, "a case of its own, but goods it does not hold")
	_, err = D.Pack(ctx, model.PackRequest{Container: case1, Children: units[:10]})
	assert.ErrorIs(t, err, client.ErrForbidden, "an SSCC under ManufacturerA's prefix")
	pr, err := A.Pack(ctx, model.PackRequest{Container: case1, Children: units[:10]})
	require.NoError(t, err)
	assert.Equal(t, 10, pr.Children)
	_, err = A.Pack(ctx, model.PackRequest{Container: case2, Children: units[10:]})
	require.NoError(t, err)
	_, err = A.Pack(ctx, model.PackRequest{Container: pallet, Children: []string{case1, case2}})
	require.NoError(t, err)
	var children []string
	for ch, err := range G.Contents(ctx, pallet) {
		require.NoError(t, err)
		children = append(children, ch)
	}
	assert.Len(t, children, 2)
	testnet.Settled(t)
	cp, err := G.ContentsPage(ctx, case1, 3, "")
	require.NoError(t, err)
	assert.Len(t, cp.Children, 3)
	assert.NotEmpty(t, cp.Bookmark)

	// Ship the pallet to the Distributor.
	_, err = A.Ship(ctx, model.ShipRequest{To: "DistributorMSP", Codes: []string{units[0]}})
	assert.ErrorIs(t, err, client.ErrBadState, "a packed unit moves with its container")
	_, err = D.Ship(ctx, model.ShipRequest{To: "RetailerMSP", Codes: []string{pallet}})
	assert.ErrorIs(t, err, client.ErrNotHolder)
	_, err = A.Ship(ctx, model.ShipRequest{To: "RegulatorMSP", Codes: []string{pallet}})
	assert.ErrorIs(t, err, client.ErrForbidden)
	mv, err := A.Ship(ctx, model.ShipRequest{To: "DistributorMSP", Codes: []string{pallet}})
	require.NoError(t, err)
	assert.Equal(t, model.DispositionInTransit, mv.Disposition)
	// Each hand-over is endorsed on the receiver's peer, which must have the
	// sender's transaction first.
	testnet.Settled(t)
	_, err = R.Receive(ctx, model.MoveRequest{Codes: []string{pallet}})
	assert.ErrorIs(t, err, client.ErrNotHolder, "shipped to someone else")
	mv, err = D.Receive(ctx, model.MoveRequest{Codes: []string{pallet}})
	require.NoError(t, err)
	assert.Equal(t, "DistributorMSP", mv.Holder)
	testnet.Settled(t)

	// Unpack the pallet, ship case 2 to the Retailer: first rejected, then received.
	_, err = A.Unpack(ctx, model.UnpackRequest{Container: pallet})
	assert.ErrorIs(t, err, client.ErrNotHolder)
	up, err := D.Unpack(ctx, model.UnpackRequest{Container: pallet})
	require.NoError(t, err)
	assert.Equal(t, 2, up.Changed)
	_, err = D.Unpack(ctx, model.UnpackRequest{Container: pallet})
	assert.ErrorIs(t, err, client.ErrBadState, "empty container")
	_, err = D.Ship(ctx, model.ShipRequest{To: "RetailerMSP", Codes: []string{case2}})
	require.NoError(t, err)
	testnet.Settled(t)
	rj, err := R.Reject(ctx, model.MoveRequest{Codes: []string{case2}})
	require.NoError(t, err)
	assert.Equal(t, "DistributorMSP", rj.Holder)
	testnet.Settled(t)
	_, err = D.Ship(ctx, model.ShipRequest{To: "RetailerMSP", Codes: []string{case2}})
	require.NoError(t, err)
	testnet.Settled(t)
	_, err = R.Receive(ctx, model.MoveRequest{Codes: []string{case2}})
	require.NoError(t, err)
	testnet.Settled(t)
	st, err := G.GetItem(ctx, units[15])
	require.NoError(t, err)
	assert.Equal(t, "RetailerMSP", st.Holder.MSPID)
	assert.Equal(t, []string{testnet.Canonical(t, case2)}, st.Containers)

	// Sell one unit, with testnet.Buyer data only in the seller's private collection.
	sold := units[15]
	_, err = D.Sell(ctx, model.SellRequest{Code: units[0]}, testnet.Buyer)
	assert.ErrorIs(t, err, client.ErrForbidden)
	_, err = R.Sell(ctx, model.SellRequest{Code: units[0]}, testnet.Buyer)
	assert.ErrorIs(t, err, client.ErrNotHolder)
	sr, err := R.Sell(ctx, model.SellRequest{Code: sold}, testnet.Buyer)
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeSold, sr.Outcome)
	// Buyer data is for the administrators of the seller and of the Regulator
	// only, not for their ordinary users nor for anyone else.
	_, err = R.GetSale(ctx, sold)
	assert.ErrorIs(t, err, client.ErrForbidden, "the seller's user is not its administrator")
	rec, err := Radm.GetSale(ctx, sold)
	require.NoError(t, err)
	assert.Equal(t, testnet.Buyer.BuyerName, rec.BuyerName)
	assert.Equal(t, sr.SaleHash, model.SaleHash(rec.Salt, rec.Data()))
	testnet.Settled(t)
	rec, err = Gadm.GetSale(ctx, sold)
	require.NoError(t, err)
	assert.Equal(t, testnet.Buyer.BuyerName, rec.BuyerName)
	_, err = G.GetSale(ctx, sold)
	assert.ErrorIs(t, err, client.ErrForbidden, "the Regulator's user is not its administrator")
	_, err = D.GetSale(ctx, sold)
	assert.ErrorIs(t, err, client.ErrForbidden)
	_, err = Dadm.GetSale(ctx, sold)
	assert.ErrorIs(t, err, client.ErrForbidden, "not the seller")
	_, err = R.PurgeSale(ctx, sold)
	assert.ErrorIs(t, err, client.ErrForbidden, "the seller's user is not its administrator")
	_, err = Radm.PurgeSale(ctx, sold)
	assert.ErrorIs(t, err, client.ErrBadState, "retention period not over")
	_, err = D.PurgeSale(ctx, sold)
	assert.ErrorIs(t, err, client.ErrForbidden)
	_, err = Dadm.PurgeSale(ctx, sold)
	assert.ErrorIs(t, err, client.ErrForbidden, "not a retailer")

	// Verify.
	v, err := R.Verify(ctx, "https://qr.example.cn"+testnet.Canonical(t, sold)[len("https://id.gs1.org"):]+"?17=351231")
	require.NoError(t, err)
	assert.Equal(t, model.VerdictSold, v.Verdict)
	testnet.Settled(t)
	v, err = D.Verify(ctx, units[1])
	require.NoError(t, err)
	assert.Equal(t, model.VerdictGenuine, v.Verdict)
	require.NotNil(t, v.Producer)
	assert.Equal(t, "ManufacturerAMSP", v.Producer.MSPID)
	assert.Equal(t, f.Batch, v.Batch)
	v, err = D.Verify(ctx, f.Unit(9999))
	require.NoError(t, err)
	assert.Equal(t, model.VerdictUnknown, v.Verdict)
	v, err = D.Verify(ctx, "(01)06901234000017(21)X")
	require.NoError(t, err, "an invalid code is a verdict, not an error")
	assert.Equal(t, model.VerdictInvalidCode, v.Verdict)

	// Decommission one unit at the Distributor.
	_, err = D.Unpack(ctx, model.UnpackRequest{Container: case1, Children: []string{units[9]}})
	require.NoError(t, err)
	testnet.Settled(t)
	_, err = A.Decommission(ctx, model.DecommissionRequest{Codes: []string{units[9]}, Reason: model.ReasonDamaged})
	assert.ErrorIs(t, err, client.ErrNotHolder)
	dc, err := D.Decommission(ctx, model.DecommissionRequest{Codes: []string{units[9]}, Reason: model.ReasonDamaged})
	require.NoError(t, err)
	assert.Equal(t, model.DispositionDamaged, dc.Disposition)
	testnet.Settled(t)
	v, err = D.Verify(ctx, units[9])
	require.NoError(t, err)
	assert.Equal(t, model.VerdictDecommissioned, v.Verdict)

	// Recall the batch.
	rreq := model.RecallRequest{GTIN: f.GTIN, Batch: f.Batch, Reason: "conductor resistance too high"}
	_, err = Dadm.Recall(ctx, rreq)
	assert.ErrorIs(t, err, client.ErrForbidden)
	_, err = Badm.Recall(ctx, rreq)
	assert.ErrorIs(t, err, client.ErrForbidden, "not B's product")
	_, err = A.Recall(ctx, rreq)
	assert.ErrorIs(t, err, client.ErrForbidden, "the manufacturer's user is not its administrator")
	_, err = G.Recall(ctx, rreq)
	assert.ErrorIs(t, err, client.ErrForbidden, "the Regulator's user is not its administrator")
	recall, err := Aadm.Recall(ctx, rreq)
	require.NoError(t, err)
	_, err = Gadm.Recall(ctx, rreq)
	assert.ErrorIs(t, err, client.ErrDuplicate, "already under recall")
	testnet.Settled(t)
	got, err := R.GetRecall(ctx, recall.ID)
	require.NoError(t, err)
	assert.Equal(t, rreq.Reason, got.Reason)
	_, err = R.GetRecall(ctx, "nope")
	assert.ErrorIs(t, err, client.ErrNotFound)
	v, err = R.Verify(ctx, units[1])
	require.NoError(t, err)
	assert.Equal(t, model.VerdictRecalled, v.Verdict)
	_, err = R.Sell(ctx, model.SellRequest{Code: units[16]}, testnet.Buyer)
	assert.ErrorIs(t, err, client.ErrRecalled)
	_, err = A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Codes: []string{f.Unit(500)}})
	assert.ErrorIs(t, err, client.ErrRecalled)
	entries, err := client.Collect(G.RecallReport(ctx, recall.ID))
	require.NoError(t, err)
	assert.Len(t, entries, 20)
	testnet.Settled(t)
	page, err := G.RecallReportPage(ctx, recall.ID, 5, "")
	require.NoError(t, err)
	assert.Equal(t, recall.ID, page.Recall.ID)
	assert.Len(t, page.Entries, 5)
	assert.NotEmpty(t, page.Bookmark)

	// A second sale of the sold unit: refused, a clone report for the Regulator
	// to decide (TestCloneReportIsDecidedByTheRegulator).
	sr2, err := R.Sell(ctx, model.SellRequest{Code: sold}, model.SaleData{BuyerName: "Wang Wei", BuyerAddress: "x", BuyerContact: "y"})
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeRefusedAlreadySold, sr2.Outcome)
	assert.NotEmpty(t, sr2.AlertID)
	_, err = R.AlertsPage(ctx, 10, "")
	assert.ErrorIs(t, err, client.ErrForbidden)
	testnet.Settled(t)
	a := testnet.FindAlert(t, G, sr2.AlertID) // the Regulator sees the alert
	assert.Equal(t, testnet.Canonical(t, sold), a.Code)
	assert.Equal(t, "RetailerMSP", a.Reporter)
	assert.Equal(t, model.AlertOpen, a.Status)
	v, err = R.Verify(ctx, sold)
	require.NoError(t, err)
	assert.Equal(t, model.VerdictRecalled, v.Verdict, "a recall comes first; a report alone is no verdict")

	// The trace of the sold unit: the whole journey, no testnet.Buyer data.
	events, err := client.Collect(G.Trace(ctx, sold))
	require.NoError(t, err)
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
		assert.NotContains(t, fmt.Sprintf("%+v", e), testnet.Buyer.BuyerName)
	}
	assert.Equal(t, []string{
		model.EventCommissioned, model.EventPacked, model.EventPacked, model.EventShipped, model.EventReceived,
		model.EventUnpacked, model.EventShipped, model.EventRejected, model.EventShipped, model.EventReceived,
		model.EventUnpacked, model.EventSold, model.EventRecalled, model.EventCloneAlert,
	}, types)
	testnet.Settled(t)
	tp, err := G.TracePage(ctx, sold, 4, "")
	require.NoError(t, err)
	assert.Len(t, tp.Events, 4)
	assert.NotEmpty(t, tp.Bookmark)

	// The Regulator follows recalls and clone alerts as events.
	start := uint64(0)
	evctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	seen := map[string]bool{}
	for ev, err := range G.Events(evctx, client.EventOptions{StartBlock: &start, Types: []string{model.EventRecalled, model.EventCloneAlert}}) {
		require.NoError(t, err)
		assert.Contains(t, []string{model.EventRecalled, model.EventCloneAlert}, ev.Type)
		seen[ev.TxID] = true
		if seen[recall.ID] && seen[sr2.AlertID] {
			break
		}
	}
	assert.True(t, seen[recall.ID] && seen[sr2.AlertID], "recall and alert events")
}

func TestLots(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, D := org(t, mfrA), org(t, dist)
	lreq := model.LotRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Quantity: 1000}
	_, err := D.CommissionLot(ctx, lreq)
	assert.ErrorIs(t, err, client.ErrForbidden)
	lot, err := A.CommissionLot(ctx, lreq)
	require.NoError(t, err)
	assert.Equal(t, model.ClassLot, lot.Class)
	_, err = A.CommissionLot(ctx, lreq)
	assert.ErrorIs(t, err, client.ErrDuplicate)
	_, err = D.SplitLot(ctx, model.SplitRequest{Source: lot.Code, Quantity: 10})
	assert.ErrorIs(t, err, client.ErrNotHolder)
	_, err = A.SplitLot(ctx, model.SplitRequest{Source: lot.Code, Quantity: 5000})
	assert.ErrorIs(t, err, client.ErrInvalidArgument)
	part, err := A.SplitLot(ctx, model.SplitRequest{Source: lot.Code, Quantity: 100, Label: "p1"})
	require.NoError(t, err)
	assert.Equal(t, int64(100), part.Quantity)
	mv, err := A.Ship(ctx, model.ShipRequest{To: "DistributorMSP", Codes: []string{part.Code}, Lots: []model.LotShipment{{Source: lot.Code, Quantity: 50, Label: "p2"}}})
	require.NoError(t, err)
	assert.Equal(t, 2, mv.Count)
	st, err := A.GetItem(ctx, lot.Code)
	require.NoError(t, err)
	assert.Equal(t, int64(850), st.Item.Quantity)
	testnet.Settled(t) // the Distributor's peer has the shipment

	// A recall of the lot reaches every part split off it, wherever it went
	// and however often it was split again, and parts split off later.
	_, err = D.Receive(ctx, model.MoveRequest{Codes: []string{part.Code}})
	require.NoError(t, err)
	sub, err := D.SplitLot(ctx, model.SplitRequest{Source: part.Code, Quantity: 10, Label: "p1a"})
	require.NoError(t, err)
	testnet.Settled(t) // the recall, endorsed on ManufacturerA's peer, must see the split
	rreq := model.RecallRequest{Codes: []string{lot.Code}, Reason: "insulation below specification"}
	_, err = A.Recall(ctx, rreq)
	assert.ErrorIs(t, err, client.ErrForbidden, "the manufacturer's user is not its administrator")
	recall, err := admin(t, mfrA).Recall(ctx, rreq)
	require.NoError(t, err)
	testnet.Settled(t)
	for _, code := range []string{lot.Code, part.Code, sub.Code} {
		v, err := D.Verify(ctx, code)
		require.NoError(t, err)
		assert.Equal(t, model.VerdictRecalled, v.Verdict, code)
		assert.Equal(t, recall.ID, v.RecallID, code)
	}
	later, err := D.SplitLot(ctx, model.SplitRequest{Source: part.Code, Quantity: 5, Label: "p1b"})
	require.NoError(t, err)
	v, err := D.Verify(ctx, later.Code)
	require.NoError(t, err)
	assert.Equal(t, model.VerdictRecalled, v.Verdict, "a part split off recalled goods is recalled goods")
}

func TestContainerCodesMustBeThePackersOwn(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, D := org(t, mfrA), org(t, dist)
	units := f.Units(0, 4)
	_, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Codes: units})
	require.NoError(t, err)
	testnet.Deliver(t, A, D, units)

	// The Distributor may not create a case or pallet under the maker's prefix:
	// neither an SSCC of its range nor a case SGTIN of its GTIN.
	_, err = D.Pack(ctx, model.PackRequest{Container: testnet.NewSSCC(f.Prefix), Children: units[:2]})
	assert.ErrorIs(t, err, client.ErrForbidden, "an SSCC under ManufacturerA's prefix")
	_, err = D.Pack(ctx, model.PackRequest{Container: fmt.Sprintf("(01)%s(21)CASE%s", f.GTIN, f.Run), Children: units[:2]})
	assert.ErrorIs(t, err, client.ErrForbidden, "a case SGTIN of ManufacturerA's GTIN")

	// Under its own prefix it may; the case verifies as the Distributor's.
	m, err := D.GetMember(ctx, D.MSPID())
	require.NoError(t, err)
	require.NotEmpty(t, m.CompanyPrefixes, "the Distributor needs a prefix of its own to pack")
	own := ssccUnder(t, m.CompanyPrefixes[0])
	pr, err := D.Pack(ctx, model.PackRequest{Container: own, Children: units[:2]})
	require.NoError(t, err)
	assert.Equal(t, 2, pr.Children)
	v, err := D.Verify(ctx, own)
	require.NoError(t, err)
	assert.Equal(t, model.VerdictGenuine, v.Verdict)
	require.NotNil(t, v.Producer)
	assert.Equal(t, "DistributorMSP", v.Producer.MSPID, "a container's provenance is its issuer")
	st, err := D.GetItem(ctx, units[0])
	require.NoError(t, err)
	assert.Equal(t, []string{testnet.Canonical(t, own)}, st.Containers)
}

func TestCloneReportIsDecidedByTheRegulator(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, R, G, Gadm := org(t, mfrA), org(t, ret), org(t, reg), admin(t, reg)
	sold, other := f.SoldAndOther(t)

	// Selling it again is refused and reported; reporting it again joins the
	// same report.
	rep, err := R.Sell(ctx, model.SellRequest{Code: sold}, model.SaleData{BuyerName: "Wang Wei", BuyerContact: "+86 139 0000 0000"})
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeRefusedAlreadySold, rep.Outcome)
	require.NotEmpty(t, rep.AlertID)
	again, err := R.Sell(ctx, model.SellRequest{Code: sold}, model.SaleData{BuyerName: "Zhao Lei", BuyerContact: "+86 137 0000 0000"})
	require.NoError(t, err)
	assert.Equal(t, model.OutcomeRefusedAlreadySold, again.Outcome)
	assert.Equal(t, rep.AlertID, again.AlertID, "one report per unit and reporter")

	// A report alone changes no verdict: one member cannot brand a rival's
	// sold goods as clones.
	testnet.Settled(t)
	v, err := R.Verify(ctx, sold)
	require.NoError(t, err)
	assert.Equal(t, model.VerdictSold, v.Verdict)
	assert.Empty(t, v.AlertID)
	a := testnet.FindAlert(t, G, rep.AlertID)
	assert.Equal(t, model.AlertOpen, a.Status)
	assert.Equal(t, 1, a.Reports)
	assert.Equal(t, []string{"RetailerMSP"}, a.Reporters)
	assert.Equal(t, "RetailerMSP", a.SoldBy)

	// Only the Regulator's administrator decides, and only on the unit's open report.
	confirm := model.DecideAlertRequest{Code: sold, AlertID: rep.AlertID, Decision: model.DecisionConfirm, Note: "serial seen on two products"}
	_, err = G.DecideAlert(ctx, confirm)
	assert.ErrorIs(t, err, client.ErrForbidden, "the Regulator's user is not its administrator")
	_, err = admin(t, ret).DecideAlert(ctx, confirm)
	assert.ErrorIs(t, err, client.ErrForbidden, "not the Regulator")
	_, err = Gadm.DecideAlert(ctx, model.DecideAlertRequest{Code: other, AlertID: rep.AlertID, Decision: model.DecisionConfirm})
	assert.ErrorIs(t, err, client.ErrBadState, "not the open alert of that unit")
	decided, err := Gadm.DecideAlert(ctx, confirm)
	require.NoError(t, err)
	assert.Equal(t, model.AlertConfirmed, decided.Status)
	assert.Equal(t, "RegulatorMSP", decided.DecidedBy)
	assert.Equal(t, confirm.Note, decided.Note)
	_, err = Gadm.DecideAlert(ctx, confirm)
	assert.ErrorIs(t, err, client.ErrBadState, "decided once")

	// The confirmation makes the unit verify suspected_clone, everywhere.
	testnet.Settled(t)
	for _, c := range []*client.Client{R, A, G} {
		v, err = c.Verify(ctx, sold)
		require.NoError(t, err)
		assert.Equal(t, model.VerdictSuspectedClone, v.Verdict, c.MSPID())
		assert.Equal(t, rep.AlertID, v.AlertID, c.MSPID())
	}
	assert.Equal(t, model.AlertConfirmed, testnet.FindAlert(t, G, rep.AlertID).Status)
	v, err = R.Verify(ctx, other)
	require.NoError(t, err)
	assert.Equal(t, model.VerdictGenuine, v.Verdict, "the other unit is untouched")

	// The unit's trace records the report once and the decision.
	events, err := client.Collect(G.Trace(ctx, sold))
	require.NoError(t, err)
	var types []string
	for _, e := range events {
		types = append(types, e.Type)
	}
	assert.Equal(t, []string{model.EventCommissioned, model.EventShipped, model.EventReceived, model.EventSold, model.EventCloneAlert, model.EventAlertDecided}, types)
}

func TestNetworkNamesTheRegulatorAndIsInitialisedOnce(t *testing.T) {
	testnet.Members(t)
	ctx := testnet.Context(t)
	// Every organisation reads the same configuration: network.sh up initialised it.
	var txID string
	for _, o := range testnet.Orgs {
		cfg, err := org(t, o).Network(ctx)
		require.NoError(t, err, o)
		assert.Equal(t, "RegulatorMSP", cfg.RegulatorMSPID, o)
		assert.NotEmpty(t, cfg.TxID, o)
		assert.False(t, cfg.InitialisedAt.IsZero(), o)
		if txID == "" {
			txID = cfg.TxID
		}
		assert.Equal(t, txID, cfg.TxID, o)
	}
	// Once: not even the Regulator's administrator may initialise it again.
	_, err := admin(t, reg).InitLedger(ctx, "RegulatorMSP")
	assert.ErrorIs(t, err, client.ErrDuplicate)
	_, err = admin(t, mfrA).InitLedger(ctx, "ManufacturerAMSP")
	assert.ErrorIs(t, err, client.ErrDuplicate, "another organisation cannot take the Regulator's place")
	cfg, err := org(t, mfrA).Network(ctx)
	require.NoError(t, err)
	assert.Equal(t, "RegulatorMSP", cfg.RegulatorMSPID)
	assert.Equal(t, txID, cfg.TxID)
}

func TestCommissionBulk20000(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A := org(t, mfrA)
	codes := make([]string, 20000)
	for i := range codes {
		codes[i] = fmt.Sprintf("(01)%s(21)BULK%s%05d", f.GTIN, f.Run, i)
	}
	req := model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Codes: codes}
	var last client.BulkProgress
	calls := 0
	t0 := time.Now()
	res, err := A.CommissionBulk(ctx, req, client.BulkOptions{Progress: func(p client.BulkProgress) { last = p; calls++ }})
	require.NoError(t, err)
	t.Logf("20,000 codes in %d transactions: %s", len(res.Chunks), time.Since(t0).Round(time.Millisecond))
	assert.Len(t, res.Chunks, 20)
	assert.Equal(t, 20000, res.Committed())
	assert.Equal(t, 20, calls)
	assert.Equal(t, client.BulkProgress{Chunks: 20, ChunksDone: 20, Codes: 20000, CodesDone: 20000}, last)
	txIDs := map[string]bool{}
	for _, ch := range res.Chunks {
		assert.Equal(t, client.ChunkCommitted, ch.Status)
		txIDs[ch.TxID] = true
	}
	assert.Len(t, txIDs, 20)
	for _, i := range []int{0, 9999, 19999} {
		v, err := A.Verify(ctx, codes[i])
		require.NoError(t, err)
		assert.Equal(t, model.VerdictGenuine, v.Verdict, codes[i])
	}

	// Resume as after a crash that lost chunk 7's commit status: the committed
	// chunks are skipped, chunk 7 comes back DUPLICATE and is recognised.
	prev := *res
	prev.Chunks = append([]client.ChunkResult(nil), res.Chunks...)
	prev.Chunks[7].Status, prev.Chunks[7].Error = client.ChunkUnknown, "commit status timeout"
	t0 = time.Now()
	again, err := A.CommissionBulk(ctx, req, client.BulkOptions{Previous: &prev})
	require.NoError(t, err)
	t.Logf("resume: %s", time.Since(t0).Round(time.Millisecond))
	for i, ch := range again.Chunks {
		if i == 7 {
			assert.Equal(t, client.ChunkAlreadyCommitted, ch.Status)
			assert.Equal(t, res.Chunks[7].TxID, ch.TxID)
		} else {
			assert.Equal(t, client.ChunkSkipped, ch.Status)
		}
	}

	// A rerun without the state file: every chunk comes back DUPLICATE and is
	// checked with one CheckCommission read. Before that read, a resume asked
	// for each code (GetItem, 8 at a time); that is timed on one chunk here,
	// for the ratio in docs/reliability.md (logged, not asserted).
	t0 = time.Now()
	rerun, err := A.CommissionBulk(ctx, req, client.BulkOptions{})
	require.NoError(t, err)
	rerunTook := time.Since(t0)
	for _, ch := range rerun.Chunks {
		assert.Equal(t, client.ChunkAlreadyCommitted, ch.Status)
	}
	t0 = time.Now()
	next := make(chan string)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for code := range next {
				_, err := A.GetItem(ctx, code)
				assert.NoError(t, err)
			}
		}()
	}
	for _, code := range codes[:1000] {
		next <- code
	}
	close(next)
	wg.Wait()
	perCode := time.Since(t0) * time.Duration(len(res.Chunks))
	t.Logf("rerun over 20,000 committed codes: %s with one read per chunk; code by code it would take about %s (one chunk: %s ×%d): %.1f× faster",
		rerunTook.Round(time.Millisecond), perCode.Round(time.Millisecond), (perCode / time.Duration(len(res.Chunks))).Round(time.Millisecond),
		len(res.Chunks), float64(perCode)/float64(rerunTook))

	// A run with other chunks over partly committed codes commissions only the new ones.
	more := append(append([]string(nil), codes[19500:]...), fmt.Sprintf("(01)%s(21)BULK%sX0001", f.GTIN, f.Run))
	third, err := A.CommissionBulk(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Codes: more}, client.BulkOptions{ChunkSize: 1000})
	require.NoError(t, err)
	assert.Equal(t, client.ChunkCommitted, third.Chunks[0].Status)
	v, err := A.Verify(ctx, more[len(more)-1])
	require.NoError(t, err)
	assert.Equal(t, model.VerdictGenuine, v.Verdict)

	// The wrong organisation gets the chaincode's refusal for every chunk.
	_, err = org(t, dist).CommissionBulk(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Codes: codes[:10]}, client.BulkOptions{})
	assert.ErrorIs(t, err, client.ErrForbidden)
}

func TestEventsResumeFromCheckpointAfterRestart(t *testing.T) {
	// Client.Events follows the tracechain chaincode's events only, so the
	// events are those of cheap tracechain writes: one commissioned unit each.
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	G, A := org(t, reg), org(t, mfrA)
	height, err := testnet.Current().ChainHeight(ctx, reg)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "regulator.checkpoint")

	// put commissions unit i and returns its transaction ID.
	put := func(i int) string {
		res, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: "2025-05-06", Codes: []string{f.Unit(i)}})
		require.NoError(t, err)
		require.NotEmpty(t, res.TxID)
		return res.TxID
	}
	types := []string{model.EventCommissioned}
	var sent []string
	txID := put(100)
	testnet.Settled(t)
	v, err := G.Verify(ctx, f.Unit(100))
	require.NoError(t, err)
	assert.Equal(t, model.VerdictGenuine, v.Verdict)
	for i := range 3 {
		sent = append(sent, put(i))
	}
	// First listener: handles the first two of our events, then stops.
	var handled []string
	lctx, cancel := context.WithTimeout(ctx, time.Minute)
	for ev, err := range G.Events(lctx, client.EventOptions{CheckpointFile: file, StartBlock: &height, Types: types}) {
		require.NoError(t, err)
		if ev.TxID == txID {
			continue
		}
		handled = append(handled, ev.TxID)
		assert.NotZero(t, ev.BlockNumber)
		if len(handled) == 2 {
			break
		}
	}
	cancel()
	require.Equal(t, sent[:2], handled)

	// While no listener runs, more events are committed.
	for i := 3; i < 5; i++ {
		sent = append(sent, put(i))
	}
	// Restarted listener: exactly the events after the checkpoint.
	var resumed []string
	lctx, cancel = context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for ev, err := range G.Events(lctx, client.EventOptions{CheckpointFile: file, Types: types}) {
		require.NoError(t, err)
		resumed = append(resumed, ev.TxID)
		if len(resumed) == 3 {
			break
		}
	}
	assert.Equal(t, sent[2:], resumed)

	// Nothing more is pending: a listener from the checkpoint sees only a new event.
	last := put(99)
	lctx2, cancel2 := context.WithTimeout(ctx, time.Minute)
	defer cancel2()
	for ev, err := range G.Events(lctx2, client.EventOptions{CheckpointFile: file, Types: types}) {
		require.NoError(t, err)
		assert.Equal(t, last, ev.TxID)
		break
	}
}
