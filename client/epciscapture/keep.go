package epciscapture

import (
	"context"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/client/eventindex"
)

// keep stores a document's events verbatim, under its @context, before any
// part is sent: the feeder may reach the part's block before the job sees
// the commit, and must find the copy then. Copies of events that never
// commit are never indexed, because the feeder looks copies up only by the
// eventIDs the ledger anchored.
func (h *Handler) keep(ctx context.Context, d *epcis.Document, caps []epcis.Capture) error {
	if h.index == nil {
		return nil
	}
	events := d.Events()
	kept := make([]eventindex.Kept, len(events))
	for i := range events {
		kept[i] = eventindex.Kept{EventID: caps[i].EventID, Event: events[i].Raw, Context: d.Context}
	}
	return h.index.Keep(ctx, kept)
}

// report is a job as GET /capture reports it: a committed part is indexed
// once the feeder has passed its block.
func (h *Handler) report(ctx context.Context, j *job) Job {
	return reported(j, h.indexedUpTo(ctx))
}

// indexedUpTo is the last block the feeder has indexed, nil when there is
// no index or it holds no block yet.
func (h *Handler) indexedUpTo(ctx context.Context) *uint64 {
	if h.index == nil {
		return nil
	}
	last, indexed, err := h.index.Checkpoint(ctx)
	if err != nil || !indexed {
		return nil
	}
	return &last
}

// reported is job j with its parts' Indexed set against the checkpoint.
func reported(j *job, indexedUpTo *uint64) Job {
	v := j.snapshot()
	if indexedUpTo == nil {
		return v
	}
	for i, p := range v.Parts {
		v.Parts[i].Indexed = p.Status == PartCommitted && p.Block != nil && *p.Block <= *indexedUpTo
	}
	return v
}
