// Package masterdata publishes the SAMR master data that a national
// platform needs beside the events: the production units (the channel's
// members), the products registered on the ledger and the certificates
// (production licences and CCC certificates) that members hold and products
// name, as one JSON document (docs/schemas/masterdata.schema.json).
//
// It carries no buyer data: sales' buyer data lives only in the sellers'
// private collections and is never read here.
package masterdata

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epcisapi"
)

// SchemaVersion is the version of the document's layout.
const SchemaVersion = "1.0"

// MaxProducts bounds the products of one document; beyond it the document
// says truncated.
const MaxProducts = 10000

// DefaultTTL is how long a built document is served again.
const DefaultTTL = time.Minute

// Ledger is what the document is read from; *client.Client satisfies it.
type Ledger interface {
	Members(ctx context.Context) iter.Seq2[model.Member, error]
	GetProduct(ctx context.Context, gtin string) (*model.Product, error)
}

// Events is the chaincode event stream the catalogue of products follows;
// *client.Client satisfies it.
type Events interface {
	Events(ctx context.Context, opts client.EventOptions) iter.Seq2[client.Event, error]
}

// Catalogue is the set of registered GTINs, learnt from the ledger's
// ProductRegistered events (the chaincode has no product listing).
type Catalogue struct {
	mu    sync.Mutex
	gtins map[string]bool
	block uint64
	seen  bool
}

// NewCatalogue returns an empty catalogue.
func NewCatalogue() *Catalogue { return &Catalogue{gtins: map[string]bool{}} }

// Add records a registered GTIN seen in block.
func (c *Catalogue) Add(gtin string, block uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gtins[gtin] = true
	c.block, c.seen = max(c.block, block), true
}

// GTINs returns the registered GTINs in order, and the block of the last
// registration seen (ok false while none was seen).
func (c *Catalogue) GTINs() (gtins []string, block uint64, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for g := range c.gtins {
		gtins = append(gtins, g)
	}
	sort.Strings(gtins)
	return gtins, c.block, c.seen
}

// Follow reads the ProductRegistered events from block 0 into the
// catalogue until ctx ends or the stream fails. A restart reads them again
// from block 0: the catalogue is in memory.
func (c *Catalogue) Follow(ctx context.Context, ev Events) error {
	zero := uint64(0)
	for e, err := range ev.Events(ctx, client.EventOptions{StartBlock: &zero, Types: []string{model.EventProductRegistered}}) {
		if err != nil {
			return err
		}
		if e.GTIN != "" {
			c.Add(e.GTIN, e.BlockNumber)
		}
	}
	return ctx.Err()
}

// Document is the master-data document.
type Document struct {
	SchemaVersion     string           `json:"schemaVersion"`
	GeneratedAt       string           `json:"generatedAt"`
	ProductsAsOfBlock *uint64          `json:"productsAsOfBlock,omitempty"`
	Truncated         bool             `json:"truncated"`
	ProductionUnits   []ProductionUnit `json:"productionUnits"`
	Products          []Product        `json:"products"`
	Certificates      []Certificate    `json:"certificates"`
}

// ProductionUnit is a member of the channel, as registered by the Regulator.
type ProductionUnit struct {
	MSPID              string   `json:"mspId"`
	Role               string   `json:"role"`
	Name               string   `json:"name"`
	USCC               string   `json:"uscc,omitempty"`
	Address            string   `json:"address,omitempty"`
	Contact            string   `json:"contact,omitempty"`
	BusinessLicence    string   `json:"businessLicence,omitempty"`
	Region             string   `json:"region,omitempty"`
	CompanyPrefixes    []string `json:"companyPrefixes"`
	ProductionLicences []string `json:"productionLicences"`
	CCCCertificates    []string `json:"cccCertificates"`
	EcodeNumberSystems []string `json:"ecodeNumberSystems"`
	PartyGLN           string   `json:"partyGln,omitempty"`
	LocationGLNs       []string `json:"locationGlns"`
	Suspended          bool     `json:"suspended"`
	RegisteredAt       string   `json:"registeredAt,omitempty"`
	UpdatedAt          string   `json:"updatedAt,omitempty"`
}

// Product is a registered product in its latest version.
type Product struct {
	GTIN                   string   `json:"gtin"`
	Name                   string   `json:"name"`
	Type                   string   `json:"type"`
	Specification          string   `json:"specification,omitempty"`
	Standards              []string `json:"standards"`
	Licence                string   `json:"licence"`
	WarrantyMonths         int      `json:"warrantyMonths,omitempty"`
	InspectionReportURI    string   `json:"inspectionReportUri,omitempty"`
	InspectionReportSHA256 string   `json:"inspectionReportSha256,omitempty"`
	Manufacturer           string   `json:"manufacturer"`
	ManufacturerUSCC       string   `json:"manufacturerUscc,omitempty"`
	Version                int      `json:"version"`
	RegisteredAt           string   `json:"registeredAt"`
	UpdatedAt              string   `json:"updatedAt"`
	// SAMRComplete: a licence or certificate, at least one standard, and an
	// inspection report.
	SAMRComplete bool `json:"samrComplete"`
}

// Certificate is a production licence or CCC certificate a member holds,
// with the products that name it.
type Certificate struct {
	Type        string   `json:"type"` // production_licence or ccc
	Number      string   `json:"number"`
	HolderMSPID string   `json:"holderMspId"`
	HolderUSCC  string   `json:"holderUscc,omitempty"`
	Products    []string `json:"products"`
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Build reads the document from the ledger: every member, and every
// catalogued product (at most MaxProducts).
func Build(ctx context.Context, l Ledger, cat *Catalogue, now time.Time) (*Document, error) {
	doc := &Document{SchemaVersion: SchemaVersion, GeneratedAt: stamp(now), ProductionUnits: []ProductionUnit{},
		Products: []Product{}, Certificates: []Certificate{}}
	uscc := map[string]string{}
	var members []model.Member
	for m, err := range l.Members(ctx) {
		if err != nil {
			return nil, err
		}
		members = append(members, m)
		uscc[m.MSPID] = m.USCC
		doc.ProductionUnits = append(doc.ProductionUnits, ProductionUnit{MSPID: m.MSPID, Role: string(m.Role), Name: m.Name, USCC: m.USCC,
			Address: m.Address, Contact: m.Contact, BusinessLicence: m.BusinessLicence, Region: m.Region,
			CompanyPrefixes: list(m.CompanyPrefixes), ProductionLicences: list(m.ProductionLicences), CCCCertificates: list(m.CCCCertificates),
			EcodeNumberSystems: list(m.EcodeNumberSystems), PartyGLN: m.PartyGLN, LocationGLNs: list(m.LocationGLNs),
			Suspended: m.Suspended, RegisteredAt: stamp(m.RegisteredAt), UpdatedAt: stamp(m.UpdatedAt)})
	}
	gtins, block, ok := cat.GTINs()
	if ok {
		doc.ProductsAsOfBlock = &block
	}
	if len(gtins) > MaxProducts {
		gtins, doc.Truncated = gtins[:MaxProducts], true
	}
	byLicence := map[string][]string{}
	for _, g := range gtins {
		p, err := l.GetProduct(ctx, g)
		if errors.Is(err, client.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		doc.Products = append(doc.Products, Product{GTIN: p.GTIN, Name: p.Name, Type: p.Type, Specification: p.Specification,
			Standards: list(p.Standards), Licence: p.Licence, WarrantyMonths: p.WarrantyMonths, InspectionReportURI: p.InspectionReportURI,
			InspectionReportSHA256: p.InspectionReportSHA256, Manufacturer: p.Manufacturer, ManufacturerUSCC: uscc[p.Manufacturer],
			Version: p.Version, RegisteredAt: stamp(p.RegisteredAt), UpdatedAt: stamp(p.UpdatedAt),
			SAMRComplete: p.Licence != "" && len(p.Standards) > 0 && p.InspectionReportURI != ""})
		byLicence[p.Licence] = append(byLicence[p.Licence], p.GTIN)
	}
	for _, m := range members {
		for _, c := range []struct {
			typ     string
			numbers []string
		}{{"production_licence", m.ProductionLicences}, {"ccc", m.CCCCertificates}} {
			for _, n := range c.numbers {
				doc.Certificates = append(doc.Certificates, Certificate{Type: c.typ, Number: n, HolderMSPID: m.MSPID, HolderUSCC: m.USCC,
					Products: list(slices.Clone(byLicence[n]))})
			}
		}
	}
	return doc, nil
}

// Publisher serves the document at GET /masterdata, built at most once per
// TTL.
type Publisher struct {
	ledger Ledger
	cat    *Catalogue
	now    func() time.Time
	ttl    time.Duration
	log    *slog.Logger

	mu    sync.Mutex // one build at a time
	body  []byte
	built time.Time
}

// NewPublisher returns the publisher of the document read from l and cat.
func NewPublisher(l Ledger, cat *Catalogue, log *slog.Logger) *Publisher {
	return &Publisher{ledger: l, cat: cat, now: time.Now, ttl: DefaultTTL, log: log}
}

// ServeHTTP answers GET and HEAD /masterdata with the document.
func (p *Publisher) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		epcisapi.WriteProblem(w, r, epcisapi.Problem{Type: "about:blank", Title: epcisapi.MethodNotAllowedTitle,
			Status: http.StatusMethodNotAllowed, Detail: r.Method + " is not served on " + r.URL.Path})
		return
	}
	body, err := p.document(r.Context())
	if err != nil {
		epcisapi.WriteIncident(w, r, p.log, epcisapi.Problem{Type: epcisapi.ImplementationException, Title: "Internal error",
			Status: http.StatusInternalServerError}, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body) //nolint:gosec // G705: JSON written by encoding/json, served as application/json
	}
}

func (p *Publisher) document(ctx context.Context) ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	if p.body != nil && now.Sub(p.built) < p.ttl {
		return p.body, nil
	}
	doc, err := Build(ctx, p.ledger, p.cat, now)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	p.body, p.built = b, now
	return b, nil
}
