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
		required bool                     // the later steps cannot run without it
		setUp    func(*testing.T, *suite) // what the later steps need of it, when -run leaves it out
	}{
		{"UnregisteredCallers", testUnregisteredCallers, false, nil},
		{"MasterData", testMasterData, true, setUpMasterData},
		{"Story", testStory, false, nil},
		{"Refusals", testRefusals, false, nil},
		{"NoPanicReachesTheShim", testNoPanicReachesTheShim, false, nil},
		{"Integrity", testIntegrity, false, nil},
		{"RoleMatrix", testRoleMatrix, false, nil},
		{"NoHotKeys", testNoHotKeys, false, nil},
		{"Events", testEvents, false, nil},
	}
	for _, step := range steps {
		stepStart := time.Now()
		ran := false
		ok := t.Run(step.name, func(t *testing.T) { ran = true; step.run(t, s) })
		if !ran && step.setUp != nil {
			// Filtered out by -run (e.g. -run TestTracechain/Story): the later steps
			// still need what it sets up.
			step.setUp(t, s)
			ok = !t.Failed()
		}
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
