//go:build integration

package faults_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testnet.Main(m))
}

// full selects the long form of every case: a longer load and the outages issue #12 names
// (the ordering service down for 30 s). The short form is what make test runs.
var full = flag.Bool("faults.full", os.Getenv("TRACECHAIN_FAULTS") == "full",
	"run the long form of the fault cases (or TRACECHAIN_FAULTS=full)")

// form is the timing of a case: how long the load runs before the fault, how long the fault
// lasts, and how long the load goes on after the restart.
type form struct {
	before, outage, ordererOutage, after time.Duration
}

func timing() form {
	if *full {
		return form{before: 10 * time.Second, outage: 15 * time.Second, ordererOutage: 30 * time.Second, after: 30 * time.Second}
	}
	return form{before: 4 * time.Second, outage: 5 * time.Second, ordererOutage: 10 * time.Second, after: 8 * time.Second}
}

// products are the two manufacturers' products the load commissions, registered once.
var (
	setupOnce sync.Once
	setupErr  error
	products  = map[string]string{} // manufacturer organisation -> GTIN
)

// setup registers the consortium's members and one product per manufacturer, and waits until
// every peer has them.
func setup(t *testing.T) {
	t.Helper()
	setupOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		n := testnet.Current()
		regulator, err := n.Client(testnet.Regulator, testnet.Admin)
		if err != nil {
			setupErr = err
			return
		}
		if setupErr = testnet.RegisterMembers(ctx, regulator); setupErr != nil {
			return
		}
		for maker, licence := range map[string]string{testnet.ManufacturerA: testnet.LicenceA, testnet.ManufacturerB: testnet.LicenceB} {
			c, err := n.Client(maker, testnet.User)
			if err != nil {
				setupErr = err
				return
			}
			prefix := testnet.PrefixA
			if maker == testnet.ManufacturerB {
				prefix = testnet.PrefixB
			}
			for {
				gtin := testnet.NewGTIN(prefix)
				_, err = c.RegisterProduct(ctx, testnet.ProductRequest(gtin, licence, "fault suite load"))
				if errors.Is(err, client.ErrDuplicate) {
					continue // a GTIN an earlier run on a shared network registered
				}
				if err != nil {
					setupErr = err
					return
				}
				products[maker] = gtin
				break
			}
		}
		setupErr = n.Settle(ctx)
	})
	require.NoError(t, setupErr)
}
