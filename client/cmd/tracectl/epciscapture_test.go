package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/epciscapture"
)

// captureLedger commits every document in block 7, or refuses it.
type captureLedger struct{ refuse error }

func (l captureLedger) SendCaptureDocument(_ context.Context, doc []byte, _ ...client.CaptureOption) (client.AwaitCapture, error) {
	if l.refuse != nil {
		return nil, l.refuse
	}
	ids, err := epcis.DocumentHashes(doc)
	if err != nil {
		return nil, err
	}
	return func(context.Context) (*client.CaptureCommit, error) {
		return &client.CaptureCommit{CaptureResult: model.CaptureResult{EventIDs: ids, TxID: "tx7"}, BlockNumber: 7}, nil
	}, nil
}

func TestEPCISCapture(t *testing.T) {
	t.Setenv("TRACECHAIN_ORG", "")
	doc := filepath.Join(t.TempDir(), "doc.jsonld")
	require.NoError(t, os.WriteFile(doc, []byte(`{"@context":"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld","type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-03-01T00:00:00Z",
		"epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-03-01T08:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/06901234000016/21/A1"],"action":"ADD","bizStep":"commissioning","ilmd":{"cbvmda:lotNumber":"L1"}}]}}`), 0o600))
	want, err := epcis.DocumentHashes(must(os.ReadFile(doc)))
	require.NoError(t, err)
	for _, tc := range []struct {
		name   string
		ledger captureLedger
		code   int
	}{
		{"committed", captureLedger{}, exitOK},
		{"refused", captureLedger{refuse: &client.ChaincodeError{Code: model.CodeForbidden, Message: "not yours", Subject: "/epcisBody/eventList/0"}}, exitError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := epciscapture.New(tc.ledger)
			srv := httptest.NewTLSServer(h)
			t.Cleanup(func() { srv.Close(); h.Close() })
			ca := filepath.Join(t.TempDir(), "ca.pem")
			require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))

			code, out, errOut := runCLI(t, "epcis", "capture", "--url", srv.URL, "--cacert", ca, "--wait", (5 * time.Second).String(), doc)
			require.Equal(t, tc.code, code, errOut)
			var job epciscapture.Job
			require.NoError(t, json.Unmarshal([]byte(out), &job), out)
			assert.False(t, job.Running)
			if tc.code == exitOK {
				assert.Equal(t, want, job.EventIDs)
				assert.Equal(t, uint64(7), *job.Block)
				return
			}
			require.Len(t, job.Errors, 1)
			assert.Equal(t, "FORBIDDEN", job.Errors[0].Code)
			assert.Contains(t, errOut, "failed")
		})
	}

	code, _, errOut := runCLI(t, "epcis", "capture", "--url", "https://127.0.0.1:1", "--cert", "c.pem", doc)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--cert and --key go together")
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
