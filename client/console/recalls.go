package console

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/eventindex"
)

// Bounds of the recall list: the chaincode has no listing of recalls, so
// the console finds them in the index, by the events with the disposition
// recalled, newest first, reading at most MaxRecallEvents of them and
// keeping at most MaxRecalls distinct recalls.
const (
	MaxRecallEvents = 5000
	MaxRecalls      = 100
)

// recallIDKey is the user extension of an indexed recall event that names
// its recall (chaincode/epcis's mapping).
const recallIDKey = "tracechain:recallId"

// recentRecalls reads the recalls of the newest recall events in the
// index, newest first. truncated says a bound was reached.
func (c *Console) recentRecalls(ctx context.Context) (recalls []model.Recall, truncated bool, err error) {
	seen := map[string]bool{}
	q := eventindex.Query{Dispositions: []string{"recalled"}, Descending: true, PerPage: eventindex.MaxPerPage}
	read := 0
	for {
		page, err := c.index.Query(ctx, q)
		if err != nil {
			return nil, false, err
		}
		for _, rec := range page.Events {
			read++
			id := recallIDOf(rec.Event)
			if id == "" || seen[id] {
				continue
			}
			if len(seen) == MaxRecalls {
				return recalls, true, nil
			}
			seen[id] = true
			r, err := c.ledger.GetRecall(ctx, id)
			if err != nil {
				return nil, false, err
			}
			recalls = append(recalls, *r)
		}
		if page.NextPageToken == "" {
			return recalls, false, nil
		}
		if read >= MaxRecallEvents {
			return recalls, true, nil
		}
		q.PageToken = page.NextPageToken
	}
}

// recallIDOf is the recall an indexed event names, or "".
func recallIDOf(event json.RawMessage) string {
	var ev map[string]json.RawMessage
	if json.Unmarshal(event, &ev) != nil {
		return ""
	}
	var id string
	if json.Unmarshal(ev[recallIDKey], &id) != nil {
		return ""
	}
	return id
}

// recallRow is one recall in progress on the list.
type recallRow struct {
	Recall  model.Recall
	Pending int // holders that hold recalled goods and have not acknowledged
	Held    int64
}

// reachRow is one holder of a recall's reach.
type reachRow struct {
	client.RecallHolder
	Pending      bool
	PendingSince time.Time
	AckState     string
}

type recallsData struct {
	Recalls   []recallRow
	Truncated bool
	Selected  *model.Recall
	Reach     []reachRow
	ChartURL  string
}

// recalls is the first page: the recalls in progress, and the reach of the
// one chosen (?id=), holder by holder.
func (c *Console) recalls(r *http.Request, v *view) (string, error) {
	v.Nav = "recalls"
	ctx := r.Context()
	all, truncated, err := c.recentRecalls(ctx)
	if err != nil {
		return "", err
	}
	d := &recallsData{Truncated: truncated}
	for _, rec := range all {
		if rec.Closed != nil {
			continue
		}
		reach, err := c.ledger.RecallReach(ctx, rec.ID)
		if err != nil {
			return "", err
		}
		row := recallRow{Recall: rec, Pending: len(reach.Pending())}
		for _, h := range reach.Holders {
			row.Held += h.Held
		}
		d.Recalls = append(d.Recalls, row)
	}
	if id := r.URL.Query().Get("id"); id != "" {
		if len(id) > 128 {
			return "", inputErrorf("recall ID %s is too long", excerpt(id))
		}
		reach, err := c.ledger.RecallReach(ctx, id)
		if err != nil {
			return "", err
		}
		d.Selected = &reach.Recall
		for _, h := range reach.Holders {
			row := reachRow{RecallHolder: h, Pending: h.Pending(), AckState: "ack.no"}
			switch {
			case row.Pending:
				row.PendingSince = reach.Recall.IssuedAt
				row.AckState = "ack.pending"
			case !h.Acknowledged.IsZero():
				row.AckState = "ack.yes"
			}
			d.Reach = append(d.Reach, row)
		}
		d.ChartURL = c.base + "chart/reach?id=" + url.QueryEscape(id)
	}
	v.Data = d
	return "recalls", nil
}
