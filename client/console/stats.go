package console

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/masterdata"
)

// Bounds of the statistics: the days of commissioning they count, the
// commissioning events and the alerts they read at most, and how long one
// computation is served again.
const (
	StatsDays         = 30
	MaxStatsEvents    = 20000
	MaxStatsAlerts    = 2000
	StatsTTL          = time.Minute
	masterDataTTL     = time.Minute
	unknownCategory   = "?"
	commissioningStep = "commissioning"
)

// statistics are the figures of the statistics page, per manufacturer and
// product category.
type statistics struct {
	Rows      []statsRow
	Days      []string         // the StatsDays days, oldest first, as 2006-01-02
	PerDay    map[string][]int // manufacturer -> units commissioned per day of Days
	Truncated bool             // a bound was reached: the figures are a lower bound
	AsOf      time.Time
}

// statsRow is one manufacturer and product category.
type statsRow struct {
	Manufacturer, Name, Category string
	Products, Complete           int   // registered products, with complete SAMR data
	Commissioned                 int64 // units commissioned in the last StatsDays days
	Recalls, Reports             int
}

// masterData is the master-data document, built at most once per
// masterDataTTL.
func (c *Console) masterData(ctx context.Context) (*masterdata.Document, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.doc != nil && c.now().Sub(c.docAt) < masterDataTTL {
		return c.doc, nil
	}
	doc, err := masterdata.Build(ctx, c.ledger, c.cat, c.now())
	if err != nil {
		return nil, err
	}
	c.doc, c.docAt = doc, c.now()
	return doc, nil
}

// statistics computes the figures, at most once per StatsTTL: one
// computation at a time (statsMu), so that requests arriving together (a
// page and its two charts, reloads) wait for it and share it instead of
// each reading up to MaxStatsEvents events and MaxStatsAlerts alerts.
func (c *Console) statistics(ctx context.Context) (*statistics, error) {
	c.statsMu.Lock()
	defer c.statsMu.Unlock()
	c.mu.Lock()
	if c.stats != nil && c.now().Sub(c.statsAt) < StatsTTL {
		s := c.stats
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	doc, err := c.masterData(ctx)
	if err != nil {
		return nil, err
	}
	s, err := c.computeStatistics(ctx, doc)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.stats, c.statsAt = s, c.now()
	c.mu.Unlock()
	return s, nil
}

type rowKey struct{ manufacturer, category string }

func (c *Console) computeStatistics(ctx context.Context, doc *masterdata.Document) (*statistics, error) {
	now := c.now().UTC()
	first := now.Truncate(24*time.Hour).AddDate(0, 0, -(StatsDays - 1))
	s := &statistics{PerDay: map[string][]int{}, AsOf: now}
	for i := range StatsDays {
		s.Days = append(s.Days, first.AddDate(0, 0, i).Format(time.DateOnly))
	}
	names := map[string]string{}
	for _, u := range doc.ProductionUnits {
		names[u.MSPID] = u.Name
	}
	products := map[string]masterdata.Product{}
	rows := map[rowKey]*statsRow{}
	row := func(manufacturer, category string) *statsRow {
		k := rowKey{manufacturer, category}
		r, ok := rows[k]
		if !ok {
			r = &statsRow{Manufacturer: manufacturer, Name: names[manufacturer], Category: category}
			rows[k] = r
		}
		return r
	}
	for _, p := range doc.Products {
		products[p.GTIN] = p
		r := row(p.Manufacturer, p.Type)
		r.Products++
		if p.SAMRComplete {
			r.Complete++
		}
	}
	s.Truncated = doc.Truncated
	of := func(gtin string) *statsRow {
		p, ok := products[gtin]
		if !ok {
			return nil
		}
		return row(p.Manufacturer, p.Type)
	}
	// Units commissioned per day, from the index.
	q := eventindex.Query{BizSteps: []string{commissioningStep}, GEEventTime: first, PerPage: eventindex.MaxPerPage}
	read := 0
	for {
		page, err := c.index.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, rec := range page.Events {
			read++
			day := int(rec.EventTime.Sub(first) / (24 * time.Hour))
			for gtin, n := range commissionedUnits(rec.Event) {
				r := of(gtin)
				if r == nil || day < 0 || day >= StatsDays {
					continue
				}
				r.Commissioned += n
				if s.PerDay[r.Manufacturer] == nil {
					s.PerDay[r.Manufacturer] = make([]int, StatsDays)
				}
				s.PerDay[r.Manufacturer][day] += int(n)
			}
		}
		if page.NextPageToken == "" {
			break
		}
		if read >= MaxStatsEvents {
			s.Truncated = true
			break
		}
		q.PageToken = page.NextPageToken
	}
	// Recalls, from the recall list's bounded read.
	recalls, truncated, err := c.recentRecalls(ctx)
	if err != nil {
		return nil, err
	}
	s.Truncated = s.Truncated || truncated
	for _, rec := range recalls {
		if r := of(rec.GTIN); r != nil {
			r.Recalls++
		} else {
			row(rec.IssuedBy, unknownCategory).Recalls++
		}
	}
	// Reports, from the first MaxStatsAlerts alerts.
	n, bookmark := 0, ""
	for {
		page, err := c.ledger.AlertsPage(ctx, QueuePageSize*4, bookmark)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Alerts {
			if r := of(alertGTIN(a)); r != nil {
				r.Reports++
			}
		}
		n += len(page.Alerts)
		if bookmark = page.Bookmark; bookmark == "" {
			break
		}
		if n >= MaxStatsAlerts {
			s.Truncated = true
			break
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(rows), func(a, b rowKey) int {
		return cmp.Or(cmp.Compare(a.manufacturer, b.manufacturer), cmp.Compare(a.category, b.category))
	}) {
		s.Rows = append(s.Rows, *rows[k])
	}
	return s, nil
}

// alertGTIN is the GTIN of an alert: its own field, or its code's.
func alertGTIN(a model.Alert) string {
	if a.GTIN != "" {
		return a.GTIN
	}
	if c, err := identifier.Parse(a.Code); err == nil {
		return c.GTIN
	}
	return ""
}

// commissionedUnits counts the units an indexed commissioning event
// commissions, per GTIN: one per EPC of its epcList, and the quantity of
// each entry of its quantityList.
func commissionedUnits(event json.RawMessage) map[string]int64 {
	var ev struct {
		EPCList      []string `json:"epcList"`
		QuantityList []struct {
			EPCClass string  `json:"epcClass"`
			Quantity float64 `json:"quantity"`
		} `json:"quantityList"`
	}
	out := map[string]int64{}
	if json.Unmarshal(event, &ev) != nil {
		return out
	}
	for _, e := range ev.EPCList {
		if c, err := identifier.Parse(e); err == nil && c.GTIN != "" {
			out[c.GTIN]++
		}
	}
	for _, q := range ev.QuantityList {
		if c, err := identifier.Parse(q.EPCClass); err == nil && c.GTIN != "" && q.Quantity > 0 {
			out[c.GTIN] += int64(q.Quantity)
		}
	}
	return out
}

// statsPage is the statistics page.
func (c *Console) statsPage(r *http.Request, v *view) (string, error) {
	v.Nav = "stats"
	s, err := c.statistics(r.Context())
	if err != nil {
		return "", err
	}
	v.Data = s
	return "stats", nil
}
