package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/client/epcissubscribe"
	"github.com/tracechain/tracechain/client/eventindex"
)

// TestEPCISRootComposesTheServices: the one root handler sends
// /masterdata to the master-data publisher, /queries to the subscriptions
// (which need the client's certificate), and the rest to the query binding.
func TestEPCISRootComposesTheServices(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "epcis.db")
	idx, err := eventindex.OpenSQLite(ctx, path)
	require.NoError(t, err)
	defer idx.Close()
	subs, err := epcissubscribe.OpenSQLite(ctx, path)
	require.NoError(t, err)
	defer subs.Close()
	md := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	root := epcisRoot(idx, http.NotFoundHandler(), epcissubscribe.New(idx, subs), md, slog.Default())
	for path, want := range map[string]int{
		"/masterdata": http.StatusTeapot,
		"/queries":    http.StatusUnauthorized, // no client certificate
		"/events":     http.StatusOK,
	} {
		w := httptest.NewRecorder()
		root.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		assert.Equal(t, want, w.Code, path)
	}
}
