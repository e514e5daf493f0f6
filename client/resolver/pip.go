package resolver

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// ProductSource answers a product's master data; a Verifier that also is one
// (as *client.Client is) serves the product information pages, the gs1:pip
// links of every product.
type ProductSource interface {
	GetProduct(ctx context.Context, gtin string) (*model.Product, error)
	GetMember(ctx context.Context, mspID string) (*model.Member, error)
}

// ProductInfo is the answer of a product information page: the product's
// public master data and its producer.
type ProductInfo struct {
	GTIN     string         `json:"gtin"`
	Product  *PublicProduct `json:"product"`
	Producer *PublicParty   `json:"producer,omitempty"`
}

// servePIP answers /pip/{Digital Link path}: the product of the link's GTIN,
// as a page for people or JSON. It needs no item: a product page is about
// the product class, whatever serial the QR code carried.
func (h *Resolver) servePIP(w http.ResponseWriter, r *http.Request) error {
	varyOnNegotiation(w)
	src, ok := h.v.(ProductSource)
	if !ok {
		return problem(http.StatusNotFound, RuleUnsupportedKey, "this resolver serves no product information pages")
	}
	raw := gs1Base + strings.TrimPrefix(r.URL.EscapedPath(), "/pip")
	dl, err := identifier.ParseDigitalLinkURI(strings.TrimSuffix(raw, "/"))
	if err != nil {
		return badCode(err, nil)
	}
	c, err := identifier.Parse(dl.CanonicalURI())
	if err != nil || c.GTIN == "" {
		return problem(http.StatusNotFound, RuleUnsupportedKey, "a product information page needs a GTIN")
	}
	p, err := src.GetProduct(r.Context(), c.GTIN)
	switch {
	case errors.Is(err, client.ErrNotFound):
		return problem(http.StatusNotFound, RuleUnsupportedKey, "no product is registered under this GTIN")
	case err != nil:
		return h.incident(r, http.StatusServiceUnavailable, RuleLedgerUnavailable, "the ledger could not be reached; try again", err)
	}
	info := ProductInfo{GTIN: p.GTIN, Product: publicProduct(p)}
	if m, err := src.GetMember(r.Context(), p.Manufacturer); err == nil && m != nil {
		info.Producer = &PublicParty{Name: m.Name, USCC: m.USCC}
	}
	if wantsHTML(r) {
		a := &Answer{Code: "https://id.gs1.org/01/" + p.GTIN, Product: info.Product, Producer: info.Producer, CheckedAt: h.now().UTC()}
		v := answerView(r, h.domainFor(r), a)
		v.Verdict, v.Title, v.Action = "", v.T("section.product"), ""
		return h.writePage(w, r, http.StatusOK, v)
	}
	return h.writeJSON(w, r, http.StatusOK, mediaJSON, info)
}

// publicProduct is what may be published of a product.
func publicProduct(p *model.Product) *PublicProduct {
	return &PublicProduct{
		GTIN: p.GTIN, Name: p.Name, Type: p.Type, Specification: p.Specification,
		Standards: p.Standards, Licence: p.Licence, WarrantyMonths: p.WarrantyMonths,
		InspectionReportURI: p.InspectionReportURI, InspectionReportSHA256: p.InspectionReportSHA256,
	}
}
