package client

import (
	"context"
	"iter"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
)

// AcknowledgeRecall records, as the calling member's administrator, that the
// member took note of a recall reaching goods it holds. Acknowledging twice
// gives ErrDuplicate; a closed recall, ErrBadState.
func (c *Client) AcknowledgeRecall(ctx context.Context, recallID string) (*model.RecallAck, error) {
	s, err := c.submit(ctx, call{Fn: model.FnAcknowledgeRecall, Args: []string{recallID}})
	if err != nil {
		return nil, err
	}
	return decode[model.RecallAck](model.FnAcknowledgeRecall, s.result)
}

// RecallAcks iterates over a recall's acknowledgements, one per member.
func (c *Client) RecallAcks(ctx context.Context, recallID string) iter.Seq2[model.RecallAck, error] {
	return pages(ctx, func(ctx context.Context, n int32, b string) (*model.RecallAckPage, error) {
		args := append([]string{recallID}, pageArgs(n, b)...)
		return query[model.RecallAckPage](ctx, c, model.FnListRecallAcks, args...)
	}, func(p *model.RecallAckPage) ([]model.RecallAck, string) { return p.Acks, p.Bookmark })
}

// CloseRecall closes a recall with the issuer's figures (the issuer's
// administrator only). The goods stay recalled.
func (c *Client) CloseRecall(ctx context.Context, req model.CloseRecallRequest) (*model.Recall, error) {
	return invoke[model.Recall](ctx, c, model.FnCloseRecall, req)
}

// RecallHolder is one holder's part in a recall's reach. Counts are units:
// a serialised unit counts one, a lot or lot part its quantity.
type RecallHolder struct {
	Holder           model.Party
	Held             int64 // in its hands or in transit from it, not sold and not decommissioned
	Returning        int64 // of Held, in transit back to the manufacturer
	Decommissioned   int64 // destroyed, stolen or damaged
	SoldBeforeRecall int64 // sold to consumers before the recall (no buyer data)
	// Acknowledged is when the member acknowledged the recall; zero if it
	// has not. The recall's issuer needs no acknowledgement of its own.
	Acknowledged time.Time
}

// Pending reports whether the holder still holds recalled goods and has not
// acknowledged the recall.
func (h RecallHolder) Pending() bool { return h.Held > 0 && h.Acknowledged.IsZero() }

// RecallReach is a recall's reach, holder by holder, in MSP ID order.
type RecallReach struct {
	Recall  model.Recall
	Holders []RecallHolder
}

// Pending lists the holders that hold recalled goods and have not
// acknowledged, each pending since the recall was issued.
func (r *RecallReach) Pending() []RecallHolder {
	return slices.DeleteFunc(slices.Clone(r.Holders), func(h RecallHolder) bool { return !h.Pending() })
}

// RecallReach walks a recall's report page by page and its acknowledgements,
// and counts, per holder, what it holds, returns, decommissioned and sold
// before the recall. The cost is the report's: one evaluation per page.
func (c *Client) RecallReach(ctx context.Context, recallID string) (*RecallReach, error) {
	rec, err := c.GetRecall(ctx, recallID)
	if err != nil {
		return nil, err
	}
	holders := map[string]*RecallHolder{}
	holder := func(p model.Party) *RecallHolder {
		h, ok := holders[p.MSPID]
		if !ok {
			h = &RecallHolder{Holder: p}
			holders[p.MSPID] = h
		}
		return h
	}
	for e, err := range c.RecallReport(ctx, recallID) {
		if err != nil {
			return nil, err
		}
		n := int64(1)
		if e.Class != model.ClassUnit {
			n = e.Quantity
		}
		h := holder(e.Holder)
		switch {
		case e.SoldBeforeRecall:
			h.SoldBeforeRecall += n
		case e.Disposition == model.DispositionRetailSold:
			// sold after the recall: the ledger refuses it, so none.
		case e.Disposition.Decommissioned():
			h.Decommissioned += n
		default:
			h.Held += n
			if e.Disposition == model.DispositionInTransit && strings.EqualFold(e.Destination, rec.IssuedBy) {
				h.Returning += n
			}
		}
	}
	for a, err := range c.RecallAcks(ctx, recallID) {
		if err != nil {
			return nil, err
		}
		if h, ok := holders[a.MSPID]; ok {
			h.Acknowledged = a.At
		}
	}
	if h, ok := holders[rec.IssuedBy]; ok && h.Acknowledged.IsZero() {
		h.Acknowledged = rec.IssuedAt
	}
	out := &RecallReach{Recall: *rec}
	for _, k := range slices.Sorted(maps.Keys(holders)) {
		out.Holders = append(out.Holders, *holders[k])
	}
	return out, nil
}
