package model

// Role is what a member organisation does in the supply chain; it decides
// which transactions the organisation may submit.
type Role string

// Roles.
const (
	RoleManufacturer Role = "manufacturer" // registers products, commissions, packs and ships its own goods
	RoleDistributor  Role = "distributor"  // moves goods it holds
	RoleRetailer     Role = "retailer"     // moves goods it holds and sells units to end customers
	RoleRegulator    Role = "regulator"    // registers members, recalls, reads everything; holds no goods
	// RoleProvincialRegulator watches one region (Member.Region): it reads
	// the public ledger, the clone reports and the buyer data of the sales
	// its region's retailers made, writes nothing and holds no goods.
	RoleProvincialRegulator Role = "provincial_regulator"
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	switch r {
	case RoleManufacturer, RoleDistributor, RoleRetailer, RoleRegulator, RoleProvincialRegulator:
		return true
	}
	return false
}
