package testnet

import "github.com/tracechain/tracechain/chaincode/model"

// The organisations the suites that grow the network add (network.sh add-org), and their
// master data: prefixes, licences and certificates of their own, apart from the consortium's,
// so that they register on any network the consortium's members are registered on.
const (
	NewMaker       = "ManufacturerC"
	NewRetailer    = "RetailerZJ"
	NewRegulator   = "RegulatorZJ" // Zhejiang's provincial regulator: it joins, reads and endorses nothing
	ZhejiangRegion = "330000"
	BinjiangRegion = "330108" // the new retailer's district of Hangzhou, in Zhejiang
	PrefixC        = "6905551"
	LicenceC       = "XK06-014-00789"
	PrefixZ        = "6906662"
)

// NewcomerRequest is the Regulator's registration of one of the organisations the growing
// suites add (NewMaker, NewRetailer, NewRegulator), once network.sh add-org has added it.
func NewcomerRequest(org string) model.MemberRequest {
	req := model.MemberRequest{MSPID: MSPID(org)}
	switch org {
	case NewMaker:
		req.Role, req.Name, req.USCC = model.RoleManufacturer, "安徽丙方电动车有限公司", USCC("91340100MA2NX0005")
		req.CompanyPrefixes, req.ProductionLicences = []string{PrefixC}, []string{LicenceC}
	case NewRetailer:
		req.Role, req.Name, req.USCC = model.RoleRetailer, "杭州滨江电器商行", USCC("92330108MA2HX0006")
		req.CompanyPrefixes, req.Region = []string{PrefixZ}, BinjiangRegion
	case NewRegulator:
		req.Role, req.Name, req.USCC = model.RoleProvincialRegulator, "浙江省市场监督管理局", USCC("11330000MB0000007")
		req.Region = ZhejiangRegion
	default:
		panic("testnet: no newcomer registration for " + org)
	}
	return req
}
