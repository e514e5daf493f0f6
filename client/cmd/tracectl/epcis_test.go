package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
