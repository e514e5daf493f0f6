package bench

import (
	"fmt"
	"strings"
)

// Memory budgets of the test network's nodes (docs/network.md), as peak RSS (VmHWM). network.sh
// gives each Go node a soft memory limit (GOMEMLIMIT) below its budget; the rest of the budget
// is what the runtime and the process hold outside the Go heap.
const (
	PeerBudgetMiB      = 400 // GOMEMLIMIT 320MiB
	OrdererBudgetMiB   = 200 // GOMEMLIMIT 160MiB
	ChaincodeBudgetMiB = 128 // GOMEMLIMIT 96MiB, each organisation's tracechain server and the baseline's
	CABudgetMiB        = 64  // the Regulator's Fabric CA, idle during a benchmark
)

// NodeBudgetMiB is the memory budget of a node of the run directory (nodes/NAME), false for a
// node without one.
func NodeBudgetMiB(node string) (float64, bool) {
	switch {
	case strings.HasPrefix(node, "peer"):
		return PeerBudgetMiB, true
	case strings.HasPrefix(node, "orderer"):
		return OrdererBudgetMiB, true
	case strings.HasPrefix(node, "chaincode."), node == "benchcc":
		return ChaincodeBudgetMiB, true
	case strings.HasPrefix(node, "ca."):
		return CABudgetMiB, true
	}
	return 0, false
}

// overBudget is the target of the nodes' budgets: how many nodes went over theirs, and a note
// naming the node closest to its budget (or every node over it).
func (m Memory) overBudget() (over int, note string) {
	var worst string
	var worstShare float64
	var names []string
	for _, n := range m.Nodes {
		b, ok := NodeBudgetMiB(n.Node)
		if !ok {
			continue
		}
		share := n.HWMMiB / b
		if n.HWMMiB > b {
			over++
			names = append(names, fmt.Sprintf("%s %.0f of %.0f MiB", n.Node, n.HWMMiB, b))
		}
		if share > worstShare {
			worst, worstShare = fmt.Sprintf("highest: %s at %.0f of %.0f MiB", n.Node, n.HWMMiB, b), share
		}
	}
	if over > 0 {
		return over, "over: " + strings.Join(names, ", ")
	}
	return 0, worst
}
