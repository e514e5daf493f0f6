# netns.sh is sourced by network.sh. With `network.sh up --netns` (or TRACECHAIN_NETNS=1) each
# peer organisation, and the orderer organisation, runs in a Linux network namespace of its own
# with its own address: one host per organisation, as in a multi-host deployment, simulated on
# one machine. The namespaces hang off a bridge in a namespace of its own; the host end of one
# more veth pair gives the root namespace, where clients run, an address on the bridge.
#
#   root namespace            tc<id>h  SUBNET.1/24   clients, the chaincode servers
#   tc<id>-br                 br0 with ports host, p<slot>
#   tc<id>-<org>              eth0     SUBNET.<10 + slot>/24
#
# slot is 0 for the orderer organisation and 1 + the index of a peer organisation. <id> is
# derived from the run directory, so networks of different run directories coexist, and only
# objects of this run directory are ever touched. Every object is recorded in RUN/netns.rec
# before it is created, so `down` finds it even after the script was SIGKILLed.
#
# Requires root (ip netns). No kernel qdisc is needed: a partition takes a bridge port down.

NETNS_SUBNET_PREFIX=10.213

# netns_id: six hex digits naming this run directory's namespaces and links.
netns_id() { realpath -m "$RUN" | sha256sum | cut -c1-6; }

netns_bridge() { echo "tc$(netns_id)-br"; }
netns_host_link() { echo "tc$(netns_id)h"; }

# netns_slot ORG: 0 for the orderer organisation, 1 + its index for a peer organisation.
netns_slot() {
	if [[ $1 == "$ORDERER_ORG" ]]; then
		echo 0
	else
		echo $((1 + $(org_index "$1")))
	fi
}

# netns_of ORG: the namespace an organisation's nodes run in.
netns_of() { echo "tc$(netns_id)-$(lower "$1")"; }

netns_addr() { echo "$SUBNET.$((10 + $(netns_slot "$1")))"; }

# netns_choose_subnet: the first /24 of 10.213.0.0/16, from one derived from the run directory
# on, that the root namespace has no route into.
netns_choose_subnet() {
	local start x i
	start=$((16#$(netns_id) % 256))
	for ((i = 0; i < 256; i++)); do
		x=$(((start + i) % 256))
		if ! ip -4 route show table all | awk -v p="$NETNS_SUBNET_PREFIX.$x." \
			'{ for (i = 1; i <= NF; i++) if (index($i, p) == 1) used = 1 } END { exit !used }'; then
			echo "$NETNS_SUBNET_PREFIX.$x"
			return
		fi
	done
	die "no free /24 in $NETNS_SUBNET_PREFIX.0.0/16"
}

# netns_record KIND NAME: note an object before creating it, so a crash cannot orphan it.
netns_record() { echo "$1 $2" >>"$RUN/netns.rec"; }

# netns_up: create the bridge, one namespace per organisation and the host's address. Leftovers
# of an earlier run of the same run directory (a crash and a removed run directory) go first.
netns_up() {
	[[ $(id -u) == 0 ]] || die "--netns needs root (ip netns)"
	netns_clean_stale
	SUBNET=$(netns_choose_subnet)
	echo "SUBNET=$SUBNET" >>"$RUN/network.env"
	local br host org
	br=$(netns_bridge)
	host=$(netns_host_link)
	log "network namespaces: $SUBNET.0/24, bridge namespace $br"
	netns_record netns "$br"
	ip netns add "$br"
	ip -n "$br" link set lo up
	ip -n "$br" link add br0 type bridge
	ip -n "$br" link set br0 up
	netns_record link "$host"
	ip link add "$host" type veth peer name host netns "$br"
	ip -n "$br" link set host master br0 up
	ip addr add "$SUBNET.1/24" dev "$host"
	ip link set "$host" up
	for org in "$ORDERER_ORG" $PEER_ORGS; do netns_add "$org"; done
}

# netns_add ORG: the organisation's namespace, its link to the bridge and its address (at up,
# and for an organisation that joins: add-org).
netns_add() {
	local org=$1 br ns
	br=$(netns_bridge)
	ns=$(netns_of "$org")
	netns_record netns "$ns"
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip link add eth0 netns "$ns" type veth peer name "p$(netns_slot "$org")" netns "$br"
	ip -n "$br" link set "p$(netns_slot "$org")" master br0 up
	ip -n "$ns" addr add "$(netns_addr "$org")/24" dev eth0
	ip -n "$ns" link set eth0 up
}

# netns_down: remove every recorded object that still exists. The host link goes first and
# explicitly: a namespace's links go with it, but the kernel frees a namespace asynchronously.
netns_down() {
	[[ -f $RUN/netns.rec ]] || return 0
	local name
	for name in $(awk '$1 == "link" {print $2}' "$RUN/netns.rec"); do
		if ip link show "$name" >/dev/null 2>&1; then ip link del "$name"; fi
	done
	for name in $(awk '$1 == "netns" {print $2}' "$RUN/netns.rec"); do
		if ip netns list | awk '{print $1}' | grep -qx "$name"; then ip netns del "$name"; fi
	done
	rm -f "$RUN/netns.rec"
}

# netns_clean_stale: remove namespaces and the host link named after this run directory that
# an earlier run left behind when its run directory, and with it the record, was removed.
netns_clean_stale() {
	local id ns
	id=$(netns_id)
	if ip link show "tc${id}h" >/dev/null 2>&1; then ip link del "tc${id}h"; fi
	for ns in $(ip netns list | awk '{print $1}' | grep "^tc$id-"); do
		log "removing stale namespace $ns"
		ip netns del "$ns"
	done
	return 0
}

# netns_link ORG STATE: take an organisation's bridge port down (a partition) or up (a heal).
netns_link() {
	[[ ${NETNS:-0} == 1 ]] || die "partition and heal need a network started with up --netns"
	local org=$1
	[[ $org == "$ORDERER_ORG" ]] || org_index "$org" >/dev/null
	ip -n "$(netns_bridge)" link set "p$(netns_slot "$org")" "$2"
	log "$org: link $2"
}

# netns_crypto_config OUT: network/crypto-config.yaml with each organisation's namespace
# address added to its nodes' SANS, so TLS host checks by address pass for every node and client.
netns_crypto_config() {
	local out=$1 org map=""
	for org in "$ORDERER_ORG" $PEER_ORGS; do map+="$org=$(netns_addr "$org") "; done
	awk -v map="$map" '
		BEGIN { n = split(map, a, " "); for (i = 1; i <= n; i++) { split(a[i], kv, "="); ip[kv[1]] = kv[2] } }
		/^ *- Name: / { org = $3 }
		/SANS: \[/ && (org in ip) { sub(/SANS: \[/, "SANS: [" ip[org] ", "); done[org] = 1 }
		{ print }
		END { for (o in ip) if (!(o in done)) { print "no SANS for " o > "/dev/stderr"; exit 1 } }
	' "$NETDEF/crypto-config.yaml" >"$out" || die "cannot add namespace addresses to crypto-config.yaml"
}
