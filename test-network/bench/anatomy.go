package bench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	gatewaypb "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/test-network/benchcc"
)

// Anatomy is what one call costs the ledger, read from its endorsed (never
// submitted) transaction: the read-write set every peer validates and
// commits, and the sizes that travel through ordering and gossip. Reads of
// evaluated functions are counted the same way: each is a round trip
// between the chaincode and the endorsing peer.
type Anatomy struct {
	Call          string  `json:"call"`
	Units         int     `json:"units"`
	Reads         int     `json:"reads"`
	RangeQueries  int     `json:"rangeQueries"`
	RangeReads    int     `json:"rangeReads"` // keys returned by range queries (when recorded)
	Writes        int     `json:"writes"`
	WriteBytes    int     `json:"writeBytes"`    // keys and values written
	PrivateWrites int     `json:"privateWrites"` // hashed writes to private data collections
	EventBytes    int     `json:"eventBytes"`
	ResultBytes   int     `json:"resultBytes"`
	TxBytes       int     `json:"txBytes"`   // the whole transaction envelope
	EndorseMs     float64 `json:"endorseMs"` // endorsement time of this one proposal (idle network: after the scenarios)
}

// anatomyCall is a call to dissect.
type anatomyCall struct {
	name  string
	units int
	tx    Tx
}

// dissect endorses tx without sending it and measures its read-write set.
func (r *runner) dissect(ctx context.Context, c anatomyCall) (Anatomy, error) {
	a := Anatomy{Call: c.name, Units: c.units}
	tx := c.tx
	p, err := r.proposal(tx)
	if err != nil {
		return a, err
	}
	ectx, cancel := context.WithTimeout(ctx, endorseTimeout)
	defer cancel()
	begin := time.Now()
	t, err := p.EndorseWithContext(ectx)
	if err != nil {
		return a, fmt.Errorf("endorsing %s: %w", c.name, err)
	}
	a.EndorseMs = float64(time.Since(begin).Microseconds()) / 1000
	raw, err := t.Bytes()
	if err != nil {
		return a, err
	}
	if err := a.parse(raw); err != nil {
		return a, fmt.Errorf("%s: %w", c.name, err)
	}
	return a, nil
}

// parse fills the anatomy from a serialized gatewaypb.PreparedTransaction.
func (a *Anatomy) parse(prepared []byte) error {
	var pt gatewaypb.PreparedTransaction
	if err := proto.Unmarshal(prepared, &pt); err != nil {
		return err
	}
	env := pt.GetEnvelope()
	a.TxBytes = proto.Size(env)
	var payload common.Payload
	if err := proto.Unmarshal(env.GetPayload(), &payload); err != nil {
		return err
	}
	var tx peer.Transaction
	if err := proto.Unmarshal(payload.GetData(), &tx); err != nil {
		return err
	}
	if len(tx.GetActions()) == 0 {
		return errors.New("transaction has no action")
	}
	var ccap peer.ChaincodeActionPayload
	if err := proto.Unmarshal(tx.GetActions()[0].GetPayload(), &ccap); err != nil {
		return err
	}
	var prp peer.ProposalResponsePayload
	if err := proto.Unmarshal(ccap.GetAction().GetProposalResponsePayload(), &prp); err != nil {
		return err
	}
	var action peer.ChaincodeAction
	if err := proto.Unmarshal(prp.GetExtension(), &action); err != nil {
		return err
	}
	a.EventBytes = len(action.GetEvents())
	a.ResultBytes = len(action.GetResponse().GetPayload())
	var txrw rwset.TxReadWriteSet
	if err := proto.Unmarshal(action.GetResults(), &txrw); err != nil {
		return err
	}
	for _, ns := range txrw.GetNsRwset() {
		var kv kvrwset.KVRWSet
		if err := proto.Unmarshal(ns.GetRwset(), &kv); err != nil {
			return err
		}
		a.Reads += len(kv.GetReads())
		a.RangeQueries += len(kv.GetRangeQueriesInfo())
		for _, rq := range kv.GetRangeQueriesInfo() {
			a.RangeReads += len(rq.GetRawReads().GetKvReads())
		}
		a.Writes += len(kv.GetWrites())
		for _, w := range kv.GetWrites() {
			a.WriteBytes += len(w.GetKey()) + len(w.GetValue())
		}
		for _, coll := range ns.GetCollectionHashedRwset() {
			var h kvrwset.HashedRWSet
			if err := proto.Unmarshal(coll.GetHashedRwset(), &h); err != nil {
				return err
			}
			a.Reads += len(h.GetHashedReads())
			a.PrivateWrites += len(h.GetHashedWrites())
		}
	}
	return nil
}

// anatomy dissects one call of each kind the scenarios submit or evaluate.
// It needs the goods left by the run: units with a history and an unsold
// unit at the Retailer (when sell ran).
func (s *suite) anatomy(ctx context.Context, r *runner) ([]Anatomy, error) {
	history, err := s.historyCodes(ctx)
	if err != nil {
		return nil, err
	}
	pallets, _, err := s.buildPallets(ctx, 1, 1000)
	if err != nil {
		return nil, err
	}
	loose, err := s.commissionUnits(ctx, 1000)
	if err != nil {
		return nil, err
	}
	fresh := func(n int) []string {
		codes, _ := s.fx.unitCodes(n)
		return codes
	}
	newPallet, err := s.fx.palletCode()
	if err != nil {
		return nil, err
	}
	dist := s.conns[OrgDistributor].mspID
	arg := func(v any) string { a, _ := jsonArg(v); return a }
	calls := []anatomyCall{
		{"bench Put", 1, Tx{Org: OrgManufacturer, Chaincode: benchcc.Chaincode, Fn: benchcc.FnPut, Args: []string{"anatomy-" + s.runTag, "v"}}},
		{"bench Get (evaluate)", 1, Tx{Org: OrgRetailer, Chaincode: benchcc.Chaincode, Fn: benchcc.FnGet, Args: []string{"anatomy-" + s.runTag}}},
		{"Commission 1", 1, Tx{Org: OrgManufacturer, Fn: model.FnCommission, Args: []string{arg(s.fx.commissionRequest(fresh(1)))}}},
		{"Commission 100", 100, Tx{Org: OrgManufacturer, Fn: model.FnCommission, Args: []string{arg(s.fx.commissionRequest(fresh(100)))}}},
		{"Commission 1000", 1000, Tx{Org: OrgManufacturer, Fn: model.FnCommission, Args: []string{arg(s.fx.commissionRequest(fresh(1000)))}}},
		{"Pack 1000", 1000, Tx{Org: OrgManufacturer, Fn: model.FnPack, Args: []string{arg(model.PackRequest{Container: newPallet, Children: loose})}}},
		{"Ship pallet of 1000", 1000, Tx{Org: OrgManufacturer, Fn: model.FnShip, Args: []string{arg(model.ShipRequest{To: dist, Codes: pallets})}}},
		{"Verify (evaluate)", 1, Tx{Org: OrgRetailer, Fn: model.FnVerify, Args: []string{history[0]}}},
		{"Trace (evaluate)", 1, Tx{Org: OrgRetailer, Fn: model.FnTrace, Args: []string{history[0], strconv.Itoa(model.MaxPageSize), ""}}},
	}
	if s.unsold != "" {
		tx, err := recordSaleTx(s.unsold, 0)
		if err != nil {
			return nil, err
		}
		calls = append(calls, anatomyCall{"RecordSale (transient, the seller's peer alone)", 1, tx})
	}
	var out []Anatomy
	for _, c := range calls {
		a, err := r.dissect(ctx, c)
		if err != nil {
			return out, err
		}
		out = append(out, a)
	}
	return out, nil
}
