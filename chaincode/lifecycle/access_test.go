package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracechain/tracechain/chaincode/model"
)

// TestAccessMatrix calls every transaction as every role. "deny" cells must
// fail with FORBIDDEN (NOT_MEMBER for outsiders); "allow" cells must not fail
// on access, whatever the state of the goods makes of the call.
func TestAccessMatrix(t *testing.T) {
	w := newWorld(t)
	u := w.units("B1", "U", 1)[0]
	pallet := sscc("6901234", 1)
	product := model.ProductRequest{GTIN: gtinA, Name: "n", Type: "t", Licence: "XK06-001-00001"}
	member := model.MemberRequest{MSPID: "NewMSP", Role: model.RoleDistributor, Name: "n", USCC: uscc("91350100M000900Y4")}

	txs := map[string]func(c call) error{
		"RegisterMember": func(c call) error { _, err := c.reg.RegisterMember(member); return err },
		"UpdateMember": func(c call) error {
			_, err := c.reg.UpdateMember(model.MemberRequest{MSPID: distributor, Role: model.RoleDistributor, Name: "n", USCC: uscc("91310000M000300Y4"), CompanyPrefixes: []string{"6907777"}})
			return err
		},
		"GetMember":       func(c call) error { _, err := c.reg.GetMember(makerA); return err },
		"ListMembers":     func(c call) error { _, err := c.reg.ListMembers(0, ""); return err },
		"RegisterProduct": func(c call) error { _, err := c.reg.RegisterProduct(product); return err },
		"UpdateProduct":   func(c call) error { _, err := c.reg.UpdateProduct(product); return err },
		"GetProduct":      func(c call) error { _, err := c.reg.GetProduct(gtinA); return err },
		"ProductHistory":  func(c call) error { _, err := c.reg.ProductHistory(gtinA, 0, ""); return err },
		"Commission": func(c call) error {
			_, err := c.l.Commission(model.CommissionRequest{GTIN: gtinA, Batch: "B2", ProductionDate: "2026-02-01", Codes: []string{unit("M1")}})
			return err
		},
		"CommissionLot": func(c call) error {
			_, err := c.l.CommissionLot(model.LotRequest{GTIN: gtinA, Batch: "L9", ProductionDate: "2026-02-01", Quantity: 1})
			return err
		},
		"SplitLot": func(c call) error {
			_, err := c.l.SplitLot(model.SplitRequest{Source: lot(gtinA, "L0"), Quantity: 1})
			return err
		},
		"Pack": func(c call) error {
			// Each packer uses an SSCC of its own prefix; another's is FORBIDDEN for that reason.
			own := map[string]string{distributor: sscc("6907777", 1), retailer: sscc("6908888", 1)}[c.tx.ClientMSPID()]
			if own == "" {
				own = pallet
			}
			_, err := c.l.Pack(model.PackRequest{Container: own, Children: []string{u}})
			return err
		},
		"Unpack": func(c call) error { _, err := c.l.Unpack(model.UnpackRequest{Container: pallet}); return err },
		"Ship": func(c call) error {
			_, err := c.l.Ship(model.ShipRequest{To: retailer, Codes: []string{u}})
			return err
		},
		"Receive": func(c call) error { _, err := c.l.Receive(model.MoveRequest{Codes: []string{u}}); return err },
		"Reject":  func(c call) error { _, err := c.l.Reject(model.MoveRequest{Codes: []string{u}}); return err },
		"Decommission": func(c call) error {
			_, err := c.l.Decommission(model.DecommissionRequest{Codes: []string{u}, Reason: model.ReasonDamaged})
			return err
		},
		"RecordSale": func(c call) error {
			_, err := c.l.RecordSale(model.RecordSaleRequest{Code: u})
			return err
		},
		"Sell":      func(c call) error { _, err := c.l.Sell(model.SellRequest{Code: u}); return err },
		"GetSale":   func(c call) error { _, err := c.l.GetSale(u); return err },
		"PurgeSale": func(c call) error { return c.l.PurgeSale(u) },
		"Recall": func(c call) error {
			_, err := c.l.Recall(model.RecallRequest{GTIN: gtinA, Batch: "B7", Reason: "x"})
			return err
		},
		"GetRecall":         func(c call) error { _, err := c.l.GetRecall("x"); return err },
		"AcknowledgeRecall": func(c call) error { _, err := c.l.AcknowledgeRecall("x"); return err },
		"ListRecallAcks":    func(c call) error { _, err := c.l.ListRecallAcks("x", 0, ""); return err },
		"CloseRecall":       func(c call) error { _, err := c.l.CloseRecall(model.CloseRecallRequest{RecallID: "x"}); return err },
		"RecallReport":      func(c call) error { _, err := c.l.RecallReport("x", 0, ""); return err },
		"Verify":            func(c call) error { _, err := c.l.Verify(u); return err },
		"Trace":             func(c call) error { _, err := c.l.Trace(u, 0, ""); return err },
		"GetItem":           func(c call) error { _, err := c.l.GetItem(u); return err },
		"GetContents":       func(c call) error { _, err := c.l.GetContents(pallet, 0, ""); return err },
		"ListAlerts":        func(c call) error { _, err := c.l.ListAlerts(0, ""); return err },
		"DecideAlert": func(c call) error {
			_, err := c.l.DecideAlert(model.DecideAlertRequest{Code: u, AlertID: "x", Decision: model.DecisionDismiss})
			return err
		},
		"FileSignal": func(c call) error {
			_, err := c.l.FileSignal(model.FileSignalRequest{Reason: model.AlertReasonUnknownSerials, GTIN: gtinA, Scans: 1, Since: c.tx.TxTime()})
			return err
		},
	}
	// Privileged functions need an administrator identity of the organisation;
	// an ordinary client of an allowed organisation is FORBIDDEN.
	privileged := map[string]bool{"RegisterMember": true, "UpdateMember": true, "GetSale": true, "PurgeSale": true, "Recall": true, "DecideAlert": true,
		"AcknowledgeRecall": true, "CloseRecall": true}
	const (
		allow = true
		deny  = false
	)
	roles := []string{makerA, distributor, retailer, regulator}
	matrix := map[string][4]bool{ // manufacturer, distributor, retailer, regulator
		"RegisterMember":    {deny, deny, deny, allow},
		"UpdateMember":      {deny, deny, deny, allow},
		"GetMember":         {allow, allow, allow, allow},
		"ListMembers":       {allow, allow, allow, allow},
		"RegisterProduct":   {allow, deny, deny, deny},
		"UpdateProduct":     {allow, deny, deny, deny},
		"GetProduct":        {allow, allow, allow, allow},
		"ProductHistory":    {allow, allow, allow, allow},
		"Commission":        {allow, deny, deny, deny},
		"CommissionLot":     {allow, deny, deny, deny},
		"SplitLot":          {allow, allow, allow, deny},
		"Pack":              {allow, allow, allow, deny},
		"Unpack":            {allow, allow, allow, deny},
		"Ship":              {allow, allow, allow, deny},
		"Receive":           {allow, allow, allow, deny},
		"Reject":            {allow, allow, allow, deny},
		"Decommission":      {allow, allow, allow, deny},
		"RecordSale":        {deny, deny, allow, deny},
		"Sell":              {deny, deny, allow, deny},
		"GetSale":           {allow, allow, allow, allow}, // then FORBIDDEN unless seller or Regulator: see TestGetSaleAccess
		"PurgeSale":         {deny, deny, allow, deny},
		"Recall":            {allow, deny, deny, allow},
		"GetRecall":         {allow, allow, allow, allow},
		"RecallReport":      {allow, allow, allow, allow},
		"AcknowledgeRecall": {allow, allow, allow, deny},
		"ListRecallAcks":    {allow, allow, allow, allow},
		"CloseRecall":       {allow, deny, deny, allow},
		"Verify":            {allow, allow, allow, allow},
		"Trace":             {allow, allow, allow, allow},
		"GetItem":           {allow, allow, allow, allow},
		"GetContents":       {allow, allow, allow, allow},
		"ListAlerts":        {deny, deny, deny, allow},
		"DecideAlert":       {deny, deny, deny, allow},
		"FileSignal":        {allow, allow, allow, allow}, // any service's member; a read-only identity is refused by the contract
	}
	assert.Len(t, matrix, len(txs))
	for name, fn := range txs {
		t.Run(name, func(t *testing.T) {
			row, ok := matrix[name]
			assert.True(t, ok)
			transient := map[string][]byte{model.TransientSaleKey: saleJSON("x"), model.TransientReadKey: make([]byte, model.ReadKeySize)}
			for i, msp := range roles {
				_, err := w.do(admin(msp), transient, fn)
				code := model.CodeOf(err)
				if row[i] {
					if name != "GetSale" {
						assert.NotContains(t, []model.Code{model.CodeForbidden, model.CodeNotMember}, code, "%s as %s: %v", name, msp, err)
					}
				} else {
					assert.Equal(t, model.CodeForbidden, code, "%s as %s: %v", name, msp, err)
				}
				if privileged[name] && row[i] {
					_, err := w.do(msp, transient, fn)
					assert.Equal(t, model.CodeForbidden, model.CodeOf(err), "%s as an ordinary client of %s: %v", name, msp, err)
				}
			}
			_, err := w.do(outsider, nil, fn)
			assert.Equal(t, model.CodeNotMember, model.CodeOf(err), "%s as outsider", name)
		})
	}
}
