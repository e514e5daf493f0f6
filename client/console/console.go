package console

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/eventindex"
	"github.com/tracechain/tracechain/client/masterdata"
	"github.com/tracechain/tracechain/client/resolver"
)

// Ledger is what the console reads from the ledger; *client.Client
// satisfies it.
type Ledger interface {
	masterdata.Ledger
	AlertsPage(ctx context.Context, pageSize int32, bookmark string) (*model.AlertPage, error)
	GetRecall(ctx context.Context, recallID string) (*model.Recall, error)
	RecallReach(ctx context.Context, recallID string) (*client.RecallReach, error)
	TracePage(ctx context.Context, code string, pageSize int32, bookmark string) (*model.TracePage, error)
	GetItem(ctx context.Context, code string) (*model.ItemStatus, error)
}

// Decider submits the Regulator's decisions on reports, as its
// administrator; *client.Client satisfies it.
type Decider interface {
	DecideAlert(ctx context.Context, req model.DecideAlertRequest) (*model.Alert, error)
}

// Index is the Regulator's own EPCIS event index; *eventindex.Store
// satisfies it.
type Index interface {
	Query(ctx context.Context, q eventindex.Query) (eventindex.Page, error)
}

// Console is the regulator's console, an http.Handler to mount under its
// base path (StripPrefix is not needed: it routes on the full path).
type Console struct {
	ledger  Ledger
	index   Index
	decider Decider
	cat     *masterdata.Catalogue
	base    string // e.g. /console/
	log     *slog.Logger
	now     func() time.Time
	csrfKey []byte
	org     string // the organisation's name, shown in the header

	statsMu sync.Mutex // one computation of the statistics at a time
	mu      sync.Mutex // guards the cached master data and statistics
	doc     *masterdata.Document
	docAt   time.Time
	stats   *statistics
	statsAt time.Time
	mux     *http.ServeMux
}

// Option configures a Console.
type Option func(*Console)

// WithDecider lets admin staff decide reports through d (the
// organisation's administrator identity). Without it the queue is read
// only.
func WithDecider(d Decider) Option { return func(c *Console) { c.decider = d } }

// WithCatalogue gives the catalogue of registered products that the
// statistics read master data of (traced keeps it from block 0).
func WithCatalogue(cat *masterdata.Catalogue) Option { return func(c *Console) { c.cat = cat } }

// WithBasePath serves the console under p (default /console/).
func WithBasePath(p string) Option {
	return func(c *Console) { c.base = "/" + strings.Trim(p, "/") + "/" }
}

// WithLogger logs every action and every internal failure to log.
func WithLogger(log *slog.Logger) Option { return func(c *Console) { c.log = log } }

// WithClock replaces time.Now (tests).
func WithClock(now func() time.Time) Option { return func(c *Console) { c.now = now } }

// WithOrganisation names the organisation in the header.
func WithOrganisation(name string) Option { return func(c *Console) { c.org = name } }

// New returns the console over l and idx.
func New(l Ledger, idx Index, opts ...Option) *Console {
	c := &Console{ledger: l, index: idx, base: "/console/", log: slog.New(slog.DiscardHandler), now: time.Now,
		cat: masterdata.NewCatalogue()}
	for _, o := range opts {
		o(c)
	}
	c.csrfKey = make([]byte, 32)
	_, _ = rand.Read(c.csrfKey)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+c.base+"{$}", c.page(c.recalls))
	mux.HandleFunc("GET "+c.base+"queue", c.page(c.queue))
	mux.HandleFunc("POST "+c.base+"queue/decide", c.decide)
	mux.HandleFunc("GET "+c.base+"stats", c.page(c.statsPage))
	mux.HandleFunc("GET "+c.base+"search", c.page(c.search))
	mux.HandleFunc("GET "+c.base+"chart/{name}", c.chart)
	mux.HandleFunc("GET "+c.base+"console.css", c.css)
	c.mux = mux
	return c
}

// BasePath is the path the console is served under.
func (c *Console) BasePath() string { return c.base }

// ServeHTTP serves a staff member; a request without a verified staff
// certificate gets 403 and nothing else.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, err := staffOf(r); err != nil {
		c.log.Warn("console: refused", "path", r.URL.Path, "err", err)
		http.Error(w, "403 forbidden: a staff certificate of this organisation is required", http.StatusForbidden)
		return
	}
	setSecurityHeaders(w.Header())
	c.mux.ServeHTTP(w, r)
}

// csp allows the console's own style sheet and charts, and forms posting
// back to it; no script, nothing from elsewhere.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	// same-origin, not no-referrer: under no-referrer a browser sends
	// "Origin: null" with the decide form, which checkSameSite refuses.
	// Nothing leaves the origin either way: the pages link nowhere else.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
}

//go:embed templates/*.html templates/console.css
var assets embed.FS

var (
	templates = template.Must(template.New("").Funcs(template.FuncMap{
		"stamp": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04 UTC")
		},
		// short is the first 12 characters of a transaction-derived ID, as
		// tracectl shows them; the full ID is in the link and its title.
		"short": func(id string) string {
			if len(id) <= 16 {
				return id
			}
			return id[:12] + "…"
		},
		"pct": func(n, of int) string {
			if of == 0 {
				return "–"
			}
			return strconv.Itoa(n*100/of) + "%"
		},
	}).ParseFS(assets, "templates/*.html"))
	cssBody = mustRead("templates/console.css")
)

func mustRead(name string) []byte {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

func (c *Console) css(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=3600")
	_, _ = w.Write(cssBody)
}

// view is what every page renders: the frame (language, navigation, staff
// member) and the page's own data.
type view struct {
	Lang, HTMLLang string
	msgs           map[string]string
	Base           string
	Org            string
	Staff          Staff
	CanDecide      bool
	Token          string
	Nav            string // the current page: recalls, queue, stats, search
	LangLinks      []langLink
	Notice         string
	Data           any
}

type langLink struct {
	Label, Href string
	Current     bool
}

// T is the catalog text of key in the page's language.
func (v *view) T(key string) string {
	if s, ok := v.msgs[key]; ok {
		return s
	}
	return key
}

// Reason is an alert's reason in the page's language; a reason the catalog
// does not know (one added to the chaincode after the console, such as a
// new kind of signal) shows as it is.
func (v *view) Reason(r string) string {
	if s, ok := v.msgs["reason."+r]; ok {
		return s
	}
	return r
}

// handlerFunc fills a page's view; an error is answered as a notice page.
type handlerFunc func(r *http.Request, v *view) (tmpl string, err error)

// page wraps a page's handler with the frame and the rendering.
func (c *Console) page(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, _ := staffOf(r) // ServeHTTP checked it
		v := c.newView(r, s)
		tmpl, err := h(r, v)
		status := http.StatusOK
		if err != nil {
			status, tmpl = c.failure(r, v, s, err)
		}
		c.render(w, r, status, tmpl, v)
	}
}

func (c *Console) newView(r *http.Request, s Staff) *view {
	lang := resolver.PageLanguage(r)
	v := &view{Lang: lang, HTMLLang: "zh-CN", msgs: messages[lang], Base: c.base, Org: c.org, Staff: s,
		CanDecide: s.Admin && c.decider != nil, Token: c.csrfToken(s)}
	if lang == "en" {
		v.HTMLLang = "en"
	}
	q := r.URL.Query()
	for _, l := range []string{"zh", "en"} {
		q.Set("lang", l)
		v.LangLinks = append(v.LangLinks, langLink{Label: v.T("lang." + l), Href: "?" + q.Encode(), Current: l == lang})
	}
	return v
}

// failure turns a handler's error into the notice page's status; a ledger
// failure is logged under a reference the page gives.
func (c *Console) failure(r *http.Request, v *view, s Staff, err error) (int, string) {
	var bad *InputError
	switch {
	case errors.As(err, &bad):
		v.Notice = v.T("notice.input") + " " + bad.Msg
		return http.StatusBadRequest, "notice"
	case errors.Is(err, client.ErrNotFound):
		v.Notice = v.T("notice.notfound")
		return http.StatusNotFound, "notice"
	}
	ref := reference()
	c.log.Error("console: failure", "ref", ref, "staff", s.Name, "path", r.URL.Path, "err", err)
	v.Notice = v.T("notice.failure") + " " + ref
	return http.StatusInternalServerError, "notice"
}

// reference is a short random reference to quote to the operator.
func reference() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 12)
	for _, x := range b {
		out = append(out, hex[x>>4], hex[x&15])
	}
	return string(out)
}

// render executes the page into a buffer first, so a template failure is
// still a clean 500.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, tmpl string, v *view) {
	var buf bytes.Buffer
	if err := templates.ExecuteTemplate(&buf, tmpl+".html", v); err != nil {
		c.log.Error("console: template", "template", tmpl, "err", err)
		http.Error(w, "500 internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", v.HTMLLang)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes()) //nolint:gosec // G705: html/template escapes the ledger's data
	}
}
