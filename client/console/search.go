package console

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/masterdata"
)

// Bounds of a search: the query's length, the trace events and batch
// events shown, the companies listed.
const (
	MaxSearchLen      = 256
	SearchTraceEvents = 200
	SearchBatchEvents = 200
	SearchCompanies   = 20
)

type searchData struct {
	Query string
	// A code: its status and trace.
	Item  *model.ItemStatus
	Trace []model.TraceEvent
	More  bool // the trace has more events than shown
	// A batch (GTIN and batch): its events in the index.
	Batch       string
	BatchEvents []batchEvent
	// A company: the members it matches, with their products.
	Companies []company
	NoMatch   bool
}

type batchEvent struct {
	Time                       string
	BizStep, Disposition, TxID string
}

type company struct {
	Unit     masterdata.ProductionUnit
	Products []masterdata.Product
}

// search finds a code (its trace), a batch (the index's events of the
// lot) or a company (by MSP ID, name or USCC).
func (c *Console) search(r *http.Request, v *view) (string, error) {
	v.Nav = "search"
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := &searchData{Query: q}
	v.Data = d
	if q == "" {
		return "search", nil
	}
	if len(q) > MaxSearchLen || !utf8.ValidString(q) {
		return "", inputErrorf("the search %s is too long or not text", excerpt(q))
	}
	ctx := r.Context()
	if code, err := identifier.Parse(q); err == nil {
		st, err := c.ledger.GetItem(ctx, code.Canonical)
		switch {
		case err == nil:
			d.Item = st
			page, err := c.ledger.TracePage(ctx, code.Canonical, SearchTraceEvents, "")
			if err != nil {
				return "", err
			}
			d.Trace, d.More = page.Events, page.Bookmark != ""
			return "search", nil
		case !errors.Is(err, client.ErrNotFound):
			return "", err
		}
		if code.Kind == identifier.KindLGTIN {
			return "search", c.searchBatch(r, d, code)
		}
	}
	doc, err := c.masterData(ctx)
	if err != nil {
		return "", err
	}
	needle := strings.ToLower(q)
	for _, u := range doc.ProductionUnits {
		if !strings.Contains(strings.ToLower(u.MSPID), needle) && !strings.Contains(strings.ToLower(u.Name), needle) &&
			!strings.EqualFold(u.USCC, q) {
			continue
		}
		co := company{Unit: u}
		for _, p := range doc.Products {
			if p.Manufacturer == u.MSPID {
				co.Products = append(co.Products, p)
			}
		}
		d.Companies = append(d.Companies, co)
		if len(d.Companies) == SearchCompanies {
			break
		}
	}
	d.NoMatch = len(d.Companies) == 0
	return "search", nil
}

// searchBatch lists the index's events that name the lot of code, newest
// first.
func (c *Console) searchBatch(r *http.Request, d *searchData, code identifier.Code) error {
	d.Batch = code.GTIN + " / " + code.Batch
	link := "https://id.gs1.org/01/" + code.GTIN + "/10/" + url.PathEscape(code.Batch)
	page, err := c.index.Query(r.Context(), eventindex.Query{AnyEPCClasses: []string{link}, Descending: true, PerPage: SearchBatchEvents})
	if err != nil {
		return err
	}
	for _, rec := range page.Events {
		var ev struct {
			BizStep     string `json:"bizStep"`
			Disposition string `json:"disposition"`
		}
		_ = json.Unmarshal(rec.Event, &ev) // an event the index kept is JSON; a field missing shows empty
		d.BatchEvents = append(d.BatchEvents, batchEvent{Time: rec.EventTime.Format("2006-01-02 15:04 UTC"), BizStep: ev.BizStep,
			Disposition: ev.Disposition, TxID: rec.TxID})
	}
	d.NoMatch = len(d.BatchEvents) == 0
	return nil
}
