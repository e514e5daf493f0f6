//go:build integration

package client_test

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/client/label"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// verificationService serves the resolver as the Regulator's read-only
// identity, following block events, as traced does.
func verificationService(t *testing.T) (*httptest.Server, *client.Client) {
	srv, reader, f := followedService(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() { // nobody waits for events here: never let the service block on them
		for {
			select {
			case <-f.applied:
			case <-ctx.Done():
				return
			}
		}
	}()
	return srv, reader
}

// followedService is verificationService with the service's event source
// observed: the test learns when the service has applied an event.
func followedService(t *testing.T) (*httptest.Server, *client.Client, *followed) {
	t.Helper()
	p, err := client.LoadProfile(testnet.Current().ProfilePath(reg))
	require.NoError(t, err)
	reader, err := client.Connect(context.Background(), client.WithProfileAs(p, client.IdentityReader))
	require.NoError(t, err)
	t.Cleanup(func() { _ = reader.Close() })
	srv := httptest.NewServer(nil)
	// A long TTL: only block events may make a change visible within the bound.
	h := resolver.New(reader, resolver.WithDomain(srv.URL), resolver.WithCacheTTL(time.Hour), resolver.WithRateLimit(0, 1))
	srv.Config.Handler = h
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); srv.Close() })
	f := &followed{src: reader, applied: make(chan string, 64)}
	go h.Follow(ctx, f, testnet.LogWriter(t))
	return srv, reader, f
}

// followed is the service's event source, observed: after the service has
// applied an event to its cache, the event's type is sent on applied. A test
// waits for that, instead of polling the service.
type followed struct {
	src     resolver.EventSource
	applied chan string
}

// Events implements resolver.EventSource.
func (f *followed) Events(ctx context.Context, opts client.EventOptions) iter.Seq2[client.Event, error] {
	return func(yield func(client.Event, error) bool) {
		for e, err := range f.src.Events(ctx, opts) {
			if !yield(e, err) {
				return
			}
			if err == nil {
				select {
				case f.applied <- e.Type:
				case <-ctx.Done():
					return
				}
			}
		}
	}
}

// waitApplied waits until the service has applied an event of type typ,
// and returns how long after since that was.
func (f *followed) waitApplied(t *testing.T, typ string, since time.Time, bound time.Duration) time.Duration {
	t.Helper()
	timeout := time.After(bound + 5*time.Second)
	for {
		select {
		case got := <-f.applied:
			if got == typ {
				return time.Since(since)
			}
		case <-timeout:
			t.Fatalf("the service applied no %s event within %s", typ, bound+5*time.Second)
			return 0
		}
	}
}

// waitVerdict waits until the service has applied the event of type typ
// that follows a write started at since, then checks that a scan of code
// answers want; it returns how long after since the event was applied.
func waitVerdict(t *testing.T, f *followed, base, code, typ, want string, since time.Time, bound time.Duration) time.Duration {
	t.Helper()
	d := f.waitApplied(t, typ, since, bound)
	_, a := testnet.Scan(t, base, code)
	require.Equal(t, want, string(a.Verdict), code)
	return d
}

// TestVerificationServiceOnTheLedger: the public service answers scans from
// the ledger as the read-only identity, and a sale, a decommissioned pallet
// (for a unit inside it) and a batch recall show within 2 seconds of their
// commit although verdicts are cached for an hour.
func TestVerificationServiceOnTheLedger(t *testing.T) {
	srv, reader, events := followedService(t)
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	A, R := org(t, mfrA), org(t, ret)
	u := f.Units(0, 3)
	_, err := A.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format("2006-01-02"), Codes: u})
	require.NoError(t, err)

	// The read-only identity reads, and writes nothing.
	_, err = reader.Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format("2006-01-02"), Codes: f.Units(9, 10)})
	assert.ErrorIs(t, err, client.ErrForbidden)

	// Cache the genuine verdicts first: later changes must come through events.
	for _, code := range u {
		status, a := testnet.Scan(t, srv.URL, code)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "genuine", string(a.Verdict), code)
		require.NotNil(t, a.Product)
	}
	// The product information page (the linkset's gs1:pip) from the ledger's master data.
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/pip/01/"+f.GTIN, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var info resolver.ProductInfo
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&info))
	resp.Body.Close()
	assert.Equal(t, "test cable "+f.Run, info.Product.Name)
	require.NotNil(t, info.Producer)
	assert.Equal(t, memberRequest(t, 0).Name, info.Producer.Name)

	status, _ := testnet.Scan(t, srv.URL, "(01)06901234000017(21)X")
	assert.Equal(t, http.StatusBadRequest, status, "an invalid code is a 400, not a 200 that carries an error")

	// u[0] is sold; u[1] rides in a pallet that is then stolen; u[2] is recalled with its batch.
	pallet := testnet.NewSSCC(f.Prefix)
	_, err = A.Pack(ctx, model.PackRequest{Container: pallet, Children: u[:2]})
	require.NoError(t, err)
	_, err = A.Ship(ctx, model.ShipRequest{To: "RetailerMSP", Codes: []string{pallet}})
	require.NoError(t, err)
	testnet.Settled(t)
	_, err = R.Receive(ctx, model.MoveRequest{Codes: []string{pallet}})
	require.NoError(t, err)
	testnet.Settled(t)

	sold := time.Now()
	_, err = R.Sell(ctx, model.SellRequest{Code: u[0]}, testnet.Buyer)
	require.NoError(t, err)
	saleDelay := waitVerdict(t, events, srv.URL, u[0], model.EventSold, "sold", sold, 2*time.Second)

	stolen := time.Now()
	_, err = R.Decommission(ctx, model.DecommissionRequest{Codes: []string{pallet}, Reason: model.ReasonStolen})
	require.NoError(t, err)
	containerDelay := waitVerdict(t, events, srv.URL, u[1], model.EventDecommissioned, "decommissioned", stolen, 2*time.Second)

	recalled := time.Now()
	_, err = admin(t, mfrA).Recall(ctx, model.RecallRequest{GTIN: f.GTIN, Batch: f.Batch, Reason: "insulation too thin"})
	require.NoError(t, err)
	recallDelay := waitVerdict(t, events, srv.URL, u[2], model.EventRecalled, "recalled", recalled, 2*time.Second)

	t.Logf("visible after the commit returned: sale %s, stolen pallet's unit %s, batch recall %s", saleDelay, containerDelay, recallDelay)
	for name, d := range map[string]time.Duration{"sale": saleDelay, "container": containerDelay, "recall": recallDelay} {
		assert.Less(t, d, 2*time.Second, "%s must show within 2 s of its commit", name)
	}

	// What the public may see: for a sold unit the seller and the sale date;
	// never testnet.Buyer data, MSP IDs, or who holds unsold stock.
	_, a := testnet.Scan(t, srv.URL, u[0])
	require.NotNil(t, a.Seller, "a sold unit names its seller")
	assert.Equal(t, memberRequest(t, 3).Name, a.Seller.Name)
	require.NotNil(t, a.SoldAt)
	raw, _ := json.Marshal(a)
	for _, private := range []string{testnet.Buyer.BuyerName, testnet.Buyer.BuyerContact, testnet.Buyer.BuyerAddress, "RetailerMSP"} {
		assert.NotContains(t, string(raw), private)
	}
	_, a = testnet.Scan(t, srv.URL, u[2]) // recalled at the maker: its holder is not published
	raw, _ = json.Marshal(a)
	assert.NotContains(t, string(raw), "ManufacturerAMSP")
	require.NotNil(t, a.Recall)
	assert.Equal(t, "insulation too thin", a.Recall.Reason, "the recall notice")
}

// TestPrintedLabelResolvesToItsVerdict prints a label for a commissioned
// unit, decodes its QR code as a phone camera would, and resolves the decoded
// link through the verification service to the unit's verdict.
func TestPrintedLabelResolvesToItsVerdict(t *testing.T) {
	srv, _ := verificationService(t)
	f := testnet.NewProduct(t)
	ctx := testnet.Context(t)
	u := f.Units(0, 1)
	_, err := org(t, mfrA).Commission(ctx, model.CommissionRequest{GTIN: f.GTIN, Batch: f.Batch, ProductionDate: time.Now().Format("2006-01-02"), Codes: u})
	require.NoError(t, err)

	content, err := label.BuildContent(srv.URL, u[0], label.Attributes{Batch: f.Batch})
	require.NoError(t, err)
	img, err := label.Layout{}.Image(label.Label{Content: content, Title: "test cable"})
	require.NoError(t, err)
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	require.NoError(t, err)
	decoded, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	require.NoError(t, err)
	link := decoded.GetText()
	require.True(t, strings.HasPrefix(link, srv.URL+"/01/"+f.GTIN+"/10/"+f.Batch+"/21/"), "the QR holds the Digital Link on the resolver's domain: %s", link)

	req, err := http.NewRequest(http.MethodGet, link, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var a resolver.Answer
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	assert.Equal(t, "genuine", string(a.Verdict), "the batch printed on the label matches the ledger's")
	require.NotNil(t, a.Product)
	assert.Equal(t, f.GTIN, a.Product.GTIN)
}
