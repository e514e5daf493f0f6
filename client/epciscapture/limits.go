package epciscapture

import "github.com/tracechain/tracechain/chaincode/model"

// Limits bound what the handler accepts and how it cuts a document into
// transactions.
type Limits struct {
	// DocumentEvents and DocumentBytes bound one POST /capture, in any
	// mode; they are advertised as GS1-EPCIS-Capture-Limit and
	// GS1-EPCIS-Capture-File-Size-Limit.
	DocumentEvents int
	DocumentBytes  int64
	// TransactionEvents, TransactionBytes and TransactionCodes bound one
	// CaptureEvents transaction. A rollback document must fit in one; a
	// proceed document is split into parts that do.
	TransactionEvents int
	TransactionBytes  int
	TransactionCodes  int
}

// DefaultLimits take a 10,000-event commissioning document in proceed mode,
// and hold each transaction to the chaincode's bounds.
var DefaultLimits = Limits{
	DocumentEvents:    10 * model.MaxCaptureEvents,
	DocumentBytes:     64 << 20,
	TransactionEvents: model.MaxCaptureEvents,
	TransactionBytes:  model.MaxCaptureBytes,
	TransactionCodes:  model.MaxCodesPerTx,
}
