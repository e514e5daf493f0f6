package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// Master data of the benchmark. The members keep these across runs; every
// run registers a product of its own (a new GTIN), so serials and pallet
// codes derived from it never collide with an earlier run on the same
// network.
const (
	benchCompanyPrefix = "6929871" // GS1 China range 690-699
	benchLicence       = "XK06-014-98765"
	packChunk          = 2000 // children per Pack transaction when building pallets
	shipChunk          = 2000 // codes per Ship/Receive transaction when moving loose units
)

// benchMembers are the members the Regulator registers, with their roles
// and the 9-character organisation code of their USCC.
var benchMembers = []struct {
	org     string
	role    model.Role
	orgCode string
	name    string
}{
	{OrgManufacturer, model.RoleManufacturer, "BENCH0M01", "Bench Cable Works Co., Ltd."},
	{OrgDistributor, model.RoleDistributor, "BENCH0D01", "Bench Logistics Co., Ltd."},
	{OrgRetailer, model.RoleRetailer, "BENCH0R01", "Bench Hardware Store"},
}

// benchUSCC returns a valid unified social credit code for an enterprise
// registered with industry and commerce (91) in Beijing (110000).
func benchUSCC(orgCode string) (string, error) {
	first := "91110000" + orgCode
	c, err := identifier.USCCCheckChar(first)
	if err != nil {
		return "", err
	}
	return first + string(c), nil
}

// gtin13 returns the GTIN-13 of an item reference under the bench prefix.
func gtin13(itemRef int) (string, error) {
	body := fmt.Sprintf("%s%05d", benchCompanyPrefix, itemRef)
	c, err := identifier.CheckDigit(body)
	if err != nil {
		return "", err
	}
	return body + string(c), nil
}

// fixture is this run's master data and code generators.
type fixture struct {
	gtin           string // GTIN-13
	itemRef        int
	batch          string
	productionDate string
	serial         atomic.Int64
	pallet         atomic.Int64
}

// unitCode returns a new serialised unit code (canonical Digital Link).
func (f *fixture) unitCode() (string, error) {
	n := f.serial.Add(1)
	c, err := identifier.SGTIN(f.gtin, fmt.Sprintf("S%09d", n))
	if err != nil {
		return "", err
	}
	return c.Canonical, nil
}

func (f *fixture) unitCodes(n int) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		var err error
		if out[i], err = f.unitCode(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// palletCode returns a new SSCC: extension 0, the bench prefix, the run's
// item reference and a 4-digit counter.
func (f *fixture) palletCode() (string, error) {
	n := f.pallet.Add(1)
	if n > 9999 {
		return "", errors.New("more than 9999 pallets in one run")
	}
	body := fmt.Sprintf("0%s%05d%04d", benchCompanyPrefix, f.itemRef, n)
	c, err := identifier.CheckDigit(body)
	if err != nil {
		return "", err
	}
	code, err := identifier.SSCC(body + string(c))
	if err != nil {
		return "", err
	}
	return code.Canonical, nil
}

// commissionRequest is a Commission request of this run's product and batch.
func (f *fixture) commissionRequest(codes []string) model.CommissionRequest {
	return model.CommissionRequest{GTIN: f.gtin, Batch: f.batch, ProductionDate: f.productionDate, Codes: codes}
}

// setupMembers has the Regulator register the benchmark's members, or
// complete their registration (company prefix and licence) when an earlier
// run or the demo registered them.
func setupMembers(ctx context.Context, reg *client.Client, mspOf func(string) string) error {
	for _, bm := range benchMembers {
		uscc, err := benchUSCC(bm.orgCode)
		if err != nil {
			return err
		}
		msp := mspOf(bm.org)
		req := model.MemberRequest{MSPID: msp, Role: bm.role, Name: bm.name, USCC: uscc}
		if bm.role == model.RoleManufacturer {
			req.CompanyPrefixes = []string{benchCompanyPrefix}
			req.ProductionLicences = []string{benchLicence}
		}
		m, err := reg.GetMember(ctx, msp)
		switch {
		case errors.Is(err, client.ErrNotFound):
			if _, err := reg.RegisterMember(ctx, req); err != nil && !errors.Is(err, client.ErrDuplicate) {
				return fmt.Errorf("registering %s: %w", msp, err)
			}
			continue
		case err != nil:
			return fmt.Errorf("reading member %s: %w", msp, err)
		}
		if m.Role != bm.role {
			return fmt.Errorf("%s is registered as %s, the benchmark needs it as %s", msp, m.Role, bm.role)
		}
		if !m.Suspended && (bm.role != model.RoleManufacturer ||
			slices.Contains(m.CompanyPrefixes, benchCompanyPrefix) && slices.Contains(m.ProductionLicences, benchLicence)) {
			continue
		}
		upd := model.MemberRequest{MSPID: m.MSPID, Role: m.Role, Name: m.Name, USCC: m.USCC, Address: m.Address,
			Contact: m.Contact, BusinessLicence: m.BusinessLicence, CompanyPrefixes: m.CompanyPrefixes,
			ProductionLicences: m.ProductionLicences, CCCCertificates: m.CCCCertificates}
		if bm.role == model.RoleManufacturer {
			if !slices.Contains(upd.CompanyPrefixes, benchCompanyPrefix) {
				upd.CompanyPrefixes = append(upd.CompanyPrefixes, benchCompanyPrefix)
			}
			if !slices.Contains(upd.ProductionLicences, benchLicence) {
				upd.ProductionLicences = append(upd.ProductionLicences, benchLicence)
			}
		}
		if _, err := reg.UpdateMember(ctx, upd); err != nil {
			return fmt.Errorf("updating member %s: %w", msp, err)
		}
	}
	return nil
}

// setupProduct has the manufacturer register a product with a GTIN no
// earlier run used, and returns the run's fixture.
func setupProduct(ctx context.Context, mfr *client.Client, now time.Time) (*fixture, error) {
	for range 30 {
		ref := rand.IntN(100000) //nolint:gosec // a workload reference number, not a secret
		g, err := gtin13(ref)
		if err != nil {
			return nil, err
		}
		_, err = mfr.RegisterProduct(ctx, model.ProductRequest{
			GTIN: g, Name: "Bench PVC insulated cable BV 2.5 mm2", Type: "electric wire and cable",
			Specification: "450/750 V, 2.5 mm2", Standards: []string{"GB/T 5023.3-2008"},
			Licence: benchLicence, WarrantyMonths: 24,
		})
		if errors.Is(err, client.ErrDuplicate) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("registering product %s: %w", g, err)
		}
		return &fixture{
			gtin: g, itemRef: ref,
			batch:          fmt.Sprintf("B%05d-%s", ref, now.UTC().Format("060102")),
			productionDate: now.UTC().AddDate(0, 0, -1).Format("2006-01-02"),
		}, nil
	}
	return nil, errors.New("no free GTIN found under the bench company prefix after 30 tries")
}

// commissionUnits commissions n new units with the SDK's pipelined bulk
// commissioning and returns their codes.
func (s *suite) commissionUnits(ctx context.Context, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	codes, err := s.fx.unitCodes(n)
	if err != nil {
		return nil, err
	}
	mfr := s.conns[OrgManufacturer].sdk
	if _, err := mfr.CommissionBulk(ctx, s.fx.commissionRequest(codes), client.BulkOptions{ChunkSize: 1000, InFlight: 4}); err != nil {
		return nil, fmt.Errorf("commissioning %d units: %w", n, err)
	}
	return codes, nil
}

// buildPallets commissions count pallets of size units each and packs
// them (untimed preparation). It returns the pallet codes and their units.
func (s *suite) buildPallets(ctx context.Context, count, size int) ([]string, [][]string, error) {
	units, err := s.commissionUnits(ctx, count*size)
	if err != nil {
		return nil, nil, err
	}
	pallets := make([]string, count)
	contents := make([][]string, count)
	for i := range pallets {
		if pallets[i], err = s.fx.palletCode(); err != nil {
			return nil, nil, err
		}
		contents[i] = units[i*size : (i+1)*size]
	}
	mfr := s.conns[OrgManufacturer].sdk
	errs := make([]error, count)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range pallets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for start := 0; start < size; start += packChunk {
				end := min(start+packChunk, size)
				if _, err := mfr.Pack(ctx, model.PackRequest{Container: pallets[i], Children: contents[i][start:end]}); err != nil {
					errs[i] = fmt.Errorf("packing pallet %s: %w", pallets[i], err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return pallets, contents, nil
}

// move ships top-level codes from one organisation to another and has the
// destination receive them (untimed preparation).
func (s *suite) move(ctx context.Context, codes []string, from, to string) error {
	src, dst := s.conns[from], s.conns[to]
	for start := 0; start < len(codes); start += shipChunk {
		chunk := codes[start:min(start+shipChunk, len(codes))]
		if _, err := src.sdk.Ship(ctx, model.ShipRequest{To: dst.mspID, Codes: chunk}); err != nil {
			return fmt.Errorf("shipping %d codes to %s: %w", len(chunk), to, err)
		}
		// The destination's own peer must have the shipment before it
		// can endorse receiving it.
		h, err := src.height(ctx)
		if err != nil {
			return err
		}
		if err := dst.waitHeight(ctx, h, time.Minute); err != nil {
			return err
		}
		if _, err := dst.sdk.Receive(ctx, model.MoveRequest{Codes: chunk}); err != nil {
			return fmt.Errorf("receiving %d codes at %s: %w", len(chunk), to, err)
		}
	}
	return nil
}
