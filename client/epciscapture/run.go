package epciscapture

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/internal/incident"
)

// run captures a job's parts after the jobs posted before it: a job holds
// the turn until each of its parts has settled, so jobs still apply in the
// order they were posted. In rollback mode there is one part. In proceed mode
// up to h.inFlight parts are sent and awaiting their commit at once, as
// CommissionBulk pipelines its chunks; a failed part does not stop the later
// ones, and each part is reported in its place in the document whatever the
// order its commit arrives in.
//
// held is the document's share of the memory budget, released when the job
// finishes and before it says so, so that a client that waited for it finds
// the room.
func (h *Handler) run(j *job, parts []part, held int64) {
	defer close(j.done)
	defer h.budget.release(held)
	defer j.update(func(v *Job) { v.Running, v.FinishedAt = false, h.stamp() })
	select {
	case h.turn <- struct{}{}:
		defer func() { <-h.turn }()
	case <-h.ctx.Done():
		j.update(func(v *Job) { v.fail(h.jobError(errStopped, j.view.CaptureID, 0)) })
		return
	}
	outcomes := make([]chan outcome, len(parts))
	for i := range outcomes {
		outcomes[i] = make(chan outcome, 1)
	}
	var sender sync.WaitGroup
	sender.Go(func() { h.send(parts, outcomes) })
	defer sender.Wait()
	for i, p := range parts {
		o := <-outcomes[i]
		if o.err != nil {
			je := h.jobError(o.err, j.view.CaptureID, p.first)
			status := PartFailed
			switch {
			case o.unsent:
				status = PartPending
			case errors.Is(o.err, client.ErrOutcomeUnknown), o.sent && (errors.Is(o.err, context.Canceled) || errors.Is(o.err, context.DeadlineExceeded)):
				status = PartUnknown
			}
			j.update(func(v *Job) {
				v.Parts[i].Status, v.Parts[i].Error = status, &je
				v.fail(je)
			})
			continue
		}
		res := o.res
		block := res.BlockNumber
		j.update(func(v *Job) {
			pt := &v.Parts[i]
			pt.Status, pt.EventIDs, pt.Block, pt.TxID = PartCommitted, res.EventIDs, &block, res.TxID
			v.EventIDs = append(v.EventIDs, res.EventIDs...)
			if len(parts) == 1 {
				v.Block, v.TxID = &block, res.TxID
			}
		})
	}
}

// outcome is what became of one part: committed (res), or not (err), with
// whether it was sent to the orderer and whether it was sent at all.
type outcome struct {
	res    *client.CaptureCommit
	err    error
	sent   bool // endorsed and handed to the orderer: a failure to learn its commit leaves it unknown
	unsent bool // never sent: the service stopped first
}

// errStopped is the outcome of a part the service had not sent when it was
// closed: none of its events is on the ledger.
var errStopped = errors.New("the capture service stopped before this part was sent: none of its events is on the ledger; capture them again")

// send endorses and sends the parts in document order, keeping at most
// h.inFlight of them awaiting their commit, and delivers each part's outcome
// on its channel. Only commissioning parts are pipelined: a part with other
// events (packing, shipping, ...) may need what an earlier part does, and
// the endorsers see only committed state, so it is sent once every earlier
// part has settled, as it would be one after another.
func (h *Handler) send(parts []part, out []chan outcome) {
	window := make(chan struct{}, h.inFlight)
	var waiting sync.WaitGroup
	defer waiting.Wait()
	for i, p := range parts {
		select {
		case window <- struct{}{}:
		case <-h.ctx.Done():
		}
		if !p.commissions {
			waiting.Wait()
		}
		if h.ctx.Err() != nil {
			for _, o := range out[i:] {
				o <- outcome{err: errStopped, unsent: true}
			}
			return
		}
		await, err := h.ledger.SendCaptureDocument(h.ctx, p.doc, client.WithEventIDs(p.ids))
		if err != nil {
			<-window
			out[i] <- outcome{err: err}
			continue
		}
		waiting.Go(func() {
			res, err := await(h.ctx)
			<-window
			out[i] <- outcome{res: res, err: err, sent: true}
		})
	}
}

// fail records an error: success is false from the first one on.
func (v *Job) fail(e JobError) {
	v.Success = false
	v.Errors = append(v.Errors, e)
}

// jobError reports why a part was not captured. The member's own client
// reads it, so a refusal of the chaincode (a model.Error: which event, which
// code, why) is reported whole: it is what the client must correct. Any
// other failure (gRPC, TLS, peer or orderer text, the chaincode's INTERNAL,
// which carries ledger access errors) is logged under a reference, and the
// report carries that reference with what the client can act on: the
// transaction to look up, whether it may still commit. Its text maps the
// network and is no use to the client.
func (h *Handler) jobError(err error, captureID string, first int) JobError {
	var ce *client.ChaincodeError
	if errors.As(err, &ce) && ce.Code != model.CodeInternal {
		return JobError{Type: ValidationException, Title: "Refused by the ledger", Status: refusalStatus(ce.Code),
			Detail: ce.Message, Code: string(ce.Code), Subject: documentPointer(ce.Subject, first), TxID: ce.TxID}
	}
	var me *model.Error
	if ce == nil && errors.As(err, &me) && me.Code != model.CodeInternal {
		return JobError{Type: ValidationException, Title: "Refused by the ledger", Status: refusalStatus(me.Code),
			Detail: me.Message, Code: string(me.Code), Subject: documentPointer(me.Subject, first)}
	}
	if errors.Is(err, errStopped) {
		// This package's own sentence: nothing of the service in it.
		return JobError{Type: epcisapi.ImplementationException, Title: "Capture service stopped", Status: http.StatusServiceUnavailable, Detail: errStopped.Error()}
	}
	ref := incident.Ref()
	h.log.LogAttrs(context.Background(), slog.LevelError, "epcis: capture job part failed", slog.String("ref", ref),
		slog.String("captureID", captureID), slog.Int("firstEvent", first), slog.String("error", err.Error()))
	e := JobError{Type: epcisapi.ImplementationException, Title: "Ledger unavailable", Status: http.StatusServiceUnavailable,
		Detail: "the part failed outside the document (the ledger or this service): none of its events is on the ledger; reference " + ref}
	var (
		ou *client.OutcomeUnknownError
		cm *client.CommitError
		te *client.TransportError
		cs *client.ClockSkewError
	)
	switch {
	case errors.As(err, &ou):
		e.Title, e.Status, e.TxID = "Outcome unknown", http.StatusGatewayTimeout, ou.TxID
		e.Detail = "the part was sent but whether it committed is not known: look its transaction up before capturing it again; reference " + ref
	case errors.As(err, &cm):
		// The validation code is the peers' typed verdict, not their text.
		e.Title, e.Status, e.TxID = "Not committed", http.StatusConflict, cm.TxID
		e.Detail = "the peers invalidated the part's transaction (" + cm.ValidationCode.String() + "): none of its events is on the ledger; reference " + ref
	case ce != nil:
		e.Title, e.Status, e.Code, e.TxID = "Ledger failure", http.StatusInternalServerError, string(ce.Code), ce.TxID
	case errors.As(err, &te):
		e.TxID = te.TxID
	case errors.As(err, &cs):
		e.TxID = cs.TxID
	}
	return e
}

// refusalStatus is the HTTP status that best names a chaincode refusal.
func refusalStatus(c model.Code) int {
	switch c {
	case model.CodeForbidden, model.CodeNotMember, model.CodeNotHolder:
		return http.StatusForbidden
	case model.CodeDuplicate, model.CodeBadState, model.CodeRecalled, model.CodeAlreadySold:
		return http.StatusConflict
	case model.CodeNotFound:
		return http.StatusNotFound
	case model.CodeInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}
