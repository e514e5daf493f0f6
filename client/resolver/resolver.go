package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// Verifier answers a scanned code with the ledger's verification;
// *client.Client is one. Tests use resolvertest.Verifier.
type Verifier interface {
	Verify(ctx context.Context, code string) (*model.Verification, error)
}

// Request size limits. A Digital Link from a QR code is well under them;
// identifier refuses codes longer than 2048 bytes anyway, and a bounded
// query keeps the per-request work small.
const (
	MaxRequestURI = 2048
	MaxQuery      = 1024
)

// DefaultVerifyTimeout bounds one ledger query.
const DefaultVerifyTimeout = 10 * time.Second

// Resolver is the GS1-Conformant Resolver and verification service. It is
// an http.Handler, safe for concurrent use; build it with New.
type Resolver struct {
	v             Verifier
	domain        string
	name          string
	now           func() time.Time
	limiter       *limiter
	clientIP      func(*http.Request) string
	cache         *verdictCache
	products      *ttlCache[*ProductInfo] // product pages by GTIN, kept true as cache is
	verifyTimeout time.Duration
	log           *slog.Logger
	scans         ScanObserver // nil: scans are not counted
}

// Option configures a Resolver in New.
type Option func(*Resolver)

// WithDomain sets the public base URL of the resolver, such as
// https://id.tracechain.example: linkset anchors and link targets are built
// on it. Without it they are built on the request's Host header, which a
// client chooses; set it in production (see ValidateDomain).
func WithDomain(base string) Option {
	return func(h *Resolver) { h.domain = strings.TrimRight(base, "/") }
}

// WithName sets the resolver's name in its description file.
func WithName(name string) Option { return func(h *Resolver) { h.name = name } }

// WithClock sets the clock that expiry and warranty are judged by and that
// drives the cache and the rate limit.
func WithClock(now func() time.Time) Option { return func(h *Resolver) { h.now = now } }

// WithRateLimit allows each client perSecond requests a second on average
// and burst at once; beyond that it answers 429 with Retry-After. A rate of
// zero or less turns the limit off (the default). Clients are told apart by
// RemoteIP unless WithClientIP says otherwise.
func WithRateLimit(perSecond float64, burst int) Option {
	return func(h *Resolver) {
		h.limiter = nil
		if perSecond > 0 {
			h.limiter = newLimiter(perSecond, burst)
		}
	}
}

// WithClientIP sets how the rate limit names a client, e.g. ForwardedIP
// behind a reverse proxy. The address it returns is counted by ClientKey:
// an IPv6 address by its /64.
func WithClientIP(f func(*http.Request) string) Option { return func(h *Resolver) { h.clientIP = f } }

// WithCacheTTL sets how long a verdict or a product page is reused
// (DefaultCacheTTL); zero disables the caches.
func WithCacheTTL(d time.Duration) Option {
	return func(h *Resolver) {
		h.cache, h.products = newVerdictCache(d), newTTLCache[*ProductInfo](d)
	}
}

// WithVerifyTimeout bounds one ledger query (DefaultVerifyTimeout).
func WithVerifyTimeout(d time.Duration) Option { return func(h *Resolver) { h.verifyTimeout = d } }

// New returns a Resolver answering from v.
func New(v Verifier, opts ...Option) *Resolver {
	h := &Resolver{
		v: v, name: "tracechain GS1-Conformant Resolver", now: time.Now, clientIP: RemoteIP,
		cache: newVerdictCache(DefaultCacheTTL), products: newTTLCache[*ProductInfo](DefaultCacheTTL), verifyTimeout: DefaultVerifyTimeout, log: slog.Default(),
	}
	for _, o := range opts {
		o(h)
	}
	return h
}

// ErrDomain is returned by ValidateDomain.
var ErrDomain = errors.New("resolver: domain must be an absolute http(s) URL without query or fragment")

// ValidateDomain checks a WithDomain base URL.
func ValidateDomain(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%w: %q", ErrDomain, base)
	}
	return nil
}

const allowedMethods = "GET, HEAD, OPTIONS"

// ServeHTTP answers one request. Every answer carries the CORS headers, so a
// web page on any origin can use the resolver.
func (h *Resolver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Access-Control-Allow-Origin", "*")
	hd.Set("Access-Control-Allow-Methods", allowedMethods)
	hd.Set("Access-Control-Expose-Headers", "Link, Location, Retry-After")
	if err := h.serve(w, r); err != nil {
		h.writeProblem(w, r, err)
	}
}

func (h *Resolver) serve(w http.ResponseWriter, r *http.Request) error {
	reqURI := r.RequestURI
	if reqURI == "" {
		reqURI = r.URL.RequestURI()
	}
	if len(reqURI) > MaxRequestURI {
		return problem(http.StatusRequestURITooLong, RuleURITooLong, fmt.Sprintf("request URI longer than %d bytes", MaxRequestURI))
	}
	if len(r.URL.RawQuery) > MaxQuery {
		return problem(http.StatusBadRequest, RuleQueryTooLong, fmt.Sprintf("query longer than %d bytes", MaxQuery))
	}
	// Every answer about an item links to its linkset, whatever the method
	// or status (OPTIONS, 405 and 429 included): the links are added before
	// anything else is decided.
	dl, dlErr := h.itemLinks(w, r)
	switch r.Method {
	case http.MethodOptions:
		// Preflights are not counted against the rate limit: a browser
		// sends one before the request it guards.
		hd := w.Header()
		hd.Set("Allow", allowedMethods)
		hd.Set("Access-Control-Allow-Headers", "Accept, Accept-Language, Content-Type")
		hd.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return nil
	case http.MethodGet, http.MethodHead:
	default:
		w.Header().Set("Allow", allowedMethods)
		return problem(http.StatusMethodNotAllowed, RuleMethod, "only GET, HEAD and OPTIONS are supported")
	}
	if h.limiter != nil {
		// Whatever names the client (socket or forwarded address), an
		// IPv6 client is its /64: see ClientKey.
		if ok, wait := h.limiter.allow(ClientKey(h.clientIP(r)), h.now()); !ok {
			p := problem(http.StatusTooManyRequests, RuleRateLimited, "too many requests")
			secs := int((wait + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			return p
		}
	}
	if strings.HasPrefix(r.URL.Path, "/pip/") {
		return h.servePIP(w, r)
	}
	switch r.URL.Path {
	case "/":
		varyOnNegotiation(w)
		if wantsHTML(r) {
			// A person who opens the resolver's root gets the form.
			return h.writePage(w, r, http.StatusOK, newPageView(r, h.domainFor(r), ""))
		}
		return h.serveIndex(w, r)
	case "/.well-known/gs1resolver":
		return h.serveDescription(w, r)
	case "/verify":
		varyOnNegotiation(w)
		return h.serveAnswer(w, r, answerVerify)
	case "/recall":
		return h.serveAnswer(w, r, answerRecall)
	case "/certification":
		return h.serveAnswer(w, r, answerCertification)
	case ContextPath:
		return h.serveContext(w, r)
	}
	return h.serveDigitalLink(w, r, dl, dlErr)
}

// isDigitalLinkPath reports whether path is not one of the resolver's own
// routes, and so is read as a Digital Link.
func isDigitalLinkPath(path string) bool {
	switch path {
	case "/", "/.well-known/gs1resolver", "/verify", "/recall", "/certification", ContextPath:
		return false
	}
	return !strings.HasPrefix(path, "/pip/")
}

// itemLinks adds the Link header of the item the request is about, if any,
// and for a Digital Link path returns its parse result.
func (h *Resolver) itemLinks(w http.ResponseWriter, r *http.Request) (identifier.DigitalLink, error) {
	path := r.URL.Path
	switch {
	case isDigitalLinkPath(path):
		dl, err := parseRequestDL(r)
		if err == nil && supportedKey(dl) {
			addItemLinks(w, dl, h.domainFor(r))
		}
		return dl, err
	case strings.HasPrefix(path, "/pip/"):
		h.codeLinks(w, r, gs1Base+strings.TrimPrefix(path, "/pip"))
	case path == "/verify" || path == "/recall" || path == "/certification":
		h.codeLinks(w, r, r.URL.Query().Get("code"))
	}
	return identifier.DigitalLink{}, nil
}

// domainFor is the base URL links are built on.
func (h *Resolver) domainFor(r *http.Request) string {
	if h.domain != "" {
		return h.domain
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-:[]", c) >= 0) {
			host = ""
			break
		}
	}
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

// supportedKey reports whether the ledger has a kind for dl: the primary
// keys 01, 00 and 414, and for a GTIN the qualifiers 22, 10 and 21.
func supportedKey(dl identifier.DigitalLink) bool {
	switch dl.PrimaryKey.AI {
	case identifier.AISSCC, identifier.AIGLN:
		return len(dl.Qualifiers) == 0
	case identifier.AIGTIN:
		for _, q := range dl.Qualifiers {
			if q.AI != "22" && q.AI != "10" && q.AI != "21" {
				return false
			}
		}
		return true
	}
	return false
}

// SupportedPrimaryKeys are the primary key AIs the resolver answers.
var SupportedPrimaryKeys = []string{identifier.AIGTIN, identifier.AISSCC, identifier.AIGLN}

// parseRequestDL reads the request's path and query as a Digital Link,
// compressed or not; a parse error is the 400 answer.
func parseRequestDL(r *http.Request) (identifier.DigitalLink, error) {
	path := r.URL.EscapedPath()
	trimmed := false
	if len(path) > 1 && path[len(path)-1] == '/' {
		// Tolerated (conformance SHOULD): a link typed by hand or joined
		// by a template often ends in '/'.
		path, trimmed = path[:len(path)-1], true
	}
	raw := gs1Base + path
	if r.URL.RawQuery != "" {
		raw += "?" + r.URL.RawQuery
	}
	dl, err := identifier.ParseDigitalLinkURI(raw)
	if err != nil {
		return dl, badCode(err, func(off int) int {
			off -= len(gs1Base)
			if trimmed && off >= len(path) {
				off++
			}
			return off
		})
	}
	return dl, nil
}

func (h *Resolver) serveDigitalLink(w http.ResponseWriter, r *http.Request, dl identifier.DigitalLink, err error) error {
	if err != nil {
		return err
	}
	if !supportedKey(dl) {
		return problem(http.StatusNotFound, RuleUnsupportedKey,
			"a valid Digital Link, but this resolver answers only GTIN (with 22, 10, 21), SSCC and GLN keys")
	}
	domain := h.domainFor(r)
	levels := h.levels(dl, domain)
	hd := w.Header()
	hd.Add("Vary", "Accept")

	lt := dl.OtherParams.Get("linkType")
	name := linkTypeName(lt)
	if name == "linkset" || name == "all" || (lt == "" && acceptsLinkset(r)) {
		return h.serveLinkset(w, r, dl, domain)
	}
	if lt == "" {
		name = LinkDefault
	}
	var target string
	switch name {
	case "":
	case LinkDefault, linkDefaultMulti:
		target = h.links(levels[0], dl.PrimaryKey.AI, domain)[LinkVerification][0].Href
	default:
		// Walk up from the most specific level: the first level that
		// offers the link type answers.
		for _, lv := range levels {
			if l, ok := h.links(lv, dl.PrimaryKey.AI, domain)[name]; ok {
				target = l[0].Href
				break
			}
		}
	}
	if target == "" {
		return problem(http.StatusNotFound, RuleUnknownLinkType, fmt.Sprintf("no link of type %q for this item", lt))
	}
	hd.Set("Location", withQuery(target, passOnQuery(dl, r.URL.RawQuery)))
	w.WriteHeader(http.StatusTemporaryRedirect)
	return nil
}

// acceptsLinkset reports whether the Accept header asks for a linkset.
func acceptsLinkset(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(mt), mediaLinkset) {
				continue
			}
			if q, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
				if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
					continue
				}
			}
			return true
		}
	}
	return false
}

// passOn is the request's query without linkType, in its raw encoding: the
// standard has a resolver pass the query string on when redirecting, and
// linkType is the resolver's own command, meaningless to the target.
func passOn(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	var keep []string
	for _, p := range strings.Split(rawQuery, "&") {
		k, _, _ := strings.Cut(p, "=")
		if dk, err := url.QueryUnescape(k); err == nil && dk == "linkType" || p == "" {
			continue
		}
		keep = append(keep, p)
	}
	return strings.Join(keep, "&")
}

// passOnQuery is what a redirect passes on: the request's query (passOn),
// or for a compressed request the query of the uncompressed URI, which also
// holds the data attributes and key=value pairs compressed into the path.
func passOnQuery(dl identifier.DigitalLink, rawQuery string) string {
	if !dl.Compressed {
		return passOn(rawQuery)
	}
	_, q, _ := strings.Cut(dl.Uncompressed(), "?")
	return passOn(q)
}

func withQuery(target, q string) string {
	if q == "" {
		return target
	}
	if strings.IndexByte(target, '?') >= 0 {
		return target + "&" + q
	}
	return target + "?" + q
}

func (h *Resolver) serveLinkset(w http.ResponseWriter, r *http.Request, dl identifier.DigitalLink, domain string) error {
	ct := mediaLinkset
	// A client that accepts plain JSON and not the linkset type (a
	// generic fetch) gets the same document under application/json.
	if !acceptsLinkset(r) && strings.Contains(r.Header.Get("Accept"), mediaJSON) {
		ct = mediaJSON
	}
	addContextLink(w, domain)
	ls := h.linkset(dl, domain, h.productName(r.Context(), dl))
	return h.writeJSON(w, r, http.StatusOK, ct, ls)
}

// productName is the ledger's product name for dl's most specific code,
// for the linkset's item descriptions; "" when the ledger cannot say.
func (h *Resolver) productName(ctx context.Context, dl identifier.DigitalLink) string {
	c, err := identifier.Parse(dl.Levels()[0])
	if err != nil {
		return ""
	}
	v, err := h.verify(ctx, c.Canonical)
	if err != nil || v.Product == nil {
		return ""
	}
	return v.Product.Name
}

// verify asks the ledger, through the cache.
func (h *Resolver) verify(ctx context.Context, canonical string) (*model.Verification, error) {
	if v, ok := h.cache.get(canonical, h.now()); ok {
		return v, nil
	}
	ctx, cancel := context.WithTimeout(ctx, h.verifyTimeout)
	defer cancel()
	v, err := h.v.Verify(ctx, canonical)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, errors.New("resolver: verifier returned no answer")
	}
	v, keep := h.publicIssuer(ctx, v)
	if keep {
		h.cache.put(canonical, v, h.now())
	}
	return v, nil
}

// MemberSource answers a member's record; *client.Client is one. With it the
// resolver can tell whether a container's issuer is a manufacturer.
type MemberSource interface {
	GetMember(ctx context.Context, mspID string) (*model.Member, error)
}

// publicIssuer applies the public-data policy to a container's issuer,
// which the ledger's Verify names as the container's producer. A case or
// pallet may be packed by a distributor or a retailer, whose name (and so
// who handles which goods) is not for the public; a shopper needs the
// maker. So the issuer is published only when its member record says it
// is a manufacturer, and dropped when the Verifier cannot say (it is no
// MemberSource) or the lookup fails. keep is false after a failed lookup:
// that answer is not cached, so the next scan asks again.
func (h *Resolver) publicIssuer(ctx context.Context, v *model.Verification) (out *model.Verification, keep bool) {
	if v.Class != model.ClassContainer || v.Producer == nil {
		return v, true
	}
	withheld := *v
	withheld.Producer = nil
	src, ok := h.v.(MemberSource)
	if !ok {
		return &withheld, true
	}
	m, err := src.GetMember(ctx, v.Producer.MSPID)
	if errors.Is(err, client.ErrNotFound) {
		return &withheld, true
	}
	if err != nil {
		h.log.LogAttrs(ctx, slog.LevelWarn, "resolver: container issuer's role unknown, not published",
			slog.String("code", v.Code), slog.String("error", err.Error()))
		return &withheld, false
	}
	if m == nil || m.Role != model.RoleManufacturer {
		return &withheld, true
	}
	return v, true
}

// Description is the resolver description file served at
// /.well-known/gs1resolver, with the members of GS1's description file
// schema (resolverRoot and supportedPrimaryKeys are the required ones).
type Description struct {
	Name                        string       `json:"name"`
	ResolverRoot                string       `json:"resolverRoot"`
	SupportedPrimaryKeys        []string     `json:"supportedPrimaryKeys"`
	SupportedLinkType           []LinkTypeNS `json:"supportedLinkType"`
	LinkTypeDefaultCanBeLinkset bool         `json:"linkTypeDefaultCanBeLinkset"`
}

// LinkTypeNS is a link type namespace and its CURIE prefix.
type LinkTypeNS struct {
	Namespace string `json:"namespace"`
	Prefix    string `json:"prefix"`
}

func (h *Resolver) serveDescription(w http.ResponseWriter, r *http.Request) error {
	return h.writeJSON(w, r, http.StatusOK, mediaJSON, Description{
		Name:                 h.name,
		ResolverRoot:         h.domainFor(r),
		SupportedPrimaryKeys: SupportedPrimaryKeys,
		SupportedLinkType:    []LinkTypeNS{{Namespace: VocabularyNamespace, Prefix: "gs1:"}},
	})
}

func (h *Resolver) serveIndex(w http.ResponseWriter, r *http.Request) error {
	d := h.domainFor(r)
	return h.writeJSON(w, r, http.StatusOK, mediaJSON, map[string]string{
		"name":        h.name,
		"description": d + "/.well-known/gs1resolver",
		"verify":      d + "/verify?code={code}",
		"resolve":     d + "/01/{gtin}[/10/{batch}][/21/{serial}]",
	})
}

func (h *Resolver) writeJSON(w http.ResponseWriter, r *http.Request, status int, ct string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return h.incident(r, http.StatusInternalServerError, RuleInternal, "the answer could not be encoded", err)
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(append(body, '\n'))
	}
	return nil
}

// writeProblem writes an error answer: the Problem JSON, or for a person
// (wantsHTML) the page with the invalid_code verdict or a notice, under the
// same status, so that no error is a 200 in either form.
func (h *Resolver) writeProblem(w http.ResponseWriter, r *http.Request, err error) {
	var p *Problem
	if !errors.As(err, &p) {
		p = h.incident(r, http.StatusInternalServerError, RuleInternal, "internal error", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	if r.Method != http.MethodOptions && p.Status != http.StatusInternalServerError && wantsHTML(r) {
		if h.writePage(w, r, p.Status, problemView(r, h.domainFor(r), p)) == nil {
			return
		}
	}
	if err := h.writeJSON(w, r, p.Status, mediaJSON, p); err != nil {
		// Only strings and numbers: unreachable, but never an empty answer.
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only strings and link objects are marshalled
	}
	return b
}
