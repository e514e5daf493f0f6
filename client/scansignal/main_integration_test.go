//go:build integration

package scansignal_test

import (
	"os"
	"testing"

	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m)) }
