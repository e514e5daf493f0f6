#!/usr/bin/env bash
# network.sh runs the consortium defined in ../network natively on 127.0.0.1: three etcdraft
# orderers (or four SmartBFT orderers of four organisations), one peer per organisation, and
# the tracechain chaincode as a service: each organisation's own chaincode server, which only
# its peer uses.
#
#   network.sh up [--netns] [--bft]
#                                 build tools, generate crypto, start nodes, then createChannel
#                                 and deployCC, and wait until a gateway client is served;
#                                 --netns: each organisation in a network namespace of its own
#                                 with its own address (netns.sh; root only); --bft orders with
#                                 SmartBFT instead of raft (not with --netns)
#   network.sh createChannel      create the channel and join every orderer and peer to it;
#                                 on a running network, join only the nodes not yet in it
#   network.sh deployCC           deploy the chaincode at its next sequence (on a running
#                                 network: an upgrade that keeps the data); `deploy` is an alias
#   network.sh down               stop exactly the recorded processes and remove the run dir
#   network.sh status             health, PID and memory of every node
#   network.sh stop-node NODE     stop one node (orderer0, peer0.retailer, chaincode.retailer, ...)
#   network.sh start-node NODE    start it again with the same configuration and data
#   network.sh kill-node NODE     SIGKILL one node by its recorded PID (a crash: no clean shutdown)
#   network.sh metrics NODE       the Prometheus metrics of an orderer or peer (operations endpoint)
#   network.sh peer ORG ARGS...   run the peer CLI as ORG's admin against ORG's peer
#   network.sh add-org NAME --role manufacturer|distributor|retailer|regulator [--region CODE]
#                                 add an organisation to the running channel: its crypto
#                                 material, Fabric CA and peer; a channel config update signed
#                                 by a majority of the organisations' admins; its peer joined
#                                 from a ledger snapshot of an existing peer; the chaincode
#                                 definitions at their next sequence with it among the
#                                 endorsers (and, for a retailer, its sales collection). A
#                                 regulator (--region of its province) endorses nothing and
#                                 joins the sales collections of its province's retailers. Each
#                                 step's time goes to RUN/add-org/NAME.times (raft or BFT,
#                                 native or --netns: its own namespace)
#   network.sh remove-org NAME    take an organisation out of the channel: the chaincode
#                                 definitions at their next sequence without it (approved by
#                                 every remaining organisation), a config update signed by a
#                                 majority of the organisations' admins, then its nodes stop;
#                                 its history stays on the ledger (RUN/remove-org/NAME.times)
#   network.sh revoke ORG IDENTITY
#                                 revoke one certificate of ORG (users/IDENTITY@domain, or a PEM
#                                 file): a CRL signed by ORG's CA put into its channel MSP by a
#                                 config update its admin signs; every peer refuses it after
#   network.sh serve              start the verification service (traced) as the Regulator's
#                                 read-only identity (clone signals from scans filed as its
#                                 user), with the regulator's console (mutual TLS), and print
#                                 their addresses and the console's staff certificate
#   network.sh tools              only build the Fabric tools and the project's binaries
#   network.sh partition ORG      (--netns) take the organisation's network link down
#   network.sh heal ORG           (--netns) bring it up again
#
# Environment:
#   TRACECHAIN_RUN_DIR    where processes keep config, data, logs and PIDs (default: ./run)
#   TRACECHAIN_PORT_BASE  first port of the block of ports the network uses (default: 27000)
#   TRACECHAIN_BIN        where binaries are built (default: ../.bin)
#   TRACECHAIN_NETNS      1: as up --netns
#   TRACECHAIN_ORDERING   raft (default) or bft, for up; a running network remembers its own
#   TRACECHAIN_PEER_GOMEMLIMIT, TRACECHAIN_ORDERER_GOMEMLIMIT, TRACECHAIN_CC_GOMEMLIMIT
#                         Go soft memory limit per node, the memory budgets of docs/network.md
#                         (default 320MiB, 160MiB and 96MiB; "off": none). Lower memory costs
#                         batched throughput (docs/performance.md).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
NETDEF=$ROOT/network
BIN=${TRACECHAIN_BIN:-$ROOT/.bin}
RUN=${TRACECHAIN_RUN_DIR:-$HERE/run}
FABRIC_VERSION=3.1.1
FABRIC_CA_VERSION=1.5.15

# shellcheck source=../network/consortium.env
. "$NETDEF/consortium.env"
# shellcheck source=../network/chaincode.env
. "$NETDEF/chaincode.env"
# shellcheck source=netns.sh
. "$HERE/netns.sh"

# A running network remembers its port base, so later commands need no environment.
if [[ -f $RUN/network.env ]]; then
	# shellcheck source=/dev/null
	. "$RUN/network.env"
fi
# Organisations added to the running network (add-org) extend the consortium's lists;
# organisations removed from it (remove-org) keep their place in them (their port slot) and
# are listed in REMOVED_ORGS.
ADDED_ORGS=
REMOVED_ORGS=
if [[ -f $RUN/orgs.env ]]; then
	# shellcheck source=/dev/null
	. "$RUN/orgs.env"
fi
PORT_BASE=${PORT_BASE:-${TRACECHAIN_PORT_BASE:-27000}}
NETNS=${NETNS:-${TRACECHAIN_NETNS:-0}}
ORDERING=${ORDERING:-${TRACECHAIN_ORDERING:-raft}}
RAFT_ORDERERS=$ORDERERS

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

lower() { tr '[:upper:]' '[:lower:]' <<<"$1"; }
org_domain() { echo "$(lower "$1").$DOMAIN_SUFFIX"; }
orderer_domain() { echo "$(lower "$(orderer_org "$1")").$DOMAIN_SUFFIX"; }

# Port layout, relative to PORT_BASE:
#   orderer i: +i gRPC, +10+i admin (osnadmin), +20+i operations
#   peer j:    +100+10j gRPC, +101+10j chaincode, +102+10j operations
#   organisation j's tracechain chaincode server (chaincode.<org>): +103+10j
#   the benchmark chaincode's server (benchcc), one for every peer: +201 (+200 is unused)
#   the Regulator's Fabric CA: +202 API (TLS), +203 operations
#   the verification service (traced): +204, its regulator's console (mutual TLS): +205
#   an organisation added to the running network (add-org) takes the next peer slot j (5 to
#   9): its peer's and its chaincode server's ports as above, its Fabric CA +200+2j API,
#   +201+2j operations
org_index() {
	local i=0 o
	for o in $PEER_ORGS; do
		[[ $o == "$1" ]] && echo $i && return
		i=$((i + 1))
	done
	die "unknown organisation $1 (have: $PEER_ORGS)"
}
orderer_index() { echo "${1#orderer}"; }
orderer_port() { echo $((PORT_BASE + $(orderer_index "$1"))); }
orderer_admin_port() { echo $((PORT_BASE + 10 + $(orderer_index "$1"))); }
orderer_ops_port() { echo $((PORT_BASE + 20 + $(orderer_index "$1"))); }
peer_port() { echo $((PORT_BASE + 100 + 10 * $(org_index "$1"))); }
peer_cc_port() { echo $((PORT_BASE + 101 + 10 * $(org_index "$1"))); }
peer_ops_port() { echo $((PORT_BASE + 102 + 10 * $(org_index "$1"))); }
cc_port() { echo $((PORT_BASE + 103 + 10 * $(org_index "$1"))); }
bench_cc_port() { echo $((PORT_BASE + 201)); }
# ca_port [ORG], ca_ops_port [ORG]: the Fabric CA of ORG (default: the Regulator's).
ca_port() {
	local org=${1:-$REGULATOR_ORG}
	if [[ $org == "$REGULATOR_ORG" ]]; then echo $((PORT_BASE + 202)); else echo $((PORT_BASE + 200 + 2 * $(org_index "$org"))); fi
}
ca_ops_port() { echo $(($(ca_port "${1:-$REGULATOR_ORG}") + 1)); }
traced_port() { echo $((PORT_BASE + 204)); }
console_port() { echo $((PORT_BASE + 205)); }

# Addresses. On one host every node listens on 127.0.0.1. With --netns an organisation's
# nodes, its chaincode server among them, listen on its namespace's address, and the
# benchmark chaincode's server, which every peer reaches, on the host's address on the bridge
# (netns.sh).
org_host() {
	if [[ $NETNS == 1 ]]; then netns_addr "$1"; else echo 127.0.0.1; fi
}
orderer_host() { org_host "$ORDERER_ORG"; }
ca_host() { org_host "${1:-$REGULATOR_ORG}"; }
cc_host() {
	if [[ $NETNS == 1 ]]; then echo "$SUBNET.1"; else echo 127.0.0.1; fi
}

# node_org NODE: the organisation that runs an orderer, peer or CA node; empty for the others.
node_org() {
	local org
	case $1 in
	orderer*) echo "$ORDERER_ORG" ;;
	ca.*)
		for org in $(ca_orgs); do
			[[ $(ca_node "$org") == "$1" ]] && echo "$org" && return
		done
		;;
	peer0.*)
		for org in $PEER_ORGS; do
			[[ $(peer_node "$org") == "$1" ]] && echo "$org" && return
		done
		;;
	chaincode.*)
		for org in $PEER_ORGS; do
			[[ $(cc_node "$CC_NAME" "$org") == "$1" ]] && echo "$org" && return
		done
		;;
	esac
	return 0
}

# node_host NODE: the address a node's endpoints listen on.
node_host() {
	case $1 in
	benchcc) cc_host ;;
	traced) echo 127.0.0.1 ;;
	*) org_host "$(node_org "$1")" ;;
	esac
}

crypto() { echo "$RUN/crypto"; }
# orderer_org_dir NODE, orderer_tls_ca NODE: the crypto material of NODE's ordering organisation.
orderer_org_dir() { echo "$(crypto)/ordererOrganizations/$(orderer_domain "$1")"; }
orderer_tls_ca() { echo "$(orderer_org_dir "$1")/tlsca/tlsca.$(orderer_domain "$1")-cert.pem"; }
peer_org_dir() { echo "$(crypto)/peerOrganizations/$(org_domain "$1")"; }
peer_tls_ca() { echo "$(peer_org_dir "$1")/tlsca/tlsca.$(org_domain "$1")-cert.pem"; }
peer_node() { echo "peer0.$(lower "$1")"; }

# Chaincode servers. Each organisation runs its own tracechain server (chaincode.<org>), and
# its peer installs a package of its own whose connection.json names that server: the package
# IDs differ per organisation, and each organisation approves its own. The benchmark baseline
# keeps one server (benchcc) and one package for every peer.
#
# cc_node NAME ORG: the node that serves chaincode NAME to ORG's peer.
cc_node() {
	if [[ $1 == "$CC_NAME" ]]; then echo "chaincode.$(lower "$2")"; else echo benchcc; fi
}
# cc_address NAME ORG: where ORG's peer reaches that node.
cc_address() {
	if [[ $1 == "$CC_NAME" ]]; then echo "$(org_host "$2"):$(cc_port "$2")"; else echo "$(cc_host):$(bench_cc_port)"; fi
}
# cc_package NAME ORG: the package of chaincode NAME that ORG's peer installs.
cc_package() {
	if [[ $1 == "$CC_NAME" ]]; then echo "$RUN/chaincode/$1.$(lower "$2").tar.gz"; else echo "$RUN/chaincode/$1.tar.gz"; fi
}

# channel_orgs: the peer organisations in the channel: PEER_ORGS less the removed ones.
channel_orgs() {
	local org
	for org in $PEER_ORGS; do
		removed "$org" || printf '%s ' "$org"
	done
}
removed() { [[ -n $1 && " $REMOVED_ORGS " == *" $1 "* ]]; }
# first_org: the first organisation in the channel, which deploys and commits definitions.
first_org() {
	local orgs
	orgs=$(channel_orgs)
	echo "${orgs%% *}"
}

# ---------------------------------------------------------------------------------------------
# Ordering: raft, three orderers of the Orderer organisation (profile Traceability), or
# SmartBFT, four orderers of four ordering organisations (profile TraceabilityBFT, orderer i
# run by the i-th of BFT_ORDERER_ORGS). Everything else is the same on both.

# select_ordering: the profile and the orderers of $ORDERING.
select_ordering() {
	case $ORDERING in
	raft) PROFILE=Traceability ;;
	bft)
		PROFILE=TraceabilityBFT
		ORDERERS=$BFT_ORDERERS
		;;
	*) die "unknown ordering $ORDERING (raft or bft)" ;;
	esac
}

# orderer_org NODE: the ordering organisation that runs orderer NODE.
orderer_org() {
	[[ $ORDERING == bft ]] || {
		echo "$ORDERER_ORG"
		return
	}
	local -a orgs
	read -ra orgs <<<"$BFT_ORDERER_ORGS"
	local org=${orgs[$(orderer_index "$1")]:-}
	[[ -n $org ]] || die "no ordering organisation runs $1 (BFT_ORDERER_ORGS: $BFT_ORDERER_ORGS)"
	echo "$org"
}

# orderer_mspid NODE: the MSP ID of NODE's ordering organisation, which NODE signs blocks as.
orderer_mspid() {
	[[ $ORDERING == bft ]] || {
		echo "$ORDERER_MSPID"
		return
	}
	echo "$(orderer_org "$1")MSP"
}

# osnadmin_as NODE ARGS...: osnadmin against NODE's admin endpoint as the administrator of
# NODE's own organisation, the only one its mutual TLS admits.
osnadmin_as() {
	local o=$1 admin
	shift
	admin="$(orderer_org_dir "$o")/users/Admin@$(orderer_domain "$o")/tls"
	"$BIN/osnadmin" "$@" -o "$(orderer_host):$(orderer_admin_port "$o")" \
		--ca-file "$(orderer_tls_ca "$o")" --client-cert "$admin/client.crt" --client-key "$admin/client.key"
}

fabric_cfg() {
	local dir
	dir=$(cd "$HERE/tools" && go list -m -f '{{.Dir}}' github.com/hyperledger/fabric)
	[[ -d $dir/sampleconfig ]] || die "fabric sampleconfig not found in the module cache"
	echo "$dir/sampleconfig"
}

# ---------------------------------------------------------------------------------------------
# Binaries

build_tools() {
	mkdir -p "$BIN"
	local t missing=0
	for t in peer orderer configtxgen cryptogen osnadmin; do
		[[ -x $BIN/$t ]] || missing=1
	done
	if ((missing)); then
		log "building Fabric $FABRIC_VERSION tools into $BIN (about 90 s when cold)"
		(cd "$HERE/tools" && GOBIN=$BIN go install \
			-ldflags "-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION" tool)
	fi
	if [[ ! -x $BIN/fabric-ca-server || ! -x $BIN/fabric-ca-client ]]; then
		log "building Fabric CA $FABRIC_CA_VERSION into $BIN (about 2 minutes when cold)"
		(cd "$HERE/tools/ca" && GOBIN=$BIN go install tool)
	fi
	log "building chaincode servers, builder and probe"
	(cd "$ROOT" && go build -o "$BIN/" ./test-network/builder ./test-network/probe ./test-network/benchcc/cmd/tracebench-cc ./client/cmd/traced ./test-network/cmd/orgupdate &&
		go build -o "$BIN/tracechain-cc" "${TRACECHAIN_CC_PKG:-./chaincode/cmd/tracechain-cc}")
}

# ---------------------------------------------------------------------------------------------
# Processes. Each node has RUN/nodes/NAME/{env,cmd,pid,log}; the PID is the node's own (exec).

node_dir() { echo "$RUN/nodes/$1"; }

node_pid() {
	local f
	f="$(node_dir "$1")/pid"
	[[ -f $f ]] && cat "$f"
	return 0
}

# node_alive NAME: the recorded PID runs the recorded binary (guards against PID reuse).
node_alive() {
	local pid exe
	pid=$(node_pid "$1")
	[[ -n $pid ]] || return 1
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	# A rebuilt binary leaves the running process pointing at the replaced file.
	[[ ${exe% (deleted)} == "$(head -n1 "$(node_dir "$1")/cmd")" ]]
}

start_node() {
	local name=$1 dir
	dir=$(node_dir "$name")
	node_alive "$name" && return 0
	local -a cmd netns=()
	mapfile -t cmd <"$dir/cmd"
	# ip netns exec execs the node, so the recorded PID stays the node's own.
	if [[ $NETNS == 1 && -n $(node_org "$name") ]]; then
		netns=(ip netns exec "$(netns_of "$(node_org "$name")")")
	fi
	(
		set -a
		# shellcheck source=/dev/null
		. "$dir/env"
		set +a
		cd "$dir"
		exec "${netns[@]}" "${cmd[@]}" </dev/null >>"$dir/log" 2>&1
	) &
	echo $! >"$dir/pid"
	# Until the subshell (and ip netns exec) have exec'd the node, the PID runs another
	# binary, and node_alive would take the launch for an exit.
	local i
	for ((i = 0; i < 50; i++)); do
		node_alive "$name" && return 0
		kill -0 "$(node_pid "$name")" 2>/dev/null || return 0
		sleep 0.1
	done
}

stop_node() { end_node "$1" TERM; }

# kill_node NAME: SIGKILL the node, as a crash would end it: no clean shutdown.
kill_node() { end_node "$1" KILL; }

# end_node NAME SIGNAL: signal the recorded process and wait until it is gone (SIGKILL after
# 10 s). Only a PID that still runs the recorded binary is signalled (node_alive).
end_node() {
	local name=$1 pid i
	node_alive "$name" || {
		rm -f "$(node_dir "$name")/pid"
		return 0
	}
	pid=$(node_pid "$name")
	kill "-$2" "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
	rm -f "$(node_dir "$name")/pid"
}

# wait_healthy NAME PORT: until /healthz answers OK, or the process dies.
wait_healthy() {
	local name=$1 port=$2 i
	for ((i = 0; i < 600; i++)); do
		node_alive "$name" || {
			tail -n 30 "$(node_dir "$name")/log" >&2
			die "$name exited during start"
		}
		curl -fsS -o /dev/null "http://$(node_host "$name"):$port/healthz" 2>/dev/null && return 0
		sleep 0.1
	done
	die "$name not healthy after 60 s (see $(node_dir "$name")/log)"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

check_ports() {
	local p
	for p in $(seq "$PORT_BASE" $((PORT_BASE + 204))); do
		port_free "$p" || die "port $p is in use; choose another TRACECHAIN_PORT_BASE"
	done
}

# ---------------------------------------------------------------------------------------------
# Configuration

render_configtx() {
	local out=$RUN/config/configtx.yaml o args=(-e "s|{{CRYPTO}}|$(crypto)|g")
	# Both profiles' orderers, so that neither leaves a placeholder behind.
	for o in $(printf '%s\n' $RAFT_ORDERERS $BFT_ORDERERS | sort -u); do
		args+=(-e "s|{{HOST_$o}}|$(orderer_host)|g" -e "s|{{PORT_$o}}|$(orderer_port "$o")|g")
	done
	for o in $PEER_ORGS; do
		args+=(-e "s|{{HOST_$o}}|$(org_host "$o")|g" -e "s|{{PORT_$o}}|$(peer_port "$o")|g")
	done
	mkdir -p "$RUN/config"
	sed "${args[@]}" "$NETDEF/configtx.yaml" >"$out"
	grep -v '^ *#' "$out" | grep -q '{{' &&
		die "unrendered placeholder in $out: $(grep -v '^ *#' "$out" | grep -o '{{[^}]*}}' | head -n1)"
	return 0
}

write_orderer() {
	local o=$1 dir base host
	dir=$(node_dir "$o")
	host=$(orderer_host)
	base="$(orderer_org_dir "$o")/orderers/$o.$(orderer_domain "$o")"
	mkdir -p "$dir/ledger" "$dir/wal" "$dir/snap"
	echo "$BIN/orderer" >"$dir/cmd"
	cat >"$dir/env" <<EOF
FABRIC_CFG_PATH=$FABRIC_CFG
FABRIC_LOGGING_SPEC=warning
ORDERER_GENERAL_LISTENADDRESS=$host
ORDERER_GENERAL_LISTENPORT=$(orderer_port "$o")
ORDERER_GENERAL_LOCALMSPID=$(orderer_mspid "$o")
ORDERER_GENERAL_LOCALMSPDIR=$base/msp
ORDERER_GENERAL_BOOTSTRAPMETHOD=none
ORDERER_GENERAL_TLS_ENABLED=true
ORDERER_GENERAL_TLS_PRIVATEKEY=$base/tls/server.key
ORDERER_GENERAL_TLS_CERTIFICATE=$base/tls/server.crt
ORDERER_GENERAL_TLS_ROOTCAS=[$base/tls/ca.crt]
ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE=$base/tls/server.crt
ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY=$base/tls/server.key
ORDERER_GENERAL_CLUSTER_ROOTCAS=[$base/tls/ca.crt]
ORDERER_CHANNELPARTICIPATION_ENABLED=true
ORDERER_ADMIN_LISTENADDRESS=$host:$(orderer_admin_port "$o")
ORDERER_ADMIN_TLS_ENABLED=true
ORDERER_ADMIN_TLS_PRIVATEKEY=$base/tls/server.key
ORDERER_ADMIN_TLS_CERTIFICATE=$base/tls/server.crt
ORDERER_ADMIN_TLS_ROOTCAS=[$base/tls/ca.crt]
ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true
ORDERER_ADMIN_TLS_CLIENTROOTCAS=[$base/tls/ca.crt]
ORDERER_OPERATIONS_LISTENADDRESS=$host:$(orderer_ops_port "$o")
ORDERER_METRICS_PROVIDER=prometheus
ORDERER_FILELEDGER_LOCATION=$dir/ledger
ORDERER_CONSENSUS_WALDIR=$dir/wal
ORDERER_CONSENSUS_SNAPDIR=$dir/snap
EOF
	memlimit "$dir" "${TRACECHAIN_ORDERER_GOMEMLIMIT:-160MiB}"
}

# memlimit DIR LIMIT: give a node a Go soft memory limit, unless LIMIT is "off". The
# defaults hold each node to its memory budget (docs/network.md): without one, Go lets a
# peer's heap grow to twice its live data after the largest transactions, and keeps it.
memlimit() {
	[[ $2 == off ]] || echo "GOMEMLIMIT=$2" >>"$1/env"
}

write_peer() {
	local org=$1 name dir base port host
	name=$(peer_node "$org")
	host=$(org_host "$org")
	dir=$(node_dir "$name")
	base="$(peer_org_dir "$org")/peers/peer0.$(org_domain "$org")"
	port=$(peer_port "$org")
	mkdir -p "$dir/data" "$dir/snapshots"
	printf '%s\nnode\nstart\n' "$BIN/peer" >"$dir/cmd"
	cat >"$dir/env" <<EOF
FABRIC_CFG_PATH=$FABRIC_CFG
FABRIC_LOGGING_SPEC=warning:gateway=info
CORE_PEER_ID=peer0.$(org_domain "$org")
CORE_PEER_LOCALMSPID=${org}MSP
CORE_PEER_MSPCONFIGPATH=$base/msp
CORE_PEER_ADDRESS=$host:$port
CORE_PEER_LISTENADDRESS=$host:$port
CORE_PEER_CHAINCODEADDRESS=$host:$(peer_cc_port "$org")
CORE_PEER_CHAINCODELISTENADDRESS=$host:$(peer_cc_port "$org")
CORE_PEER_GOSSIP_BOOTSTRAP=$host:$port
CORE_PEER_GOSSIP_EXTERNALENDPOINT=$host:$port
CORE_PEER_GOSSIP_RECONNECTINTERVAL=5s
CORE_PEER_GOSSIP_PVTDATA_RECONCILESLEEPINTERVAL=5s
CORE_PEER_TLS_ENABLED=true
CORE_PEER_TLS_CERT_FILE=$base/tls/server.crt
CORE_PEER_TLS_KEY_FILE=$base/tls/server.key
CORE_PEER_TLS_ROOTCERT_FILE=$base/tls/ca.crt
CORE_PEER_FILESYSTEMPATH=$dir/data
CORE_LEDGER_SNAPSHOTS_ROOTDIR=$dir/snapshots
CORE_LEDGER_STATE_STATEDATABASE=goleveldb
CORE_OPERATIONS_LISTENADDRESS=$host:$(peer_ops_port "$org")
CORE_METRICS_PROVIDER=prometheus
CORE_VM_ENDPOINT=
CORE_CHAINCODE_EXTERNALBUILDERS='[{name: tracechain-ccaas, path: $RUN/builder}]'
EOF
	memlimit "$dir" "${TRACECHAIN_PEER_GOMEMLIMIT:-320MiB}"
}

# write_chaincode_server NODE BINARY ADDRESS PACKAGE_ID
write_chaincode_server() {
	local dir
	dir=$(node_dir "$1")
	mkdir -p "$dir"
	echo "$BIN/$2" >"$dir/cmd"
	cat >"$dir/env" <<EOF
CHAINCODE_ID=$4
CHAINCODE_SERVER_ADDRESS=$3
TRACECHAIN_REGULATOR_MSPID=${REGULATOR_ORG}MSP
EOF
	memlimit "$dir" "${TRACECHAIN_CC_GOMEMLIMIT:-96MiB}"
}

# write_connection ORG: the organisation's Fabric common connection profile, which any Fabric
# SDK or tool reads. What only tracechain clients need (channel and chaincode names, identity
# files) is in the "x-tracechain" extension, which other readers ignore.
write_connection() {
	local org=$1 dom peer msp
	dom=$(org_domain "$org")
	peer=peer0.$dom
	msp=$(peer_org_dir "$org")/users
	mkdir -p "$RUN/connection"
	cat >"$RUN/connection/$(lower "$org").json" <<EOF
{
  "name": "tracechain-$(lower "$org")",
  "version": "1.0.0",
  "client": {
    "organization": "$org"
  },
  "organizations": {
    "$org": {
      "mspid": "${org}MSP",
      "peers": ["$peer"]$(ca_list "$org")
    }
  },
  "channels": {
    "$CHANNEL": {
      "peers": {
        "$peer": {"endorsingPeer": true, "chaincodeQuery": true, "ledgerQuery": true, "eventSource": true, "discover": true}
      }
    }
  },
  "peers": {
    "$peer": {
      "url": "grpcs://$(org_host "$org"):$(peer_port "$org")",
      "tlsCACerts": {"path": "$(peer_tls_ca "$org")"},
      "grpcOptions": {"ssl-target-name-override": "$peer", "hostnameOverride": "$peer"}
    }
  }$(ca_entry "$org"),
  "x-tracechain": {
    "channel": "$CHANNEL",
    "chaincode": "$CC_NAME",
    "identities": {
      "user": {
        "name": "User1@$dom",
        "cert": "$msp/User1@$dom/msp/signcerts/User1@$dom-cert.pem",
        "key": "$msp/User1@$dom/msp/keystore/priv_sk"
      },
      "admin": {
        "name": "Admin@$dom",
        "cert": "$msp/Admin@$dom/msp/signcerts/Admin@$dom-cert.pem",
        "key": "$msp/Admin@$dom/msp/keystore/priv_sk"
      }$(reader_entry "$org")
    }
  }
}
EOF
}

# ca_list ORG, ca_entry ORG: the organisation's Fabric CA in its profile: the Regulator's and
# every added organisation's (ca_orgs).
ca_list() {
	has_ca "$1" || return 0
	printf ',\n      "certificateAuthorities": ["ca.%s"]' "$(org_domain "$1")"
}

ca_entry() {
	has_ca "$1" || return 0
	local dom
	dom=$(org_domain "$1")
	printf ',\n  "certificateAuthorities": {\n    "ca.%s": {\n      "url": "https://%s:%s",\n      "caName": "ca.%s",\n      "tlsCACerts": {"path": "%s"}\n    }\n  }' \
		"$dom" "$(ca_host "$1")" "$(ca_port "$1")" "$dom" "$(peer_tls_ca "$1")"
}

# reader_entry ORG: the profile's read-only identity, once the organisation's CA issued one.
reader_entry() {
	local dom msp
	dom=$(org_domain "$1")
	msp=$(peer_org_dir "$1")/users/Reader@$dom/msp
	[[ -f $msp/signcerts/cert.pem ]] || return 0
	printf ',\n      "reader": {\n        "name": "Reader@%s",\n        "cert": "%s",\n        "key": "%s"\n      }' \
		"$dom" "$msp/signcerts/cert.pem" "$msp/keystore/priv_sk"
}

# ---------------------------------------------------------------------------------------------
# Fabric CA. cryptogen cannot put attributes into certificates, so the Regulator runs a Fabric CA
# on its cryptogen CA key and issues the read-only identity (attribute tracechain.reader=true)
# that the public verification service uses. The CA's TLS certificate is its organisation's
# peer's (same TLS CA, SAN 127.0.0.1 or, with --netns, the organisation's address).

ca_node() { echo "ca.$(lower "${1:-$REGULATOR_ORG}")"; }
# ca_orgs: the organisations that run a Fabric CA: the Regulator and every added one.
ca_orgs() { echo "$REGULATOR_ORG" $ADDED_ORGS; }
has_ca() { [[ " $(ca_orgs) " == *" $1 "* ]]; }

# write_ca [ORG]: the Fabric CA of ORG (default: the Regulator) on its cryptogen CA key, with
# a fresh registrar secret (CA_SECRET).
write_ca() {
	local org=${1:-$REGULATOR_ORG} dir dom base tls
	dir=$(node_dir "$(ca_node "$org")")
	dom=$(org_domain "$org")
	base=$(peer_org_dir "$org")
	tls=$base/peers/peer0.$dom/tls
	mkdir -p "$dir"
	CA_SECRET=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
	printf '%s\nstart\n-b\nregistrar:%s\n' "$BIN/fabric-ca-server" "$CA_SECRET" >"$dir/cmd"
	cat >"$dir/env" <<EOF
FABRIC_CA_SERVER_HOME=$dir
FABRIC_CA_SERVER_ADDRESS=$(ca_host "$org")
FABRIC_CA_SERVER_PORT=$(ca_port "$org")
FABRIC_CA_SERVER_CA_NAME=ca.$dom
FABRIC_CA_SERVER_CA_CERTFILE=$base/ca/ca.$dom-cert.pem
FABRIC_CA_SERVER_CA_KEYFILE=$base/ca/priv_sk
FABRIC_CA_SERVER_TLS_ENABLED=true
FABRIC_CA_SERVER_TLS_CERTFILE=$tls/server.crt
FABRIC_CA_SERVER_TLS_KEYFILE=$tls/server.key
FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS=$(ca_host "$org"):$(ca_ops_port "$org")
FABRIC_CA_SERVER_METRICS_PROVIDER=prometheus
EOF
}

# ca_client_home ORG: where ORG's CA clients keep their enrolments (the Regulator's at the
# top, as before organisations could be added).
ca_client_home() {
	if [[ $1 == "$REGULATOR_ORG" ]]; then echo "$RUN/ca-client"; else echo "$RUN/ca-client/$(lower "$1")"; fi
}

# enrol_registrar ORG: enrol the registrar of ORG's CA (CA_SECRET, set by write_ca).
enrol_registrar() {
	local org=$1 home
	home=$(ca_client_home "$org")
	mkdir -p "$home"
	FABRIC_CA_CLIENT_HOME=$home/registrar "$BIN/fabric-ca-client" enroll -u "https://registrar:$CA_SECRET@$(ca_host "$org"):$(ca_port "$org")" \
		--tls.certfiles "$(peer_tls_ca "$org")" >>"$RUN/ca.log" 2>&1 || {
		tail -n 20 "$RUN/ca.log" >&2
		die "enrolling the registrar of $(ca_node "$org") failed (see $RUN/ca.log)"
	}
}

# issue_reader [ORG]: register the read-only identity of ORG (default: the Regulator) at its
# CA with its attribute in the enrolment certificate, enrol it into the organisation's users,
# and add it to the profile. The CA's registrar is enrolled first (enrol_registrar).
issue_reader() {
	local org=${1:-$REGULATOR_ORG} dom url home msp secret
	dom=$(org_domain "$org")
	url=$(ca_host "$org"):$(ca_port "$org")
	home=$(ca_client_home "$org")
	msp=$(peer_org_dir "$org")/users/Reader@$dom/msp
	secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
	local -a tlsflag=(--tls.certfiles "$(peer_tls_ca "$org")")
	enrol_registrar "$org"
	{
		FABRIC_CA_CLIENT_HOME=$home/registrar "$BIN/fabric-ca-client" register -u "https://$url" "${tlsflag[@]}" \
				--id.name reader --id.secret "$secret" --id.type client --id.attrs 'tracechain.reader=true:ecert' &&
			FABRIC_CA_CLIENT_HOME=$home/reader "$BIN/fabric-ca-client" enroll -u "https://reader:$secret@$url" "${tlsflag[@]}" -M "$msp"
	} >>"$RUN/ca.log" 2>&1 || {
		tail -n 20 "$RUN/ca.log" >&2
		die "issuing the read-only identity failed (see $RUN/ca.log)"
	}
	mv "$msp"/keystore/*_sk "$msp/keystore/priv_sk"
	write_connection "$org"
}

# ---------------------------------------------------------------------------------------------
# CLI as an organisation's admin

# with_admin ORG CMD...: run CMD with the peer CLI environment of ORG's admin.
with_admin() {
	local org=$1
	shift
	FABRIC_CFG_PATH=$FABRIC_CFG \
		FABRIC_LOGGING_SPEC=warning \
		CORE_PEER_LOCALMSPID=${org}MSP \
		CORE_PEER_MSPCONFIGPATH="$(peer_org_dir "$org")/users/Admin@$(org_domain "$org")/msp" \
		CORE_PEER_ADDRESS="$(org_host "$org"):$(peer_port "$org")" \
		CORE_PEER_TLS_ENABLED=true \
		CORE_PEER_TLS_ROOTCERT_FILE="$(peer_tls_ca "$org")" \
		"$@"
}

# first_orderer: an orderer that is up.
first_orderer() {
	local o
	for o in $ORDERERS; do
		node_alive "$o" && echo "$o" && return
	done
	die "no orderer is running"
}

# orderer_flags: the peer CLI's flags to reach an orderer that is up, checked with the TLS CA
# of its own organisation.
orderer_flags() {
	local o
	o=$(first_orderer)
	echo "-o $(orderer_host):$(orderer_port "$o") --tls --cafile $(orderer_tls_ca "$o")"
}

# ---------------------------------------------------------------------------------------------
# Commands

cmd_up() {
	[[ -f $RUN/network.env ]] && die "a network already runs from $RUN (network.sh down first)"
	local t0=$SECONDS
	build_tools
	check_ports
	# A failed start leaves nothing running behind it.
	trap 'if [[ -z ${UP_DONE:-} ]]; then log "up failed; stopping what it started"; cmd_down; fi' EXIT
	FABRIC_CFG=$(fabric_cfg)
	mkdir -p "$RUN"
	cat >"$RUN/network.env" <<EOF
PORT_BASE=$PORT_BASE
FABRIC_CFG=$FABRIC_CFG
NETNS=$NETNS
ORDERING=$ORDERING
EOF
	local cryptocfg=$NETDEF/crypto-config.yaml
	if [[ $NETNS == 1 ]]; then
		netns_up
		cryptocfg=$RUN/config/crypto-config.yaml
		mkdir -p "$RUN/config"
		netns_crypto_config "$cryptocfg"
	fi
	log "generating crypto material"
	"$BIN/cryptogen" generate --config="$cryptocfg" --output="$(crypto)" >/dev/null
	"$BIN/builder" install "$RUN/builder"

	local o org
	for o in $ORDERERS; do write_orderer "$o"; done
	for org in $PEER_ORGS; do
		write_peer "$org"
		write_connection "$org"
	done
	log "starting orderers and peers"
	for o in $ORDERERS; do start_node "$o"; done
	for org in $PEER_ORGS; do start_node "$(peer_node "$org")"; done
	for o in $ORDERERS; do wait_healthy "$o" "$(orderer_ops_port "$o")"; done
	for org in $PEER_ORGS; do wait_healthy "$(peer_node "$org")" "$(peer_ops_port "$org")"; done
	write_ca
	start_node "$(ca_node)"
	wait_healthy "$(ca_node)" "$(ca_ops_port)"
	issue_reader

	cmd_create_channel
	cmd_deploy_cc
	UP_DONE=1
	log "network ready in $((SECONDS - t0)) s"
}

# need_network: the commands below act on a network that runs from $RUN.
need_network() {
	[[ -f $RUN/network.env ]] || die "no network runs from $RUN (network.sh up first)"
	[[ -n ${FABRIC_CFG:-} ]] || FABRIC_CFG=$(fabric_cfg)
}

# cmd_create_channel: create the channel from the consortium's definition (its genesis block,
# built once) and join every orderer, through the channel participation API, and every peer.
# Nodes already in the channel are left as they are, so on a running network it only joins
# the nodes that are missing.
cmd_create_channel() {
	need_network
	local block=$RUN/config/$CHANNEL.block
	if [[ ! -f $block ]]; then
		log "creating channel $CHANNEL: genesis block from network/configtx.yaml, profile $PROFILE"
		render_configtx
		"$BIN/configtxgen" -configPath "$RUN/config" -profile "$PROFILE" -channelID "$CHANNEL" \
			-outputBlock "$block" 2>"$RUN/config/configtxgen.log" ||
			{
				cat "$RUN/config/configtxgen.log" >&2
				die "configtxgen failed"
			}
	fi
	local o org joined=0 members=0
	for o in $ORDERERS $(for org in $(channel_orgs); do peer_node "$org"; done); do
		node_alive "$o" || die "$o is not running (network.sh start-node $o)"
	done
	for o in $ORDERERS; do
		if osnadmin_as "$o" channel list --channelID "$CHANNEL" 2>/dev/null | grep -q '^Status: 200'; then
			members=$((members + 1))
			continue
		fi
		osnadmin_as "$o" channel join --channelID "$CHANNEL" --config-block "$block" >>"$RUN/cli.log" 2>&1 ||
			die "$o could not join channel $CHANNEL (see $RUN/cli.log)"
		joined=$((joined + 1))
	done
	for org in $(channel_orgs); do
		if with_admin "$org" "$BIN/peer" channel list 2>/dev/null | grep -qx "$CHANNEL"; then
			members=$((members + 1))
			continue
		fi
		spawn with_admin "$org" "$BIN/peer" channel join -b "$block" 2>>"$RUN/cli.log"
		joined=$((joined + 1))
	done
	wait_all "peer channel join"
	log "channel $CHANNEL: $joined nodes joined, $members already members"
}

# spawn CMD...: run a CLI step in the background; wait_all collects it. Nodes are not spawned
# this way: they outlive the script and are tracked by their PID files.
SPAWNED=()
spawn() {
	"$@" &
	SPAWNED+=($!)
}

# wait_all WHAT: wait for every spawned step; fail if any failed.
wait_all() {
	local pid failed=0
	for pid in "${SPAWNED[@]}"; do
		wait "$pid" || failed=1
	done
	SPAWNED=()
	((failed == 0)) || {
		tail -n 20 "$RUN/cli.log" >&2
		die "$1 failed"
	}
}

# install_chaincode ORG PKG: install on ORG's peer; installing the same package again is fine.
install_chaincode() {
	local out
	out=$(with_admin "$1" "$BIN/peer" lifecycle chaincode install "$2" 2>&1) && return 0
	grep -q 'already successfully installed' <<<"$out" && return 0
	echo "$out" >>"$RUN/cli.log"
	return 1
}

# cmd_deploy_cc: deploy the consortium's chaincode (network/chaincode.env) and the benchmark
# baseline at their next sequence: install, approve, commit, restart their servers. On a
# network that runs them already this is an upgrade, and the ledger keeps its data.
cmd_deploy_cc() {
	need_network
	local seq
	seq=$(deploy_chaincode "$CC_NAME" --collections-config "$(collections_config)")
	# The benchmark baseline is a chaincode of its own, so the one the consortium deploys has
	# no benchmark contract (docs/security.md).
	deploy_chaincode "$BENCH_CC_NAME" >/dev/null
	if ((seq == 1)); then
		init_ledger
	fi

	log "waiting for gateway clients to be served"
	local org
	for org in $(channel_orgs); do
		spawn "$BIN/probe" -profile "$RUN/connection/$(lower "$org").json" -chaincode "$BENCH_CC_NAME" -serves "$CC_NAME" -timeout 90s
	done
	wait_all "gateway probe"
}

# package_chaincode NAME ORG: write ORG's package of chaincode NAME (cc_package; it is
# reproducible, so writing it again changes nothing).
package_chaincode() {
	mkdir -p "$RUN/chaincode"
	"$BIN/builder" package -label "${1}_${CC_VERSION}" -address "$(cc_address "$1" "$2")" -out "$(cc_package "$1" "$2")"
}

# package_id NAME ORG: the package ID of ORG's package of chaincode NAME.
package_id() {
	FABRIC_CFG_PATH=$FABRIC_CFG "$BIN/peer" lifecycle chaincode calculatepackageid "$(cc_package "$1" "$2")"
}

# run_chaincode_server NAME ORG: (re)start the server of chaincode NAME that ORG's peer uses,
# on the freshly built binary, with ORG's package ID as its CHAINCODE_ID.
run_chaincode_server() {
	local node binary=tracebench-cc
	node=$(cc_node "$1" "$2")
	[[ $1 != "$CC_NAME" ]] || binary=tracechain-cc
	write_chaincode_server "$node" "$binary" "$(cc_address "$1" "$2")" "$(package_id "$1" "$2")"
	stop_node "$node"
	start_node "$node"
}

# deploy_chaincode NAME [APPROVE_FLAGS...]: install, approve and commit the next sequence of
# chaincode NAME, each organisation its own package, and (re)start its servers; prints the
# sequence.
deploy_chaincode() {
	local name=$1 seq org
	shift
	seq=$(with_admin "$(first_org)" "$BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$name" -O json 2>/dev/null |
		sed -n 's/.*"sequence": *\([0-9]*\).*/\1/p' || true)
	seq=$((${seq:-0} + 1))
	log "deploying chaincode $name sequence $seq"
	# Every package first: organisations that share one (the benchmark's) install it only
	# once it is written.
	for org in $(channel_orgs); do package_chaincode "$name" "$org"; done
	for org in $(channel_orgs); do
		spawn install_chaincode "$org" "$(cc_package "$name" "$org")"
	done
	wait_all "chaincode install"

	# A new binary takes effect when a server restarts; the package IDs do not change. A
	# server that several peers share restarts once.
	local started=" " node
	for org in $(channel_orgs); do
		node=$(cc_node "$name" "$org")
		[[ $started == *" $node "* ]] && continue
		run_chaincode_server "$name" "$org"
		started+="$node "
	done

	local common
	common="$(orderer_flags) --channelID $CHANNEL --name $name --version $CC_VERSION --sequence $seq $*"
	for org in $(channel_orgs); do
		# shellcheck disable=SC2086
		spawn with_admin "$org" "$BIN/peer" lifecycle chaincode approveformyorg $common --package-id "$(package_id "$name" "$org")" \
			--signature-policy "$(cc_signature_policy)" 2>>"$RUN/cli.log"
	done
	wait_all "chaincode approve"
	# shellcheck disable=SC2046,SC2086
	with_admin "$(first_org)" "$BIN/peer" lifecycle chaincode commit $common \
		--signature-policy "$(cc_signature_policy)" $(all_peer_flags) 2>>"$RUN/cli.log" ||
		die "chaincode commit of $name failed (see $RUN/cli.log)"
	echo "$seq"
}

all_peer_flags() {
	local org
	for org in $(channel_orgs); do
		printf -- '--peerAddresses %s:%s --tlsRootCertFiles %s ' "$(org_host "$org")" "$(peer_port "$org")" "$(peer_tls_ca "$org")"
	done
}

# init_ledger: the Regulator's administrator records the Regulator on the new ledger
# (InitLedger), endorsed like any write by two organisations. Retried while the new chaincode
# definition reaches the peers.
init_ledger() {
	log "initialising the ledger: Regulator ${REGULATOR_ORG}MSP"
	local i out peers="" o n=0
	# Two supply-chain members endorse: regulators only watch (network/chaincode.env).
	for o in $PEER_ORGS; do
		[[ $o == "$REGULATOR_ORG" ]] && continue
		peers+=" --peerAddresses $(org_host "$o"):$(peer_port "$o") --tlsRootCertFiles $(peer_tls_ca "$o")"
		((++n < 2)) || break
	done
	for ((i = 0; i < 60; i++)); do
		# shellcheck disable=SC2086
		out=$(with_admin "$REGULATOR_ORG" "$BIN/peer" chaincode invoke $(orderer_flags) -C "$CHANNEL" -n "$CC_NAME" \
			$peers --waitForEvent -c "{\"Args\":[\"InitLedger\",\"${REGULATOR_ORG}MSP\"]}" 2>&1) && return 0
		grep -q 'DUPLICATE' <<<"$out" && return 0
		sleep 0.5
	done
	echo "$out" >>"$RUN/cli.log"
	die "InitLedger failed (see $RUN/cli.log)"
}

# ---------------------------------------------------------------------------------------------
# Adding an organisation to the running channel (add-org). The steps are an operator's: the
# newcomer generates its material and runs its CA and peer; the Regulator's administrator
# fetches the channel configuration and builds the update (test-network/cmd/orgupdate, with
# fabric-config); the administrators of a majority of the organisations sign it, each with
# its own identity (peer channel signconfigtx), the last one submitting it (peer channel
# update, which adds that administrator's signature); an existing peer makes a ledger snapshot
# that the newcomer's peer joins from; every organisation approves the chaincode definitions
# at their next sequence, which name the newcomer among the endorsers, and a majority's peers
# endorse the commit.

# cc_signature_policy: the chaincode definitions' endorsement policy: network/chaincode.env's,
# with the peers of the organisations added since among those that may endorse (the same
# number of endorsements still required).
cc_signature_policy() {
	local p=$CC_SIGNATURE_POLICY org
	for org in $ADDED_ORGS; do
		# Regulators only watch: their peers endorse nothing.
		[[ " ${REGULATOR_ORGS:-} " == *" $org "* ]] || p="${p%)},'${org}MSP.peer')"
	done
	# A removed organisation's peer is no longer among them (remove-org).
	for org in $REMOVED_ORGS; do
		p=${p/,\'${org}MSP.peer\'/}
	done
	echo "$p"
}

# collections_config: the tracechain definition's collections: network/collections.json, and
# for every added retailer a sales collection like the consortium's first retailer's, with
# the newcomer in its place. An added (provincial) regulator joins, as a member that reads and
# never endorses, the sales collection of every retailer in its province (REGION_<org>, first
# two digits); its peer pulls the records kept before it joined by reconciliation.
#
# A removed retailer's sales collection stays in the definition (Fabric refuses a definition
# that drops an existing collection) with the Regulator its only member: the buyer data of its
# past sales stays readable by the Regulator, and the removed organisation is no member of
# anything.
collections_config() {
	local added=() org tmpl=${RETAILER_ORGS%% *}
	for org in $ADDED_ORGS; do
		[[ " $RETAILER_ORGS " == *" $org "* ]] && added+=("$org")
	done
	local watchers=() r
	for org in ${REGULATOR_ORGS:-}; do
		removed "$org" && continue
		for r in $RETAILER_ORGS; do
			removed "$r" && continue
			local rr=REGION_$r rg=REGION_$org
			[[ -n ${!rr:-} && -n ${!rg:-} && ${!rr:0:2} == "${!rg:0:2}" ]] && watchers+=("sales${r}MSP=${org}MSP")
		done
	done
	if ((${#added[@]} == 0 && ${#watchers[@]} == 0)) && [[ -z $REMOVED_ORGS ]]; then
		echo "$NETDEF/$CC_COLLECTIONS"
		return
	fi
	local out=$RUN/config/collections.json
	mkdir -p "$RUN/config"
	jq --arg tmpl "$tmpl" --arg orgs "${added[*]}" --arg removed "$REMOVED_ORGS" --arg regulator "${REGULATOR_ORG}MSP" \
		--arg watchers "${watchers[*]}" '
		(map(select(.name == "sales\($tmpl)MSP")) | first) as $t
		| if $t == null and $orgs != "" then error("no sales collection of \($tmpl) to follow") else . end
		| . + [$orgs | split(" ") | .[] | select(. != "") | . as $o
			| $t | .name = "sales\($o)MSP" | .policy |= gsub("'\''\($tmpl)MSP\\."; "'\''\($o)MSP.")
			| .endorsementPolicy.signaturePolicy |= gsub("'\''\($tmpl)MSP\\."; "'\''\($o)MSP.")]
		| ($watchers | split(" ") | map(select(. != "") | split("="))) as $w
		| map(.name as $n | reduce ($w[] | select(.[0] == $n) | .[1]) as $m (.;
			.policy |= sub("\\)$"; ",'\''\($m).member'\'')") | .maxPeerCount += 1))
		| ($removed | split(" ") | map(select(. != "") | "sales\(.)MSP")) as $gone
		| map(if (.name | IN($gone[])) then .policy = "OR('\''\($regulator).member'\'')" else . end)' \
		"$NETDEF/$CC_COLLECTIONS" >"$out" || die "rendering $out failed"
	echo "$out"
}

# add-org, remove-org and revoke step timing: each step's wall time, in seconds, to ADD_TIMES
# (RUN/add-org/NAME.times, ...), logged as STEP_LOG ("add-org NAME", ...).
step() {
	[[ -z ${STEP_NAME:-} ]] || step_done
	STEP_NAME=$1
	STEP_T0=$EPOCHREALTIME
	log "$STEP_LOG: $1"
}
step_done() {
	local dt
	dt=$(awk -v a="$STEP_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	printf '%s\t%s\n' "$STEP_NAME" "$dt" >>"$ADD_TIMES"
	log "$STEP_LOG: $STEP_NAME: $dt s"
	STEP_NAME=
}

# chain_height ORG: the height of ORG's peer's ledger of the channel.
chain_height() {
	with_admin "$1" "$BIN/peer" channel getinfo -c "$CHANNEL" 2>/dev/null | sed -n 's/.*"height":\([0-9]*\).*/\1/p'
}

# wait_height ORG HEIGHT: until ORG's peer has HEIGHT blocks (120 s at most).
wait_height() {
	local i h
	for ((i = 0; i < 1200; i++)); do
		h=$(chain_height "$1")
		[[ -n $h ]] && ((h >= $2)) && return 0
		sleep 0.1
	done
	die "$(peer_node "$1") did not reach height $2 (at ${h:-?})"
}

# fetch_config ORG FILE: the channel's latest configuration block, from an orderer, as ORG's admin.
fetch_config() {
	# shellcheck disable=SC2046
	with_admin "$1" "$BIN/peer" channel fetch config "$2" -c "$CHANNEL" $(orderer_flags) >>"$RUN/cli.log" 2>&1 ||
		die "fetching the configuration of $CHANNEL as $1 failed (see $RUN/cli.log)"
}

# fetch_config_after ORG OUT OLD MSPID: fetch the channel's config block into OUT once it is
# newer than the config block in OLD. An update is committed a moment after `peer channel
# update` returns (on SmartBFT, after a consensus round), so the first fetch may still get
# the old one.
fetch_config_after() {
	local org=$1 out=$2 old=$3 msp=$4 before now i
	before=$("$BIN/orgupdate" inspect --block "$old" --mspid "$msp")
	before=${before%% *}
	for ((i = 0; i < 300; i++)); do
		fetch_config "$org" "$out"
		now=$("$BIN/orgupdate" inspect --block "$out" --mspid "$msp")
		((${now%% *} > before)) && return 0
		sleep 0.2
	done
	die "the configuration of $CHANNEL is still the one of block $before a minute after the update"
}

cmd_add_org() {
	need_network
	local name=${1:-} role="" region="" o
	[[ $# -gt 0 ]] && shift
	while (($#)); do
		case $1 in
		--role) role=${2:-} && shift 2 ;;
		--region) region=${2:-} && shift 2 ;;
		*) die "unknown flag of add-org: $1 (--role, --region)" ;;
		esac
	done
	[[ $name =~ ^[A-Z][A-Za-z0-9]{0,29}$ ]] || die "add-org NAME: a capital letter, then letters and digits (MSP ID NAME + MSP)"
	case $role in
	manufacturer | distributor | retailer | regulator) ;;
	*) die "add-org $name: --role manufacturer|distributor|retailer|regulator" ;;
	esac
	[[ -z $region || $region =~ ^[1-8][0-9]{5}$ ]] || die "--region: a six-digit administrative division code, e.g. 330000"
	# The consortium's Regulator is national; one that joins watches a province.
	[[ $role != regulator || $region =~ ^[1-8][0-9]0000$ ]] || die "add-org $name --role regulator: --region of its province, e.g. 330000"
	for o in $PEER_ORGS $ORDERER_ORG $BFT_ORDERER_ORGS; do
		[[ $(lower "$o") != "$(lower "$name")" ]] || die "$name is already an organisation of the network"
	done
	local -a have
	read -ra have <<<"$PEER_ORGS"
	((${#have[@]} < 10)) || die "add-org: no free peer slot (ten organisations at most)"
	local existing
	existing=$(channel_orgs)
	for o in $existing; do
		node_alive "$(peer_node "$o")" || die "$(peer_node "$o") is not running"
	done

	ADD_ORG=$name
	STEP_LOG="add-org $name"
	PEER_ORGS="$PEER_ORGS $name"
	ADDED_ORGS="${ADDED_ORGS:+$ADDED_ORGS }$name"
	local p
	for p in $(peer_port "$name") $(peer_cc_port "$name") $(peer_ops_port "$name") $(cc_port "$name") $(ca_port "$name") $(ca_ops_port "$name"); do
		port_free "$p" || die "port $p of $name is in use"
	done
	[[ -x $BIN/orgupdate ]] || (cd "$ROOT" && go build -o "$BIN/" ./test-network/cmd/orgupdate)

	local work=$RUN/add-org/$name
	mkdir -p "$work"
	ADD_TIMES=$RUN/add-org/$name.times
	: >"$ADD_TIMES"
	local t0=$EPOCHREALTIME
	# From here on, network.sh (down, status) knows the newcomer's nodes.
	local var
	case $role in
	manufacturer) var=MANUFACTURER_ORGS ;;
	distributor) var=DISTRIBUTOR_ORGS ;;
	retailer) var=RETAILER_ORGS ;;
	regulator) var=REGULATOR_ORGS ;;
	esac
	cat >>"$RUN/orgs.env" <<EOT
# add-org $name --role $role${region:+ --region $region}
PEER_ORGS="\$PEER_ORGS $name"
ADDED_ORGS="\${ADDED_ORGS:+\$ADDED_ORGS }$name"
$var="\${$var:-} $name"
ROLE_$name=$role
REGION_$name=$region
EOT
	printf -v "$var" '%s' "${!var:-} $name"
	printf -v "REGION_$name" '%s' "$region"

	if [[ $NETNS == 1 ]]; then
		# Its own host: a namespace with its own address on the bridge.
		step "network namespace"
		netns_add "$name"
	fi

	step "crypto material"
	local dom
	dom=$(org_domain "$name")
	cat >"$work/crypto-config.yaml" <<EOT
PeerOrgs:
  - Name: $name
    Domain: $dom
    EnableNodeOUs: true
    Template: {Count: 1, SANS: [localhost, 127.0.0.1$([[ $NETNS != 1 ]] || echo ", $(org_host "$name")")]}
    Users: {Count: 1}
EOT
	"$BIN/cryptogen" generate --config="$work/crypto-config.yaml" --output="$work/crypto" >/dev/null
	mv "$work/crypto/peerOrganizations/$dom" "$(peer_org_dir "$name")"
	rm -rf "$work/crypto"

	step "Fabric CA"
	write_ca "$name"
	start_node "$(ca_node "$name")"
	wait_healthy "$(ca_node "$name")" "$(ca_ops_port "$name")"
	if [[ $role == regulator ]]; then
		issue_reader "$name"
	else
		enrol_registrar "$name"
	fi

	step "peer"
	write_peer "$name"
	write_connection "$name"
	start_node "$(peer_node "$name")"
	wait_healthy "$(peer_node "$name")" "$(peer_ops_port "$name")"

	# A majority of the organisations in the channel: its Application Admins policy.
	local -a signers=("$REGULATOR_ORG")
	local n=0
	for o in $existing; do
		n=$((n + 1))
		[[ $o == "$REGULATOR_ORG" ]] || signers+=("$o")
	done
	local need=$((n / 2 + 1))
	signers=("${signers[@]:0:need}")

	step "config update: fetch and build"
	fetch_config "$REGULATOR_ORG" "$work/config.block"
	"$BIN/orgupdate" add --block "$work/config.block" --channel "$CHANNEL" --mspid "${name}MSP" \
		--msp "$(peer_org_dir "$name")/msp" --anchor "$(org_host "$name"):$(peer_port "$name")" --out "$work/update.pb" ||
		die "building the config update failed"

	step "config update: sign"
	log "add-org $name: $need of the $n organisations' admins sign: ${signers[*]}"
	local i
	for ((i = 0; i < need - 1; i++)); do
		with_admin "${signers[i]}" "$BIN/peer" channel signconfigtx -f "$work/update.pb" >>"$RUN/cli.log" 2>&1 ||
			die "${signers[i]} could not sign the config update (see $RUN/cli.log)"
		log "add-org $name: signed by ${signers[i]}'s admin"
	done

	step "config update: submit and commit"
	local submitter=${signers[need - 1]} src=${existing%% *}
	# shellcheck disable=SC2046
	with_admin "$submitter" "$BIN/peer" channel update -f "$work/update.pb" -c "$CHANNEL" $(orderer_flags) >>"$RUN/cli.log" 2>&1 ||
		die "the config update submitted by $submitter failed (see $RUN/cli.log)"
	log "add-org $name: signed and submitted by ${submitter}'s admin"
	fetch_config_after "$REGULATOR_ORG" "$work/config-after.block" "$work/config.block" "${name}MSP"
	local cfg
	cfg=$("$BIN/orgupdate" inspect --block "$work/config-after.block" --mspid "${name}MSP")
	[[ $cfg == *" has ${name}MSP" ]] || die "the channel configuration still lacks ${name}MSP ($cfg)"
	wait_height "$src" $((${cfg%% *} + 1))

	step "snapshot on $(peer_node "$src")"
	local snaps block out
	snaps=$(node_dir "$(peer_node "$src")")/snapshots/completed/$CHANNEL
	for ((i = 0; i < 20; i++)); do
		block=$(($(chain_height "$src") - 1))
		[[ -d $snaps/$block ]] && break
		out=$(with_admin "$src" "$BIN/peer" snapshot submitrequest -c "$CHANNEL" -b "$block" \
			--peerAddress "$(org_host "$src"):$(peer_port "$src")" --tlsRootCertFile "$(peer_tls_ca "$src")" 2>&1) && break
		# Already asked for (a pending request for the block): wait for it.
		grep -qi 'duplicate\|already' <<<"$out" && break
		# A block committed in between: ask for the new last one.
		grep -qi 'less than' <<<"$out" || die "snapshot request on $(peer_node "$src") failed: $out"
	done
	for ((i = 0; i < 1200; i++)); do
		[[ -f $snaps/$block/_snapshot_additional_metadata.json ]] && break
		sleep 0.1
	done
	[[ -f $snaps/$block/_snapshot_additional_metadata.json ]] || die "the snapshot of block $block did not complete"

	step "snapshot transfer"
	local snap
	snap=$(node_dir "$(peer_node "$name")")/joinsnapshot/$block
	mkdir -p "$(dirname "$snap")"
	cp -a "$snaps/$block" "$snap"
	log "add-org $name: snapshot of block $block, $(du -sk "$snap" | cut -f1) KiB"

	step "join by snapshot"
	with_admin "$name" "$BIN/peer" channel joinbysnapshot --snapshotpath "$snap" >>"$RUN/cli.log" 2>&1 ||
		die "$(peer_node "$name") could not join from the snapshot (see $RUN/cli.log)"
	for ((i = 0; i < 1200; i++)); do
		with_admin "$name" "$BIN/peer" channel joinbysnapshotstatus 2>&1 | grep -q 'No joinbysnapshot operation is in progress' && break
		sleep 0.1
	done
	((i < 1200)) || die "$(peer_node "$name"): join by snapshot still in progress after 120 s"
	wait_height "$name" "$(chain_height "$src")"

	step "chaincode install"
	# The newcomer runs its own tracechain server, named in a package of its own.
	package_chaincode "$CC_NAME" "$name"
	run_chaincode_server "$CC_NAME" "$name"
	local cc pkg
	for cc in "$CC_NAME" "$BENCH_CC_NAME"; do
		pkg=$(cc_package "$cc" "$name")
		[[ -f $pkg ]] || die "no package of $cc in $RUN/chaincode"
		install_chaincode "$name" "$pkg" || die "installing $cc on $(peer_node "$name") failed (see $RUN/cli.log)"
	done

	step "chaincode definitions: approve and commit"
	define_chaincode "$CC_NAME" --collections-config "$(collections_config)"
	define_chaincode "$BENCH_CC_NAME"

	step "gateway served"
	"$BIN/probe" -profile "$RUN/connection/$(lower "$name").json" -chaincode "$BENCH_CC_NAME" -serves "$CC_NAME" -timeout 90s ||
		die "$name's gateway clients are not served"
	step_done
	local total
	total=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	printf 'total\t%s\n' "$total" >>"$ADD_TIMES"
	log "add-org $name: ${name}MSP ($role${region:+, region $region}) is in channel $CHANNEL in $total s; the Regulator's administrator registers it next (tracectl registry register)"
	cat "$ADD_TIMES"
}

# majority_signers ORG...: the Regulator first, then the other given organisations, as many
# as a majority of the organisations now in the channel (its Application Admins policy).
majority_signers() {
	local -a signers=("$REGULATOR_ORG")
	local o n
	n=$(wc -w <<<"$(channel_orgs)")
	for o in "$@"; do
		[[ $o == "$REGULATOR_ORG" ]] || signers+=("$o")
	done
	echo "${signers[@]:0:n/2+1}"
}

# sign_and_submit UPDATE SIGNER...: each signer's admin signs UPDATE in turn, the last one by
# submitting it (peer channel update adds its signature).
sign_and_submit() {
	local update=$1 i
	shift
	local -a signers=("$@")
	for ((i = 0; i < ${#signers[@]} - 1; i++)); do
		with_admin "${signers[i]}" "$BIN/peer" channel signconfigtx -f "$update" >>"$RUN/cli.log" 2>&1 ||
			die "${signers[i]} could not sign the config update (see $RUN/cli.log)"
		log "$STEP_LOG: signed by ${signers[i]}'s admin"
	done
	local submitter=${signers[${#signers[@]} - 1]}
	# shellcheck disable=SC2046
	with_admin "$submitter" "$BIN/peer" channel update -f "$update" -c "$CHANNEL" $(orderer_flags) >>"$RUN/cli.log" 2>&1 ||
		die "the config update submitted by $submitter failed (see $RUN/cli.log)"
	log "$STEP_LOG: signed and submitted by ${submitter}'s admin"
}

# Removing an organisation from the running channel (remove-org). In order: every remaining
# organisation approves the chaincode definitions at their next sequence without the leaving
# organisation's peer among the endorsers (a removed retailer's sales collection keeps the
# Regulator as its only member), and a majority's peers endorse the commit; then the
# administrators of a majority of the organisations in the channel sign the config update
# that takes its MSP out of the Application group, the last one submitting it; then its
# nodes stop. Its blocks, events and world state stay in every remaining peer's ledger.
cmd_remove_org() {
	need_network
	local name=${1:-} o
	[[ -n $name ]] || die "remove-org NAME"
	[[ " $(channel_orgs) " == *" $name "* ]] || die "$name is not an organisation in the channel (have: $(channel_orgs))"
	[[ $name != "$REGULATOR_ORG" ]] || die "remove-org: the Regulator cannot leave"
	local -a left
	read -ra left <<<"$(channel_orgs)"
	((${#left[@]} > 3)) || die "remove-org: at least three organisations must stay"
	for o in $(channel_orgs); do
		[[ $o == "$name" ]] || node_alive "$(peer_node "$o")" || die "$(peer_node "$o") is not running"
	done
	[[ -x $BIN/orgupdate ]] || (cd "$ROOT" && go build -o "$BIN/" ./test-network/cmd/orgupdate)

	STEP_LOG="remove-org $name"
	local work=$RUN/remove-org/$name
	mkdir -p "$work"
	ADD_TIMES=$RUN/remove-org/$name.times
	: >"$ADD_TIMES"
	local t0=$EPOCHREALTIME
	# The signers are counted among the organisations in the channel, the leaving one included.
	local -a signers
	# shellcheck disable=SC2046
	read -ra signers <<<"$(majority_signers $(for o in $(channel_orgs); do [[ $o == "$name" ]] || echo "$o"; done))"
	local n
	n=$(wc -w <<<"$(channel_orgs)")

	REMOVED_ORGS="${REMOVED_ORGS:+$REMOVED_ORGS }$name"
	cat >>"$RUN/orgs.env" <<EOT
# remove-org $name
REMOVED_ORGS="\${REMOVED_ORGS:+\$REMOVED_ORGS }$name"
EOT

	step "chaincode definitions: approve and commit"
	define_chaincode "$CC_NAME" --collections-config "$(collections_config)"
	define_chaincode "$BENCH_CC_NAME"

	step "config update: fetch and build"
	fetch_config "$REGULATOR_ORG" "$work/config.block"
	"$BIN/orgupdate" remove --block "$work/config.block" --channel "$CHANNEL" --mspid "${name}MSP" --out "$work/update.pb" ||
		die "building the config update failed"

	step "config update: sign and submit"
	log "$STEP_LOG: ${#signers[@]} of the $n organisations' admins sign: ${signers[*]}"
	sign_and_submit "$work/update.pb" "${signers[@]}"
	fetch_config_after "$REGULATOR_ORG" "$work/config-after.block" "$work/config.block" "${name}MSP"
	local cfg
	cfg=$("$BIN/orgupdate" inspect --block "$work/config-after.block" --mspid "${name}MSP")
	[[ $cfg == *" lacks ${name}MSP" ]] || die "the channel configuration still has ${name}MSP ($cfg)"
	for o in $(channel_orgs); do
		wait_height "$o" $((${cfg%% *} + 1))
	done

	step "stop its nodes"
	stop_node "$(peer_node "$name")"
	stop_node "$(cc_node "$CC_NAME" "$name")"
	! has_ca "$name" || stop_node "$(ca_node "$name")"
	step_done
	local total
	total=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	printf 'total\t%s\n' "$total" >>"$ADD_TIMES"
	log "$STEP_LOG: ${name}MSP left channel $CHANNEL in $total s; its history stays on the ledger"
	cat "$ADD_TIMES"
}

# cmd_revoke ORG IDENTITY: revoke the certificate of ORG's identity IDENTITY (User1, Admin, a
# name enrolled under RUN/crypto/.../users/IDENTITY@domain, or the path of a PEM certificate):
# ORG's CA signs a CRL that lists it (and whatever that CA revoked before), and ORG's admin,
# whom the MSP value's mod_policy (ORG's Admins) names alone, signs and submits the config
# update that puts the CRL into ORG's channel MSP. It returns once every peer in the channel
# has the new configuration: from then on every peer refuses that identity's signatures.
cmd_revoke() {
	need_network
	local org=${1:-} id=${2:-} o
	[[ -n $org && -n $id ]] || die "revoke ORG IDENTITY"
	[[ " $(channel_orgs) " == *" $org "* ]] || die "$org is not an organisation in the channel (have: $(channel_orgs))"
	local dom cert
	dom=$(org_domain "$org")
	if [[ -f $id ]]; then
		cert=$id
	else
		cert=$(find "$(peer_org_dir "$org")/users/$id@$dom/msp/signcerts" -name '*.pem' 2>/dev/null | head -n1)
		[[ -n $cert ]] || die "no certificate of $id@$dom in $(peer_org_dir "$org")/users"
	fi
	[[ -x $BIN/orgupdate ]] || (cd "$ROOT" && go build -o "$BIN/" ./test-network/cmd/orgupdate)
	STEP_LOG="revoke $org $id"
	local work
	work=$RUN/revoke/$org/$(basename "$id" .pem)-$(date +%s%N)
	mkdir -p "$work"
	ADD_TIMES=$work/times
	: >"$ADD_TIMES"
	step "config update: fetch and build"
	fetch_config "$org" "$work/config.block"
	"$BIN/orgupdate" revoke --block "$work/config.block" --channel "$CHANNEL" --mspid "${org}MSP" --cert "$cert" \
		--ca-cert "$(peer_org_dir "$org")/ca/ca.$dom-cert.pem" --ca-key "$(peer_org_dir "$org")/ca/priv_sk" --out "$work/update.pb" ||
		die "building the revocation update failed"
	step "config update: submit and commit"
	sign_and_submit "$work/update.pb" "$org"
	fetch_config_after "$org" "$work/config-after.block" "$work/config.block" "${org}MSP"
	local cfg
	cfg=$("$BIN/orgupdate" inspect --block "$work/config-after.block" --mspid "${org}MSP")
	for o in $(channel_orgs); do
		wait_height "$o" $((${cfg%% *} + 1))
	done
	step_done
	log "$STEP_LOG: revoked ($cert) from block ${cfg%% *} on"
	cat "$ADD_TIMES"
}

# define_chaincode NAME [APPROVE_FLAGS...]: the next sequence of chaincode NAME's definition,
# with the package each peer already has (its own organisation's, package_id) and today's
# policy (cc_signature_policy): approved by every organisation, the newcomer included, and
# committed with the endorsements of the peers that were in the channel before (they hold
# every approval already).
define_chaincode() {
	local name=$1 seq org
	shift
	seq=$(with_admin "$REGULATOR_ORG" "$BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$name" -O json 2>/dev/null |
		sed -n 's/.*"sequence": *\([0-9]*\).*/\1/p' || true)
	[[ -n $seq ]] || die "chaincode $name is not defined on $CHANNEL"
	seq=$((seq + 1))
	local common policy
	policy=$(cc_signature_policy)
	common="$(orderer_flags) --channelID $CHANNEL --name $name --version $CC_VERSION --sequence $seq $*"
	for org in $(channel_orgs); do
		# shellcheck disable=SC2086
		spawn with_admin "$org" "$BIN/peer" lifecycle chaincode approveformyorg $common --package-id "$(package_id "$name" "$org")" \
			--signature-policy "$policy" 2>>"$RUN/cli.log"
	done
	wait_all "chaincode approve of $name sequence $seq"
	local peers="" o
	for o in $(channel_orgs); do
		[[ $o == "${ADD_ORG:-}" ]] && continue
		peers+="--peerAddresses $(org_host "$o"):$(peer_port "$o") --tlsRootCertFiles $(peer_tls_ca "$o") "
	done
	# shellcheck disable=SC2086
	with_admin "$REGULATOR_ORG" "$BIN/peer" lifecycle chaincode commit $common --signature-policy "$policy" $peers 2>>"$RUN/cli.log" ||
		die "chaincode commit of $name sequence $seq failed (see $RUN/cli.log)"
	log "$STEP_LOG: chaincode $name sequence $seq committed"
}

all_nodes() {
	local o org
	for o in $ORDERERS; do echo "$o"; done
	for org in $PEER_ORGS; do peer_node "$org"; done
	for org in $PEER_ORGS; do cc_node "$CC_NAME" "$org"; done
	echo benchcc
	for org in $(ca_orgs); do ca_node "$org"; done
	[[ -d $(node_dir traced) ]] && echo traced
	return 0
}

# cmd_serve: the public verification service, a node like the others (network.sh down stops
# it), acting as the Regulator's read-only identity, filing clone signals from scans as the
# Regulator's user; beside it, the regulator's console
# (docs/regulator.md) on its own port with mutual TLS: the server presents the Regulator
# peer's TLS certificate (test network only), and staff sign in with certificates of the
# Regulator's CA (Admin@DOMAIN decides reports; $RUN/console-staff.p12 holds it for a browser).
cmd_serve() {
	need_network
	local dir url curl_console
	dir=$(node_dir traced)
	url=http://127.0.0.1:$(traced_port)/
	mkdir -p "$dir"
	local dom org_dir tls staff
	dom=$(org_domain "$REGULATOR_ORG")
	org_dir=$(peer_org_dir "$REGULATOR_ORG")
	tls=$org_dir/peers/peer0.$dom/tls
	staff=$org_dir/users/Admin@$dom/msp
	{
		printf '%s\n--org\n%s\n--listen\n127.0.0.1:%s\n--signal-identity\nuser\n' "$BIN/traced" "$REGULATOR_ORG" "$(traced_port)"
		printf -- '--console-listen\n127.0.0.1:%s\n--console-index\n%s\n' "$(console_port)" "$dir/console.db"
		printf -- '--console-tls-cert\n%s\n--console-tls-key\n%s\n' "$tls/server.crt" "$tls/server.key"
		printf -- '--console-client-ca\n%s\n' "$org_dir/ca/ca.$dom-cert.pem"
	} >"$dir/cmd"
	echo "TRACECHAIN_RUN_DIR=$RUN" >"$dir/env"
	start_node traced
	local i console_url=https://127.0.0.1:$(console_port)/console/
	curl_console=(curl -fsS -o /dev/null --cacert "$tls/ca.crt" --cert "$staff/signcerts/Admin@$dom-cert.pem" --key "$staff/keystore/priv_sk")
	for ((i = 0; i < 200; i++)); do
		curl -fsS -o /dev/null "${url}.well-known/gs1resolver" 2>/dev/null && "${curl_console[@]}" "$console_url" 2>/dev/null && {
			echo "$url" >"$RUN/service.url"
			echo "$console_url" >"$RUN/console.url"
			cp "$staff/signcerts/Admin@$dom-cert.pem" "$RUN/console-staff.pem"
			cp "$staff/keystore/priv_sk" "$RUN/console-staff.key"
			cp "$tls/ca.crt" "$RUN/console-server-ca.pem"
			if command -v openssl >/dev/null; then
				openssl pkcs12 -export -in "$RUN/console-staff.pem" -inkey "$RUN/console-staff.key" -name "Admin@$dom" \
					-out "$RUN/console-staff.p12" -passout pass:tracechain 2>/dev/null || rm -f "$RUN/console-staff.p12"
			fi
			echo "Verification service: $url"
			echo "Regulator console: $console_url"
			local p12=""
			[[ -f $RUN/console-staff.p12 ]] && p12=", or $RUN/console-staff.p12 (password tracechain) for a browser"
			echo "  staff certificate (Admin@$dom, decides reports): $RUN/console-staff.pem with $RUN/console-staff.key$p12"
			echo "  the console's server certificate is issued by $RUN/console-server-ca.pem"
			return 0
		}
		node_alive traced || break
		sleep 0.1
	done
	tail -n 20 "$dir/log" >&2
	die "the verification service or the regulator's console did not start (see $dir/log)"
}

cmd_down() {
	[[ -d $RUN ]] || return 0
	local n
	for n in $(all_nodes); do
		[[ -d $(node_dir "$n") ]] && stop_node "$n"
	done
	netns_down
	rm -rf "$RUN"
	log "network stopped and $RUN removed"
}

node_ops_port() {
	case $1 in
	orderer*) orderer_ops_port "$1" ;;
	ca.*) ca_ops_port "$(node_org "$1")" ;;
	peer0.*)
		local org
		for org in $PEER_ORGS; do
			[[ $(peer_node "$org") == "$1" ]] && peer_ops_port "$org" && return
		done
		;;
	esac
}

cmd_status() {
	[[ -f $RUN/network.env ]] || die "no network runs from $RUN (network.sh up first)"
	local n pid state health rss total=0 bad=0 port
	printf '%-24s %-8s %-8s %-8s %8s\n' NODE PID STATE HEALTH RSS_MiB
	for n in $(all_nodes); do
		# A removed organisation's nodes are stopped for good.
		removed "$(node_org "$n")" && continue
		pid=$(node_pid "$n")
		state=stopped health=- rss=0
		if node_alive "$n"; then
			state=running
			rss=$(awk '/^VmRSS/ {print int($2/1024)}' "/proc/$pid/status")
			port=$(node_ops_port "$n")
			if [[ -n $port ]]; then
				health=down
				curl -fsS -o /dev/null "http://$(node_host "$n"):$port/healthz" 2>/dev/null && health=OK
			fi
		fi
		[[ $state == running && $health != down ]] || bad=$((bad + 1))
		total=$((total + rss))
		printf '%-24s %-8s %-8s %-8s %8s\n' "$n" "${pid:--}" "$state" "$health" "$rss"
	done
	printf '%-24s %-8s %-8s %-8s %8s\n' total "" "" "" "$total"
	((bad == 0))
}

node_exists() { [[ -d $(node_dir "$1") ]] || die "unknown node $1 (have: $(all_nodes | tr '\n' ' '))"; }

cmd_start_node() {
	node_exists "$1"
	start_node "$1"
	local port
	port=$(node_ops_port "$1")
	[[ -z $port ]] || wait_healthy "$1" "$port"
}

# up --bft is the same as TRACECHAIN_ORDERING=bft, up --netns as TRACECHAIN_NETNS=1; other
# commands use the running network's.
if [[ ${1:-} == up ]]; then
	for flag in "${@:2}"; do
		case $flag in
		--bft) ORDERING=bft ;;
		--netns) NETNS=1 ;;
		*) die "unknown flag of up: $flag (--netns, --bft)" ;;
		esac
	done
	# The namespaced layout places every orderer in the Orderer organisation's namespace, with
	# the SANs of that organisation: the BFT orderers of four organisations need their own.
	[[ $NETNS != 1 || $ORDERING != bft ]] || die "up --netns and --bft together are not supported yet"
fi
select_ordering

case ${1:-} in
up) cmd_up ;;
createChannel) cmd_create_channel ;;
# deploy is the name this script gave deployCC before it followed Fabric's test network.
deployCC | deploy) cmd_deploy_cc ;;
down) cmd_down ;;
status) cmd_status ;;
stop-node)
	node_exists "${2:?node name}"
	stop_node "$2"
	;;
start-node) cmd_start_node "${2:?node name}" ;;
kill-node)
	node_exists "${2:?node name}"
	kill_node "$2"
	;;
metrics)
	node_exists "${2:?node name}"
	port=$(node_ops_port "$2")
	[[ -n $port ]] || die "$2 has no operations endpoint"
	curl -fsS "http://$(node_host "$2"):$port/metrics"
	;;
peer)
	shift
	org=${1:?organisation}
	shift
	FABRIC_CFG=${FABRIC_CFG:-$(fabric_cfg)}
	with_admin "$org" "$BIN/peer" "$@"
	;;
tools) build_tools ;;
partition)
	need_network
	netns_link "${2:?organisation}" down
	;;
heal)
	need_network
	netns_link "${2:?organisation}" up
	;;
serve) cmd_serve ;;
add-org)
	shift
	cmd_add_org "$@"
	;;
remove-org)
	shift
	cmd_remove_org "$@"
	;;
revoke)
	shift
	cmd_revoke "$@"
	;;
*)
	sed -n '2,/^set -euo pipefail/{/^#/p}' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
