package client

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gateway "github.com/hyperledger/fabric-gateway/pkg/client"
	gatewaypb "github.com/hyperledger/fabric-protos-go-apiv2/gateway"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tracechain/tracechain/chaincode/model"
)

// Sentinel errors for the chaincode's refusals, one per model.Code. A
// *ChaincodeError matches the sentinel of its code with errors.Is:
//
//	if errors.Is(err, client.ErrNotHolder) { ... }
var (
	ErrNotFound        = errors.New("tracechain: not found")
	ErrNotHolder       = errors.New("tracechain: caller does not hold the item")
	ErrForbidden       = errors.New("tracechain: forbidden for the caller's role")
	ErrNotMember       = errors.New("tracechain: caller is not a registered member")
	ErrInvalidCode     = errors.New("tracechain: invalid traceability code")
	ErrInvalidArgument = errors.New("tracechain: invalid argument")
	ErrDuplicate       = errors.New("tracechain: already exists")
	ErrBadState        = errors.New("tracechain: state does not allow this")
	ErrRecalled        = errors.New("tracechain: under recall")
	ErrAlreadySold     = errors.New("tracechain: already sold")
	ErrLimit           = errors.New("tracechain: limit used up")
	ErrInternal        = errors.New("tracechain: internal chaincode error")
)

// Sentinel errors for failures outside the chaincode.
var (
	// ErrUnavailable: the peer, the gateway's endorsers or the orderers could
	// not be reached (gRPC Unavailable).
	ErrUnavailable = errors.New("tracechain: network unavailable")
	// ErrTimeout: a deadline expired (gRPC DeadlineExceeded).
	ErrTimeout = errors.New("tracechain: timed out")
	// ErrCommitFailed: the transaction was ordered but the peers marked it
	// invalid, so it changed nothing. See *CommitError.
	ErrCommitFailed = errors.New("tracechain: transaction failed to commit")
	// ErrOutcomeUnknown: the transaction was (or may have been) sent to the
	// orderer but whether it committed is not known. It must not be blindly
	// resubmitted. See *OutcomeUnknownError.
	ErrOutcomeUnknown = errors.New("tracechain: transaction outcome unknown")
	// ErrAnchorMismatch: a capture committed, but the eventIDs the ledger
	// anchored (their digest in the result) are not the ones the SDK
	// computes for the document it sent, as when chaincode and SDK hash
	// events by different versions of the rules. The transaction stands;
	// read its block for what it anchored.
	ErrAnchorMismatch = errors.New("tracechain: the ledger anchored other eventIDs than the document's")
)

var codeSentinels = map[model.Code]error{
	model.CodeNotFound:        ErrNotFound,
	model.CodeNotHolder:       ErrNotHolder,
	model.CodeForbidden:       ErrForbidden,
	model.CodeNotMember:       ErrNotMember,
	model.CodeInvalidCode:     ErrInvalidCode,
	model.CodeInvalidArgument: ErrInvalidArgument,
	model.CodeDuplicate:       ErrDuplicate,
	model.CodeBadState:        ErrBadState,
	model.CodeRecalled:        ErrRecalled,
	model.CodeAlreadySold:     ErrAlreadySold,
	model.CodeLimit:           ErrLimit,
	model.CodeInternal:        ErrInternal,
}

// ChaincodeError is a refusal by the tracechain chaincode: a model.Error
// recovered from the gateway's error details, with the transaction ID of the
// proposal and the underlying fabric-gateway error (which carries the gRPC
// status). errors.Is matches the sentinel of its Code (ErrNotFound, ...) and
// a *model.Error with the same Code. Nothing was written.
type ChaincodeError struct {
	Code    model.Code
	Message string
	Subject string // offending code, MSP ID, GTIN or recall ID, when known
	TxID    string // proposal's transaction ID, when known
	MSPID   string // organisation whose peer refused, when the gateway says
	Err     error  // the fabric-gateway error
}

// Error renders the chaincode's error text.
func (e *ChaincodeError) Error() string {
	return (&model.Error{Code: e.Code, Message: e.Message, Subject: e.Subject}).Error()
}

// Unwrap returns the fabric-gateway error.
func (e *ChaincodeError) Unwrap() error { return e.Err }

// Is matches the sentinel of e.Code and *model.Error values with the same Code.
func (e *ChaincodeError) Is(target error) bool {
	if s, ok := codeSentinels[e.Code]; ok && s == target {
		return true
	}
	var me *model.Error
	if errors.As(target, &me) && me != nil {
		return me.Code == e.Code
	}
	return false
}

// TransportError is a failure talking to the network that the chaincode did
// not cause: an unreachable peer, a timeout, a rejected request. Op is the
// step that failed: "evaluate", "endorse", "submit", "commit status" or
// "events". errors.Is matches ErrUnavailable for gRPC Unavailable, ErrTimeout
// for DeadlineExceeded and context.Canceled for Canceled.
type TransportError struct {
	Op   string
	TxID string
	Code codes.Code
	Err  error
}

func (e *TransportError) Error() string {
	var b strings.Builder
	b.WriteString("tracechain: ")
	b.WriteString(e.Op)
	if e.TxID != "" {
		b.WriteString(" of transaction ")
		b.WriteString(e.TxID)
	}
	b.WriteString(" failed (")
	b.WriteString(e.Code.String())
	b.WriteString("): ")
	b.WriteString(firstLine(statusMessage(e.Err)))
	return b.String()
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }

// Is matches ErrUnavailable, ErrTimeout or context.Canceled by gRPC code.
func (e *TransportError) Is(target error) bool {
	switch e.Code {
	case codes.Unavailable:
		return target == ErrUnavailable
	case codes.DeadlineExceeded:
		return target == ErrTimeout
	case codes.Canceled:
		return target == context.Canceled
	}
	return false
}

// CommitError reports a transaction that was ordered into a block but marked
// invalid by the peers, so none of its writes took effect: e.g.
// MVCC_READ_CONFLICT (another transaction changed what it read; retried
// automatically) or ENDORSEMENT_POLICY_FAILURE. errors.Is matches
// ErrCommitFailed.
type CommitError struct {
	TxID           string
	ValidationCode peer.TxValidationCode
	BlockNumber    uint64
}

func (e *CommitError) Error() string {
	return fmt.Sprintf("tracechain: transaction %s failed to commit in block %d: %s", e.TxID, e.BlockNumber, e.ValidationCode)
}

// Is matches ErrCommitFailed.
func (e *CommitError) Is(target error) bool { return target == ErrCommitFailed }

// OutcomeUnknownError reports a transaction that was sent (or may have been
// sent) to the orderer, but whose commit status could not be obtained. It
// may still commit. Do not resubmit the same request blindly: look at the
// ledger first (GetItem, Trace) or ask again for TxID's status.
// errors.Is matches ErrOutcomeUnknown and, through Err, ErrTimeout or
// ErrUnavailable.
type OutcomeUnknownError struct {
	TxID string
	Err  error
}

func (e *OutcomeUnknownError) Error() string {
	return fmt.Sprintf("tracechain: transaction %s was sent but its outcome is unknown (check the ledger before retrying): %v", e.TxID, e.Err)
}

// Unwrap returns the cause.
func (e *OutcomeUnknownError) Unwrap() error { return e.Err }

// Is matches ErrOutcomeUnknown.
func (e *OutcomeUnknownError) Is(target error) bool { return target == ErrOutcomeUnknown }

// mapError turns an error of a gateway step into the SDK's error types: a
// *ChaincodeError when the chaincode's model.Error can be found in the
// gRPC status details or message, otherwise a *TransportError for gRPC
// status errors. Other errors (e.g. building the proposal) are wrapped.
// DecodeError turns an error that fabric-gateway itself returned into the SDK's typed errors,
// for code that calls fabric-gateway directly beside the SDK: a chaincode refusal becomes a
// *ChaincodeError (errors.Is matches ErrNotFound, ErrForbidden, ...), a gRPC failure a
// *TransportError. Nil stays nil.
func DecodeError(err error) error { return mapError("call", "", err) }

func mapError(op, txID string, err error) error {
	if err == nil {
		return nil
	}
	if txID == "" {
		txID = gatewayTxID(err)
	}
	if skew := findClockSkew(op, txID, err); skew != nil {
		return skew
	}
	if me, msp := findChaincodeError(err); me != nil {
		return &ChaincodeError{Code: me.Code, Message: me.Message, Subject: me.Subject, TxID: txID, MSPID: msp, Err: err}
	}
	if isGRPCStatus(err) {
		return &TransportError{Op: op, TxID: txID, Code: status.Code(err), Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &TransportError{Op: op, TxID: txID, Code: codes.DeadlineExceeded, Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return &TransportError{Op: op, TxID: txID, Code: codes.Canceled, Err: err}
	}
	return fmt.Errorf("tracechain: %s: %w", op, err)
}

// isGRPCStatus reports whether err carries a gRPC status.
func isGRPCStatus(err error) bool {
	var s interface{ GRPCStatus() *status.Status }
	return errors.As(err, &s)
}

// gatewayTxID extracts the transaction ID fabric-gateway attaches to its
// endorse, submit and commit status errors.
func gatewayTxID(err error) string {
	var te *gateway.TransactionError
	if errors.As(err, &te) {
		return te.TransactionID
	}
	var ce *gateway.CommitError
	if errors.As(err, &ce) {
		return ce.TransactionID
	}
	return ""
}

// findChaincodeError looks for a rendered model.Error in the per-peer
// ErrorDetail messages first (where the gateway puts "chaincode response
// 500, tracechain/...", with the MSP ID of the refusing peer) and then in the
// status message and error text.
func findChaincodeError(err error) (*model.Error, string) {
	if st, ok := status.FromError(err); ok {
		for _, d := range st.Details() {
			if ed, ok := d.(*gatewaypb.ErrorDetail); ok {
				if me, ok := model.ParseError(ed.GetMessage()); ok {
					return me, ed.GetMspId()
				}
			}
		}
		if me, ok := model.ParseError(st.Message()); ok {
			return me, ""
		}
	}
	if me, ok := model.ParseError(err.Error()); ok {
		return me, ""
	}
	return nil, ""
}

// statusMessage is the gRPC status message (with the first per-peer detail)
// or the error text.
func statusMessage(err error) string {
	if err == nil {
		return ""
	}
	st, ok := status.FromError(err)
	if !ok {
		return err.Error()
	}
	msg := st.Message()
	for _, d := range st.Details() {
		if ed, ok := d.(*gatewaypb.ErrorDetail); ok && ed.GetMessage() != "" {
			return msg + ": " + ed.GetMspId() + ": " + ed.GetMessage()
		}
	}
	return msg
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
