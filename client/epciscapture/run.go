package epciscapture

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
)

// run captures a job's parts after the jobs posted before it: a job holds
// the turn until each of its parts has settled, so jobs still apply in the
// order they were posted. In rollback mode there is one part. In proceed mode
// up to h.inFlight parts are sent and awaiting their commit at once, as
// CommissionBulk pipelines its chunks; a failed part does not stop the later
// ones, and each part is reported in its place in the document whatever the
// order its commit arrives in.
func (h *Handler) run(j *job, parts []part) {
	defer close(j.done)
	defer j.update(func(v *Job) { v.Running, v.FinishedAt = false, h.stamp() })
	select {
	case h.turn <- struct{}{}:
		defer func() { <-h.turn }()
	case <-h.ctx.Done():
		j.update(func(v *Job) { v.fail(jobError(h.ctx.Err(), 0)) })
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
			je := jobError(o.err, p.first)
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
		await, err := h.ledger.SendCaptureDocument(h.ctx, p.doc)
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

// jobError reports why a part was not captured: the chaincode's refusal with
// its code and subject (a JSON pointer into the posted document), or a
// failure to reach the ledger.
func jobError(err error, first int) JobError {
	var ce *client.ChaincodeError
	if errors.As(err, &ce) {
		return JobError{Type: ValidationException, Title: "Refused by the ledger", Status: refusalStatus(ce.Code),
			Detail: ce.Message, Code: string(ce.Code), Subject: documentPointer(ce.Subject, first), TxID: ce.TxID}
	}
	e := JobError{Type: epcisapi.ImplementationException, Title: "Ledger unavailable", Status: http.StatusServiceUnavailable, Detail: err.Error()}
	var ou *client.OutcomeUnknownError
	if errors.As(err, &ou) {
		e.Title, e.Status, e.TxID = "Outcome unknown", http.StatusGatewayTimeout, ou.TxID
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
