package contract_test

import (
	"bytes"
	"fmt"
	"log"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/tracechain/tracechain/chaincode/internal/mocks"
	"github.com/tracechain/tracechain/chaincode/model"
)

// captureSim is a peerSim with a manufacturer and its product registered.
func captureSim(t *testing.T) *peerSim {
	p := newPeerSim(t)
	p.ok(admin(regulator), model.FnRegisterMember, nil, model.MemberRequest{MSPID: makerA, Role: model.RoleManufacturer, Name: "A",
		USCC: uscc("91350100M000100Y4"), CompanyPrefixes: []string{"6901234"}, ProductionLicences: []string{"XK06-001-00001"}})
	p.ok(makerA, model.FnRegisterProduct, nil, model.ProductRequest{GTIN: gtinA, Name: "cable", Type: "cable", Licence: "XK06-001-00001"})
	return p
}

// commissioningDocument commissions unit serial of gtinA at the simulated
// transaction time, with a user extension the ledger does not model.
func (p *peerSim) commissioningDocument(serial string) []byte {
	at := p.now.Add(time.Minute).Format("2006-01-02T15:04:05.000Z") // invoke advances the clock by a minute
	return fmt.Appendf(nil, `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"example":"https://example.com/"}],`+
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":%q,"epcisBody":{"eventList":[`+
		`{"type":"ObjectEvent","eventTime":%q,"eventTimeZoneOffset":"+08:00","epcList":["https://id.gs1.org/01/%s/21/%s"],"action":"ADD","bizStep":"commissioning",`+
		`"ilmd":{"cbvmda:lotNumber":"B1"},"example:note":"operator Zhang San"}]}}`, at, at, gtinA, serial)
}

// capture invokes CaptureEvents as makerA with hash as its argument and, when
// doc is not nil, doc as transient data.
func (p *peerSim) capture(hash string, doc []byte) (int32, string, []string) {
	p.t.Helper()
	var transient map[string][]byte
	if doc != nil {
		transient = map[string][]byte{model.TransientCaptureKey: doc}
	}
	return p.invoke(makerA, model.FnCaptureEvents, transient, hash)
}

func TestCaptureTakesTheDocumentFromTheTransientMap(t *testing.T) {
	p := captureSim(t)
	doc := p.commissioningDocument("T1")
	status, body, events := p.capture(model.CaptureDigest(doc), doc)
	require.Equal(t, int32(shim.OK), status, body)
	assert.Equal(t, []string{model.EventCaptured}, events)
	assert.NotContains(t, body, "Zhang San")
	var st model.ItemStatus
	p.ok(makerA, model.FnGetItem, &st, "https://id.gs1.org/01/"+gtinA+"/21/T1")
	assert.Equal(t, makerA, st.Holder.MSPID)
}

// TestCaptureRefusesAnUnboundDocument: the argument must be the lowercase hex
// SHA-256 of the transient document, which must be there and within
// model.MaxCaptureBytes; each refusal is INVALID_ARGUMENT and writes nothing.
func TestCaptureRefusesAnUnboundDocument(t *testing.T) {
	p := captureSim(t)
	doc := p.commissioningDocument("T2")
	hash := model.CaptureDigest(doc)
	other := model.CaptureDigest(append([]byte(" "), doc...))
	oversized := append(bytes.Repeat([]byte(" "), model.MaxCaptureBytes+1-len(doc)), doc...)
	for _, c := range []struct {
		name, hash string
		doc        []byte
		subject    string
		says       string
	}{
		{"no transient document", hash, nil, model.TransientCaptureKey, "missing"},
		{"an empty transient document", model.CaptureDigest(nil), []byte{}, model.TransientCaptureKey, "missing"},
		{"another document's hash", other, doc, model.TransientCaptureKey, "not the " + other},
		{"uppercase hex", strings.ToUpper(hash), doc, "documentHash", "lowercase hex"},
		{"a short hash", hash[:63], doc, "documentHash", "lowercase hex"},
		{"not hex", strings.Repeat("g", 64), doc, "documentHash", "lowercase hex"},
		{"the document as the argument, the old way", string(doc), nil, "documentHash", "lowercase hex"},
		{"an oversized document, before its hash is checked", other, oversized, model.TransientCaptureKey, fmt.Sprintf("%d bytes", len(oversized))},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, msg, events := p.capture(c.hash, c.doc)
			require.Equal(t, int32(shim.ERROR), status)
			assert.Empty(t, events)
			e, ok := model.ParseError(msg)
			require.True(t, ok, msg)
			assert.Equal(t, model.CodeInvalidArgument, e.Code, msg)
			assert.Equal(t, c.subject, e.Subject)
			assert.Contains(t, e.Message, c.says)
			assert.NotContains(t, msg, "Zhang San", "a refusal never quotes the document")
		})
	}
	p.fails(makerA, model.FnGetItem, model.CodeNotFound, "https://id.gs1.org/01/"+gtinA+"/21/T2")

	status, body, _ := p.capture(hash, doc)
	require.Equal(t, int32(shim.OK), status, body)
}

// TestPanicInATransactionIsRefusedInternal drives the whole chaincode over a
// stub whose state read panics, as a bug in a transaction would: the
// proposal is refused INTERNAL naming its function, the panic and its stack
// are logged, and the same chaincode serves the next proposal.
func TestPanicInATransactionIsRefusedInternal(t *testing.T) {
	p := captureSim(t)
	var logged bytes.Buffer
	p.cc.LogTo(log.New(&logged, "", 0))

	ctrl := gomock.NewController(t)
	s := mocks.NewMockChaincodeStubInterface(ctrl)
	s.EXPECT().GetFunctionAndParameters().Return(model.FnVerify, []string{"https://id.gs1.org/01/" + gtinA + "/21/P1"}).AnyTimes()
	s.EXPECT().GetTxID().Return("tx-panic").AnyTimes()
	s.EXPECT().GetChannelID().Return("tracechain").AnyTimes()
	s.EXPECT().GetTxTimestamp().Return(timestamppb.New(p.now), nil).AnyTimes()
	s.EXPECT().GetCreator().Return(creator(t, makerA), nil).AnyTimes()
	s.EXPECT().GetTransient().Return(nil, nil).AnyTimes()
	s.EXPECT().CreateCompositeKey(gomock.Any(), gomock.Any()).Return("k", nil).AnyTimes()
	read := func() ([]byte, error) {
		var codes []string
		return []byte(codes[len(codes)]), nil
	}
	s.EXPECT().GetState(gomock.Any()).DoAndReturn(func(string) ([]byte, error) { return read() }).AnyTimes()
	s.EXPECT().GetMultipleStates(gomock.Any()).DoAndReturn(func(...string) ([][]byte, error) {
		_, err := read()
		return nil, err
	}).AnyTimes()

	resp := p.cc.Invoke(s)
	require.Equal(t, int32(shim.ERROR), resp.Status)
	e, ok := model.ParseError(resp.Message)
	require.True(t, ok, resp.Message)
	assert.Equal(t, model.CodeInternal, e.Code)
	assert.Equal(t, model.FnVerify, e.Subject)
	assert.Contains(t, logged.String(), "index out of range")
	assert.Contains(t, logged.String(), "tx-panic")
	assert.Contains(t, logged.String(), "runtime/debug.Stack")

	var v model.Verification
	p.ok(makerA, model.FnVerify, &v, "https://id.gs1.org/01/"+gtinA+"/21/P1")
	assert.Equal(t, model.VerdictUnknown, v.Verdict, "the chaincode serves on")
}
