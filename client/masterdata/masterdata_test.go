package masterdata

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xeipuuv/gojsonschema"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// fakeLedger holds members and products, and counts product reads.
type fakeLedger struct {
	members  []model.Member
	products map[string]model.Product
	reads    int
}

func (f *fakeLedger) Members(context.Context) iter.Seq2[model.Member, error] {
	return func(yield func(model.Member, error) bool) {
		for _, m := range f.members {
			if !yield(m, nil) {
				return
			}
		}
	}
}

func (f *fakeLedger) GetProduct(_ context.Context, gtin string) (*model.Product, error) {
	f.reads++
	p, ok := f.products[gtin]
	if !ok {
		return nil, client.ErrNotFound
	}
	return &p, nil
}

var at = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

func ledger() *fakeLedger {
	return &fakeLedger{
		members: []model.Member{
			{MSPID: "ManufacturerAMSP", Role: model.RoleManufacturer, Name: "浙江示例电缆有限公司", USCC: "91330100MA2B3C4D5E",
				Address: "杭州", Contact: "0571-00000000", CompanyPrefixes: []string{"6901234"}, ProductionLicences: []string{"XK06-001-00001"},
				CCCCertificates: []string{"2026010105000001"}, PartyGLN: "6901234000003", LocationGLNs: []string{"6901234000010"},
				Region: "330000", RegisteredAt: at, UpdatedAt: at},
			{MSPID: "RetailerMSP", Role: model.RoleRetailer, Name: "Retailer", RegisteredAt: at},
			{MSPID: "RegulatorMSP", Role: model.RoleRegulator, Name: "SAMR"},
		},
		products: map[string]model.Product{
			"06901234000019": {GTIN: "06901234000019", Name: "BV 2.5 mm² cable", Type: "electric wire and cable", Standards: []string{"GB/T 5023.3"},
				Licence: "XK06-001-00001", InspectionReportURI: "https://example.com/report.pdf", Manufacturer: "ManufacturerAMSP",
				Version: 2, RegisteredAt: at, UpdatedAt: at},
			"06901234000026": {GTIN: "06901234000026", Name: "Gas cooker", Type: "gas appliance", Licence: "2026010105000001",
				Manufacturer: "ManufacturerAMSP", Version: 1, RegisteredAt: at, UpdatedAt: at},
		},
	}
}

func validate(t *testing.T, body []byte) {
	t.Helper()
	abs, err := filepath.Abs("../../docs/schemas/masterdata.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	res, err := gojsonschema.Validate(gojsonschema.NewReferenceLoader("file://"+abs), gojsonschema.NewBytesLoader(body))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Valid() {
		t.Fatalf("the document does not validate: %v\n%s", res.Errors(), body)
	}
}

// TestDocumentValidatesAgainstItsSchema builds the document from a fake
// ledger, served as traced serves it, and validates it against
// docs/schemas/masterdata.schema.json; its content is checked, and a
// product registered twice or unknown is listed once or not at all.
func TestDocumentValidatesAgainstItsSchema(t *testing.T) {
	l := ledger()
	cat := NewCatalogue()
	cat.Add("06901234000019", 5)
	cat.Add("06901234000026", 7)
	cat.Add("06901234000019", 9) // registered again (an update is ProductUpdated, but a replay is harmless)
	cat.Add("06901234000033", 8) // not found: left out
	p := NewPublisher(l, cat, nil)
	p.now = func() time.Time { return at }
	w := httptest.NewRecorder()
	p.ServeHTTP(w, httptest.NewRequest("GET", "/masterdata", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	validate(t, w.Body.Bytes())
	var doc Document
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.ProductionUnits) != 3 || len(doc.Products) != 2 || *doc.ProductsAsOfBlock != 9 || doc.Truncated {
		t.Fatalf("document: %+v", doc)
	}
	if !doc.Products[0].SAMRComplete || doc.Products[1].SAMRComplete || doc.Products[0].ManufacturerUSCC != "91330100MA2B3C4D5E" {
		t.Fatalf("products: %+v", doc.Products)
	}
	want := []Certificate{
		{Type: "production_licence", Number: "XK06-001-00001", HolderMSPID: "ManufacturerAMSP", HolderUSCC: "91330100MA2B3C4D5E", Products: []string{"06901234000019"}},
		{Type: "ccc", Number: "2026010105000001", HolderMSPID: "ManufacturerAMSP", HolderUSCC: "91330100MA2B3C4D5E", Products: []string{"06901234000026"}},
	}
	got, _ := json.Marshal(doc.Certificates)
	wantB, _ := json.Marshal(want)
	if string(got) != string(wantB) {
		t.Fatalf("certificates: %s, want %s", got, wantB)
	}
	if strings.Contains(w.Body.String(), "buyer") {
		t.Fatal("buyer data in the document")
	}
	// Served again within the TTL without reading the ledger.
	reads := l.reads
	p.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/masterdata", nil))
	if l.reads != reads {
		t.Fatal("the document was built again within its TTL")
	}
	p.now = func() time.Time { return at.Add(DefaultTTL) }
	p.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/masterdata", nil))
	if l.reads == reads {
		t.Fatal("the document was not built again after its TTL")
	}
	w = httptest.NewRecorder()
	p.ServeHTTP(w, httptest.NewRequest("POST", "/masterdata", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", w.Code)
	}
}

// TestEmptyDocumentValidates: a channel with no products yet.
func TestEmptyDocumentValidates(t *testing.T) {
	doc, err := Build(context.Background(), &fakeLedger{}, NewCatalogue(), at)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	validate(t, b)
}

// TestCatalogueFollowsProductRegistrations reads registrations from block 0.
func TestCatalogueFollowsProductRegistrations(t *testing.T) {
	src := eventsFunc(func(_ context.Context, opts client.EventOptions) iter.Seq2[client.Event, error] {
		if opts.StartBlock == nil || *opts.StartBlock != 0 || len(opts.Types) != 1 || opts.Types[0] != model.EventProductRegistered {
			t.Errorf("options: %+v", opts)
		}
		return func(yield func(client.Event, error) bool) {
			for i, g := range []string{"06901234000019", "06901234000026"} {
				if !yield(client.Event{Event: model.Event{Type: model.EventProductRegistered, GTIN: g}, BlockNumber: uint64(3 + i)}, nil) {
					return
				}
			}
		}
	})
	cat := NewCatalogue()
	if err := cat.Follow(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	g, b, ok := cat.GTINs()
	if !ok || b != 4 || strings.Join(g, ",") != "06901234000019,06901234000026" {
		t.Fatalf("%v %d %v", g, b, ok)
	}
}

type eventsFunc func(context.Context, client.EventOptions) iter.Seq2[client.Event, error]

func (f eventsFunc) Events(ctx context.Context, o client.EventOptions) iter.Seq2[client.Event, error] {
	return f(ctx, o)
}
