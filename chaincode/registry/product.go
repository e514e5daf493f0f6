package registry

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/chaincode/state"
)

// MaxWarrantyMonths bounds Product.WarrantyMonths (50 years).
const MaxWarrantyMonths = 600

// RegisterProduct registers a product of the calling manufacturer. The GTIN
// must carry one of the manufacturer's GS1 company prefixes and the licence
// must be one of its production licences or CCC certificates.
func (r *Registry) RegisterProduct(req model.ProductRequest) (*model.Product, error) {
	m, err := r.Require("register products", model.RoleManufacturer)
	if err != nil {
		return nil, err
	}
	p, err := productFromRequest(m, req)
	if err != nil {
		return nil, err
	}
	if !OwnsKey(m, p.GTIN) {
		return nil, model.SubjectErrorf(model.CodeForbidden, p.GTIN, "GTIN %s is not under a GS1 company prefix of %s", p.GTIN, m.MSPID)
	}
	existing, err := r.Product(p.GTIN)
	if err != nil {
		return nil, err
	}
	if existing != nil {
		return nil, model.SubjectErrorf(model.CodeDuplicate, p.GTIN, "product %s is already registered", p.GTIN)
	}
	now := r.store.TxTime()
	p.Manufacturer, p.Version, p.RegisteredAt, p.UpdatedAt, p.TxID = m.MSPID, 1, now, now, r.store.TxID()
	if err := r.putProduct(p); err != nil {
		return nil, err
	}
	e := r.event(model.EventProductRegistered)
	e.GTIN, e.Version = p.GTIN, p.Version
	return p, r.emit(e)
}

// UpdateProduct replaces the details of a product of the calling
// manufacturer and keeps the previous version in the product's history.
func (r *Registry) UpdateProduct(req model.ProductRequest) (*model.Product, error) {
	m, err := r.Require("update products", model.RoleManufacturer)
	if err != nil {
		return nil, err
	}
	p, err := productFromRequest(m, req)
	if err != nil {
		return nil, err
	}
	existing, err := r.RequireProduct(p.GTIN)
	if err != nil {
		return nil, err
	}
	if existing.Manufacturer != m.MSPID {
		return nil, model.SubjectErrorf(model.CodeForbidden, p.GTIN, "product %s belongs to %s", p.GTIN, existing.Manufacturer)
	}
	p.Manufacturer, p.Version, p.RegisteredAt = m.MSPID, existing.Version+1, existing.RegisteredAt
	p.UpdatedAt, p.TxID = r.store.TxTime(), r.store.TxID()
	if err := r.putProduct(p); err != nil {
		return nil, err
	}
	e := r.event(model.EventProductUpdated)
	e.GTIN, e.Version = p.GTIN, p.Version
	return p, r.emit(e)
}

// GetProduct returns the current version of a product to any member.
func (r *Registry) GetProduct(gtin string) (*model.Product, error) {
	if _, err := r.Caller(); err != nil {
		return nil, err
	}
	g, err := normalizeGTIN(gtin)
	if err != nil {
		return nil, err
	}
	return r.RequireProduct(g)
}

// ProductHistory returns one page of the versions of a product, oldest
// first: a product updated many times cannot make one read unbounded.
func (r *Registry) ProductHistory(gtin string, pageSize int32, bookmark string) (*model.ProductHistory, error) {
	if _, err := r.Caller(); err != nil {
		return nil, err
	}
	g, err := normalizeGTIN(gtin)
	if err != nil {
		return nil, err
	}
	page, err := r.store.ScanPage(productVersionKey, []string{g}, model.PageSize(pageSize), bookmark)
	if err != nil {
		return nil, model.Errorf(model.CodeInvalidArgument, "reading the product history: %v", err)
	}
	h := &model.ProductHistory{GTIN: g, Bookmark: page.Bookmark}
	for _, kv := range page.Entries {
		var p model.Product
		if err := jsonRecord(kv, &p); err != nil {
			return nil, err
		}
		h.Versions = append(h.Versions, p)
	}
	if len(h.Versions) == 0 && bookmark == "" {
		return nil, model.SubjectErrorf(model.CodeNotFound, g, "product %s is not registered", g)
	}
	return h, nil
}

// Product returns the current version of a product by GTIN-14, or nil.
func (r *Registry) Product(gtin14 string) (*model.Product, error) {
	if p, ok := r.products[gtin14]; ok {
		return p, nil
	}
	key, err := r.store.CreateKey(productKey, gtin14)
	if err != nil {
		return nil, err
	}
	var p model.Product
	found, err := state.GetJSON(r.store, key, &p)
	if err != nil {
		return nil, err
	}
	var out *model.Product
	if found {
		out = &p
	}
	r.products[gtin14] = out
	return out, nil
}

// RequireProduct is Product with NOT_FOUND for an unregistered GTIN.
func (r *Registry) RequireProduct(gtin14 string) (*model.Product, error) {
	p, err := r.Product(gtin14)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, model.SubjectErrorf(model.CodeNotFound, gtin14, "product %s is not registered", gtin14)
	}
	return p, nil
}

func (r *Registry) putProduct(p *model.Product) error {
	key, err := r.store.CreateKey(productKey, p.GTIN)
	if err != nil {
		return err
	}
	vkey, err := r.store.CreateKey(productVersionKey, p.GTIN, fmt.Sprintf("%08d", p.Version))
	if err != nil {
		return err
	}
	r.products[p.GTIN] = p
	if err := state.PutJSON(r.store, key, p); err != nil {
		return err
	}
	return state.PutJSON(r.store, vkey, p)
}

// normalizeGTIN turns any GTIN length into GTIN-14, or INVALID_CODE.
func normalizeGTIN(gtin string) (string, error) {
	g, err := identifier.NormalizeGTIN(strings.TrimSpace(gtin))
	if err != nil {
		return "", model.SubjectErrorf(model.CodeInvalidCode, gtin, "invalid GTIN: %v", err)
	}
	return g, nil
}

// NormalizeGTIN is normalizeGTIN for the lifecycle package.
func NormalizeGTIN(gtin string) (string, error) { return normalizeGTIN(gtin) }

// OwnsKey reports whether a GS1 key (GTIN-14, SSCC or GLN) was issued under
// one of m's company prefixes. Prefixes are registered exclusively and never
// overlap, so such a key belongs to m and to no other member.
func OwnsKey(m *model.Member, key string) bool {
	for _, p := range m.CompanyPrefixes {
		if identifier.HasCompanyPrefix(key, p) {
			return true
		}
	}
	return false
}

func productFromRequest(m *model.Member, req model.ProductRequest) (*model.Product, error) {
	g, err := normalizeGTIN(req.GTIN)
	if err != nil {
		return nil, err
	}
	p := &model.Product{GTIN: g, WarrantyMonths: req.WarrantyMonths}
	if p.Name, err = Text("name", req.Name, 200, true); err != nil {
		return nil, err
	}
	if p.Type, err = Text("type", req.Type, 100, true); err != nil {
		return nil, err
	}
	if p.Specification, err = Text("specification", req.Specification, 200, false); err != nil {
		return nil, err
	}
	if p.Standards, err = TextList("standards", req.Standards, 50, 100); err != nil {
		return nil, err
	}
	if p.Licence, err = Text("licence", req.Licence, 64, true); err != nil {
		return nil, err
	}
	if !slices.Contains(m.ProductionLicences, p.Licence) && !slices.Contains(m.CCCCertificates, p.Licence) {
		return nil, model.SubjectErrorf(model.CodeForbidden, p.Licence,
			"licence %s is not a production licence or CCC certificate of %s", p.Licence, m.MSPID)
	}
	if p.WarrantyMonths < 0 || p.WarrantyMonths > MaxWarrantyMonths {
		return nil, model.Errorf(model.CodeInvalidArgument, "warrantyMonths must be between 0 and %d", MaxWarrantyMonths)
	}
	if p.InspectionReportURI, p.InspectionReportSHA256, err = inspectionReport(req.InspectionReportURI, req.InspectionReportSHA256); err != nil {
		return nil, err
	}
	return p, nil
}

// inspectionReport checks the report URI and its digest, which come as a pair.
func inspectionReport(uri, digest string) (string, string, error) {
	uri, digest = strings.TrimSpace(uri), strings.ToLower(strings.TrimSpace(digest))
	if uri == "" && digest == "" {
		return "", "", nil
	}
	if uri == "" || digest == "" {
		return "", "", model.Errorf(model.CodeInvalidArgument, "inspectionReportUri and inspectionReportSha256 go together")
	}
	u, err := url.Parse(uri)
	if err != nil || !u.IsAbs() || len(uri) > 1024 || strings.ContainsAny(uri, " \t\r\n") {
		return "", "", model.Errorf(model.CodeInvalidArgument, "inspectionReportUri must be an absolute URI of at most 1024 characters")
	}
	if b, err := hex.DecodeString(digest); err != nil || len(b) != 32 {
		return "", "", model.Errorf(model.CodeInvalidArgument, "inspectionReportSha256 must be 64 hex digits")
	}
	return uri, digest, nil
}
