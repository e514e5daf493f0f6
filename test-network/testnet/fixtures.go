package testnet

import (
	"context"
	cryptorand "crypto/rand"
	"errors"
	"fmt"
	"math/big"

	"github.com/tracechain/tracechain/chaincode/identifier"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// The consortium's master data, the same for every suite, so that suites can share one
// network in any order. Registrations are exclusive: no two members share (or extend) a
// company prefix, a production licence, a CCC certificate or an Ecode number system. The
// Distributor and the Retailer have prefixes of their own because a new case or pallet code
// must be under the packer's own prefix.
var (
	PrefixA, PrefixB, PrefixD, PrefixR = "6901234", "6909876", "6907001", "6908002"
	LicenceA, LicenceB                 = "XK06-014-00123", "XK06-014-00456"
	CCCA, CCCB                         = "2024010101000001", "2024010101000002"
	EcodeNSIA, EcodeNSIB               = "10001", "19876" // Ecode number systems: version digit + NSI
)

// MemberRequest is the registration of one of the consortium's peer organisations other than
// the Regulator (which is a member without registration).
func MemberRequest(org string) model.MemberRequest {
	req := model.MemberRequest{MSPID: MSPID(org)}
	switch org {
	case ManufacturerA:
		req.Role, req.Name, req.USCC = model.RoleManufacturer, "浙江甲方电缆有限公司", USCC("91330106MA2CX0001")
		req.Address, req.Contact, req.BusinessLicence = "杭州市西湖区文三路1号", "质量部 0571-88000001", "330106000000001"
		req.CompanyPrefixes, req.ProductionLicences = []string{PrefixA}, []string{LicenceA}
		req.CCCCertificates, req.EcodeNumberSystems = []string{CCCA}, []string{EcodeNSIA}
	case ManufacturerB:
		req.Role, req.Name, req.USCC = model.RoleManufacturer, "江苏乙方燃气具有限公司", USCC("91320100MA1NX0002")
		req.CompanyPrefixes, req.ProductionLicences = []string{PrefixB}, []string{LicenceB}
		req.CCCCertificates, req.EcodeNumberSystems = []string{CCCB}, []string{EcodeNSIB}
	case Distributor:
		req.Role, req.Name, req.USCC = model.RoleDistributor, "华东物流配送有限公司", USCC("91310115MA1HX0003")
		req.CompanyPrefixes = []string{PrefixD}
	case Retailer:
		req.Role, req.Name, req.USCC = model.RoleRetailer, "城南五金建材商店", USCC("92110105MA0AX0004")
		req.CompanyPrefixes, req.Region = []string{PrefixR}, RetailerRegion
	default:
		panic("testnet: no member registration for " + org)
	}
	return req
}

// RetailerRegion is the consortium Retailer's region (Chaoyang, Beijing), as network.sh
// knows it (REGION_Retailer in network/consortium.env): the provincial regulator of Beijing
// would read its sales, and no other.
const RetailerRegion = "110105"

// Registered lists the organisations that MemberRequest registers, in that order.
func Registered() []string { return []string{ManufacturerA, ManufacturerB, Distributor, Retailer} }

// RegisterMembers registers every organisation's MemberRequest through regulatorAdmin, and
// brings a member up to date where a shared network already has it (perhaps with the details
// of an older run).
func RegisterMembers(ctx context.Context, regulatorAdmin *client.Client) error {
	for _, org := range Registered() {
		req := MemberRequest(org)
		_, err := regulatorAdmin.RegisterMember(ctx, req)
		if errors.Is(err, client.ErrDuplicate) {
			_, err = regulatorAdmin.UpdateMember(ctx, req)
		}
		if err != nil {
			return fmt.Errorf("register %s: %w", req.MSPID, err)
		}
	}
	return nil
}

// ProductRequest is a registrable product of gtin under licence.
func ProductRequest(gtin, licence, spec string) model.ProductRequest {
	return model.ProductRequest{
		GTIN: gtin, Name: "聚氯乙烯绝缘电缆 BV", Type: "electric wire and cable", Specification: spec,
		Standards: []string{"GB/T 5023.3-2008"}, Licence: licence, WarrantyMonths: 24,
		InspectionReportURI:    "https://reports.example.cn/" + gtin + ".pdf",
		InspectionReportSHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	}
}

// WithCheckDigit appends the GS1 check digit to digits.
func WithCheckDigit(digits string) string {
	c, err := identifier.CheckDigit(digits)
	if err != nil {
		panic(fmt.Sprintf("testnet: check digit of %q: %v", digits, err))
	}
	return digits + string(c)
}

// USCC completes the first 17 characters of a unified social credit code with its check
// character.
func USCC(first17 string) string {
	c, err := identifier.USCCCheckChar(first17)
	if err != nil {
		panic(fmt.Sprintf("testnet: USCC check character of %q: %v", first17, err))
	}
	return first17 + string(c)
}

// RandDigits returns n random decimal digits: codes unique across runs on a shared network.
func RandDigits(n int) string {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
	v, err := cryptorand.Int(cryptorand.Reader, limit)
	if err != nil {
		panic(err)
	}
	return fmt.Sprintf("%0*d", n, v)
}

// NewGTIN returns a fresh GTIN-14 under a company prefix.
func NewGTIN(prefix string) string {
	return "0" + WithCheckDigit(prefix+RandDigits(12-len(prefix)))
}

// NewSSCC returns a fresh SSCC element string, (00) and 18 digits, under a company prefix.
func NewSSCC(prefix string) string {
	return "(00)" + WithCheckDigit("0"+prefix+RandDigits(16-len(prefix)))
}
