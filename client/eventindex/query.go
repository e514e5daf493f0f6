package eventindex

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"time"

	"github.com/tracechain/tracechain/chaincode/epcis"
)

// Page sizes: DefaultPerPage is the EPCIS 2.0 default of perPage, MaxPerPage
// the largest page this index serves.
const (
	DefaultPerPage = 30
	MaxPerPage     = 1000
)

// Query is an EPCIS 2.0 simple event query. Every non-empty field is a
// filter, and the filters are combined with AND; the values within one
// field are alternatives (OR), like the pipe-separated values of one EPCIS
// query parameter. Vocabulary values may be bare CBV words, CURIEs, EPCIS
// 1.x URNs or web URIs, and identifiers EPC URNs or Digital Links: both the
// index and the query use the CBV 2.0 canonical form. EPCs match exactly;
// EPC patterns (urn:epc:idpat:...) are not expanded.
type Query struct {
	EventTypes   []string  // eventType
	GEEventTime  time.Time // GE_eventTime; zero: unbounded
	LTEventTime  time.Time // LT_eventTime
	GERecordTime time.Time // GE_recordTime
	LTRecordTime time.Time // LT_recordTime
	Actions      []string  // EQ_action: ADD, OBSERVE, DELETE
	BizSteps     []string  // EQ_bizStep
	Dispositions []string  // EQ_disposition
	ReadPoints   []string  // EQ_readPoint
	BizLocations []string  // EQ_bizLocation
	EventIDs     []string  // EQ_eventID

	EPCs             []string // MATCH_epc: epcList or childEPCs
	ParentIDs        []string // MATCH_parentID
	InputEPCs        []string // MATCH_inputEPC
	OutputEPCs       []string // MATCH_outputEPC
	AnyEPCs          []string // MATCH_anyEPC: any of the five EPC fields
	EPCClasses       []string // MATCH_epcClass: quantityList or childQuantityList
	InputEPCClasses  []string // MATCH_inputEPCClass
	OutputEPCClasses []string // MATCH_outputEPCClass
	AnyEPCClasses    []string // MATCH_anyEPCClass: any of the four quantity lists

	// Descending orders by eventTime, newest first (orderDirection=DESC);
	// the default is oldest first.
	Descending bool

	PerPage   int    // 0: DefaultPerPage; above MaxPerPage: *PerPageError
	PageToken string // NextPageToken of the previous page; "" for the first
}

// Page is one page of a query's answer.
type Page struct {
	Events []Record
	// NextPageToken continues the query after the last event of this page;
	// "" on the last page. It is opaque and only valid for the same query.
	NextPageToken string
}

// matchRoles are the roles each MATCH_ filter selects, as EPCIS 2.0 defines them.
var (
	rolesEPC         = []Role{RoleEPCList, RoleChildEPCs}
	rolesParentID    = []Role{RoleParentID}
	rolesInputEPC    = []Role{RoleInputEPCList}
	rolesOutputEPC   = []Role{RoleOutputEPCList}
	rolesAnyEPC      = []Role{RoleEPCList, RoleChildEPCs, RoleParentID, RoleInputEPCList, RoleOutputEPCList}
	rolesEPCClass    = []Role{RoleQuantityList, RoleChildQuantityList}
	rolesInputClass  = []Role{RoleInputQuantityList}
	rolesOutputClass = []Role{RoleOutputQuantityList}
	rolesAnyClass    = []Role{RoleQuantityList, RoleChildQuantityList, RoleInputQuantityList, RoleOutputQuantityList}
)

// epcMatch is one MATCH_ filter in canonical form.
type epcMatch struct {
	roles []Role
	epcs  []string
}

// plan is a validated Query with its values in the stored form.
type plan struct {
	q       Query
	matches []epcMatch
	perPage int
	after   *cursor
}

// cursor is the sort key of the last event of a page.
type cursor struct {
	eventTime int64 // microseconds since the Unix epoch
	seq       int64
}

// prepare validates q and canonicalises its values.
func prepare(q Query) (*plan, error) {
	p := &plan{q: q, perPage: q.PerPage}
	for _, t := range []*time.Time{&p.q.GEEventTime, &p.q.LTEventTime, &p.q.GERecordTime, &p.q.LTRecordTime} {
		*t = t.UTC()
	}
	switch {
	case p.perPage == 0:
		p.perPage = DefaultPerPage
	case p.perPage < 0:
		return nil, &QueryError{Param: "perPage", Msg: "must be a positive integer"}
	case p.perPage > MaxPerPage:
		return nil, &PerPageError{PerPage: p.perPage, Max: MaxPerPage}
	}
	for _, a := range q.Actions {
		if a != "ADD" && a != "OBSERVE" && a != "DELETE" {
			return nil, &QueryError{Param: "EQ_action", Msg: "must be ADD, OBSERVE or DELETE, not " + a}
		}
	}
	p.q.BizSteps = canonAll(q.BizSteps, func(v string) string { return epcis.CanonicalVocabulary(nil, "bizStep", v) })
	p.q.Dispositions = canonAll(q.Dispositions, func(v string) string { return epcis.CanonicalVocabulary(nil, "disposition", v) })
	id := func(v string) string { return epcis.CanonicalIdentifier(nil, v) }
	p.q.ReadPoints = canonAll(q.ReadPoints, id)
	p.q.BizLocations = canonAll(q.BizLocations, id)
	for _, m := range []struct {
		roles []Role
		epcs  []string
	}{
		{rolesEPC, q.EPCs}, {rolesParentID, q.ParentIDs}, {rolesInputEPC, q.InputEPCs},
		{rolesOutputEPC, q.OutputEPCs}, {rolesAnyEPC, q.AnyEPCs}, {rolesEPCClass, q.EPCClasses},
		{rolesInputClass, q.InputEPCClasses}, {rolesOutputClass, q.OutputEPCClasses}, {rolesAnyClass, q.AnyEPCClasses},
	} {
		if len(m.epcs) > 0 {
			p.matches = append(p.matches, epcMatch{m.roles, canonAll(m.epcs, id)})
		}
	}
	if q.PageToken != "" {
		c, err := decodeToken(q.PageToken, p.fingerprint())
		if err != nil {
			return nil, err
		}
		p.after = &c
	}
	return p, nil
}

func canonAll(vs []string, f func(string) string) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = f(v)
	}
	return out
}

// fingerprint identifies the query's filters and order, so that a page
// token cannot continue a different query: its keyset position would mean
// nothing there.
func (p *plan) fingerprint() uint64 {
	f := p.q
	f.PerPage, f.PageToken = 0, ""
	b, _ := json.Marshal(f)
	h := sha256.Sum256(b)
	return binary.BigEndian.Uint64(h[:8])
}

// tokenLen is the decoded size of a page token: eventTime, seq, fingerprint.
const tokenLen = 24

func (p *plan) token(c cursor) string {
	// binary stores the signed sort key in two's complement, which
	// decodeToken reads back bit for bit; fixed-size data cannot fail.
	b, _ := binary.Append(make([]byte, 0, tokenLen), binary.BigEndian, []int64{c.eventTime, c.seq})
	b = binary.BigEndian.AppendUint64(b, p.fingerprint())
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(s string, fingerprint uint64) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != tokenLen {
		return cursor{}, &QueryError{Param: "nextPageToken", Msg: "not a page token of this index"}
	}
	if binary.BigEndian.Uint64(b[16:]) != fingerprint {
		return cursor{}, &QueryError{Param: "nextPageToken", Msg: "the token belongs to a different query"}
	}
	key := make([]int64, 2)
	if _, err := binary.Decode(b[:16], binary.BigEndian, key); err != nil {
		return cursor{}, &QueryError{Param: "nextPageToken", Msg: "not a page token of this index"}
	}
	return cursor{eventTime: key[0], seq: key[1]}, nil
}

// micros is the stored form of an instant: microseconds since the Unix
// epoch, UTC, which sorts as time does.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
