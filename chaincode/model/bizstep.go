package model

// BizStep is the business step of an event, taken from the GS1 CBV 2.0
// business step vocabulary.
type BizStep string

// Business steps.
const (
	BizStepCommissioning   BizStep = "commissioning"   // a unit, lot or container identity comes into being
	BizStepPicking         BizStep = "picking"         // a quantity is taken from a lot or lot part as a new part
	BizStepPacking         BizStep = "packing"         // children are aggregated into a container
	BizStepUnpacking       BizStep = "unpacking"       // children are taken out of a container
	BizStepShipping        BizStep = "shipping"        // the holder sends goods to another member
	BizStepReceiving       BizStep = "receiving"       // the destination takes goods in; it becomes the holder
	BizStepVoidShipping    BizStep = "void_shipping"   // the destination rejects goods; they are back with the sender
	BizStepRetailSelling   BizStep = "retail_selling"  // a retailer sells a unit (or a refused resale attempt)
	BizStepDecommissioning BizStep = "decommissioning" // the holder records destruction, theft or damage
)

// A recall has no business step: CBV 2.0 defines none. Its events carry the
// disposition DispositionRecalled instead.
