package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCodeInspectWorksOffline(t *testing.T) {
	code, out, _ := runCLI(t, "code", "inspect", "https://qr.example.cn/01/06901234000016/21/CA25-000901?17=351231")
	require.Equal(t, exitOK, code)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "https://id.gs1.org/01/06901234000016/21/CA25-000901", got["canonical"])
	assert.Equal(t, "sgtin", got["kind"])
	assert.Equal(t, "gs1", got["scheme"])
	assert.Equal(t, "CA25-000901", got["serial"])
	assert.Equal(t, "2035-12-31", got["expiryDate"])
	assert.Equal(t, true, got["valid"])

	code, out, errOut := runCLI(t, "code", "inspect", "(01)06901234000017(21)X")
	assert.Equal(t, exitNotGenuine, code)
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, false, got["valid"])
	assert.Equal(t, "check digit", got["rule"])
	assert.EqualValues(t, 17, got["offset"])
	assert.Contains(t, errOut, "expected 6, got 7")
}

func TestCodeInspectDecompresses(t *testing.T) {
	// GS1's compression example, partially compressed after the key.
	code, out, _ := runCLI(t, "code", "inspect", "https://example.com/01/09780345418913/IWMAEI")
	require.Equal(t, exitOK, code)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "https://example.com/01/09780345418913/21/ABC", got["uncompressed"])
	assert.Equal(t, "https://id.gs1.org/01/09780345418913/21/ABC", got["canonical"])

	code, out, _ = runCLI(t, "code", "inspect", "https://id.gs1.org/ARHKVA")
	assert.Equal(t, exitNotGenuine, code)
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "compression", got["rule"])

	_, out, _ = runCLI(t, "code", "inspect", "https://id.gs1.org/01/09780345418913")
	assert.NotContains(t, out, "uncompressed", "only a compressed link has an uncompressed form")
}

func TestUsageErrorsExitWith2(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	for _, args := range [][]string{
		{"bogus"},
		{"verify"},
		{"verify", "--nope", "x"},
		{"verify", "x"}, // no connection
		{"commission", "--gtin", "1"},
		{"recall", "--reason", "r"},
		{"ship", "x"},
		{"alerts", "decide", "code", "id"}, // neither --confirm nor --dismiss
		{"alerts", "decide", "--confirm", "--gtin", "g", "code", "id"}, // a code and a GTIN
		{"alerts", "decide", "--confirm", "id"},                        // neither
	} {
		code, _, errOut := runCLI(t, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
}

func TestOrgReadsTheRunDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TRACECHAIN_RUN_DIR", dir)
	a := &app{org: "Retailer"}
	_, err := a.options()
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Join(dir, "connection", "retailer.json"))
}

func TestExitCodes(t *testing.T) {
	st, _ := status.New(codes.Aborted, "failed to endorse").WithDetails()
	tests := []struct {
		err  error
		want int
	}{
		{&client.ChaincodeError{Code: model.CodeNotHolder, Err: st.Err()}, exitRefused},
		{fmt.Errorf("wrapped: %w", &client.ChaincodeError{Code: model.CodeDuplicate}), exitRefused},
		{&client.TransportError{Op: "evaluate", Code: codes.Unavailable, Err: status.Error(codes.Unavailable, "down")}, exitTransport},
		{&client.OutcomeUnknownError{TxID: "t", Err: errors.New("x")}, exitTransport},
		{&client.CommitError{TxID: "t", ValidationCode: peer.TxValidationCode_ENDORSEMENT_POLICY_FAILURE}, exitError},
		{&exitCodeError{code: exitNotGenuine}, exitNotGenuine},
		{usagef("x"), exitUsage},
		{errors.New("open x.csv: no such file"), exitError},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, exitCode(tt.err), "%v", tt.err)
	}
}

func TestParseCodesCSV(t *testing.T) {
	codes, err := parseCodesCSV(strings.NewReader("serial,note\nA1,first\n\n  A2 ,second\n"), "6901234000016")
	require.NoError(t, err)
	assert.Equal(t, []string{"https://id.gs1.org/01/06901234000016/21/A1", "https://id.gs1.org/01/06901234000016/21/A2"}, codes)

	codes, err = parseCodesCSV(strings.NewReader("note,code\nx,(01)06901234000016(21)B1\n"), "")
	require.NoError(t, err)
	assert.Equal(t, []string{"(01)06901234000016(21)B1"}, codes)

	codes, err = parseCodesCSV(strings.NewReader("(01)06901234000016(21)C1\n# comment\n(01)06901234000016(21)C2\n"), "")
	require.NoError(t, err)
	assert.Len(t, codes, 2)

	_, err = parseCodesCSV(strings.NewReader("serial\nbad serial with spaces\n"), "6901234000016")
	assert.ErrorContains(t, err, "line 2")
	_, err = parseCodesCSV(strings.NewReader("serial\n"), "6901234000016")
	assert.ErrorContains(t, err, "no codes")
}

func TestVerifyPrintsTheVerdictFirst(t *testing.T) {
	var b bytes.Buffer
	printVerification(&b, &model.Verification{
		Input: "x", Verdict: model.VerdictSuspectedClone, Code: "https://id.gs1.org/01/06901234000016/21/A1",
		Product:  &model.Product{GTIN: "06901234000016", Name: "wire", Type: "cable"},
		Producer: &model.Party{MSPID: "ManufacturerAMSP", Name: "Lianhe", USCC: "91330100MA2A0001XD"},
		Batch:    "B1", ProductionDate: "2025-05-06", WarrantyEnd: "2027-05-06",
		Holder:      &model.Party{MSPID: "RetailerMSP", Name: "Store"},
		LastEventAt: time.Date(2025, 5, 7, 8, 0, 0, 0, time.UTC),
	})
	lines := strings.Split(b.String(), "\n")
	assert.True(t, strings.HasPrefix(lines[0], "SUSPECTED CLONE"), lines[0])
	for _, want := range []string{"wire (GTIN 06901234000016)", "Lianhe (ManufacturerAMSP, USCC 91330100MA2A0001XD)", "batch", "2025-05-06", "warranty end", "Store (RetailerMSP)", "2025-05-07 08:00:00Z"} {
		assert.Contains(t, b.String(), want)
	}
	for v, w := range map[model.Verdict]string{model.VerdictGenuine: "GENUINE", model.VerdictInvalidCode: "INVALID CODE", model.VerdictUnknown: "UNKNOWN", model.VerdictRecalled: "RECALLED", model.VerdictSold: "SOLD", model.VerdictDecommissioned: "DECOMMISSIONED"} {
		assert.Equal(t, w, verdictWord(v))
	}
}

func TestTraceTimeline(t *testing.T) {
	var b bytes.Buffer
	printTrace(&b, "u", []model.TraceEvent{
		{Type: model.EventCommissioned, BizStep: model.BizStepCommissioning, Actor: "ManufacturerAMSP", Time: time.Date(2025, 5, 6, 1, 0, 0, 0, time.UTC), TxID: "abcdef0123456789"},
		{Type: model.EventShipped, Actor: "ManufacturerAMSP", From: "ManufacturerAMSP", To: "DistributorMSP", Via: "pallet", Disposition: model.DispositionInTransit},
	})
	out := b.String()
	assert.Contains(t, out, "trace of u (2 events)")
	assert.Contains(t, out, "commissioning")
	assert.Contains(t, out, "abcdef012345")
	assert.Contains(t, out, "from ManufacturerAMSP, to DistributorMSP, via pallet, now in_transit")
}

func TestRecallSummaryGroupsByHolderAndContainer(t *testing.T) {
	entries := []model.RecallEntry{
		{Code: "1", TopContainer: "c1", Holder: model.Party{MSPID: "D"}, Disposition: model.DispositionActive},
		{Code: "2", TopContainer: "c1", Holder: model.Party{MSPID: "D"}, Disposition: model.DispositionActive},
		{Code: "3", Holder: model.Party{MSPID: "R"}, Disposition: model.DispositionRetailSold},
		{Code: "4", TopContainer: "c2", Holder: model.Party{MSPID: "A"}, Disposition: model.DispositionInTransit, Destination: "D"},
	}
	g := summariseRecall(entries)
	require.Len(t, g, 3)
	assert.Equal(t, recallGroup{Container: "c2", Holder: "A", Disposition: model.DispositionInTransit, Destination: "D", Items: 1}, g[0])
	assert.Equal(t, 2, g[1].Items)
	assert.Equal(t, "R", g[2].Holder)
	var b bytes.Buffer
	printRecallReport(&b, &model.Recall{ID: "r1", GTIN: "g", Batch: "b"}, entries, false)
	assert.Contains(t, b.String(), "4 affected item(s)")
	assert.Contains(t, b.String(), "(not packed)")
	assert.Contains(t, b.String(), "in_transit to D")
}

func TestParseLotShipment(t *testing.T) {
	ls, err := parseLotShipment("https://id.gs1.org/01/06901234000016/10/L1:50")
	require.NoError(t, err)
	assert.Equal(t, model.LotShipment{Source: "https://id.gs1.org/01/06901234000016/10/L1", Quantity: 50}, ls)
	ls, err = parseLotShipment("lot:7:p2")
	require.NoError(t, err)
	assert.Equal(t, model.LotShipment{Source: "lot", Quantity: 7, Label: "p2"}, ls)
	_, err = parseLotShipment("lot")
	assert.Error(t, err)
}

func TestProgressIsPlainWithoutATerminal(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, 2000)
	p.update(client.BulkProgress{Chunks: 2, ChunksDone: 1, Codes: 2000, CodesDone: 1000})
	p.finish()
	assert.Equal(t, "commission: 1000/2000 codes, 1/2 transactions\n", b.String())
}

func TestHelpDocumentsExitCodes(t *testing.T) {
	code, out, _ := runCLI(t, "--help")
	assert.Equal(t, exitOK, code)
	for _, want := range []string{"Exit codes:", "3  verify", "4  connection", "5  the chaincode refused", "--org"} {
		assert.Contains(t, out, want)
	}
}

func TestSellTakesBuyerDataFromAFileOrStdinNeverFromFlags(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	// The old flags are gone: personal data on a command line shows in ps and in history.
	code, _, errOut := runCLI(t, "sell", "U1", "--buyer-name", "张三", "--buyer-contact", "138")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "unknown flag")
	assert.NotContains(t, errOut, "张三")

	code, _, errOut = runCLI(t, "sell", "U1")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--buyer FILE is required")

	b, err := readBuyer(strings.NewReader(`{"buyerName":"张三","buyerContact":"13800000000","salesTime":"2026-03-01T10:00:00+08:00"}`), "-")
	require.NoError(t, err)
	assert.Equal(t, "张三", b.BuyerName)
	assert.Equal(t, 2, b.SalesTime.UTC().Hour())

	file := filepath.Join(t.TempDir(), "buyer.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"buyerName":"李四","buyerContact":"139","buyerAddress":"上海"}`), 0o600))
	b, err = readBuyer(nil, file)
	require.NoError(t, err)
	assert.Equal(t, "上海", b.BuyerAddress)

	for _, bad := range []string{`{"buyerName":"张三"}`, `{"buyerName":"张三","buyerContact":"1","idCard":"x"}`, `not json 张三`} {
		_, err := readBuyer(strings.NewReader(bad), "-")
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "张三", "errors name fields, never values")
	}
}
