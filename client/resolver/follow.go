package resolver

import (
	"context"
	"fmt"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// EventSource streams the chaincode's committed events; *client.Client is one.
type EventSource interface {
	Events(ctx context.Context, opts client.EventOptions) iter.Seq2[client.Event, error]
}

// verdictEvents are the events after which a cached verdict may be wrong:
// a code that was unknown is now commissioned, or a unit was sold, recalled,
// decommissioned or confirmed a clone. Moves change no public verdict.
var verdictEvents = []string{
	model.EventCommissioned, model.EventLotCommissioned, model.EventLotSplit, model.EventSold,
	model.EventRecalled, model.EventDecommissioned, model.EventAlertDecided, model.EventCaptured,
}

// Invalidates applies one event to the cache: the codes it lists when it
// lists them all and they are all it changes; the whole cache otherwise (a
// batch recall names no code, a decommissioned container changes the verdict
// of everything inside it, which the event marks as Contents, and events list
// at most model.MaxEventCodes codes). A captured document is no different:
// its event lists every code its events changed.
func (h *Resolver) Invalidates(e client.Event) {
	listed := len(e.Codes) > 0 && len(e.Codes) == e.Count
	switch {
	case e.Contents, e.Type == model.EventRecalled && e.GTIN != "", !listed:
		h.InvalidateAll()
	default:
		for _, code := range e.Codes {
			h.Invalidate(code)
		}
	}
}

// Follow keeps the verdict cache true: it applies every committed verdict
// event to the cache until ctx ends, reopening the stream after an error
// (reported to logw). Each stream starts at the next block, so whatever was
// cached before it opened, when events may have been missed, is forgotten:
// while Follow runs, the TTL never decides what is true, and it can be long.
func (h *Resolver) Follow(ctx context.Context, src EventSource, logw io.Writer) {
	for ctx.Err() == nil {
		h.InvalidateAll()
		for e, err := range src.Events(ctx, client.EventOptions{Types: slices.Clone(verdictEvents)}) {
			if err != nil {
				if ctx.Err() == nil {
					fmt.Fprintf(logw, "traced: following block events: %v\n", err)
				}
				break
			}
			h.Invalidates(e)
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
