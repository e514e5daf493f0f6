//go:build integration

package client_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/epcis"
	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// TestTraceExportsAsEPCIS: an item's trace on the ledger, exported as one
// EPCIS 2.0 document (what tracectl epcis trace prints), carries every event
// of its life, each with its CBV 2.0 event hash as eventID, and no testnet.Buyer data.
func TestTraceExportsAsEPCIS(t *testing.T) {
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, R := org(t, mfrA), org(t, ret)
	u := f.Units(0, 1)
	_, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format("2006-01-02"), Codes: u})
	require.NoError(t, err)
	testnet.Deliver(t, A, R, u)
	_, err = R.Sell(ctx, model.SellRequest{Code: u[0]}, testnet.Buyer)
	require.NoError(t, err)

	events, err := client.Collect(R.Trace(ctx, u[0]))
	require.NoError(t, err)
	doc, err := epcis.FromTrace(testnet.Canonical(t, u[0]), events, epcis.MapOptions{CreationDate: time.Now()})
	require.NoError(t, err)
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	hashes, err := epcis.DocumentHashes(raw)
	require.NoError(t, err)
	require.Len(t, hashes, 4, "commissioning, shipping, receiving, retail selling")

	var parsed struct {
		Body struct {
			Events []struct {
				EventID string `json:"eventID"`
				BizStep string `json:"bizStep"`
			} `json:"eventList"`
		} `json:"epcisBody"`
	}
	require.NoError(t, json.Unmarshal(raw, &parsed))
	var steps []string
	for i, e := range parsed.Body.Events {
		assert.Equal(t, hashes[i], e.EventID, "event %d's eventID is its hash", i)
		steps = append(steps, e.BizStep)
	}
	assert.Equal(t, []string{"commissioning", "shipping", "receiving", "retail_selling"}, steps)
	for _, private := range []string{testnet.Buyer.BuyerName, testnet.Buyer.BuyerContact, testnet.Buyer.BuyerAddress} {
		assert.NotContains(t, string(raw), private)
	}
}
