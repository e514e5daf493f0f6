package lifecycle_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// TestSellHoldsTheRecord: Sell, which any two organisations endorse without
// seeing the buyer data, writes a sale's public record only against the
// record RecordSale kept for that unit in the seller's own collection.
func TestSellHoldsTheRecord(t *testing.T) {
	w := newWorld(t)
	u := atRetailer(w, 3)
	rec0, rec1 := w.record(retailer, u[0]), w.record(retailer, u[1])
	// A rival's peers, which alone endorse its collection, keep a record for
	// goods it does not hold.
	k2, _ := state.CompositeKey("sale", u[2])
	forged := []byte(`{"code":"` + u[2] + `"}`)
	w.ok(retailer2, func(c call) error { return forge(c, "salesRetailer2MSP", k2, forged) })
	sum := sha256.Sum256(forged)
	rival := &model.RecordSaleResult{SaleHash: rec1.SaleHash, RecordHash: hex.EncodeToString(sum[:])}
	sell := func(msp string, transient map[string][]byte, req model.SellRequest) error {
		tx, err := w.do(msp, transient, func(c call) error { _, err := c.l.Sell(req); return err })
		if err != nil {
			assert.Zero(t, tx.Stats().Writes+tx.Stats().PrivateWrites, "a refused sale writes nothing")
		}
		return err
	}
	for _, tc := range []struct {
		name      string
		msp       string
		transient map[string][]byte
		req       model.SellRequest
		want      model.Code
	}{
		{"no record kept", retailer, nil, model.SellRequest{Code: u[2], SaleHash: rec0.SaleHash, RecordHash: rec0.RecordHash}, model.CodeNotFound},
		{"no hashes", retailer, nil, model.SellRequest{Code: u[0]}, model.CodeInvalidArgument},
		{"a hash that is no hash", retailer, nil, model.SellRequest{Code: u[0], SaleHash: rec0.SaleHash, RecordHash: strings.ToUpper(rec0.RecordHash)}, model.CodeInvalidArgument},
		{"another unit's record", retailer, nil, model.SellRequest{Code: u[0], SaleHash: rec1.SaleHash, RecordHash: rec1.RecordHash}, model.CodeInvalidArgument},
		{"buyer data in the proposal", retailer, map[string][]byte{model.TransientSaleKey: saleJSON(buyerName)}, model.SellRequest{Code: u[0], SaleHash: rec0.SaleHash, RecordHash: rec0.RecordHash}, model.CodeInvalidArgument},
		{"a rival's record for goods it does not hold", retailer2, nil, model.SellRequest{Code: u[2], SaleHash: rival.SaleHash, RecordHash: rival.RecordHash}, model.CodeNotHolder},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireCode(t, sell(tc.msp, tc.transient, tc.req), tc.want)
			assert.Equal(t, model.DispositionActive, w.status(tc.req.Code).Disposition)
		})
	}
	require.NoError(t, sell(retailer, nil, model.SellRequest{Code: u[0], SaleHash: rec0.SaleHash, RecordHash: rec0.RecordHash}))
	assert.Equal(t, model.DispositionRetailSold, w.status(u[0]).Disposition)

	// A record rewritten behind the sale (the seller's peers alone endorse
	// its collection) no longer has the hash the sale committed to.
	k, _ := state.CompositeKey("sale", u[0])
	w.ok(retailer, func(c call) error {
		raw := w.mem.PrivateValue("salesRetailerMSP", k)
		return forge(c, "salesRetailerMSP", k, bytes.Replace(raw, []byte("张三"), []byte("李四"), 1))
	})
	key := bytes.Repeat([]byte{7}, model.ReadKeySize)
	_, err := w.begin(admin(regulator), map[string][]byte{model.TransientReadKey: key}).l.GetSale(u[0])
	requireCode(t, err, model.CodeBadState)
}

// TestProvincialRegulatorReadsItsRegion: a provincial regulator reads the
// buyer data of its region's sellers and of no other region, and writes
// nothing a regulator writes.
func TestProvincialRegulatorReadsItsRegion(t *testing.T) {
	const zhejiang, guangdong = "ZhejiangAMRMSP", "GuangdongAMRMSP"
	w := newWorld(t)
	w.ok(admin(regulator), func(c call) error {
		_, err := c.reg.UpdateMember(model.MemberRequest{MSPID: retailer, Role: model.RoleRetailer, Name: "R Mart", USCC: uscc("91440300M000400Y4"), CompanyPrefixes: []string{"6908888"}, Region: "330100"})
		return err
	})
	for _, m := range []model.MemberRequest{
		{MSPID: zhejiang, Role: model.RoleProvincialRegulator, Name: "浙江省市场监督管理局", USCC: uscc("11330000M000600Y4"), Region: "330000"},
		{MSPID: guangdong, Role: model.RoleProvincialRegulator, Name: "广东省市场监督管理局", USCC: uscc("11440000M000700Y4"), Region: "440000"},
	} {
		w.ok(admin(regulator), func(c call) error { _, err := c.reg.RegisterMember(m); return err })
	}
	u := atRetailer(w, 1)
	_, err := w.sell(retailer, u[0])
	require.NoError(t, err)

	key := bytes.Repeat([]byte{7}, model.ReadKeySize)
	read := func(msp string) error {
		_, err := w.begin(admin(msp), map[string][]byte{model.TransientReadKey: key}).l.GetSale(u[0])
		return err
	}
	require.NoError(t, read(zhejiang), "Hangzhou is in Zhejiang")
	requireCode(t, read(guangdong), model.CodeForbidden)

	// It registers no member, decides no report and orders no recall.
	w.fails(admin(zhejiang), model.CodeForbidden, func(c call) error {
		_, err := c.reg.RegisterMember(model.MemberRequest{MSPID: "NewMSP", Role: model.RoleDistributor, Name: "N", USCC: uscc("91310000M000800Y4")})
		return err
	})
	w.fails(admin(zhejiang), model.CodeForbidden, func(c call) error {
		_, err := c.l.Recall(model.RecallRequest{GTIN: gtinA, Batch: "B1", Reason: "x"})
		return err
	})
	// Nor does it hold goods: a shipment to it, which it could neither
	// receive nor reject, would strand the goods in transit (found by this
	// review).
	stock := w.units("B2", "S", 1)
	for _, to := range []string{zhejiang, regulator} {
		tx, err := w.do(makerA, nil, func(c call) error {
			_, err := c.l.Ship(model.ShipRequest{To: to, Codes: stock})
			return err
		})
		e := requireCode(t, err, model.CodeForbidden)
		assert.Equal(t, to, e.Subject)
		assert.Zero(t, tx.Stats().Writes, "nothing half-written")
	}
	assert.Equal(t, model.DispositionActive, w.status(stock[0]).Disposition)
	// Nor can anyone register a regulator without its region, or a
	// province that is not one.
	for _, m := range []model.MemberRequest{
		{MSPID: "NoRegionMSP", Role: model.RoleProvincialRegulator, Name: "x", USCC: uscc("11330000M000600Y4")},
		{MSPID: "CityMSP", Role: model.RoleProvincialRegulator, Name: "x", USCC: uscc("11330000M000600Y4"), Region: "330100"},
		{MSPID: "BadRegionMSP", Role: model.RoleRetailer, Name: "x", USCC: uscc("11330000M000600Y4"), Region: "33"},
	} {
		w.fails(admin(regulator), model.CodeInvalidArgument, func(c call) error { _, err := c.reg.RegisterMember(m); return err })
	}
}

// forge writes a collection as a dishonest member's own peer would, with
// the one event every transaction sets.
func forge(c call, collection, key string, value []byte) error {
	if err := c.tx.PutPrivate(collection, key, value); err != nil {
		return err
	}
	return c.tx.SetEvent("forged", []byte("{}"))
}
