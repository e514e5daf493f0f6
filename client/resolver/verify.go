package resolver

import (
	"net/http"
	"net/url"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
)

type answerKind int

const (
	answerVerify answerKind = iota
	answerRecall
	answerCertification
)

// RecallAnswer is the answer of /recall: whether the code is under recall.
type RecallAnswer struct {
	Code     string        `json:"code"`
	Recalled bool          `json:"recalled"`
	Recall   *RecallNotice `json:"recall,omitempty"`
	Verdict  model.Verdict `json:"verdict"`
}

// CertificationAnswer is the answer of /certification: the product's
// licence or CCC certificate, its standards and its type inspection report.
type CertificationAnswer struct {
	Code                   string       `json:"code"`
	GTIN                   string       `json:"gtin,omitempty"`
	Licence                string       `json:"licence,omitempty"`
	Standards              []string     `json:"standards,omitempty"`
	InspectionReportURI    string       `json:"inspectionReportUri,omitempty"`
	InspectionReportSHA256 string       `json:"inspectionReportSha256,omitempty"`
	Producer               *PublicParty `json:"producer,omitempty"`
}

// serveAnswer answers /verify, /recall and /certification. The code is
// parsed here first: an invalid code is a 400 without a ledger query, and
// the ledger is asked for the canonical code, so every form of one code
// shares a cache entry. /verify answers a person (wantsHTML) with the
// verification page instead of the JSON Answer, and without a code with
// the page's form.
func (h *Resolver) serveAnswer(w http.ResponseWriter, r *http.Request, kind answerKind) error {
	q := r.URL.Query()
	code := q.Get("code")
	if code == "" && kind == answerVerify && wantsHTML(r) {
		// The clerk's entry point: the form, with no verdict yet.
		return h.writePage(w, r, http.StatusOK, newPageView(r, h.domainFor(r), ""))
	}
	if code == "" {
		return problem(http.StatusBadRequest, RuleMissingCode, "the code parameter is required, e.g. /verify?code=https://id.gs1.org/01/09506000134352/21/1")
	}
	c, err := identifier.Parse(code)
	if err != nil {
		return badCode(err, nil)
	}
	s, p := scannedWithQuery(c, q)
	if p != nil {
		return p
	}
	v, err := h.verify(r.Context(), c.Canonical)
	if err != nil {
		// The cause (peer address, TLS, chaincode text) is not for the public.
		return h.incident(r, http.StatusServiceUnavailable, RuleLedgerUnavailable, "the ledger could not be reached; try again", err)
	}
	if v.Verdict == model.VerdictInvalidCode {
		// The chaincode runs the same parser; this only happens if the
		// two disagree, and it is still the client's code that failed.
		return problem(http.StatusBadRequest, string(identifier.RuleSyntax), v.Detail)
	}
	if kind == answerVerify && h.scans != nil {
		h.scans.Observe(v, c.GTIN)
	}
	a := publicAnswer(v, s, h.now())
	a.Input = code
	w.Header().Set("Cache-Control", "no-cache")
	switch kind {
	case answerRecall:
		return h.writeJSON(w, r, http.StatusOK, mediaJSON, RecallAnswer{Code: a.Code, Recalled: a.Recall != nil, Recall: a.Recall, Verdict: a.LedgerVerdict})
	case answerCertification:
		ca := CertificationAnswer{Code: a.Code, Producer: a.Producer}
		if p := a.Product; p != nil {
			ca.GTIN, ca.Licence, ca.Standards = p.GTIN, p.Licence, p.Standards
			ca.InspectionReportURI, ca.InspectionReportSHA256 = p.InspectionReportURI, p.InspectionReportSHA256
		}
		return h.writeJSON(w, r, http.StatusOK, mediaJSON, ca)
	}
	if wantsHTML(r) {
		return h.writePage(w, r, http.StatusOK, answerView(r, h.domainFor(r), a))
	}
	return h.writeJSON(w, r, http.StatusOK, mediaJSON, a)
}

// scannedWithQuery is what the pack states: the code's own batch and dates,
// completed by AI 10, 11 and 17 parameters next to code. Those arrive when
// the resolver redirected a Digital Link such as /01/X/21/S?17=271231 here
// and passed its query on. They are validated as Digital Link data (a bad
// date is a 400), and only apply to a GTIN-based code.
func scannedWithQuery(c identifier.Code, q url.Values) (scanned, *Problem) {
	s := scannedOf(c)
	if c.GTIN == "" {
		return s, nil
	}
	probe := "https://id.gs1.org/01/" + c.GTIN
	if b := q.Get("10"); b != "" && s.batch == "" {
		probe += "/10/" + url.PathEscape(b)
	}
	sep := "?"
	for _, ai := range []string{"11", "17"} {
		if v := q.Get(ai); v != "" {
			probe += sep + ai + "=" + url.QueryEscape(v)
			sep = "&"
		}
	}
	if probe == "https://id.gs1.org/01/"+c.GTIN {
		return s, nil
	}
	pc, err := identifier.ParseDigitalLink(probe)
	if err != nil {
		p := badCode(err, func(int) int { return -1 })
		p.Err = "query data attribute: " + p.Err
		return s, p
	}
	if s.batch == "" {
		s.batch = pc.Batch
	}
	if s.expiry == "" {
		s.expiry = pc.ExpiryDate
	}
	if s.production == "" {
		s.production = pc.ProductionDate
	}
	return s, nil
}
