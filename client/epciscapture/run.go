package epciscapture

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
)

// run captures a job's parts in order, after the jobs posted before it. In
// rollback mode there is one part; in proceed mode a failed part does not
// stop the later ones.
func (h *Handler) run(j *job, parts []part, docContext json.RawMessage) {
	defer close(j.done)
	defer j.update(func(v *Job) { v.Running, v.FinishedAt = false, h.stamp() })
	select {
	case h.turn <- struct{}{}:
		defer func() { <-h.turn }()
	case <-h.ctx.Done():
		j.update(func(v *Job) { v.fail(jobError(h.ctx.Err(), 0)) })
		return
	}
	for i, p := range parts {
		res, err := h.ledger.CaptureDocumentCommit(h.ctx, p.doc)
		if err != nil {
			je := jobError(err, p.first)
			status := PartFailed
			if errors.Is(err, client.ErrOutcomeUnknown) || errors.Is(err, context.Canceled) {
				status = PartUnknown
			}
			j.update(func(v *Job) {
				v.Parts[i].Status, v.Parts[i].Error = status, &je
				v.fail(je)
			})
			continue
		}
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
