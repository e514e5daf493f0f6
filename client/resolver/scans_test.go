package resolver_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client/resolver"
)

// observed records what a ScanObserver is shown.
type observed struct{ scans []string }

func (o *observed) Observe(v *model.Verification, gtin string) {
	o.scans = append(o.scans, string(v.Verdict)+" "+v.Code+" "+gtin)
}

func TestScansAreShownToTheObserver(t *testing.T) {
	o := &observed{}
	h := newResolver(ledger(), resolver.WithScanObserver(o))
	sold := "https://id.gs1.org/01/" + gtin + "/21/OLD"
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/01/" + gtin + "/21/OLD", http.StatusTemporaryRedirect}, // the QR code's redirect is not an answer yet
		{"/verify?code=" + url.QueryEscape(sold), http.StatusOK},
		{"/verify?code=" + url.QueryEscape("(01)"+gtin+"(21)NOPE"), http.StatusOK},
		{"/recall?code=" + url.QueryEscape(sold), http.StatusOK}, // not a scan
		{"/verify?code=not-a-code", http.StatusBadRequest},
	} {
		w := get(h, tc.target, "Accept", "application/json")
		assert.Equal(t, tc.status, w.Code, tc.target)
	}
	assert.Equal(t, []string{"sold " + sold + " " + gtin, "unknown https://id.gs1.org/01/" + gtin + "/21/NOPE " + gtin}, o.scans)
}
