package resolver

import (
	"context"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// EventSource streams the chaincode's committed events; *client.Client is one.
type EventSource interface {
	Events(ctx context.Context, opts client.EventOptions) iter.Seq2[client.Event, error]
}

// cacheRule is what one event type does to cached answers.
type cacheRule int

const (
	// forgetNamed: the event changes the answers of the codes it names
	// (Codes, Container, Source); when it lists fewer codes than it counts,
	// the unlisted ones changed too, so everything is forgotten.
	forgetNamed cacheRule = iota
	// forgetNamedOnly: as forgetNamed, but an unlisted code's answer
	// changes in no verdict (a move changes only the disposition the JSON
	// answer shows), which is not worth emptying the cache for.
	forgetNamedOnly
	// forgetAll: the event changes answers it does not name (a member's
	// name or suspension shows on every answer naming it as producer or
	// seller; a product's master data on every unit of its GTIN).
	forgetAll
)

// cacheRules are the events after which a cached answer may be wrong, and
// what each one makes the cache forget. An event type missing here changes
// no public answer: MemberRegistered and ProductRegistered precede every
// item that names them, a CloneAlert is a report the verdict ignores until
// the Regulator decides it (AlertDecided), SalePurged removes private data
// only, LedgerInitialised happens once before everything.
var cacheRules = map[string]cacheRule{
	// A code that was unknown now exists.
	model.EventCommissioned:    forgetNamed,
	model.EventLotCommissioned: forgetNamed,
	model.EventLotSplit:        forgetNamed, // the new part, and its Source
	// Pack creates its container on first use (unknown until then) and
	// makes the children's answers follow it; Unpack gives them back their
	// own.
	model.EventPacked:   forgetNamed,
	model.EventUnpacked: forgetNamed,
	// Verdicts: sold, recalled, decommissioned, confirmed clone, or any of
	// these through a captured EPCIS document.
	model.EventSold:           forgetNamed,
	model.EventRecalled:       forgetNamed, // a batch recall names no code: see Invalidates
	model.EventDecommissioned: forgetNamed,
	model.EventAlertDecided:   forgetNamed,
	model.EventCaptured:       forgetNamed,
	// Moves change the disposition an answer shows (in_transit, active).
	model.EventShipped:  forgetNamedOnly,
	model.EventReceived: forgetNamedOnly,
	model.EventRejected: forgetNamedOnly,
	// Master data shown on answers and product pages (InvalidateAll
	// empties both caches).
	model.EventMemberUpdated:  forgetAll,
	model.EventProductUpdated: forgetAll,
}

// verdictEvents are the event types Follow subscribes to.
var verdictEvents = slices.Sorted(maps.Keys(cacheRules))

// Invalidates applies one event to the cache by its type's rule
// (cacheRules): the codes it names when it lists them all; the whole cache
// when it changes answers it does not list (a batch recall names no code; a
// decommissioned container changes everything inside it, which the event
// marks as Contents; events list at most model.MaxEventCodes codes; a
// member's or product's record shows on many answers). A captured document
// is no different: its event lists every code its events changed.
func (h *Resolver) Invalidates(e client.Event) {
	rule, ok := cacheRules[e.Type]
	if !ok {
		return
	}
	named := make([]string, 0, len(e.Codes)+2)
	named = append(named, e.Codes...)
	for _, c := range []string{e.Container, e.Source} {
		if c != "" {
			named = append(named, c)
		}
	}
	listed := len(e.Codes) == e.Count
	switch {
	case rule == forgetAll, e.Contents, e.Type == model.EventRecalled && e.GTIN != "":
		h.InvalidateAll()
	case rule == forgetNamed && (!listed || len(named) == 0):
		h.InvalidateAll()
	default:
		for _, code := range named {
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
