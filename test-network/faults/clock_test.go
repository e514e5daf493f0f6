//go:build integration

package faults_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/client"
	"github.com/tracechain/tracechain/test-network/testnet"
)

// skewedClient connects as ManufacturerA's user with a clock that is off by skew.
func skewedClient(ctx context.Context, t *testing.T, skew time.Duration) *client.Client {
	t.Helper()
	p, err := client.LoadProfile(testnet.Current().ProfilePath(testnet.ManufacturerA))
	require.NoError(t, err)
	c, err := client.Connect(ctx, client.WithProfileAs(p, testnet.User),
		client.WithClock(func() time.Time { return time.Now().Add(skew) }))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// A client whose clock is off by more than the peers' time window (peer.authentication.
// timewindow, 15 minutes) gets ErrClockSkew at once, for reads and writes, and writes nothing;
// one within the window works. The load of the other organisations goes on meanwhile.
func TestClientClockSkew(t *testing.T) {
	runCase(t, fault{
		name: "client-clock-skew",
		node: func(context.Context, *testing.T) string { return "client" },
		inject: func(ctx context.Context, t *testing.T, _ string) {
			code := fmt.Sprintf("(01)%s(21)SKEW%s", products[testnet.ManufacturerA], testnet.RandDigits(8))
			req := model.CommissionRequest{GTIN: products[testnet.ManufacturerA], Batch: "SKEW",
				ProductionDate: time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly), Codes: []string{code}}
			for _, skew := range []time.Duration{time.Hour, -time.Hour, 16 * time.Minute} {
				c := skewedClient(ctx, t, skew)
				start := time.Now()
				_, err := c.Verify(ctx, code)
				require.ErrorIs(t, err, client.ErrClockSkew, "a read %s off", skew)
				_, err = c.Commission(ctx, req)
				require.ErrorIs(t, err, client.ErrClockSkew, "a write %s off", skew)
				var ce *client.ClockSkewError
				require.True(t, errors.As(err, &ce))
				assert.InDelta(t, skew.Seconds(), ce.Skew().Seconds(), 60, ce.Error())
				assert.Equal(t, 15*time.Minute, ce.Window)
				assert.NotErrorIs(t, err, client.ErrOutcomeUnknown)
				// Refused at once: never retried, since no retry can help.
				assert.Less(t, time.Since(start), 5*time.Second)
				t.Logf("clock %s off: %v", skew, err)
			}
			// Nothing was written.
			right, err := testnet.Current().Client(testnet.ManufacturerA, testnet.User)
			require.NoError(t, err)
			check, err := right.CheckCommission(ctx, req)
			require.NoError(t, err)
			assert.Equal(t, []int{0}, check.Missing)
			// Within the window a client works.
			v, err := skewedClient(ctx, t, 5*time.Minute).Verify(ctx, code)
			require.NoError(t, err)
			assert.Equal(t, model.VerdictUnknown, v.Verdict)
		},
	})
}
