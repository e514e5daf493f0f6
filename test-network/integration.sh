#!/usr/bin/env bash
# integration.sh runs every integration suite of the repository on ONE network that it starts
# in a temporary directory on a free block of ports, and stops at the end, whatever happens.
#
#   integration.sh [go test flags...]
#
# The suites attach to it through TRACECHAIN_TESTNET_DIR (test-network/testnet). They run in
# an order that lets them share it: the chaincode suite first, because some of its checks
# need a ledger on which no member is registered yet; the suites that only add data next;
# then test-network/testnet's own tests, which stop and restart nodes and upgrade the
# chaincode; and last the fault suite (test-network/faults), which kills nodes under load.
# TRACECHAIN_FAULTS=full runs the fault suite's long form. Each suite still runs on its own
# too: go test -tags integration ./client/ starts a network of its own.
#
# After them, once the shared network is down, the organisation partition test runs on a
# network of its own with one network namespace per organisation (network.sh up --netns),
# when the script runs as root.
#
# The suites of another ordering (test-network/testnet/bft, on SmartBFT) and those that change
# the network's shape (test-network/testnet/addorg, test-network/testnet/leave, and the fault
# suite's TestGrowthUnderLoad, selected by TRACECHAIN_GROWTH=1) need a network of their own:
# they run after the shared network is stopped, each starting and stopping its own, so that
# one network runs at a time.
#
# If this script dies without its EXIT trap (SIGKILL), a reaper in its own session notices
# and stops the network: it stops exactly the processes the network recorded.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
cd "$ROOT"
GO=${GO:-go}

first=./chaincode/integration
last=./test-network/testnet
faults=./test-network/faults
own=(./test-network/testnet/bft ./test-network/testnet/addorg ./test-network/testnet/leave)
mapfile -t all < <(grep -rl --include='*_test.go' '^//go:build integration' chaincode client test-network |
	xargs -n1 dirname | sort -u | sed 's|^|./|')
middle=()
for p in "${all[@]}"; do
	[[ $p == "$first" || $p == "$last" || $p == "$faults" || " ${own[*]} " == *" $p "* ]] || middle+=("$p")
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/tracechain-it-XXXXXX")
export TRACECHAIN_RUN_DIR=$dir/run
down() {
	bash "$HERE/network.sh" down >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap 'down; [[ -z ${reaper:-} ]] || kill "$reaper" 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM HUP

started=
for _ in 1 2 3 4; do
	export TRACECHAIN_PORT_BASE=$((10000 + 300 * (RANDOM % 70)))
	if out=$(bash "$HERE/network.sh" up 2>&1); then
		started=1
		break
	fi
	grep -q 'is in use' <<<"$out" || break
	bash "$HERE/network.sh" down >/dev/null 2>&1 || true
done
if [[ -z $started ]]; then
	tail -n 40 <<<"$out" >&2
	echo "integration.sh: the network did not start" >&2
	exit 1
fi
setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; bash "$2" down >/dev/null 2>&1; rm -rf "$3"' \
	reaper "$$" "$HERE/network.sh" "$dir" </dev/null >/dev/null 2>&1 &
reaper=$!
echo "integration.sh: one network for every suite, ports from $TRACECHAIN_PORT_BASE, run dir $TRACECHAIN_RUN_DIR"

export TRACECHAIN_TESTNET_DIR=$TRACECHAIN_RUN_DIR
status=0
for group in "$first" "${middle[*]}" "$last" "$faults"; do
	[[ -n $group ]] || continue
	# shellcheck disable=SC2086 # a group is a list of packages
	$GO test -tags integration -count=1 -p 1 -timeout 30m "$@" $group || status=1
done

# One network at a time: the namespaced and the BFT networks start after the shared one is down.
down
if [[ $(id -u) == 0 ]] && command -v ip >/dev/null; then
	# Each package starts a namespaced network of its own, one after the other (-p 1).
	TRACECHAIN_NETNS=1 env -u TRACECHAIN_TESTNET_DIR -u TRACECHAIN_RUN_DIR -u TRACECHAIN_PORT_BASE \
		$GO test -tags integration -count=1 -p 1 -timeout 30m "$@" \
		-run '^(TestPartitionedOrganisationCatchesUp|TestOrganisationJoinsInItsOwnNamespace|TestOrganisationPartitioned)$' "$last" "$faults" || status=1
else
	echo "integration.sh: skipped TestPartitionedOrganisationCatchesUp and TestOrganisationPartitioned: network namespaces need root and iproute2's ip"
fi
for p in "${own[@]}"; do
	env -u TRACECHAIN_TESTNET_DIR -u TRACECHAIN_RUN_DIR -u TRACECHAIN_PORT_BASE \
		$GO test -tags integration -count=1 -p 1 -timeout 30m "$@" "$p" || status=1
done
# The fault suite's load while the consortium grows and shrinks (TestGrowthUnderLoad) changes
# the network's shape too: on a network of its own, like the suites above.
env -u TRACECHAIN_TESTNET_DIR -u TRACECHAIN_RUN_DIR -u TRACECHAIN_PORT_BASE TRACECHAIN_GROWTH=1 \
	$GO test -tags integration -count=1 -p 1 -timeout 30m "$@" -run '^TestGrowthUnderLoad$' "$faults" || status=1
exit $status
