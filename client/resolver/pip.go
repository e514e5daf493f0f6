package resolver

import (
	"context"
	"errors"
	"log/slog"
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
	info, err := h.productInfo(r.Context(), src, c.GTIN)
	switch {
	case errors.Is(err, client.ErrNotFound):
		return problem(http.StatusNotFound, RuleUnsupportedKey, "no product is registered under this GTIN")
	case err != nil:
		return h.incident(r, http.StatusServiceUnavailable, RuleLedgerUnavailable, "the ledger could not be reached; try again", err)
	}
	if wantsHTML(r) {
		a := &Answer{Code: "https://id.gs1.org/01/" + info.GTIN, Product: info.Product, Producer: info.Producer, CheckedAt: h.now().UTC()}
		v := answerView(r, h.domainFor(r), a)
		v.Verdict, v.Title, v.Action = "", v.T("section.product"), ""
		return h.writePage(w, r, http.StatusOK, v)
	}
	return h.writeJSON(w, r, http.StatusOK, mediaJSON, info)
}

// productInfo is the product page of gtin, through the product cache: a
// page costs two ledger reads (product and producer), and anyone may ask
// for it as often as the rate limit allows. Follow keeps the cache true
// (ProductUpdated and MemberUpdated empty it, as they do the verdicts). An
// unknown GTIN is not cached (a product registered later shows at once;
// ProductRegistered is not followed), nor a page whose producer could not
// be read, so the next request asks again.
func (h *Resolver) productInfo(ctx context.Context, src ProductSource, gtin string) (*ProductInfo, error) {
	if info, ok := h.products.get(gtin, h.now()); ok {
		return info, nil
	}
	ctx, cancel := context.WithTimeout(ctx, h.verifyTimeout)
	defer cancel()
	p, err := src.GetProduct(ctx, gtin)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, errors.New("resolver: product source returned no product")
	}
	info := &ProductInfo{GTIN: p.GTIN, Product: publicProduct(p)}
	m, err := src.GetMember(ctx, p.Manufacturer)
	switch {
	case err == nil && m != nil:
		// The member record, not a party copy: it always says whether
		// the Regulator suspended the maker.
		info.Producer = &PublicParty{Name: m.Name, USCC: m.USCC, Suspended: m.Suspended}
	case err != nil && !errors.Is(err, client.ErrNotFound):
		h.log.LogAttrs(ctx, slog.LevelWarn, "resolver: product page without its producer",
			slog.String("gtin", gtin), slog.String("error", err.Error()))
		return info, nil
	}
	h.products.put(gtin, info, h.now())
	return info, nil
}

// publicProduct is what may be published of a product.
func publicProduct(p *model.Product) *PublicProduct {
	return &PublicProduct{
		GTIN: p.GTIN, Name: p.Name, Type: p.Type, Specification: p.Specification,
		Standards: p.Standards, Licence: p.Licence, WarrantyMonths: p.WarrantyMonths,
		InspectionReportURI: p.InspectionReportURI, InspectionReportSHA256: p.InspectionReportSHA256,
	}
}
