package resolver_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client/resolver"
	"github.com/tracechain/tracechain/client/resolver/resolvertest"
)

// internalCause is what a failing ledger says: a peer's address, a gRPC
// status, chaincode text. None of it may reach a client.
const internalCause = "rpc error: code = Unavailable desc = connection error: dial tcp 10.0.0.7:7051: connect: connection refused (peer0.manufacturera.tracechain.example)"

var internalFragments = []string{"10.0.0.7", "7051", "rpc error", "peer0", "dial tcp", "connection refused"}

// failingProducts is a ledger whose product and member reads fail.
type failingProducts struct{ *resolvertest.Verifier }

func (failingProducts) GetProduct(context.Context, string) (*model.Product, error) {
	return nil, errors.New(internalCause)
}

func (failingProducts) GetMember(context.Context, string) (*model.Member, error) {
	return nil, errors.New(internalCause)
}

var refInLog = regexp.MustCompile(`ref=([0-9a-f]{16})`)

// TestInternalFailuresAreLoggedNotAnswered: every answer the resolver gives
// when its ledger fails carries a generic message and a reference; the
// cause is in the log under that reference, and only there.
func TestInternalFailuresAreLoggedNotAnswered(t *testing.T) {
	for _, tc := range []struct {
		name, target, accept string
		status               int
	}{
		{"verify JSON", "/verify?code=" + url.QueryEscape(unitURI), "application/json", http.StatusServiceUnavailable},
		{"verify page", "/verify?code=" + url.QueryEscape(unitURI), browserAccept, http.StatusServiceUnavailable},
		{"recall", "/recall?code=" + url.QueryEscape(unitURI), "", http.StatusServiceUnavailable},
		{"certification", "/certification?code=" + url.QueryEscape(unitURI), "", http.StatusServiceUnavailable},
		{"product page JSON", "/pip/01/" + gtin, "application/json", http.StatusServiceUnavailable},
		{"product page", "/pip/01/" + gtin, browserAccept, http.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := resolvertest.New()
			v.Err = errors.New(internalCause)
			var log bytes.Buffer
			h := newResolver(failingProducts{v}, resolver.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
			var hdr []string
			if tc.accept != "" {
				hdr = []string{"Accept", tc.accept}
			}
			w := get(h, tc.target, hdr...)
			assert.Equal(t, tc.status, w.Code)
			body := w.Body.String()
			for _, f := range internalFragments {
				assert.NotContains(t, body, f, "the answer holds no internal text")
			}
			m := refInLog.FindStringSubmatch(log.String())
			require.NotNil(t, m, "the failure is logged with a reference: %q", log.String())
			assert.Contains(t, log.String(), "10.0.0.7:7051", "the log has the cause")
			assert.Contains(t, body, m[1], "the answer has the reference")
			if tc.accept != browserAccept {
				p := decodeProblem(t, w)
				assert.Equal(t, resolver.RuleLedgerUnavailable, p.Rule)
			}
		})
	}

	t.Run("each incident has its own reference", func(t *testing.T) {
		v := resolvertest.New()
		v.Err = errors.New(internalCause)
		var log bytes.Buffer
		h := newResolver(v, resolver.WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
		a, b := get(h, "/verify?code="+url.QueryEscape(unitURI)), get(h, "/verify?code="+url.QueryEscape(unitURI))
		refs := refInLog.FindAllStringSubmatch(log.String(), -1)
		require.Len(t, refs, 2)
		assert.NotEqual(t, refs[0][1], refs[1][1])
		assert.Contains(t, a.Body.String(), refs[0][1])
		assert.Contains(t, b.Body.String(), refs[1][1])
	})
}
