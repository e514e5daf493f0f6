package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
)

// Connect as an organisation's user with the connection material the test
// network writes (test-network/run/connection/<org>.json).
func ExampleConnect_profile() {
	ctx := context.Background()
	profile, err := client.LoadProfile("test-network/run/connection/retailer.json")
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.Connect(ctx, client.WithProfile(profile, false))
	if err != nil {
		log.Fatal(err) // errors.Is(err, client.ErrUnavailable) when the peer cannot be reached
	}
	defer c.Close()

	v, err := c.Verify(ctx, "https://qr.example.cn/01/06901234000016/21/CA25-000901")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Verdict)
}

// Connect to any network with explicit endpoint, TLS CA and identity files,
// and explicit per-step timeouts.
func ExampleConnect_explicit() {
	ctx := context.Background()
	c, err := client.Connect(ctx,
		client.WithPeer("peer0.retailer.example.com:7051"),
		client.WithTLSCACertFile("tlsca.retailer.example.com-cert.pem"),
		client.WithIdentityFiles("RetailerMSP", "User1-cert.pem", "User1-key.pem"),
		client.WithChannel("traceability"),
		client.WithChaincode("tracechain"),
		client.WithEvaluateTimeout(5*time.Second),
		client.WithEndorseTimeout(30*time.Second),
		client.WithSubmitTimeout(10*time.Second),
		client.WithCommitStatusTimeout(time.Minute),
		client.WithRetry(client.RetryPolicy{Attempts: 4, Base: 200 * time.Millisecond, Max: 2 * time.Second}),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

// Refusals by the chaincode are typed: match them with errors.Is.
func ExampleChaincodeError() {
	var c *client.Client // connected as the Distributor
	ctx := context.Background()
	_, err := c.Ship(ctx, model.ShipRequest{To: "RetailerMSP", Codes: []string{"(00)069012340000000108"}})
	var ce *client.ChaincodeError
	switch {
	case errors.Is(err, client.ErrNotHolder):
		fmt.Println("someone else holds it")
	case errors.As(err, &ce):
		fmt.Println("refused:", ce.Code, ce.Message, ce.Subject, "tx", ce.TxID)
	case errors.Is(err, client.ErrOutcomeUnknown):
		fmt.Println("sent, but did it commit? look before retrying:", err)
	case errors.Is(err, client.ErrUnavailable), errors.Is(err, client.ErrTimeout):
		fmt.Println("network problem:", err)
	}
}

// Sell a unit. The buyer data goes only into the transient map; a resale is
// a result (a clone alert was raised), not an error.
func ExampleClient_Sell() {
	var c *client.Client // connected as the Retailer
	ctx := context.Background()
	res, err := c.Sell(ctx, model.SellRequest{Code: "(01)06901234000016(21)CA25-000901"}, model.SaleData{
		BuyerName: "Li Xiaoming", BuyerAddress: "12 Chaoyang Road, Beijing", BuyerContact: "+86 138 0000 0000",
	})
	if err != nil {
		log.Fatal(err)
	}
	if res.Outcome == model.OutcomeRefusedAlreadySold {
		fmt.Println("suspected clone, alert", res.AlertID)
	}
}

// Commission tens of thousands of units, pipelined, with progress, and
// resume after a failure without committing any code twice.
func ExampleClient_CommissionBulk() {
	var c *client.Client // connected as a manufacturer
	ctx := context.Background()
	req := model.CommissionRequest{GTIN: "06901234000016", Batch: "CB2025-05", ProductionDate: "2025-05-06"}
	for i := range 20000 {
		req.Codes = append(req.Codes, fmt.Sprintf("(01)06901234000016(21)CA25-%06d", i))
	}
	opts := client.BulkOptions{
		ChunkSize: 1000,
		Progress: func(p client.BulkProgress) {
			fmt.Printf("%d/%d codes\n", p.CodesDone, p.Codes)
		},
	}
	res, err := c.CommissionBulk(ctx, req, opts)
	if err != nil {
		// Some chunks failed or have an unknown outcome: run again with the
		// result; committed chunks are skipped, the others resolved.
		opts.Previous = res
		res, err = c.CommissionBulk(ctx, req, opts)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Committed(), "units commissioned")
}

// Follow recalls and clone alerts as a regulator, resuming after a restart
// from a checkpoint file: no event is missed or handled twice.
func ExampleClient_Events() {
	var c *client.Client // connected as the Regulator
	ctx := context.Background()
	opts := client.EventOptions{
		CheckpointFile: "/var/lib/regulator/events.checkpoint",
		Types:          []string{model.EventRecalled, model.EventCloneAlert},
	}
	for ev, err := range c.Events(ctx, opts) {
		if err != nil {
			log.Fatal(err)
		}
		// The event is checkpointed when this body returns.
		fmt.Println(ev.BlockNumber, ev.Type, ev.GTIN, ev.Batch, ev.RecallID, ev.AlertID)
	}
}

// Read a whole trace: the iterator fetches the pages as the loop needs them.
func ExampleClient_Trace() {
	var c *client.Client
	ctx := context.Background()
	for e, err := range c.Trace(ctx, "(01)06901234000016(21)CA25-000901") {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Time.Format(time.RFC3339), e.Type, e.Actor, e.Via)
	}
}

// Show a trace 20 events at a time, as a page that has a "more" button does:
// the bookmark of one page asks for the next.
func ExampleClient_TracePage() {
	var c *client.Client
	ctx := context.Background()
	bookmark := "" // from the previous request; empty for the first page
	page, err := c.TracePage(ctx, "(01)06901234000016(21)CA25-000901", 20, bookmark)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range page.Events {
		fmt.Println(e.Time.Format(time.RFC3339), e.Type, e.Actor)
	}
	if page.Bookmark != "" {
		fmt.Println("more after", page.Bookmark)
	}
}

// Read every entry of a recall report into a slice.
func ExampleCollect() {
	var c *client.Client
	ctx := context.Background()
	entries, err := client.Collect(c.RecallReport(ctx, "RECALL_ID"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(entries), "items affected")
}

// Delays between retries grow exponentially, with jitter, up to a cap.
func ExampleRetryPolicy() {
	p := client.RetryPolicy{Attempts: 5, Base: 100 * time.Millisecond, Max: time.Second}
	for n := 1; n < p.Attempts; n++ {
		d := p.Delay(n)
		step := min(p.Base<<(n-1), p.Max)
		fmt.Println(n, d >= step/2 && d <= step)
	}
	// Output:
	// 1 true
	// 2 true
	// 3 true
	// 4 true
}

// A retailer verifies a scanned code, sells the unit, and handles the
// typed refusals a point-of-sale system must tell apart.
func Example() {
	ctx := context.Background()
	profile, err := client.LoadProfile("test-network/run/connection/retailer.json")
	if err != nil {
		log.Fatal(err)
	}
	c, err := client.Connect(ctx, client.WithProfile(profile, false))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	code := "https://id.gs1.org/01/06901234000016/21/CA25-000901?17=351231" // from the QR code
	v, err := c.Verify(ctx, code)
	if err != nil {
		log.Fatal(err)
	}
	if v.Verdict != model.VerdictGenuine {
		fmt.Println("do not sell:", v.Verdict)
		return
	}
	res, err := c.Sell(ctx, model.SellRequest{Code: code}, model.SaleData{BuyerName: "Li Xiaoming", BuyerContact: "+86 138 0000 0000"})
	switch {
	case errors.Is(err, client.ErrRecalled):
		fmt.Println("recalled since the scan: return it to the manufacturer")
	case errors.Is(err, client.ErrNotHolder):
		fmt.Println("this shop does not hold the unit")
	case err != nil:
		log.Fatal(err)
	case res.Outcome == model.OutcomeRefusedAlreadySold:
		fmt.Println("already sold: clone report", res.AlertID, "filed for the Regulator")
	default:
		fmt.Println("sold, sale hash", res.SaleHash)
	}
}
