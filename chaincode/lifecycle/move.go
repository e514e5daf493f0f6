package lifecycle

import (
	"fmt"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/registry"
)

// Ship sends top-level units, lot parts and containers the caller holds to
// another member; lots lists quantities to split off and ship at once. The
// goods are in_transit until the destination receives or rejects them. Each
// shipped identity costs two writes (record and event) whatever it contains.
func (l *Ledger) Ship(req model.ShipRequest) (*model.MoveResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Require("ship goods", holderRoles...)
	if err != nil {
		return nil, err
	}
	if err := l.checkDestination(m.MSPID, req.To); err != nil {
		return nil, err
	}
	loc, err := memberLocation(m, req.Location)
	if err != nil {
		return nil, err
	}
	var refs []ref
	if len(req.Codes) > 0 || len(req.Lots) == 0 {
		if refs, err = parseList("codes", req.Codes); err != nil {
			return nil, err
		}
	}
	if len(refs)+len(req.Lots) > model.MaxCodesPerTx {
		return nil, model.Errorf(model.CodeInvalidArgument, "at most %d identities per transaction", model.MaxCodesPerTx)
	}
	sources := make([]ref, len(req.Lots))
	for i, s := range req.Lots {
		if sources[i], err = parseCode(s.Source, fmt.Sprintf("lots[%d].source %q", i, s.Source)); err != nil {
			return nil, err
		}
	}
	if err := l.load(append(codesOf(refs), codesOf(sources)...)...); err != nil {
		return nil, err
	}
	var moved []*model.Item
	for i, r := range refs {
		it, err := l.mustItem(r.code, r.what("codes", i))
		if err != nil {
			return nil, err
		}
		if it.Class == model.ClassLot {
			return nil, model.SubjectErrorf(model.CodeBadState, r.input, "%s is a lot: ship quantities of it with lots", r.what("codes", i))
		}
		if err := movable(it, m.MSPID, r.what("codes", i)); err != nil {
			return nil, err
		}
		if err := l.checkRecallReturn(it, req.To, r.what("codes", i)); err != nil {
			return nil, err
		}
		moved = append(moved, it)
	}
	// Identities named in codes are marked in transit before any split, so a
	// lot part cannot be both shipped whole and split in one request.
	for _, it := range moved {
		it.Disposition = model.DispositionInTransit
	}
	for i, s := range req.Lots {
		what := fmt.Sprintf("lots[%d].source %q", i, s.Source)
		part, err := l.split(m.MSPID, sources[i], s.Quantity, s.Label, i+1, what)
		if err != nil {
			return nil, err
		}
		if err := l.checkRecallReturn(part, req.To, what); err != nil {
			return nil, err
		}
		moved = append(moved, part)
	}
	codes := make([]string, len(moved))
	for i, it := range moved {
		it.Disposition, it.Destination = model.DispositionInTransit, req.To
		l.save(it)
		codes[i] = it.Code
		ev := model.TraceEvent{Type: model.EventShipped, BizStep: model.BizStepShipping, Disposition: model.DispositionInTransit, From: m.MSPID, To: req.To, Quantity: it.Quantity, Location: loc}
		if err := l.withParties(&ev); err != nil {
			return nil, err
		}
		if err := l.record(it.Code, ev); err != nil {
			return nil, err
		}
	}
	e := l.event(model.EventShipped)
	e.From, e.To, e.Count, e.Codes = m.MSPID, req.To, len(codes), eventCodes(codes)
	if err := l.commit(e); err != nil {
		return nil, err
	}
	return &model.MoveResult{Codes: codes, Count: len(codes), Holder: m.MSPID, Disposition: model.DispositionInTransit, Destination: req.To, TxID: l.txID()}, nil
}

// checkRecallReturn lets recalled goods travel only back to their manufacturer (a recall
// return). Containers are not opened to look for recalled contents: that would make a move cost
// a read per child; the recall report finds such units wherever they are.
func (l *Ledger) checkRecallReturn(it *model.Item, to, what string) error {
	if it.Class == model.ClassContainer || to == it.Manufacturer {
		return nil
	}
	v, err := l.withRecall(view{item: it})
	if err != nil {
		return err
	}
	if v.recall != nil {
		return model.SubjectErrorf(model.CodeRecalled, it.Code,
			"%s is under recall %s: it may only be returned to its manufacturer %s", what, v.recall.ID, it.Manufacturer)
	}
	return nil
}

// checkDestination requires a registered, active member other than the
// sender and the regulators (the Regulator and the provincial regulators),
// which hold no goods.
func (l *Ledger) checkDestination(from, to string) error {
	if !registry.ValidMSPID(to) {
		return model.SubjectErrorf(model.CodeInvalidArgument, to, "invalid destination MSP ID")
	}
	if to == from {
		return model.SubjectErrorf(model.CodeInvalidArgument, to, "cannot ship to yourself")
	}
	dest, err := l.reg.LookupMember(to)
	if err != nil {
		return err
	}
	if dest == nil || dest.Suspended {
		return model.SubjectErrorf(model.CodeNotMember, to, "destination %s is not a registered member", to)
	}
	if dest.Role == model.RoleRegulator || dest.Role == model.RoleProvincialRegulator {
		// It could neither receive nor reject them (holderRoles): the goods
		// would stay in transit for good, out of their holder's reach.
		return model.SubjectErrorf(model.CodeForbidden, to, "a %s holds no goods", dest.Role)
	}
	return nil
}

// Receive takes in top-level goods shipped to the caller: it becomes their
// holder and they are active again. Two writes per identity.
func (l *Ledger) Receive(req model.MoveRequest) (*model.MoveResult, error) {
	return l.arrive(req, true)
}

// Reject refuses top-level goods shipped to the caller: they return to the
// sender, which still holds them, as active. Two writes per identity.
func (l *Ledger) Reject(req model.MoveRequest) (*model.MoveResult, error) {
	return l.arrive(req, false)
}

// arrive receives (accept) or rejects goods in transit to the caller.
func (l *Ledger) arrive(req model.MoveRequest, accept bool) (*model.MoveResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	verb, eventType, step := "receive", model.EventReceived, model.BizStepReceiving
	if !accept {
		verb, eventType, step = "reject", model.EventRejected, model.BizStepVoidShipping
	}
	m, err := l.reg.Require(verb+" goods", holderRoles...)
	if err != nil {
		return nil, err
	}
	loc, err := memberLocation(m, req.Location)
	if err != nil {
		return nil, err
	}
	refs, err := l.loadList("codes", req.Codes)
	if err != nil {
		return nil, err
	}
	for i, r := range refs {
		what := r.what("codes", i)
		it, err := l.mustItem(r.code, what)
		if err != nil {
			return nil, err
		}
		if it.Parent != "" {
			return nil, model.SubjectErrorf(model.CodeBadState, r.input, "%s is packed in %s: %s the container", what, it.Parent, verb)
		}
		if it.Disposition != model.DispositionInTransit {
			return nil, model.SubjectErrorf(model.CodeBadState, r.input, "%s is %s, not in transit", what, it.Disposition)
		}
		if it.Destination != m.MSPID {
			return nil, model.SubjectErrorf(model.CodeNotHolder, r.input, "%s is shipped to %s", what, it.Destination)
		}
	}
	senders := map[string]bool{}
	for _, r := range refs {
		it := l.items[r.code]
		sender := it.Holder
		senders[sender] = true
		ev := model.TraceEvent{Type: eventType, BizStep: step, Disposition: model.DispositionActive, From: sender, To: m.MSPID, Quantity: it.Quantity, Location: loc}
		if accept {
			it.Holder = m.MSPID
		} else {
			ev.From, ev.To = m.MSPID, sender
		}
		if err := l.withParties(&ev); err != nil {
			return nil, err
		}
		it.Disposition, it.Destination = model.DispositionActive, ""
		l.save(it)
		if err := l.record(it.Code, ev); err != nil {
			return nil, err
		}
	}
	codes := codesOf(refs)
	e := l.event(eventType)
	e.Count, e.Codes = len(codes), eventCodes(codes)
	res := &model.MoveResult{Codes: codes, Count: len(codes), Disposition: model.DispositionActive, TxID: l.txID()}
	if accept {
		res.Holder = m.MSPID
	}
	if len(senders) == 1 {
		for s := range senders {
			e.From, e.To = s, m.MSPID
			if !accept {
				e.From, e.To, res.Holder = m.MSPID, s, s
			}
		}
	}
	if err := l.commit(e); err != nil {
		return nil, err
	}
	return res, nil
}

// Decommission records top-level goods the caller holds as destroyed, stolen
// or damaged. A container's contents follow it by derivation, so a pallet
// costs two writes like a single unit.
func (l *Ledger) Decommission(req model.DecommissionRequest) (*model.MoveResult, error) {
	if err := l.checkTime(); err != nil {
		return nil, err
	}
	m, err := l.reg.Require("decommission goods", holderRoles...)
	if err != nil {
		return nil, err
	}
	disp := req.Reason.Disposition()
	if disp == "" {
		return nil, model.Errorf(model.CodeInvalidArgument, "reason must be destroyed, stolen or damaged, got %q", req.Reason)
	}
	refs, err := l.loadList("codes", req.Codes)
	if err != nil {
		return nil, err
	}
	for i, r := range refs {
		it, err := l.mustItem(r.code, r.what("codes", i))
		if err != nil {
			return nil, err
		}
		if err := movable(it, m.MSPID, r.what("codes", i)); err != nil {
			return nil, err
		}
	}
	for _, r := range refs {
		it := l.items[r.code]
		it.Disposition = disp
		l.contentsChanged = l.contentsChanged || (it.Class == model.ClassContainer && it.Children > 0)
		l.save(it)
		if err := l.record(it.Code, model.TraceEvent{Type: model.EventDecommissioned, BizStep: model.BizStepDecommissioning, Disposition: disp, Quantity: it.Quantity}); err != nil {
			return nil, err
		}
	}
	codes := codesOf(refs)
	e := l.event(model.EventDecommissioned)
	e.Disposition, e.Count, e.Codes, e.Contents = disp, len(codes), eventCodes(codes), l.contentsChanged
	if err := l.commit(e); err != nil {
		return nil, err
	}
	return &model.MoveResult{Codes: codes, Count: len(codes), Holder: m.MSPID, Disposition: disp, TxID: l.txID()}, nil
}
