package resolver

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

// pageFS holds the verification page's templates, style sheet and icons,
// embedded so that traced is one binary and the page needs no other
// request: a phone on a weak connection in a shop gets the verdict in one
// round trip, and no third party learns which code was checked.
//
//go:embed templates/verify.html templates/page.css templates/icons/*.svg
var pageFS embed.FS

var (
	pageTemplate = template.Must(template.New("verify.html").ParseFS(pageFS, "templates/verify.html"))
	pageCSS      = template.CSS(mustRead("templates/page.css")) //nolint:gosec // our own stylesheet, embedded at build time
	pageIcons    = loadIcons()
	// pageCSP allows nothing but the page's own inline style sheet (by
	// hash), inline SVG, and the form posting back to this origin: the
	// page cannot load anything from anywhere, even if a template change
	// tried to.
	pageCSP = "default-src 'none'; style-src 'sha256-" + cssHash() + "'; img-src data:; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

// mustRead reads an embedded file.
func mustRead(name string) string {
	b, err := pageFS.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time
	}
	return string(b)
}

// cssHash is the CSP hash source of the inline style sheet.
func cssHash() string {
	sum := sha256.Sum256([]byte(pageCSS))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// loadIcons maps each icon's name (its file name) to its SVG.
func loadIcons() map[string]template.HTML {
	m := map[string]template.HTML{}
	names, err := fs.Glob(pageFS, "templates/icons/*.svg")
	if err != nil {
		panic(err)
	}
	for _, n := range names {
		// Trusted: the icons are files of this package, not input.
		m[strings.TrimSuffix(path.Base(n), ".svg")] = template.HTML(strings.TrimSpace(mustRead(n))) //nolint:gosec // our own icons, embedded at build time
	}
	return m
}

// verdictLook is how a verdict is shown: a colour tone and an icon, so
// that colour is never the only signal (the words come from the catalog).
type verdictLook struct{ tone, icon string }

// verdictLooks gives each verdict its look.
var verdictLooks = map[model.Verdict]verdictLook{
	model.VerdictGenuine:        {"ok", "check"},
	model.VerdictSold:           {"sold", "tag"},
	model.VerdictRecalled:       {"bad", "warning"},
	model.VerdictSuspectedClone: {"bad", "stop"},
	model.VerdictDecommissioned: {"grey", "minus"},
	model.VerdictUnknown:        {"warn", "question"},
	model.VerdictInvalidCode:    {"warn", "exclamation"},
	VerdictMismatch:             {"bad", "copy"},
}

// identifierRules are the Problem rules that mean the code did not parse;
// a person sees those as the invalid_code verdict.
var identifierRules = map[string]bool{
	string(identifier.RuleSyntax): true, string(identifier.RuleCheckDigit): true, string(identifier.RuleLength): true,
	string(identifier.RuleCharset): true, string(identifier.RuleUnknownForm): true, string(identifier.RuleDate): true,
	string(identifier.RuleQualifierOrder): true, string(identifier.RuleAI): true, string(identifier.RuleValue): true,
}

// jsonOnlyPaths never answer HTML: their link objects promise
// application/json, and the description file is for machines.
var jsonOnlyPaths = map[string]bool{"/recall": true, "/certification": true, "/.well-known/gs1resolver": true}

// wantsHTML reports whether r is best answered with the HTML page. The
// format parameter decides when present (format=json, format=html), so a
// link can force either; otherwise the Accept header does, and HTML wins
// only when text/html is acceptable and preferred over application/json.
// A client that says nothing, or */*, gets JSON: the API was JSON first and
// scripts (curl, fetch) send */*, while every browser names text/html.
func wantsHTML(r *http.Request) bool {
	if jsonOnlyPaths[r.URL.Path] {
		return false
	}
	switch r.URL.Query().Get("format") {
	case "json":
		return false
	case "html":
		return true
	}
	htmlQ, jsonQ := acceptQ(r, "text", "html"), acceptQ(r, "application", "json")
	return htmlQ > 0 && htmlQ > jsonQ
}

// acceptQ is the quality the Accept header gives typ/sub, from its most
// specific matching range (exact, then typ/*, then */*); 0 when none
// matches.
func acceptQ(r *http.Request, typ, sub string) float64 {
	best, spec := 0.0, -1
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			mt, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			t, s, _ := strings.Cut(strings.ToLower(strings.TrimSpace(mt)), "/")
			level := -1
			switch {
			case t == typ && s == sub:
				level = 2
			case t == typ && s == "*":
				level = 1
			case t == "*" && s == "*":
				level = 0
			}
			if level < spec || level < 0 {
				continue
			}
			q := qValue(params)
			if level > spec || q > best {
				best, spec = q, level
			}
		}
	}
	return best
}

// qValue is the q parameter of an Accept or Accept-Language item, 1 when
// absent or unreadable.
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
				return f
			}
		}
	}
	return 1
}

// pageLang is the page's language: lang=zh or lang=en when given (the
// switch on the page sets it), else the first of zh and en by
// Accept-Language quality, else Chinese.
func pageLang(r *http.Request) string {
	if l := langOf(r.URL.Query().Get("lang")); l != "" {
		return l
	}
	best, bestQ := langZH, 0.0
	for _, v := range r.Header.Values("Accept-Language") {
		for _, part := range strings.Split(v, ",") {
			tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			l := langOf(tag)
			if l == "" {
				continue
			}
			if q := qValue(params); q > bestQ {
				best, bestQ = l, q
			}
		}
	}
	return best
}

// PageLanguage is the language ("zh" or "en") a page answers r in, by the
// rule of the verification page: lang=zh or lang=en when given, else the
// first of the two by Accept-Language quality, else Chinese. Other pages of
// the service (the regulator's console) speak as this one does.
func PageLanguage(r *http.Request) string { return pageLang(r) }

// langOf reduces a language tag (zh, zh-CN, zh-Hans-CN, en-GB) to a page
// language, or "" for any other.
func langOf(tag string) string {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	switch primary {
	case langZH, langEN:
		return primary
	}
	return ""
}

// pageView is what the template renders. Every visible string in it was
// looked up in messages (or is ledger data), so the template is
// language-free.
type pageView struct {
	Lang, HTMLLang string
	msgs           map[string]string
	CSS            template.CSS
	Input          string // the form's value
	FormAction     string // /verify under the resolver's base path
	LangLinks      []langLink

	// Verdict is the verdict word; "" on the form-only and notice pages.
	Verdict       string
	Tone          string
	Icon          template.HTML
	Title, Action string
	RecallLine    string // the recall ID, when there is a recall
	Warnings      []pageWarning
	Sections      []pageSection
	Reasons       []string
	Canonical     string
	ShowInput     bool // an invalid code: show what was entered, there is no canonical code
	Notice        string
	Checked       string
}

// langLink is one link of the language switch.
type langLink struct {
	Lang, Label, Href string
	Current           bool
}

// pageSection is one card of facts (product, producer, batch and dates).
type pageSection struct {
	Title string
	Facts []pageFact
}

// pageFact is a label and the ledger's value; empty values are left out.
type pageFact struct{ Label, Value string }

// pageWarning is a card the person must not miss, right below the verdict:
// the Regulator suspended an enterprise the answer names.
type pageWarning struct{ ID, Title, Body string }

// T returns the catalog text for key in the page's language; a missing key
// shows as itself, which TestMessageCatalog keeps from happening.
func (v *pageView) T(key string) string {
	if s, ok := v.msgs[key]; ok {
		return s
	}
	return key
}

// tf formats the catalog text for key with args.
func (v *pageView) tf(key string, args ...any) string { return fmt.Sprintf(v.T(key), args...) }

// newPageView starts a view in r's language with the language switch.
// base is the resolver's base URL (domainFor): the form goes to /verify
// under its path, as the default link does.
func newPageView(r *http.Request, base, input string) *pageView {
	lang := pageLang(r)
	v := &pageView{Lang: lang, HTMLLang: "zh-CN", msgs: messages[lang], CSS: pageCSS, Input: input, FormAction: "/verify"}
	if u, err := url.Parse(base); err == nil && strings.Trim(u.Path, "/") != "" {
		v.FormAction = "/" + strings.Trim(u.Path, "/") + "/verify"
	}
	if lang == langEN {
		v.HTMLLang = "en"
	}
	// The switch keeps the whole query (the code and any batch or date
	// parameters a Digital Link passed on), or the verdict could change
	// with the language.
	q := r.URL.Query()
	q.Del("format")
	for _, l := range []string{langZH, langEN} {
		q.Set("lang", l)
		// A query-only reference keeps the page's own path, whatever
		// prefix a proxy in front of the resolver added.
		v.LangLinks = append(v.LangLinks, langLink{Lang: l, Label: v.T("lang." + l), Href: "?" + q.Encode(), Current: l == lang})
	}
	return v
}

// setVerdict fills the verdict block.
func (v *pageView) setVerdict(verdict model.Verdict) {
	look, ok := verdictLooks[verdict]
	if !ok {
		// A verdict added to the chaincode before this page knows it:
		// say nothing reassuring.
		look = verdictLook{"warn", "question"}
	}
	v.Verdict, v.Tone, v.Icon = string(verdict), look.tone, pageIcons[look.icon]
	v.Title, v.Action = v.T("verdict."+string(verdict)+".title"), v.T("verdict."+string(verdict)+".action")
}

// answerView is the page for a verification answer.
func answerView(r *http.Request, base string, a *Answer) *pageView {
	v := newPageView(r, base, a.Input)
	v.setVerdict(a.Verdict)
	v.Canonical = a.Code
	if a.Recall != nil {
		v.RecallLine = v.tf("recall.id", a.Recall.ID)
		if a.Recall.Reason != "" {
			v.RecallLine += " · " + a.Recall.Reason
		}
		if a.Recall.IssuedAt != nil {
			v.RecallLine += " · " + a.Recall.IssuedAt.In(chinaTime).Format("2006-01-02")
		}
	}
	v.Checked = v.tf("page.checked", a.CheckedAt.In(chinaTime).Format("2006-01-02 15:04"))
	add := func(s *pageSection, key, value string) {
		if value != "" {
			s.Facts = append(s.Facts, pageFact{Label: v.T(key), Value: value})
		}
	}
	if p := a.Product; p != nil {
		s := pageSection{Title: v.T("section.product")}
		add(&s, "field.name", p.Name)
		add(&s, "field.type", p.Type)
		add(&s, "field.spec", p.Specification)
		add(&s, "field.standards", strings.Join(p.Standards, "; "))
		add(&s, "field.licence", p.Licence)
		v.Sections = append(v.Sections, s)
	}
	if p := a.Producer; p != nil && (p.Name != "" || p.USCC != "") {
		s := pageSection{Title: v.T("section.producer")}
		add(&s, "field.producer", v.partyName(p))
		add(&s, "field.uscc", p.USCC)
		v.Sections = append(v.Sections, s)
	}
	// A suspended enterprise gets a card of its own under the verdict: the
	// verdict is the unit's, and "genuine" alone would reassure a shopper
	// about goods of a maker the Regulator stopped, e.g. for counterfeiting.
	if p := a.Producer; p != nil && p.Suspended {
		v.Warnings = append(v.Warnings, pageWarning{ID: "suspended-producer", Title: v.T("suspended.producer.title"),
			Body: v.tf("suspended.producer.body", partyLabel(p))})
	}
	if p := a.Seller; p != nil && p.Suspended {
		v.Warnings = append(v.Warnings, pageWarning{ID: "suspended-seller", Title: v.T("suspended.seller.title"),
			Body: v.tf("suspended.seller.body", partyLabel(p))})
	}
	s := pageSection{Title: v.T("section.batch")}
	add(&s, "field.batch", a.Batch)
	add(&s, "field.production", a.ProductionDate)
	expiry := a.ExpiryDate
	for _, rs := range a.Reasons {
		if rs.Code == ReasonExpired && expiry == "" {
			expiry = rs.Scanned // only the printed date was judged
		}
	}
	if expiry != "" {
		key := "status.not_expired"
		if a.Expired {
			key = "status.expired"
		}
		add(&s, "field.expiry", v.tf(key, expiry))
	}
	if a.WarrantyActive != nil && a.WarrantyEnd != "" {
		key := "status.warranty_ended"
		if *a.WarrantyActive {
			key = "status.warranty_active"
		}
		add(&s, "field.warranty", v.tf(key, a.WarrantyEnd))
	}
	if len(s.Facts) > 0 {
		v.Sections = append(v.Sections, s)
	}
	if a.Seller != nil || a.SoldAt != nil {
		s := pageSection{Title: v.T("section.sale")}
		if a.Seller != nil {
			add(&s, "field.seller", v.partyName(a.Seller))
		}
		if a.SoldAt != nil {
			add(&s, "field.sold_at", a.SoldAt.In(chinaTime).Format("2006-01-02"))
		}
		v.Sections = append(v.Sections, s)
	}
	for _, rs := range a.Reasons {
		if rs.Code == ReasonProducerSuspended || rs.Code == ReasonSellerSuspended {
			continue // the warning card says it, louder
		}
		v.Reasons = append(v.Reasons, v.reasonText(rs))
	}
	return v
}

// partyName is a party's name as a fact, marked when it is suspended; ""
// when the ledger gave no name.
func (v *pageView) partyName(p *PublicParty) string {
	if p.Name == "" || !p.Suspended {
		return p.Name
	}
	return v.tf("status.suspended", p.Name)
}

// partyLabel names a party in a sentence: its name, else its USCC.
func partyLabel(p *PublicParty) string {
	if p.Name != "" {
		return p.Name
	}
	return p.USCC
}

// reasonText is a reason in the page's language; a reason code the
// catalog lacks falls back to the Answer's English message.
func (v *pageView) reasonText(rs Reason) string {
	f, ok := v.msgs["reason."+rs.Code]
	if !ok {
		return rs.Message
	}
	switch rs.Code {
	case ReasonBatchMismatch, ReasonExpiryMismatch, ReasonProductionDateMismatch:
		return fmt.Sprintf(f, rs.Scanned, rs.Ledger)
	case ReasonExpired:
		d := rs.Ledger
		if d == "" {
			d = rs.Scanned
		}
		return fmt.Sprintf(f, d)
	}
	return f
}

// problemView is the page for an error answer: a code that did not parse
// is the invalid_code verdict; anything else is a notice above the form.
func problemView(r *http.Request, base string, p *Problem) *pageView {
	input := r.URL.Query().Get("code")
	if r.URL.Path != "/verify" && r.URL.Path != "/" {
		// A Digital Link path that failed: offer it back whole, so the
		// person can correct it in the form.
		input = base + r.URL.RequestURI()
	}
	v := newPageView(r, base, input)
	if identifierRules[p.Rule] {
		v.setVerdict(model.VerdictInvalidCode)
		v.ShowInput = input != ""
		if s, ok := v.msgs["rule."+p.Rule]; ok {
			v.Reasons = []string{s}
		}
		return v
	}
	v.Notice = v.T("notice.other")
	if s, ok := v.msgs["notice."+p.Rule]; ok {
		v.Notice = s
	}
	if p.Ref != "" {
		// What a person can quote to the operator, who finds the cause by it.
		v.Notice += " " + v.T("notice.reference") + p.Ref
	}
	return v
}

// writePage renders v with status. The page is rendered into a buffer
// first, so a template failure is still a clean 500.
func (h *Resolver) writePage(w http.ResponseWriter, r *http.Request, status int, v *pageView) error {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, v); err != nil {
		return h.incident(r, http.StatusInternalServerError, RuleInternal, "the page could not be rendered", err)
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	hd.Set("Content-Language", v.HTMLLang)
	hd.Set("Content-Security-Policy", pageCSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	// The code in the URL is not for the sites the page links to (none
	// today) nor for anyone else.
	hd.Set("Referrer-Policy", "no-referrer")
	if hd.Get("Cache-Control") == "" {
		hd.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
	return nil
}

// varyOnNegotiation marks an answer that depends on Accept and
// Accept-Language, so shared caches keep the page and the JSON apart.
func varyOnNegotiation(w http.ResponseWriter) {
	w.Header().Add("Vary", "Accept")
	w.Header().Add("Vary", "Accept-Language")
}
