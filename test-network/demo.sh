#!/usr/bin/env bash
# demo.sh tells the tracechain story on a running test network with tracectl:
# members, a cable product, 1,000 serialised units, cases and a pallet, shipping
# through a distributor to a retailer, a sale, verification, a batch recall, the
# recall report, a clone report that the Regulator confirms, and a trace that carries no
# buyer data. Privileged steps (registering members, deciding alerts, recalling) use each
# organisation's administrator identity; everything else its ordinary user.
#
#   make demo                      build, start the network, run this script
#   bash test-network/demo.sh      against a network that is already up
#
# Environment:
#   TRACECTL            the tracectl binary (default: .bin/tracectl)
#   TRACECHAIN_RUN_DIR  the network's run dir, for its connection material
#                       (default: test-network/run)
#
# The codes are fixed, so the script runs once per fresh network. Every step
# checks its outcome; a failed step (or a verify with the wrong verdict) stops
# the script with a non-zero exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
TRACECTL=${TRACECTL:-$ROOT/.bin/tracectl}
export TRACECHAIN_RUN_DIR=${TRACECHAIN_RUN_DIR:-$HERE/run}
[[ -x $TRACECTL ]] || {
	echo "demo: $TRACECTL not found: go build -o .bin/tracectl ./client/cmd/tracectl" >&2
	exit 1
}
[[ -f $TRACECHAIN_RUN_DIR/connection/regulator.json ]] || {
	echo "demo: no test network in $TRACECHAIN_RUN_DIR: bash test-network/network.sh up" >&2
	exit 1
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
T0=$SECONDS
N=0

step() {
	N=$((N + 1))
	printf '\n\033[1m%d. %s\033[0m\n' "$N" "$*"
}
# as ORG CMD...: run tracectl as ORG's user, echoing the command.
as() {
	local org=$1
	shift
	printf '$ tracectl --org %s %s\n' "$org" "$(short_args "$@")"
	"$TRACECTL" --org "$org" "$@"
}
# as_admin ORG CMD...: run tracectl as ORG's administrator.
as_admin() {
	local org=$1
	shift
	as "$org" --admin "$@"
}
# buyer NAME ADDRESS CONTACT: the buyer data file of a sale. Personal data goes in a file
# (or standard input), never on a command line where ps and shell history would keep it.
buyer() {
	local f=$WORK/buyer-$N.json
	printf '{"buyerName":"%s","buyerAddress":"%s","buyerContact":"%s"}\n' "$1" "$2" "$3" >"$f"
	printf '%s' "$f"
}
# short_args: the command line, with long code lists elided.
short_args() {
	local s="$*"
	((${#s} > 160)) && s="${s:0:150} … ($# args)"
	printf '%s' "$s"
}
# expect_verdict WORD CODE: verify CODE as the Retailer and check the verdict.
expect_verdict() {
	local want=$1 code=$2 out rc=0
	out=$(as Retailer verify "$code") || rc=$?
	printf '%s\n' "$out"
	local got
	got=$(printf '%s\n' "$out" | sed -n '2p' | sed 's/ —.*//')
	if [[ $got != "$want" ]]; then
		echo "demo: FAILED: expected verdict $want, got '$got'" >&2
		exit 1
	fi
	if [[ $want == GENUINE && $rc -ne 0 ]] || [[ $want != GENUINE && $rc -ne 3 ]]; then
		echo "demo: FAILED: verify $want exited with $rc" >&2
		exit 1
	fi
}
ok() { printf '\033[32m✓ %s\033[0m\n' "$*"; }

# ------------------------------------------------------------------------------------------
# The cast. GS1 keys and USCCs carry valid check characters.
PREFIX_A=6901234                 # GS1 company prefix of ManufacturerA
PREFIX_B=6909876                 # GS1 company prefix of ManufacturerB
GTIN=06901234000016              # 1.5 mm² copper building wire, ManufacturerA
BATCH=CB2025-05
SERIAL_PREFIX=CA25-
unit() { printf '(01)%s(21)%s%06d' "$GTIN" "$SERIAL_PREFIX" "$1"; }
# SSCCs: extension 0 + prefix + serial reference + check digit.
CASES=(069012340000000016 069012340000000023 069012340000000030 069012340000000047 069012340000000054
	069012340000000061 069012340000000078 069012340000000085 069012340000000092 069012340000000108)
PALLET=069012340000000115
case_code() { printf '(00)%s' "${CASES[$1]}"; }
PALLET_CODE="(00)$PALLET"
SOLD=$(unit 901)                 # in case 9, sold by the Retailer
UNSOLD=$(unit 5)                 # in case 0, stays at the Distributor
SOLD_QR="https://qr.cable.example.cn/01/$GTIN/21/${SERIAL_PREFIX}000901?17=351231"
BUYER="Li Xiaoming"

step "The Regulator registers the members"
as_admin Regulator member register ManufacturerAMSP --role manufacturer --name "Hangzhou Lianhe Cable Co., Ltd." \
	--uscc 91330100MA2A0001XD --address "88 Binjiang Road, Hangzhou" --prefix $PREFIX_A \
	--production-licence "XK06-001-00123" --ccc 2021010105000001 >/dev/null
as_admin Regulator member register ManufacturerBMSP --role manufacturer --name "Ningbo Anran Gas Appliance Co., Ltd." \
	--uscc 91330100MA2B0002X1 --prefix $PREFIX_B --production-licence "XK21-002-00456" >/dev/null
as_admin Regulator member register DistributorMSP --role distributor --name "Shanghai Huadong Electrical Distribution Co., Ltd." \
	--uscc 91310000MA1D0003XK --business-licence "310000000123456" >/dev/null
as_admin Regulator member register RetailerMSP --role retailer --name "Beijing Jiadian Hardware Store" \
	--uscc 91110000MA0R0004X0 --business-licence "110000000654321" >/dev/null
as Regulator member list

step "ManufacturerA registers a cable and commissions 1,000 serialised units from a CSV file"
as ManufacturerA product register --gtin $GTIN --name "BV 450/750V 1x1.5mm² copper building wire" \
	--type "electric wire and cable" --spec "BV 1.5mm² 100m coil" --standard "GB/T 5023.3-2008" \
	--licence XK06-001-00123 --warranty-months 24
{
	echo "serial,note"
	for i in $(seq 1 1000); do printf '%s%06d,coil %d\n' "$SERIAL_PREFIX" "$i" "$i"; done
} >"$WORK/units.csv"
echo "units.csv: $(($(wc -l <"$WORK/units.csv") - 1)) serials, e.g. $(sed -n 2p "$WORK/units.csv")"
as ManufacturerA commission --gtin $GTIN --batch $BATCH --production-date 2025-05-06 --csv "$WORK/units.csv"

step "ManufacturerA packs 10 cases of 100 units and the cases onto a pallet, ships the pallet to the Distributor, who receives it"
pids=()
for c in $(seq 0 9); do
	units=()
	for i in $(seq $((c * 100 + 1)) $((c * 100 + 100))); do units+=("$(unit "$i")"); done
	as ManufacturerA pack "$(case_code "$c")" "${units[@]}" >"$WORK/pack$c.log" 2>&1 &
	pids+=($!)
done
for c in $(seq 0 9); do
	wait "${pids[$c]}" || {
		cat "$WORK/pack$c.log" >&2
		exit 1
	}
	tail -n1 "$WORK/pack$c.log"
done
cases=()
for c in $(seq 0 9); do cases+=("$(case_code "$c")"); done
as ManufacturerA pack "$PALLET_CODE" "${cases[@]}"
as ManufacturerA ship --to DistributorMSP "$PALLET_CODE"
as Distributor receive "$PALLET_CODE"

step "The Distributor unpacks the pallet and ships case 9 to the Retailer, who receives it and sells one unit"
as Distributor unpack "$PALLET_CODE"
as Distributor ship --to RetailerMSP "$(case_code 9)"
as Retailer receive "$(case_code 9)"
as Retailer sell "$SOLD" --buyer "$(buyer "$BUYER" "12 Chaoyang Road, Beijing" "+86 138 0000 0000")"

step "Verify: an unsold unit, the sold unit (scanned as a QR Digital Link), a made-up code, a wrong check digit"
expect_verdict GENUINE "$UNSOLD"
expect_verdict SOLD "$SOLD_QR"
expect_verdict UNKNOWN "(01)$GTIN(21)FAKE-000001"
expect_verdict "INVALID CODE" "(01)06901234000017(21)${SERIAL_PREFIX}000005"
ok "every verdict as expected"

step "A second sale of the sold unit is refused and files a clone report; the verdict stays SOLD until the Regulator confirms it"
rc=0
as Retailer sell "$SOLD" --buyer "$(buyer "Wang Wei" "5 Xidan Street, Beijing" "+86 139 0000 0000")" || rc=$?
[[ $rc -eq 5 ]] || {
	echo "demo: FAILED: the second sale exited with $rc, not 5 (refused)" >&2
	exit 1
}
expect_verdict SOLD "$SOLD"
alerts_json=$(as Regulator --json alerts)
ALERT_ID=$(printf '%s\n' "$alerts_json" | sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' | head -n1)
[[ -n $ALERT_ID ]] || {
	printf '%s\n' "$alerts_json" >&2
	echo "demo: FAILED: no clone report for the unit" >&2
	exit 1
}
as Regulator alerts
as_admin Regulator alerts decide "$SOLD" "$ALERT_ID" --confirm --note "copied label found at a market stall"
expect_verdict "SUSPECTED CLONE" "$SOLD"
ok "one retailer's report changed nothing; the Regulator's confirmation did"

step "ManufacturerA recalls the batch; verify now says RECALLED"
recall_json=$(as_admin ManufacturerA --json recall --gtin $GTIN --batch $BATCH --reason "Conductor resistance above GB/T 3956 limit")
RECALL_ID=$(printf '%s\n' "$recall_json" | sed -n 's/.*"id": *"\([0-9a-f]*\)".*/\1/p' | head -n1)
[[ -n $RECALL_ID ]] || {
	printf '%s\n' "$recall_json" >&2
	exit 1
}
printf '%s\n' "$recall_json"
expect_verdict RECALLED "$UNSOLD"

step "The recall report shows where every unit is, by holder and top-level container"
report=$(as Regulator recall report "$RECALL_ID")
printf '%s\n' "$report"
grep -q '^1000 affected item' <<<"$report" || {
	echo "demo: FAILED: the report does not cover 1000 units" >&2
	exit 1
}

step "The trace of the sold unit shows its whole journey, without buyer data"
trace=$(as Regulator trace "$SOLD")
printf '%s\n' "$trace"
for e in Commissioned Packed Shipped Received Unpacked Sold CloneAlert AlertDecided; do
	grep -q " $e " <<<"$trace" || {
		echo "demo: FAILED: no $e event in the trace" >&2
		exit 1
	}
done
if grep -qi "$BUYER" <<<"$trace" || as Regulator --json trace "$SOLD" | grep -qi "$BUYER"; then
	echo "demo: FAILED: the trace contains the buyer's name" >&2
	exit 1
fi
ok "the buyer's name is not in the trace"

SERVICE=$(cat "$TRACECHAIN_RUN_DIR/service.url" 2>/dev/null || true)
if [[ -n $SERVICE ]]; then
	step "A shopper scans the sold unit's QR code: the public verification service answers from the ledger"
	# The QR carries the Digital Link; on the resolver's domain it redirects to the verdict.
	QR_LOCAL="${SERVICE}01/$GTIN/21/${SERIAL_PREFIX}000901?17=351231"
	echo "\$ curl -L -H 'Accept: application/json' '$QR_LOCAL'"
	answer=$(curl -fsSL -H 'Accept: application/json' "$QR_LOCAL")
	printf '%s\n' "$answer" | head -c 600
	echo
	grep -q '"verdict": *"recalled"' <<<"$answer" || {
		echo "demo: FAILED: the service does not answer the ledger's verdict (recalled)" >&2
		exit 1
	}
	if grep -qi "$BUYER" <<<"$answer"; then
		echo "demo: FAILED: the public answer contains the buyer's name" >&2
		exit 1
	fi
	ok "the public answer carries the verdict and no buyer data"
fi

printf '\n\033[1mDemo finished in %d s.\033[0m\n' $((SECONDS - T0))
if [[ -n $SERVICE ]]; then
	printf 'Verification service: %s\n' "$SERVICE"
	printf "Open the sold unit's QR address in a browser: %s\n" "${SERVICE}01/$GTIN/21/${SERIAL_PREFIX}000901?17=351231"
fi
CONSOLE=$(cat "$TRACECHAIN_RUN_DIR/console.url" 2>/dev/null || true)
if [[ -n $CONSOLE ]]; then
	printf 'Regulator console (mutual TLS): %s\n' "$CONSOLE"
	if [[ -f $TRACECHAIN_RUN_DIR/console-staff.p12 ]]; then
		printf '  sign in with the Regulator staff certificate %s (password tracechain; import it into the browser)\n' "$TRACECHAIN_RUN_DIR/console-staff.p12"
	else
		printf '  sign in with the Regulator staff certificate %s and its key %s\n' "$TRACECHAIN_RUN_DIR/console-staff.pem" "$TRACECHAIN_RUN_DIR/console-staff.key"
	fi
	printf '  the server certificate is issued by %s (trust it, or accept the warning)\n' "$TRACECHAIN_RUN_DIR/console-server-ca.pem"
fi
