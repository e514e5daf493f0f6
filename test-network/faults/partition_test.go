//go:build integration

package faults_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/test-network/testnet"
)

// TestOrganisationPartitioned is case 5: the Distributor, whose peer is the gateway of its own
// clients, loses its network for 20 s (60 s in the long form) under the mixed load. The other
// organisations' clients keep working, the Distributor's writes wait or fail definitively, and
// after the heal its peer catches up; then the end checks. It needs the namespaced network
// (network.sh up --netns), which integration.sh starts for it as root.
func TestOrganisationPartitioned(t *testing.T) {
	n := testnet.Current()
	switch {
	case os.Geteuid() != 0:
		t.Skip("needs root: network namespaces (ip netns)")
	case !n.NetNS:
		t.Skip("needs a network with one namespace per organisation: TRACECHAIN_NETNS=1 go test -tags integration -run TestOrganisationPartitioned ./test-network/faults")
	}
	outage := 20 * time.Second
	if *full {
		outage = time.Minute
	}
	runCase(t, fault{
		name: "organisation-partitioned", outage: outage,
		node: func(context.Context, *testing.T) string { return testnet.Distributor },
		inject: func(ctx context.Context, t *testing.T, org string) {
			require.NoError(t, n.Partition(ctx, org))
		},
		restore: func(ctx context.Context, t *testing.T, org string) {
			require.NoError(t, n.Heal(ctx, org))
		},
		catchUp: peerLevel,
	})
}
