package epcisapi

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tracechain/tracechain/client/eventindex"
)

// listParams are the query parameters whose value is a pipe-delimited list
// of alternatives (OpenAPI style pipeDelimited, explode false), with the
// Query field each fills. A comma is not a separator: Digital Link serials
// may contain one.
var listParams = map[string]func(*eventindex.Query) *[]string{
	"eventType":            func(q *eventindex.Query) *[]string { return &q.EventTypes },
	"EQ_action":            func(q *eventindex.Query) *[]string { return &q.Actions },
	"EQ_bizStep":           func(q *eventindex.Query) *[]string { return &q.BizSteps },
	"EQ_disposition":       func(q *eventindex.Query) *[]string { return &q.Dispositions },
	"EQ_readPoint":         func(q *eventindex.Query) *[]string { return &q.ReadPoints },
	"EQ_bizLocation":       func(q *eventindex.Query) *[]string { return &q.BizLocations },
	"EQ_eventID":           func(q *eventindex.Query) *[]string { return &q.EventIDs },
	"MATCH_epc":            func(q *eventindex.Query) *[]string { return &q.EPCs },
	"MATCH_parentID":       func(q *eventindex.Query) *[]string { return &q.ParentIDs },
	"MATCH_inputEPC":       func(q *eventindex.Query) *[]string { return &q.InputEPCs },
	"MATCH_outputEPC":      func(q *eventindex.Query) *[]string { return &q.OutputEPCs },
	"MATCH_anyEPC":         func(q *eventindex.Query) *[]string { return &q.AnyEPCs },
	"MATCH_epcClass":       func(q *eventindex.Query) *[]string { return &q.EPCClasses },
	"MATCH_inputEPCClass":  func(q *eventindex.Query) *[]string { return &q.InputEPCClasses },
	"MATCH_outputEPCClass": func(q *eventindex.Query) *[]string { return &q.OutputEPCClasses },
	"MATCH_anyEPCClass":    func(q *eventindex.Query) *[]string { return &q.AnyEPCClasses },
}

// Bounds of the alternatives of a query. Every alternative is a bound
// parameter of the index's SQL, and a query names each one again per EPC
// role it matches, so an unbounded list makes one request as costly as the
// client likes (tens of thousands were accepted, and failed in the
// database). Real queries name a handful: an EPC list scanned at a dock
// door, a day's eventIDs. 100 per parameter is far above them and keeps the
// statement well inside SQLite's and PostgreSQL's parameter limits even
// for MATCH_anyEPC, which matches five roles.
const (
	// MaxAlternatives bounds the |-separated values of one parameter;
	// beyond it the answer is 400, a QueryParameterException.
	MaxAlternatives = 100
	// MaxAlternativesTotal bounds the values of all parameters together;
	// beyond it the query as a whole is too large: 413, a
	// QueryTooLargeException.
	MaxAlternativesTotal = 500
)

// AlternativesError reports a query with too many alternatives: in the
// parameter Param when Total is false, over all parameters when it is true.
type AlternativesError struct {
	Param string
	Have  int
	Max   int
	Total bool
}

func (e *AlternativesError) Error() string {
	if e.Total {
		return fmt.Sprintf("the query names %d alternatives over all its parameters; this repository answers at most %d", e.Have, e.Max)
	}
	return fmt.Sprintf("%s names %d alternatives; this repository accepts at most %d per parameter", e.Param, e.Have, e.Max)
}

// timeParams are the time bounds, with the Query field each sets.
var timeParams = map[string]func(*eventindex.Query) *time.Time{
	"GE_eventTime":  func(q *eventindex.Query) *time.Time { return &q.GEEventTime },
	"LT_eventTime":  func(q *eventindex.Query) *time.Time { return &q.LTEventTime },
	"GE_recordTime": func(q *eventindex.Query) *time.Time { return &q.GERecordTime },
	"LT_recordTime": func(q *eventindex.Query) *time.Time { return &q.LTRecordTime },
}

// parseQuery turns the URL query string into an index query. Every
// parameter must be one this repository implements: EPCIS asks for a
// QueryParameterException on an unknown name, and ignoring a filter would
// answer with events the client excluded.
// ParseQuery reads the EPCIS query parameters of v as GET /events does,
// with the same bounds: errors for too many alternatives are
// *AlternativesError. Query subscriptions read their query with it, so a
// subscription selects exactly what the same GET /events would.
func ParseQuery(v url.Values) (eventindex.Query, error) { return parseQuery(v) }

func parseQuery(v url.Values) (eventindex.Query, error) {
	var q eventindex.Query
	names := make([]string, 0, len(v))
	for name := range v {
		names = append(names, name)
	}
	sort.Strings(names) // the same bad query always reports the same parameter
	var orderBy, orderDirection string
	total := 0
	for _, name := range names {
		vals := v[name]
		if len(vals) > 1 {
			return q, fmt.Errorf("%s is given %d times; separate alternatives with |", name, len(vals))
		}
		val := vals[0]
		if f, ok := listParams[name]; ok {
			// Counted before splitting: a refused list costs no allocation.
			n := strings.Count(val, "|") + 1
			if n > MaxAlternatives {
				return q, &AlternativesError{Param: name, Have: n, Max: MaxAlternatives}
			}
			if total += n; total > MaxAlternativesTotal {
				return q, &AlternativesError{Have: total, Max: MaxAlternativesTotal, Total: true}
			}
			items := strings.Split(val, "|")
			for _, it := range items {
				if strings.TrimSpace(it) == "" {
					return q, fmt.Errorf("%s has an empty value", name)
				}
			}
			*f(&q) = items
			continue
		}
		if f, ok := timeParams[name]; ok {
			t, err := parseTime(val)
			if err != nil {
				return q, fmt.Errorf("%s: %v", name, err)
			}
			*f(&q) = t
			continue
		}
		switch name {
		case "perPage":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return q, fmt.Errorf("perPage must be a positive integer, not %q", val)
			}
			q.PerPage = n
		case "nextPageToken":
			q.PageToken = val
		case "orderBy":
			if val != "eventTime" {
				return q, fmt.Errorf("orderBy: this repository orders by eventTime only, not %q", val)
			}
			orderBy = val
		case "orderDirection":
			if val != "ASC" && val != "DESC" {
				return q, fmt.Errorf("orderDirection must be ASC or DESC, not %q", val)
			}
			orderDirection = val
		default:
			return q, fmt.Errorf("%s is not a query parameter this repository supports", name)
		}
	}
	// Without orderBy the order is unspecified and the index answers oldest
	// first; with it, orderDirection defaults to DESC as EPCIS specifies.
	q.Descending = orderBy != "" && orderDirection != "ASC"
	return q, nil
}

// parseTime reads a date-time with its UTC offset. A '+' of the offset that
// arrives as a space (an unencoded '+' in a query string) is taken back.
func parseTime(s string) (time.Time, error) {
	if i := strings.LastIndexByte(s, ' '); i > 0 && len(s)-i == 6 {
		s = s[:i] + "+" + s[i+1:]
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date-time with a UTC offset like 2026-01-01T00:00:00.000+08:00", s)
	}
	return t, nil
}
