package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
)

const epcisTestdata = "../../../chaincode/epcis/testdata/"

func TestEPCISHashWorksOffline(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "") // no connection material: the command must not need any
	want, err := os.ReadFile(epcisTestdata + "aggregation.hashes")
	require.NoError(t, err)
	code, out, errOut := runCLI(t, "epcis", "hash", epcisTestdata+"aggregation.jsonld")
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, string(want), out)
	assert.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 4)
}

func TestEPCISHashReadsStdin(t *testing.T) {
	doc, err := os.ReadFile(epcisTestdata + "objectevent_epclist.jsonld")
	require.NoError(t, err)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"epcis", "hash", "-"}, bytes.NewReader(doc), &out, &errOut)
	require.Equal(t, exitOK, code, errOut.String())
	assert.Equal(t, "ni:///sha-256;ffa491b16867e34a7791a8d5389d826afc24e63a121026b6a4004ace38631b4b?ver=CBV2.0\n", out.String())

	code = run(context.Background(), []string{"epcis", "hash", "--prehash", "-"}, bytes.NewReader(doc), &out, &errOut)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out.String(), "eventType=ObjectEventeventTime=2022-02-17T02:33:31.116Z")
}

func TestEPCISHashErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	doc := `{"epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"soon"}]}}`
	code := run(context.Background(), []string{"epcis", "hash", "-"}, strings.NewReader(doc), &out, &errOut)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut.String(), "/epcisBody/eventList/0/eventTime")
	assert.Empty(t, out.String())

	code, _, _ = runCLI(t, "epcis", "hash", "/nonexistent/doc.jsonld")
	assert.Equal(t, exitError, code)
	code, _, _ = runCLI(t, "epcis", "hash")
	assert.Equal(t, exitUsage, code)
}

func TestEPCISTraceDocument(t *testing.T) {
	unit := "https://id.gs1.org/01/06901234000016/21/A1"
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	events := []model.TraceEvent{
		{Subject: unit, Type: model.EventCommissioned, BizStep: model.BizStepCommissioning, Disposition: model.DispositionActive, Time: at, TxID: "tx1", Actor: "ManufacturerAMSP"},
		{Subject: unit, Type: model.EventShipped, BizStep: model.BizStepShipping, Disposition: model.DispositionInTransit, Time: at.Add(time.Hour), TxID: "tx2", From: "ManufacturerAMSP", To: "DistributorMSP"},
		{Subject: unit, Type: model.EventCloneAlert, BizStep: model.BizStepRetailSelling, Time: at.Add(2 * time.Hour), TxID: "tx3", AlertID: "a"},
	}
	var a, b bytes.Buffer
	created := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, writeTraceDocument(&a, unit, events, created))
	require.NoError(t, writeTraceDocument(&b, unit, events, created))
	assert.Equal(t, a.String(), b.String())

	doc, err := epcis.ParseDocument(a.Bytes())
	require.NoError(t, err)
	assert.Equal(t, "2026-04-01T00:00:00.000Z", doc.CreationDate)
	require.Len(t, doc.Events(), 2, "the clone alert is left out")
	hashes, err := epcis.DocumentHashes(a.Bytes())
	require.NoError(t, err)
	for i, ev := range doc.Events() {
		assert.Equal(t, hashes[i], ev.EventID)
	}
	assert.Equal(t, "2026-03-01T02:00:00.000Z", doc.Events()[0].EventTime)
	assert.Equal(t, "https://id.tracechain.example/party/DistributorMSP", doc.Events()[1].DestinationList[0].Destination)
	assert.Contains(t, a.String(), `"tracechain:txId": "tx2"`)

	require.Error(t, writeTraceDocument(&a, unit, []model.TraceEvent{{Type: "Teleported"}}, created))
}

func TestEPCISTraceUsage(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	for _, args := range [][]string{
		{"epcis", "trace"},
		{"epcis", "trace", "a", "b"},
		{"epcis", "trace", "x"}, // no connection
		{"epcis", "trace", "--created", "yesterday", "x"},
	} {
		code, _, errOut := runCLI(t, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, errOut)
	}
	_, _, errOut := runCLI(t, "epcis", "trace", "--created", "yesterday", "x")
	assert.Contains(t, errOut, "--created")
	code, out, _ := runCLI(t, "epcis", "trace", "--help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "EPCISDocument")
}
