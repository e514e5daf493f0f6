#!/usr/bin/env bash
# network.sh [RUN_DIR]: write networkconfig.yaml for the network running from RUN_DIR
# (default: $TRACECHAIN_RUN_DIR, else test-network/run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
exec node gen-network.js "${1:-${TRACECHAIN_RUN_DIR:-../../run}}"
