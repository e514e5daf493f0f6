//go:build integration

package integration

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
)

// matrixFixtures are the goods the role × transaction matrix acts on, each
// set up so that the transaction is valid for the organisation that may do it.
type matrixFixtures struct {
	packChildren []string // m0 m1, held by the Distributor
	inTransitRcv string   // m2, in transit Distributor → Retailer
	inTransitRej string   // m3, in transit Distributor → Retailer
	toSell       string   // m4, held by the Retailer
	toShip       string   // m5, held by the Distributor
	container    string   // SSCC holding m6, held by the Retailer
	sold         string   // m7, sold by the Retailer (retention 180 days)
	soldAt       time.Time
	mbUnit       string // a unit of ManufacturerB, held by it
	lotPart      string // 40 of a lot of ManufacturerA, held by the Distributor
	alertID      string // the open clone report on sold
}

func (s *suite) setUpMatrix(t *testing.T) matrixFixtures {
	t.Helper()
	gtin := s.productA
	m := s.commission(t, s.ma, gtin, s.batch("M"), "m", 8)
	f := matrixFixtures{
		packChildren: m[0:2], inTransitRcv: m[2], inTransitRej: m[3], toSell: m[4], toShip: m[5],
		container: ssccCode(s.newSSCC()), sold: m[7],
	}
	mustSubmit[model.PackResult](t, s.ma, model.FnPack, model.PackRequest{Container: f.container, Children: []string{m[6]}})
	s.move(t, s.ma, s.dist, m[0], m[1], m[2], m[3], m[4], m[5], m[7], f.container)
	s.move(t, s.dist, s.ret, m[4], m[7], f.container)
	sale := mustSell(t, s.ret, model.SellRequest{Code: m[7], RetentionDays: model.MinSaleRetentionDays}, s.buyer("p"))
	require.Equal(t, model.OutcomeSold, sale.Outcome)
	f.soldAt = time.Now()
	resale := mustSell(t, s.ret, model.SellRequest{Code: m[7]}, s.buyer("q"))
	f.alertID = resale.AlertID
	s.ship(t, s.dist, s.ret, m[2], m[3])
	f.mbUnit = s.commission(t, s.mb, s.productB, s.batch("N"), "n", 1)[0]
	lot := mustSubmit[model.Item](t, s.ma, model.FnCommissionLot, model.LotRequest{GTIN: gtin, Batch: s.batch("L"), ProductionDate: today(), Quantity: 100})
	mv := mustSubmit[model.MoveResult](t, s.ma, model.FnShip, model.ShipRequest{To: s.dist.msp, Lots: []model.LotShipment{{Source: lot.Code, Quantity: 40, Label: "mx"}}})
	require.Len(t, mv.Codes, 1)
	f.lotPart = mv.Codes[0]
	s.receive(t, s.dist, f.lotPart)
	return f
}

// matrixRow is one write transaction of the matrix.
type matrixRow struct {
	fn      string
	fixture string                 // what the request acts on, for the table
	allowed []*member              // organisations for which it commits
	refused map[*member]model.Code // the others, with their exact refusal
	args    func(m *member) []any  // a request valid for the allowed organisation
	// privileged rows are called through each organisation's administrator; an
	// ordinary client of an allowed organisation must get FORBIDDEN.
	privileged bool
}

// testRoleMatrix submits every write transaction as every organisation and
// evaluates every read as every organisation, and logs the observed matrix.
func testRoleMatrix(t *testing.T, s *suite) {
	f := s.setUpMatrix(t)
	ma, mb, dist, ret, reg := s.ma, s.mb, s.dist, s.ret, s.reg
	forbiddenExcept := func(allowed ...*member) map[*member]model.Code {
		out := map[*member]model.Code{}
		for _, m := range s.all {
			out[m] = model.CodeForbidden
		}
		for _, m := range allowed {
			delete(out, m)
		}
		return out
	}
	holderOnly := func(holder *member) map[*member]model.Code {
		out := map[*member]model.Code{}
		for _, m := range []*member{ma, mb, dist, ret} {
			if m != holder {
				out[m] = model.CodeNotHolder
			}
		}
		out[reg] = model.CodeForbidden
		return out
	}
	short := map[*member]string{ma: "A", mb: "B", dist: "D", ret: "R", reg: "G"}
	var packed, recallID string

	rows := []matrixRow{
		{model.FnRegisterMember, "a new member", []*member{reg}, forbiddenExcept(reg), func(m *member) []any {
			return []any{model.MemberRequest{MSPID: fmt.Sprintf("Mx%s%sMSP", s.run, short[m]), Role: model.RoleDistributor,
				Name: "矩阵测试经销商", USCC: uscc("91110108MA0000007")}}
		}, true},
		{model.FnUpdateMember, "Retailer's record", []*member{reg}, forbiddenExcept(reg), func(m *member) []any {
			req := s.memberRequest(ret)
			req.Contact = "门店 010-60000000"
			return []any{req}
		}, true},
		{model.FnDecideAlert, "an open clone report", []*member{reg}, forbiddenExcept(reg), func(m *member) []any {
			return []any{model.DecideAlertRequest{Code: f.sold, AlertID: f.alertID, Decision: model.DecisionDismiss}}
		}, true},
		{model.FnFileSignal, "unknown serials of A's product", []*member{ma, mb, dist, ret, reg}, map[*member]model.Code{}, func(m *member) []any {
			// The first filing opens the product's signal, each later organisation joins it.
			return []any{model.FileSignalRequest{Reason: model.AlertReasonUnknownSerials, GTIN: s.productA, Scans: 50, Since: time.Now().Add(-time.Hour)}}
		}, false},
		{model.FnRegisterProduct, "new GTIN, A's prefix and licence", []*member{ma}, forbiddenExcept(ma), func(m *member) []any {
			return []any{productRequest(s.newGTIN(s.prefixA), s.licenceA, "matrix")}
		}, false},
		{model.FnUpdateProduct, "A's product", []*member{ma}, forbiddenExcept(ma), func(m *member) []any {
			return []any{productRequest(s.productA, s.licenceA, "450/750V 1×4mm²")}
		}, false},
		{model.FnCommission, "new serial of A's product", []*member{ma}, forbiddenExcept(ma), func(m *member) []any {
			return []any{model.CommissionRequest{GTIN: s.productA, Batch: s.batch("K"), ProductionDate: today(), Codes: units(s.productA, s.serials("k"+short[m], 1))}}
		}, false},
		{model.FnCommissionLot, "new batch of A's product", []*member{ma}, forbiddenExcept(ma), func(m *member) []any {
			return []any{model.LotRequest{GTIN: s.productA, Batch: s.batch("Q" + short[m]), ProductionDate: today(), Quantity: 10}}
		}, false},
		{model.FnSplitLot, "lot part held by Distributor", []*member{dist}, holderOnly(dist), func(m *member) []any {
			return []any{model.SplitRequest{Source: f.lotPart, Quantity: 5, Label: "split" + short[m]}}
		}, false},
		{model.FnPack, "2 units held by Distributor", []*member{dist}, holderOnly(dist), func(m *member) []any {
			c := ssccCode(s.ssccOf(m))
			if m == dist {
				packed = c
			}
			return []any{model.PackRequest{Container: c, Children: f.packChildren}}
		}, false},
		{model.FnUnpack, "case held by Retailer", []*member{ret}, holderOnly(ret), func(m *member) []any {
			return []any{model.UnpackRequest{Container: f.container}}
		}, false},
		{model.FnShip, "unit held by Distributor, to Retailer", []*member{dist}, func() map[*member]model.Code {
			out := holderOnly(dist)
			out[ret] = model.CodeInvalidArgument // shipping to yourself
			return out
		}(), func(m *member) []any {
			return []any{model.ShipRequest{To: ret.msp, Codes: []string{f.toShip}}}
		}, false},
		{model.FnReceive, "unit in transit Distributor → Retailer", []*member{ret}, holderOnly(ret), func(m *member) []any {
			return []any{model.MoveRequest{Codes: []string{f.inTransitRcv}}}
		}, false},
		{model.FnReject, "unit in transit Distributor → Retailer", []*member{ret}, holderOnly(ret), func(m *member) []any {
			return []any{model.MoveRequest{Codes: []string{f.inTransitRej}}}
		}, false},
		{model.FnRecordSale, "unit held by Retailer", []*member{ret}, forbiddenExcept(ret), func(m *member) []any {
			return []any{model.RecordSaleRequest{Code: f.toSell}, saleData(s.buyer("w" + short[m])), client.WithEndorsingOrganizations(m.msp)}
		}, false},
		{model.FnSell, "unit held by Retailer, its record kept", []*member{ret}, forbiddenExcept(ret), func(m *member) []any {
			req := model.SellRequest{Code: f.toSell}
			if m == ret {
				rec := mustSubmit[model.RecordSaleResult](t, ret, model.FnRecordSale, model.RecordSaleRequest{Code: f.toSell},
					saleData(s.buyer("x"+short[m])), client.WithEndorsingOrganizations(ret.msp))
				req.SaleHash, req.RecordHash = rec.SaleHash, rec.RecordHash
			}
			return []any{req}
		}, false},
		{model.FnPurgeSale, "Retailer's sale, within retention", nil, func() map[*member]model.Code {
			out := forbiddenExcept(ret)
			out[ret] = model.CodeBadState // the retention period has not passed
			return out
		}(), func(m *member) []any { return []any{f.sold} }, true},
		{model.FnRecall, "a batch of A's product", []*member{ma, reg}, forbiddenExcept(ma, reg), func(m *member) []any {
			return []any{model.RecallRequest{GTIN: s.productA, Batch: s.batch("Y" + short[m]), Reason: "matrix recall"}}
		}, true},
		{model.FnDecommission, "unit held by ManufacturerB", []*member{mb}, holderOnly(mb), func(m *member) []any {
			return []any{model.DecommissionRequest{Codes: []string{f.mbUnit}, Reason: model.ReasonDamaged}}
		}, false},
	}

	observed := map[string]map[*member]string{}
	for _, row := range rows {
		observed[row.fn] = map[*member]string{}
		t.Run(row.fn, func(t *testing.T) {
			// Refusals first: they write nothing, so the allowed
			// organisation still finds the fixture as it was.
			order := filter(s.all, func(m *member) bool { _, ok := row.refused[m]; return ok })
			order = append(order, row.allowed...)
			for _, m := range order {
				caller := m
				if row.privileged {
					caller = m.admin
					if _, refused := row.refused[m]; !refused || row.refused[m] != model.CodeForbidden {
						_, err := m.submitRaw(row.fn, row.args(m)...)
						requireCode(t, err, model.CodeForbidden, "%s by an ordinary client of %s", row.fn, m.msp)
					}
				}
				c, err := caller.submitRaw(row.fn, row.args(m)...)
				observed[row.fn][m] = outcome(err)
				if want, ok := row.refused[m]; ok {
					if err == nil {
						t.Errorf("%s by %s committed (tx %s), want %s", row.fn, m.msp, c.TxID, want)
						continue
					}
					e, ok := chaincodeError(err)
					if !assert.True(t, ok, "%s by %s: %v", row.fn, m.msp, err) {
						continue
					}
					assert.Equal(t, want, e.Code, "%s by %s: %s", row.fn, m.msp, e.Error())
					continue
				}
				if !assert.NoError(t, err, "%s by %s: %s", row.fn, m.msp, outcome(err)) {
					continue
				}
				if row.fn == model.FnRecall && m == ma {
					var r model.Recall
					require.NoError(t, json.Unmarshal(c.Result, &r))
					recallID = r.ID
				}
			}
		})
	}

	t.Run("ForwardDatedPurgeIsRefusedByThePeer", func(t *testing.T) {
		// The retention deadline is checked against the client-set
		// transaction timestamp (docs/design.md, "Limits and open
		// points"). A retailer dating its PurgeSale past the deadline is
		// stopped before the chaincode by the peers' authentication time
		// window (peer.authentication.timewindow, 15 minutes by default).
		at := f.soldAt.AddDate(0, 0, model.MinSaleRetentionDays+1)
		c, err := ret.submitAt(at, model.FnPurgeSale, f.sold)
		require.Error(t, err, "a PurgeSale dated %s committed (tx %s)", at.Format(time.RFC3339), c.TxID)
		_, isChaincode := chaincodeError(err)
		assert.False(t, isChaincode, "refused by the peer, not by the chaincode: %v", err)
		assert.Contains(t, strings.Join(errorTexts(err), "\n"), "timewindow")
		rec := mustGetSale(t, reg.admin, f.sold)
		assert.Equal(t, f.sold, rec.Code, "the sale record is still there")
	})

	t.Run("LotQuantitiesAreConserved", func(t *testing.T) {
		part := mustEvaluate[model.ItemStatus](t, dist, model.FnGetItem, f.lotPart)
		assert.Equal(t, int64(35), part.Item.Quantity, "40 shipped, 5 split off by the Distributor")
		lot := mustEvaluate[model.ItemStatus](t, dist, model.FnGetItem, part.Item.Lot)
		assert.Equal(t, int64(60), lot.Item.Quantity, "100 commissioned, 40 shipped")
		assert.Equal(t, s.ma.msp, lot.Holder.MSPID, "a lot stays with its manufacturer")
	})

	// Reads.
	type read struct {
		fn         string
		args       []any
		allowed    []*member
		privileged bool // through the administrators; ordinary clients get FORBIDDEN
	}
	_, sealWith := readKey()
	require.NotEmpty(t, packed, "the Distributor's Pack must have committed")
	require.NotEmpty(t, recallID, "ManufacturerA's Recall must have committed")
	reads := []read{
		{model.FnGetMember, []any{ma.msp}, s.all, false},
		{model.FnListMembers, []any{int32(0), ""}, s.all, false},
		{model.FnGetProduct, []any{s.productA}, s.all, false},
		{model.FnProductHistory, []any{s.productA, int32(0), ""}, s.all, false},
		{model.FnVerify, []any{f.packChildren[0]}, s.all, false},
		{model.FnTrace, []any{f.packChildren[0], int32(0), ""}, s.all, false},
		{model.FnGetItem, []any{f.packChildren[0]}, s.all, false},
		{model.FnGetContents, []any{packed, int32(0), ""}, s.all, false},
		{model.FnGetRecall, []any{recallID}, s.all, false},
		{model.FnRecallReport, []any{recallID, int32(0), ""}, s.all, false},
		{model.FnListAlerts, []any{int32(0), ""}, []*member{reg}, false},
		{model.FnGetSale, []any{f.sold, sealWith}, []*member{ret, reg}, true},
	}
	for _, r := range reads {
		observed[r.fn] = map[*member]string{}
		t.Run(r.fn, func(t *testing.T) {
			for _, m := range s.all {
				caller := m
				if r.privileged {
					caller = m.admin
					_, err := m.evaluateRaw(r.fn, r.args...)
					requireCode(t, err, model.CodeForbidden, "%s by an ordinary client of %s", r.fn, m.msp)
				}
				raw, err := caller.evaluateRaw(r.fn, r.args...)
				observed[r.fn][m] = outcome(err)
				allowed := false
				for _, a := range r.allowed {
					allowed = allowed || a == m
				}
				if allowed {
					assert.NoError(t, err, "%s by %s: %s", r.fn, m.msp, outcome(err))
				} else {
					requireCode(t, err, model.CodeForbidden, "%s by %s", r.fn, m.msp)
				}
				s.requireNoPersonalData(t, r.fn, raw) // GetSale's answer is sealed
			}
		})
	}

	// The table, for docs/design.md.
	var b strings.Builder
	b.WriteString("\nrole × transaction matrix, observed on the network (✓ = committed / answered):\n\n")
	b.WriteString("| transaction | fixture | ")
	for _, m := range s.all {
		b.WriteString(m.org + " | ")
	}
	b.WriteString("\n| --- | --- |" + strings.Repeat(" --- |", len(s.all)) + "\n")
	for _, row := range rows {
		fmt.Fprintf(&b, "| %s | %s | ", row.fn, row.fixture)
		for _, m := range s.all {
			b.WriteString(observed[row.fn][m] + " | ")
		}
		b.WriteString("\n")
	}
	for _, r := range reads {
		fmt.Fprintf(&b, "| %s | read | ", r.fn)
		for _, m := range s.all {
			b.WriteString(observed[r.fn][m] + " | ")
		}
		b.WriteString("\n")
	}
	t.Log(b.String())
}

func filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}
