package epcissubscribe

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/tracechain/tracechain/client/epcisapi"
	"github.com/tracechain/tracechain/client/eventindex"
)

// AdHocQuery is the reserved query name of ad-hoc subscriptions:
// POST /queries/SimpleEventQuery/subscriptions takes its query from the
// URL's parameters, as GET /events does.
const AdHocQuery = epcisapi.QueryName

// Bounds of a request.
const (
	MaxDefinitionBytes = 16 << 10
	MinTokenLen        = 16
	MaxTokenLen        = 256
)

// Exception types of the binding that only these resources answer.
const (
	NoSuchNameException            = "epcisException:NoSuchNameException"
	ResourceAlreadyExistsException = "epcisException:ResourceAlreadyExistsException"
	SubscriptionControlsException  = "epcisException:SubscriptionControlsException"
	SecurityException              = "epcisException:SecurityException"
	QueryValidationException       = "epcisException:QueryValidationException"
)

// ClientCert names a client by its TLS client certificate: the hex
// SHA-256 of its issuer and subject, so a renewed certificate of the same
// subject from the same CA is the same client.
func ClientCert(r *http.Request) (string, error) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return "", errors.New("no client certificate")
	}
	c := r.TLS.PeerCertificates[0]
	h := sha256.New()
	h.Write(c.RawIssuer)
	h.Write([]byte{0})
	h.Write(c.RawSubject)
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

var queryNameRE = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)

// Handler returns the /queries resources.
func (e *Engine) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /queries", e.listQueries)
	mux.HandleFunc("POST /queries", e.createQuery)
	mux.HandleFunc("GET /queries/{name}", e.getQuery)
	mux.HandleFunc("DELETE /queries/{name}", e.deleteQuery)
	mux.HandleFunc("GET /queries/{name}/subscriptions", e.listSubscriptions)
	mux.HandleFunc("POST /queries/{name}/subscriptions", e.subscribe)
	mux.HandleFunc("GET /queries/{name}/subscriptions/{id}", e.getSubscription)
	mux.HandleFunc("DELETE /queries/{name}/subscriptions/{id}", e.unsubscribe)
	mux.HandleFunc("POST /queries/{name}/subscriptions/{id}/resume", e.resume)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		problem(w, r, http.StatusNotFound, epcisapi.NoSuchResourceException, "no resource at "+r.Method+" "+r.URL.Path)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := e.who(r); err != nil {
			problem(w, r, http.StatusUnauthorized, SecurityException, "queries and subscriptions need an authenticated client")
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func problem(w http.ResponseWriter, r *http.Request, status int, typ, detail string) {
	epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: typ, Title: http.StatusText(status), Status: status, Detail: detail})
}

func (e *Engine) internal(w http.ResponseWriter, r *http.Request, err error) {
	epcisapi.WriteIncident(w, r, e.log, epcisapi.Problem{Type: epcisapi.ImplementationException, Title: "Internal error",
		Status: http.StatusInternalServerError}, err)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("GS1-EPCIS-Version", epcisapi.EPCISVersion)
	w.Header().Set("GS1-CBV-Version", epcisapi.CBVVersion)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// readBody decodes a JSON body of at most MaxDefinitionBytes, refusing
// unknown fields.
func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/ld+json") {
		problem(w, r, http.StatusUnsupportedMediaType, "epcisException:UnsupportedMediaTypeException", "the body must be JSON")
		return false
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxDefinitionBytes+1))
	if err != nil || len(b) > MaxDefinitionBytes {
		problem(w, r, http.StatusRequestEntityTooLarge, epcisapi.QueryTooLargeException, fmt.Sprintf("the body exceeds %d bytes", MaxDefinitionBytes))
		return false
	}
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		problem(w, r, http.StatusBadRequest, epcisapi.QueryParameterException, "the body does not decode: "+err.Error())
		return false
	}
	return true
}

// definitionParams turns a query definition of the query schema (each
// parameter a list of values, a time or a number) into GET /events
// parameters, and checks it as GET /events would.
func definitionParams(def map[string]json.RawMessage) (url.Values, error) {
	v := url.Values{}
	for k, raw := range def {
		var list []string
		var one string
		switch {
		case json.Unmarshal(raw, &list) == nil:
			if len(list) == 0 {
				return nil, fmt.Errorf("%s has no value", k)
			}
			for _, s := range list {
				if strings.Contains(s, "|") {
					return nil, fmt.Errorf("%s: a value holds a |", k)
				}
			}
			v.Set(k, strings.Join(list, "|"))
		case json.Unmarshal(raw, &one) == nil:
			v.Set(k, one)
		default:
			return nil, fmt.Errorf("%s must be a string or a list of strings", k)
		}
	}
	return v, checkParams(v)
}

// checkParams refuses the paging and order parameters, which have no
// meaning for a subscription, and parses the rest.
func checkParams(v url.Values) error {
	for _, k := range []string{"perPage", "nextPageToken", "orderBy", "orderDirection"} {
		if _, ok := v[k]; ok {
			return fmt.Errorf("%s has no meaning in a subscription's query: events come in record order", k)
		}
	}
	_, err := epcisapi.ParseQuery(v)
	return err
}

// subscriptionQuery is the index query of a subscription.
func subscriptionQuery(sub *Subscription) (eventindex.Query, error) {
	q, err := epcisapi.ParseQuery(sub.Params)
	if err != nil {
		return q, err
	}
	if t := sub.InitialRecordTime; t != nil && t.After(q.GERecordTime) {
		q.GERecordTime = *t
	}
	return q, nil
}

type queryJSON struct {
	Name  string                     `json:"name"`
	Query map[string]json.RawMessage `json:"query"`
}

func (e *Engine) listQueries(w http.ResponseWriter, r *http.Request) {
	qs, err := e.store.queries(r.Context())
	if err != nil {
		e.internal(w, r, err)
		return
	}
	out := make([]json.RawMessage, 0, len(qs))
	for _, q := range qs {
		out = append(out, queryView(q))
	}
	writeJSON(w, http.StatusOK, out)
}

func queryView(q NamedQuery) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"name": q.Name, "query": q.Query})
	return b
}

func (e *Engine) createQuery(w http.ResponseWriter, r *http.Request) {
	owner, _ := e.who(r)
	var in queryJSON
	if !readBody(w, r, &in) {
		return
	}
	if !queryNameRE.MatchString(in.Name) || in.Name == AdHocQuery {
		problem(w, r, http.StatusBadRequest, QueryValidationException, "name must be 1 to 64 letters, digits, '_', '.' or '-', and not "+AdHocQuery)
		return
	}
	if in.Query == nil {
		problem(w, r, http.StatusBadRequest, QueryValidationException, "the definition needs a query")
		return
	}
	params, err := definitionParams(in.Query)
	if err != nil {
		problem(w, r, http.StatusBadRequest, epcisapi.QueryParameterException, err.Error())
		return
	}
	raw, _ := json.Marshal(in.Query)
	e.mu.Lock()
	err = e.store.createQuery(r.Context(), NamedQuery{Name: in.Name, Owner: owner, Params: params, Query: raw, Created: e.now().UTC()},
		e.limits.QueriesPerClient)
	e.mu.Unlock()
	var le *LimitError
	switch {
	case errors.Is(err, errExists):
		problem(w, r, http.StatusConflict, ResourceAlreadyExistsException, "a query named "+in.Name+" exists")
		return
	case errors.As(err, &le):
		problem(w, r, http.StatusTooManyRequests, epcisapi.QueryTooLargeException, le.Error())
		return
	case err != nil:
		e.internal(w, r, err)
		return
	}
	w.Header().Set("Location", "/queries/"+url.PathEscape(in.Name))
	writeJSON(w, http.StatusCreated, queryView(NamedQuery{Name: in.Name, Query: raw}))
}

// named returns the named query of the path, or answers 404.
func (e *Engine) named(w http.ResponseWriter, r *http.Request) (NamedQuery, bool) {
	name := r.PathValue("name")
	q, ok, err := e.store.query(r.Context(), name)
	if err != nil {
		e.internal(w, r, err)
		return q, false
	}
	if !ok {
		problem(w, r, http.StatusNotFound, NoSuchNameException, "no query named "+name)
	}
	return q, ok
}

func (e *Engine) getQuery(w http.ResponseWriter, r *http.Request) {
	if q, ok := e.named(w, r); ok {
		writeJSON(w, http.StatusOK, queryView(q))
	}
}

// deleteQuery deletes a named query, only its owner's, with the owner's
// subscriptions to it; another client's subscriptions are not the owner's
// to end, so while there are any the query stays (409).
func (e *Engine) deleteQuery(w http.ResponseWriter, r *http.Request) {
	owner, _ := e.who(r)
	q, ok := e.named(w, r)
	if !ok {
		return
	}
	if q.Owner != owner {
		problem(w, r, http.StatusForbidden, SecurityException, "only the client that created a query deletes it")
		return
	}
	e.mu.Lock() // after or before a subscription to it is made, not during
	err := e.store.deleteQuery(r.Context(), q.Name, owner)
	e.mu.Unlock()
	switch {
	case errors.Is(err, errInUse):
		problem(w, r, http.StatusConflict, SubscriptionControlsException,
			"other clients subscribe to "+q.Name+": a query is deleted only when no other client's subscription delivers it")
		return
	case err != nil:
		e.internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type subscribeJSON struct {
	Dest              string     `json:"dest"`
	SignatureToken    string     `json:"signatureToken"`
	Stream            *bool      `json:"stream,omitempty"`
	Schedule          *Schedule  `json:"schedule,omitempty"`
	ReportIfEmpty     bool       `json:"reportIfEmpty,omitempty"`
	InitialRecordTime *time.Time `json:"initialRecordTime,omitempty"`
}

func (e *Engine) subscribe(w http.ResponseWriter, r *http.Request) {
	owner, _ := e.who(r)
	name := r.PathValue("name")
	var params url.Values
	if name == AdHocQuery {
		params = r.URL.Query()
		if err := checkParams(params); err != nil {
			problem(w, r, http.StatusBadRequest, epcisapi.QueryParameterException, err.Error())
			return
		}
	} else {
		if len(r.URL.Query()) > 0 {
			problem(w, r, http.StatusBadRequest, epcisapi.QueryParameterException, "a named query's subscription takes no query parameters")
			return
		}
		q, ok := e.named(w, r)
		if !ok {
			return
		}
		params = q.Params
	}
	var in subscribeJSON
	if !readBody(w, r, &in) {
		return
	}
	if err := e.policy.CheckURL(in.Dest); err != nil {
		problem(w, r, http.StatusBadRequest, SubscriptionControlsException, err.Error())
		return
	}
	if n := len(in.SignatureToken); n < MinTokenLen || n > MaxTokenLen {
		problem(w, r, http.StatusBadRequest, SubscriptionControlsException,
			fmt.Sprintf("signatureToken is required, %d to %d characters: every delivery is signed with it", MinTokenLen, MaxTokenLen))
		return
	}
	stream := in.Stream != nil && *in.Stream
	switch {
	case in.Stream != nil && !*in.Stream:
		problem(w, r, http.StatusBadRequest, SubscriptionControlsException, "stream can only be true")
		return
	case stream == (in.Schedule != nil):
		problem(w, r, http.StatusBadRequest, SubscriptionControlsException, "give either stream: true or a schedule")
		return
	case stream && in.ReportIfEmpty:
		problem(w, r, http.StatusBadRequest, SubscriptionControlsException, "reportIfEmpty belongs to a schedule")
		return
	}
	now := e.now().UTC()
	sub := &Subscription{ID: newID(), Owner: owner, QueryName: name, Params: params, Dest: in.Dest, Token: in.SignatureToken,
		Stream: stream, Schedule: in.Schedule, ReportIfEmpty: in.ReportIfEmpty, Created: now, Batch: e.limits.EventsPerDelivery, Due: now}
	if in.Schedule != nil {
		x, err := in.Schedule.parse()
		if err != nil {
			problem(w, r, http.StatusBadRequest, SubscriptionControlsException, err.Error())
			return
		}
		n, ok := x.next(now)
		if !ok {
			problem(w, r, http.StatusBadRequest, SubscriptionControlsException, "the schedule never fires")
			return
		}
		sub.Due = n
	}
	if t := in.InitialRecordTime; t != nil {
		u := t.UTC()
		sub.InitialRecordTime = &u
	} else if err := e.startAtNow(r.Context(), sub); err != nil {
		e.internal(w, r, err)
		return
	}
	e.mu.Lock()
	err := e.store.createSubscription(r.Context(), sub, e.limits.SubscriptionsPerClient, e.limits.Subscriptions)
	e.mu.Unlock()
	var le *LimitError
	switch {
	case errors.As(err, &le):
		problem(w, r, http.StatusTooManyRequests, SubscriptionControlsException, le.Error())
		return
	case errors.Is(err, errNoQuery):
		problem(w, r, http.StatusNotFound, NoSuchNameException, "no query named "+name)
		return
	case err != nil:
		e.internal(w, r, err)
		return
	}
	w.Header().Set("Location", "/queries/"+url.PathEscape(name)+"/subscriptions/"+sub.ID)
	writeJSON(w, http.StatusCreated, subscriptionView(sub))
}

// startAtNow starts a subscription without initialRecordTime after
// everything indexed now: it delivers the events recorded from now on, as
// the binding's default initialRecordTime (the current time) says.
func (e *Engine) startAtNow(ctx context.Context, sub *Subscription) error {
	top, indexed, err := e.events.Checkpoint(ctx)
	if err != nil {
		return err
	}
	if indexed {
		sub.Position = eventindex.Position{Block: top + 1}
	}
	return nil
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// subscriptionView is a subscription as answered: never its token.
func subscriptionView(s *Subscription) map[string]any {
	v := map[string]any{"subscriptionID": s.ID, "dest": s.Dest, "createdAt": s.Created.Format(time.RFC3339Nano),
		"tracechain:position": s.Position}
	if s.LastNotified != nil {
		v["lastNotifiedAt"] = s.LastNotified.UTC().Format(time.RFC3339Nano)
	}
	if s.InitialRecordTime != nil {
		v["initialRecordTime"] = s.InitialRecordTime.Format(time.RFC3339Nano)
	}
	if s.Stream {
		v["stream"] = true
	} else {
		v["schedule"], v["reportIfEmpty"] = s.Schedule, s.ReportIfEmpty
	}
	if s.Query() != "" {
		v["tracechain:query"] = s.Query()
	}
	state := "active"
	switch {
	case s.Suspended:
		state = "suspended"
	case s.Attempts > 0:
		state = "retrying"
	}
	v["tracechain:state"] = state
	if s.LastError != "" {
		v["tracechain:lastError"], v["tracechain:attempts"] = s.LastError, s.Attempts
	}
	return v
}

// Query is an ad-hoc subscription's query string ("" for a named query's).
func (s *Subscription) Query() string {
	if s.QueryName != AdHocQuery {
		return ""
	}
	return s.Params.Encode() // sorted by key
}

func (e *Engine) listSubscriptions(w http.ResponseWriter, r *http.Request) {
	owner, _ := e.who(r)
	name := r.PathValue("name")
	if name != AdHocQuery {
		if _, ok := e.named(w, r); !ok {
			return
		}
	}
	subs, err := e.store.subscriptions(r.Context(), owner, name)
	if err != nil {
		e.internal(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(subs))
	for i := range subs {
		out = append(out, subscriptionView(&subs[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

// mine returns the path's subscription if the caller owns it; another
// client's subscription is answered 404, as if it did not exist.
func (e *Engine) mine(w http.ResponseWriter, r *http.Request) (*Subscription, bool) {
	owner, _ := e.who(r)
	sub, ok, err := e.store.subscription(r.Context(), r.PathValue("id"))
	if err != nil {
		e.internal(w, r, err)
		return nil, false
	}
	if !ok || sub.Owner != owner || sub.QueryName != r.PathValue("name") {
		problem(w, r, http.StatusNotFound, epcisapi.NoSuchResourceException, "no subscription "+r.PathValue("id")+" of yours on "+r.PathValue("name"))
		return nil, false
	}
	return &sub, true
}

func (e *Engine) getSubscription(w http.ResponseWriter, r *http.Request) {
	if sub, ok := e.mine(w, r); ok {
		writeJSON(w, http.StatusOK, subscriptionView(sub))
	}
}

func (e *Engine) unsubscribe(w http.ResponseWriter, r *http.Request) {
	sub, ok := e.mine(w, r)
	if !ok {
		return
	}
	if err := e.store.deleteSubscription(r.Context(), sub.ID); err != nil {
		e.internal(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// resume restarts a suspended subscription at its position (tracechain's
// extension: the binding has no such resource).
func (e *Engine) resume(w http.ResponseWriter, r *http.Request) {
	sub, ok := e.mine(w, r)
	if !ok {
		return
	}
	sub.Suspended, sub.Attempts, sub.FailingSince, sub.LastError = false, 0, nil, ""
	sub.Due = e.now()
	if err := e.store.save(r.Context(), sub); err != nil {
		e.internal(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, subscriptionView(sub))
}
