package lifecycle

import (
	"fmt"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
	"github.com/tracechain/tracechain/chaincode/state"
)

// maxPackings bounds an item's containment history (model.Item.Packings):
// Pack refuses to pack an item that has been packed this many times.
//
// The history lives in the item's own record, which Verify, every move and
// every later packing read and rewrite whole, and each interval is a source
// that the item's Trace merges. Unbounded, a holder could grow it by packing
// and unpacking the item again and again (a captured document does a
// thousand of either per transaction), making every later read of the item
// dear and, past the Trace's 1,000 sources, its trace unreadable. A trace
// user expects the whole route (every container an item was in, each with
// the hash that anchors its packing), so the history is bounded by refusing
// more of it, never by forgetting intervals: an item passes through a
// handful of cases, pallets and totes in its life, and 32 leaves room for
// returns and repacking several times over, at under 20 KiB of record (an
// interval with its two anchors is about 600 bytes of JSON).
const maxPackings = 32

// Pack packs units, lot parts or containers into a container, identified by
// an SSCC or a serialised case code and created on first use. The caller
// must hold every child and the container, all active and not in transit;
// children must be top-level, and a container cannot end up inside itself.
// Per child: its record (parent pointer, packing interval) and an index entry.
func (l *Ledger) Pack(req model.PackRequest) (*model.PackResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Require("pack goods", holderRoles...)
	if err != nil {
		return nil, err
	}
	cref, err := parseCode(req.Container, "container")
	if err != nil {
		return nil, err
	}
	if cref.part || (cref.id.Kind != identifier.KindSSCC && cref.id.Kind != identifier.KindSGTIN) {
		return nil, model.SubjectErrorf(model.CodeInvalidCode, req.Container, "container must be an SSCC or a serialised case code")
	}
	refs, err := parseList("children", req.Children)
	if err != nil {
		return nil, err
	}
	if err := l.load(append(codesOf(refs), cref.code)...); err != nil {
		return nil, err
	}
	c := l.items[cref.code]
	if c == nil {
		// A new container code must be the packer's own: an SSCC or case SGTIN under
		// one of its company prefixes. Otherwise a member could squat a serial of
		// another maker's GTIN, or an SSCC of another's range.
		key := cref.id.SSCC
		if key == "" {
			key = cref.id.GTIN
		}
		if !registry.OwnsKey(m, key) {
			return nil, model.SubjectErrorf(model.CodeForbidden, req.Container,
				"container %s is not under a GS1 company prefix of %s", cref.code, m.MSPID)
		}
		c = &model.Item{
			Code: cref.code, Class: model.ClassContainer, Scheme: cref.id.Kind.Scheme(), GTIN: cref.id.GTIN,
			Issuer: m.MSPID, Holder: m.MSPID, Disposition: model.DispositionActive, CommissionedAt: l.now(), CommissionTx: l.txID(),
		}
		if err := l.anchorCreation(c); err != nil {
			return nil, err
		}
	} else if err := l.checkContainer(c, m.MSPID); err != nil {
		return nil, err
	}
	cv, err := l.chain(c)
	if err != nil {
		return nil, err
	}
	above := map[string]bool{c.Code: true}
	for _, a := range cv.chain {
		above[a.Code] = true
	}
	for i, r := range refs {
		what := r.what("children", i)
		child, err := l.mustItem(r.code, what)
		if err != nil {
			return nil, err
		}
		if above[child.Code] {
			return nil, model.SubjectErrorf(model.CodeBadState, r.input, "%s contains container %s: packing would create a cycle", what, c.Code)
		}
		if child.Class == model.ClassLot {
			return nil, model.SubjectErrorf(model.CodeBadState, r.input, "%s is a lot: split a part off it and pack the part", what)
		}
		if err := movable(child, m.MSPID, what); err != nil {
			return nil, err
		}
		if len(child.Packings) >= maxPackings {
			return nil, model.SubjectErrorf(model.CodeBadState, r.input,
				"%s has been packed %d times, the most one item's history keeps: ship, sell or decommission it as it is", what, len(child.Packings))
		}
	}
	for _, r := range refs {
		child := l.items[r.code]
		child.Parent = c.Code
		p := model.Packing{Container: c.Code, PackedAt: l.now(), PackedTx: l.txID(), PackedBy: l.store.ClientMSPID()}
		if p.Packed, err = l.anchor(packingEvent(child.Code, p, false, "")); err != nil {
			return nil, err
		}
		child.Packings = append(child.Packings, p)
		l.save(child)
		if err := l.mark(child.Class, containsKey, c.Code, child.Code); err != nil {
			return nil, err
		}
	}
	c.Children += len(refs)
	l.save(c)
	if err := l.record(c.Code, model.TraceEvent{Type: model.EventPacked, BizStep: model.BizStepPacking, Disposition: model.DispositionActive, Count: len(refs)}); err != nil {
		return nil, err
	}
	e := l.event(model.EventPacked)
	e.Container, e.Count, e.Codes = c.Code, len(refs), eventCodes(codesOf(refs))
	if err := l.commit(e); err != nil {
		return nil, err
	}
	return &model.PackResult{Container: c.Code, Changed: len(refs), Children: c.Children, TxID: l.txID()}, nil
}

// Unpack takes children out of a container the caller holds (all of them
// when none are named). Each child becomes top-level with the container's
// holder and disposition written into its own record.
func (l *Ledger) Unpack(req model.UnpackRequest) (*model.PackResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Require("unpack goods", holderRoles...)
	if err != nil {
		return nil, err
	}
	cref, err := parseCode(req.Container, "container")
	if err != nil {
		return nil, err
	}
	c, err := l.mustItem(cref.code, "container")
	if err != nil {
		return nil, err
	}
	if err := l.checkContainer(c, m.MSPID); err != nil {
		return nil, err
	}
	var codes []string
	if len(req.Children) == 0 {
		// Unpacking all writes two keys per child: bound it like any named list.
		if c.Children > model.MaxCodesPerTx {
			return nil, model.SubjectErrorf(model.CodeInvalidArgument, c.Code,
				"container %s has %d children; unpack at most %d per transaction by naming them", c.Code, c.Children, model.MaxCodesPerTx)
		}
		if codes, err = l.contents(c.Code); err != nil {
			return nil, err
		}
		if len(codes) == 0 {
			return nil, model.SubjectErrorf(model.CodeBadState, c.Code, "container %s is empty", c.Code)
		}
	} else {
		refs, err := parseList("children", req.Children)
		if err != nil {
			return nil, err
		}
		codes = codesOf(refs)
		if err := l.load(codes...); err != nil {
			return nil, err
		}
		for i, r := range refs {
			child, err := l.mustItem(r.code, r.what("children", i))
			if err != nil {
				return nil, err
			}
			if child.Parent != c.Code {
				return nil, model.SubjectErrorf(model.CodeBadState, r.input, "%s is not in container %s", r.what("children", i), c.Code)
			}
		}
	}
	if err := l.load(codes...); err != nil {
		return nil, err
	}
	for _, code := range codes {
		child := l.items[code]
		if child == nil {
			return nil, model.SubjectErrorf(model.CodeBadState, code, "container %s lists missing child %s", c.Code, code)
		}
		if err := l.takeOut(c, child, m.MSPID); err != nil {
			return nil, err
		}
	}
	l.save(c)
	if err := l.record(c.Code, model.TraceEvent{Type: model.EventUnpacked, BizStep: model.BizStepUnpacking, Disposition: model.DispositionActive, Count: len(codes)}); err != nil {
		return nil, err
	}
	e := l.event(model.EventUnpacked)
	e.Container, e.Count, e.Codes = c.Code, len(codes), eventCodes(codes)
	if err := l.commit(e); err != nil {
		return nil, err
	}
	return &model.PackResult{Container: c.Code, Changed: len(codes), Children: c.Children, TxID: l.txID()}, nil
}

// checkContainer checks that c is a container that msp effectively holds and
// that is active where it is.
func (l *Ledger) checkContainer(c *model.Item, msp string) error {
	if c.Class != model.ClassContainer {
		return model.SubjectErrorf(model.CodeBadState, c.Code, "%s is a %s, not a container", c.Code, c.Class)
	}
	v, err := l.chain(c)
	if err != nil {
		return err
	}
	if h := v.holder(); h != msp {
		return model.SubjectErrorf(model.CodeNotHolder, c.Code, "container %s is held by %s", c.Code, h)
	}
	if d := v.disposition(); d != model.DispositionActive {
		return model.SubjectErrorf(model.CodeBadState, c.Code, "container %s is %s", c.Code, d)
	}
	return nil
}

// takeOut removes child from its direct container c (held by msp and
// active), materialising the child's holder and disposition: two writes for
// the child (record, index delete); the caller saves c.
func (l *Ledger) takeOut(c, child *model.Item, msp string) error {
	k, err := l.key(containsKey, c.Code, child.Code)
	if err != nil {
		return err
	}
	if err := l.store.Delete(k); err != nil {
		return err
	}
	child.Parent, child.Holder, child.Disposition, child.Destination = "", msp, model.DispositionActive, ""
	if n := len(child.Packings); n > 0 && child.Packings[n-1].UnpackedTx == "" {
		p := &child.Packings[n-1]
		p.UnpackedAt, p.UnpackedTx, p.UnpackedBy = l.now(), l.txID(), l.store.ClientMSPID()
		if p.Unpacked, err = l.anchor(packingEvent(child.Code, *p, true, "")); err != nil {
			return err
		}
	}
	l.save(child)
	c.Children--
	return nil
}

// contents lists the direct children of a container (a range read).
func (l *Ledger) contents(container string) ([]string, error) {
	var codes []string
	err := l.store.Scan(containsKey, []string{container}, func(kv state.KV) error {
		_, attrs, err := l.store.SplitKey(kv.Key)
		if err != nil {
			return err
		}
		if len(attrs) != 2 {
			return fmt.Errorf("malformed contains key %q", kv.Key)
		}
		codes = append(codes, attrs[1])
		return nil
	})
	return codes, err
}
