package recovery_test

import (
	"bytes"
	"errors"
	"log"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/mock/gomock"

	"github.com/tracechain/tracechain/chaincode/contract/recovery"
	"github.com/tracechain/tracechain/chaincode/internal/mocks"
	"github.com/tracechain/tracechain/chaincode/model"
)

// panicking is a chaincode whose Invoke indexes past the end of its
// arguments, the shape of a parser bug, and whose Init panics with an error.
type panicking struct{}

func (panicking) Init(shim.ChaincodeStubInterface) *peer.Response {
	panic(errors.New("init exploded"))
}

func (panicking) Invoke(stub shim.ChaincodeStubInterface) *peer.Response {
	_, args := stub.GetFunctionAndParameters()
	return shim.Success([]byte(args[len(args)]))
}

func stub(t *testing.T, fn string, args ...string) *mocks.MockChaincodeStubInterface {
	s := mocks.NewMockChaincodeStubInterface(gomock.NewController(t))
	s.EXPECT().GetFunctionAndParameters().Return(fn, args).AnyTimes()
	s.EXPECT().GetTxID().Return("tx-7").AnyTimes()
	return s
}

func TestPanicIsAnInternalRefusalNamingTheFunction(t *testing.T) {
	var logged bytes.Buffer
	cc := &recovery.Chaincode{CC: panicking{}, Log: log.New(&logged, "", 0)}

	resp := cc.Invoke(stub(t, "bench:Panic", "a", "b"))
	require.Equal(t, int32(shim.ERROR), resp.Status)
	e, ok := model.ParseError(resp.Message)
	require.True(t, ok, resp.Message)
	assert.Equal(t, model.CodeInternal, e.Code)
	assert.Equal(t, "bench:Panic", e.Subject, "the transaction function, as the proposal names it")
	assert.Contains(t, e.Message, "bench:Panic")
	assert.NotContains(t, resp.Message, "index out of range", "the cause is for the server's log, not the client")

	assert.Contains(t, logged.String(), `"bench:Panic"`)
	assert.Contains(t, logged.String(), "tx-7")
	assert.Contains(t, logged.String(), "index out of range [2] with length 2", "the panic value")
	assert.Contains(t, logged.String(), "recovery_test.panicking.Invoke", "the stack")

	logged.Reset()
	resp = cc.Init(stub(t, "InitLedger"))
	e, ok = model.ParseError(resp.Message)
	require.True(t, ok, resp.Message)
	assert.Equal(t, model.CodeInternal, e.Code)
	assert.Equal(t, "InitLedger", e.Subject)
	assert.Contains(t, logged.String(), "init exploded")
}

func TestNoPanicPassesTheResponseThrough(t *testing.T) {
	want := shim.Success([]byte("ok"))
	called := false
	got := recovery.Run(stub(t, "Get"), log.New(&bytes.Buffer{}, "", 0), func() *peer.Response { called = true; return want })
	assert.True(t, called)
	assert.Same(t, want, got)
}

// TestTheGuardCannotPanic: a function name that is not UTF-8 or is very
// long still gives a refusal that marshals, and a stub that panics itself
// is survived too.
func TestTheGuardCannotPanic(t *testing.T) {
	quiet := log.New(&bytes.Buffer{}, "", 0)
	boom := func() *peer.Response { panic("boom") }

	long := string([]byte{0xff}) + string(bytes.Repeat([]byte("名"), 200))
	resp := recovery.Run(stub(t, long), quiet, boom)
	e, ok := model.ParseError(resp.Message)
	require.True(t, ok, resp.Message)
	assert.LessOrEqual(t, len(e.Subject), 128+len("…"))
	assert.True(t, bytes.HasPrefix([]byte(e.Subject), []byte("\uFFFD名")))

	broken := mocks.NewMockChaincodeStubInterface(gomock.NewController(t))
	broken.EXPECT().GetFunctionAndParameters().DoAndReturn(func() (string, []string) { panic("stub") }).AnyTimes()
	broken.EXPECT().GetTxID().DoAndReturn(func() string { panic("stub") }).AnyTimes()
	resp = recovery.Run(broken, quiet, boom)
	e, ok = model.ParseError(resp.Message)
	require.True(t, ok, resp.Message)
	assert.Equal(t, model.CodeInternal, e.Code)

	resp = recovery.Run(nil, quiet, boom)
	assert.Equal(t, int32(shim.ERROR), resp.Status)
}
