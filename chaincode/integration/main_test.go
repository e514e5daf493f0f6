//go:build integration

package integration

import (
	"os"
	"testing"
	"time"

	"github.com/tracechain/tracechain/chaincode/model"
	"github.com/tracechain/tracechain/test-network/testnet"
)

func TestMain(m *testing.M) { os.Exit(testnet.Main(m)) }

// TestTracechain runs every scenario against one network in a fixed order:
// the callers are unregistered at first, master data registers them, and
// the later scenarios build on the registered members and products. The
// Events step checks the events of every transaction committed before it.
func TestTracechain(t *testing.T) {
	start := time.Now()
	s := newSuite(t)
	s.fresh = s.ledgerIsEmpty(t)
	if !s.fresh {
		t.Logf("members are already registered: attached to a used network, skipping the checks that need an empty ledger")
	}
	steps := []struct {
		name     string
		run      func(*testing.T, *suite)
		required bool // the later steps cannot run without it
	}{
		{"UnregisteredCallers", testUnregisteredCallers, false},
		{"MasterData", testMasterData, true},
		{"Story", testStory, false},
		{"Refusals", testRefusals, false},
		{"Integrity", testIntegrity, false},
		{"RoleMatrix", testRoleMatrix, false},
		{"NoHotKeys", testNoHotKeys, false},
		{"Events", testEvents, false},
	}
	for _, step := range steps {
		stepStart := time.Now()
		ok := t.Run(step.name, func(t *testing.T) { step.run(t, s) })
		t.Logf("%s: %s", step.name, time.Since(stepStart).Round(10*time.Millisecond))
		if !ok && step.required {
			t.Fatalf("%s failed; the later steps need it", step.name)
		}
	}
	t.Logf("%d transactions committed in %s", len(s.txs), time.Since(start).Round(10*time.Millisecond))
}

// ledgerIsEmpty reports whether no member is registered yet.
func (s *suite) ledgerIsEmpty(t *testing.T) bool {
	t.Helper()
	page := mustEvaluate[model.MemberPage](t, s.reg, model.FnListMembers, int32(0), "")
	return len(page.Members) == 0
}
