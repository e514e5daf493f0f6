package epcisapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/client/epcisxml"
	"github.com/tracechain/tracechain/client/eventindex"
)

// The user extensions that carry an event's place on the ledger. They are
// added to answers and are not part of the event the eventID hashes.
const (
	LedgerBlockKey = epcis.TracechainPrefix + ":ledgerBlock"
	LedgerTxKey    = epcis.TracechainPrefix + ":ledgerTxId"
)

// QueryName is the queryName of every answer: the REST binding's queries
// are EPCIS simple event queries.
const QueryName = "SimpleEventQuery"

// QueryDocument is the EPCISQueryDocument written to clients and to
// subscribers' webhooks; a receiver decodes one with it.
type QueryDocument struct {
	Context       json.RawMessage `json:"@context"`
	Type          string          `json:"type"`
	SchemaVersion string          `json:"schemaVersion"`
	CreationDate  string          `json:"creationDate"`
	Body          struct {
		QueryResults struct {
			SubscriptionID string `json:"subscriptionID,omitempty"`
			QueryName      string `json:"queryName"`
			ResultsBody    struct {
				EventList []json.RawMessage `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	} `json:"epcisBody"`
}

// MarshalQueryDocument returns the EPCISQueryDocument of recs, as the
// handler answers a query, created at created: its queryName is queryName,
// and subscriptionID, when not empty, names the subscription that delivers
// it. Each event carries the ledger fields that Unannotate removes.
func MarshalQueryDocument(recs []eventindex.Record, created time.Time, queryName, subscriptionID string) ([]byte, error) {
	var doc QueryDocument
	doc.Context = epcis.ExportContext() // declares the tracechain prefix of the ledger fields
	doc.Type, doc.SchemaVersion = "EPCISQueryDocument", "2.0"
	doc.CreationDate = created.UTC().Format("2006-01-02T15:04:05.000Z")
	doc.Body.QueryResults.QueryName = queryName
	doc.Body.QueryResults.SubscriptionID = subscriptionID
	list := make([]json.RawMessage, 0, len(recs))
	for _, rec := range recs {
		ev, err := annotate(rec)
		if err != nil {
			return nil, err
		}
		list = append(list, ev)
	}
	doc.Body.QueryResults.ResultsBody.EventList = list
	return json.Marshal(doc)
}

func (h *Handler) writeDocument(w http.ResponseWriter, r *http.Request, recs []eventindex.Record, next string) {
	b, err := MarshalQueryDocument(recs, h.now(), QueryName, "")
	if err != nil {
		h.internal(w, r, err)
		return
	}
	contentType := "application/ld+json"
	if answerFormat(r.Header.Get("Accept")) == formatXML {
		// The same document in the XML binding: its events have the
		// hashes of their JSON form (epcisxml.FromJSON).
		if b, err = epcisxml.FromJSON(b); err != nil {
			// A JSON-LD value XML cannot write (a list of lists in an
			// extension): the answer exists, in JSON-LD only.
			writeProblem(w, r, Problem{Type: NotAcceptableException, Title: "Not acceptable", Status: http.StatusNotAcceptable,
				Detail: "an event of this answer has no EPCIS XML form (" + err.Error() + "); ask for application/ld+json"})
			return
		}
		contentType = epcisxml.MediaType
	}
	setVersions(w.Header())
	w.Header().Set("Content-Type", contentType)
	w.Header().Add("Vary", "Accept")
	if next != "" {
		// Tokens are keyset positions, not server state: they do not expire,
		// so no GS1-Next-Page-Token-Expires is sent.
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b) //nolint:gosec // G705: JSON written by encoding/json (which escapes <, > and &), served as application/ld+json
	}
}

// annotate returns the stored event with the ledger fields, and with the
// eventID, recordTime and @context it lacks, written first. The stored bytes
// follow unchanged, so every field the client hashes is as the ledger has it.
func annotate(rec eventindex.Record) (json.RawMessage, error) {
	var have map[string]json.RawMessage
	if err := json.Unmarshal(rec.Event, &have); err != nil {
		return nil, err
	}
	var head bytes.Buffer
	field := func(k string, v any) error {
		if _, ok := have[k]; ok {
			return nil
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		kb, _ := json.Marshal(k)
		head.Write(kb)
		head.WriteByte(':')
		head.Write(b)
		head.WriteByte(',')
		return nil
	}
	if len(rec.Context) > 0 {
		if err := field("@context", rec.Context); err != nil {
			return nil, err
		}
	}
	if err := field("eventID", rec.EventID); err != nil {
		return nil, err
	}
	if !rec.RecordTime.IsZero() {
		if err := field("recordTime", rec.RecordTime.Format(time.RFC3339Nano)); err != nil {
			return nil, err
		}
	}
	if err := field(LedgerBlockKey, json.Number(strconv.FormatUint(rec.Block, 10))); err != nil {
		return nil, err
	}
	if err := field(LedgerTxKey, rec.TxID); err != nil {
		return nil, err
	}
	body := bytes.TrimSpace(rec.Event)
	out := make([]byte, 0, len(body)+head.Len())
	out = append(out, '{')
	out = append(out, head.Bytes()...)
	rest := bytes.TrimSpace(body[1:])
	if len(rest) > 0 && rest[0] == '}' && head.Len() > 0 { // an empty object: no comma before the close
		out = out[:len(out)-1]
	}
	return append(out, rest...), nil
}

// Ledger is where an answered event is recorded on the ledger.
type Ledger struct {
	Block uint64
	TxID  string
}

// Unannotate removes the ledger fields from an event of an answer and
// returns them with the event as it was hashed: epcis.EventHash of the
// result, under the answer's @context, is the event's eventID.
func Unannotate(event json.RawMessage) (json.RawMessage, Ledger, error) {
	var m map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(event))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, Ledger{}, err
	}
	var l Ledger
	// The block is a JSON number; an answer read from the XML binding
	// (epcisxml.Convert) has it as the text of an element.
	block := bytes.Trim(m[LedgerBlockKey], `"`)
	if err := json.Unmarshal(block, &l.Block); err != nil {
		return nil, Ledger{}, err
	}
	if err := json.Unmarshal(m[LedgerTxKey], &l.TxID); err != nil {
		return nil, Ledger{}, err
	}
	delete(m, LedgerBlockKey)
	delete(m, LedgerTxKey)
	b, err := json.Marshal(m)
	return b, l, err
}
