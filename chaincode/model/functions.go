package model

// Contract names. The tracechain contract is the chaincode's default, so its
// functions can be invoked without the "tracechain:" prefix.
const (
	ContractTracechain = "tracechain"
	ContractBench      = "bench"
)

// Transaction function names of the tracechain contract.
const (
	FnRegisterMember    = "RegisterMember"
	FnUpdateMember      = "UpdateMember"
	FnGetMember         = "GetMember"
	FnListMembers       = "ListMembers"
	FnRegisterProduct   = "RegisterProduct"
	FnUpdateProduct     = "UpdateProduct"
	FnGetProduct        = "GetProduct"
	FnProductHistory    = "ProductHistory"
	FnCommission        = "Commission"
	FnCommissionLot     = "CommissionLot"
	FnSplitLot          = "SplitLot"
	FnPack              = "Pack"
	FnUnpack            = "Unpack"
	FnShip              = "Ship"
	FnReceive           = "Receive"
	FnReject            = "Reject"
	FnRecordSale        = "RecordSale"
	FnSell              = "Sell"
	FnGetSale           = "GetSale"
	FnPurgeSale         = "PurgeSale"
	FnRecall            = "Recall"
	FnGetRecall         = "GetRecall"
	FnRecallReport      = "RecallReport"
	FnAcknowledgeRecall = "AcknowledgeRecall"
	FnListRecallAcks    = "ListRecallAcks"
	FnCloseRecall       = "CloseRecall"
	FnDecommission      = "Decommission"
	FnCaptureEvents     = "CaptureEvents"
	FnVerify            = "Verify"
	FnTrace             = "Trace"
	FnGetItem           = "GetItem"
	FnCheckCommission   = "CheckCommission"
	FnGetContents       = "GetContents"
	FnListAlerts        = "ListAlerts"
	FnDecideAlert       = "DecideAlert"
	FnFileSignal        = "FileSignal"
	FnInitLedger        = "InitLedger"
	FnGetNetwork        = "GetNetwork"
)

// EvaluateFunctions lists the read-only functions of the tracechain contract;
// clients evaluate them instead of submitting.
var EvaluateFunctions = []string{
	FnGetMember, FnListMembers, FnGetProduct, FnProductHistory, FnGetSale,
	FnGetRecall, FnRecallReport, FnListRecallAcks, FnVerify, FnTrace, FnGetItem, FnCheckCommission, FnGetContents, FnListAlerts, FnGetNetwork,
}
