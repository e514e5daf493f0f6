#!/usr/bin/env bash
# browser.sh finds, or installs, the headless Chromium that the resolver's
# browser test (client/resolver, build tag "browser") drives.
#
#   browser.sh ensure    print the path of a Chromium binary; when none is
#                        found, install Debian's chromium and fonts-noto-cjk
#                        (the page is Chinese by default, and without a CJK
#                        font its screenshots show boxes), and libnss3-tools
#                        (certutil and pk12util, with which the console's test
#                        gives Chromium a staff certificate). Installing needs root.
#   browser.sh path      print the path of a Chromium binary, or fail
#
# Environment:
#   TRACECHAIN_CHROMIUM  a Chromium binary to use instead of searching
#
# Only the path goes to standard output; everything else to standard error,
# so a caller can run CHROMIUM=$(bash test-network/browser.sh ensure).
set -euo pipefail

# Debian installs /usr/bin/chromium; other systems name it differently.
CANDIDATES=(chromium chromium-browser google-chrome-stable google-chrome)

find_chromium() {
	if [[ -n ${TRACECHAIN_CHROMIUM:-} ]]; then
		[[ -x $TRACECHAIN_CHROMIUM ]] || {
			echo "browser.sh: TRACECHAIN_CHROMIUM=$TRACECHAIN_CHROMIUM is not an executable" >&2
			return 2
		}
		echo "$TRACECHAIN_CHROMIUM"
		return 0
	fi
	local c p
	for c in "${CANDIDATES[@]}"; do
		if p=$(command -v "$c" 2>/dev/null); then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# have_cjk_font reports whether fontconfig knows a Chinese font.
have_cjk_font() {
	command -v fc-list >/dev/null 2>&1 && [[ -n $(fc-list :lang=zh 2>/dev/null | head -n 1) ]]
}

install_packages() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "browser.sh: $* missing and not root: install them as root (apt-get install -y $*)," >&2
		echo "  or set TRACECHAIN_CHROMIUM to a Chromium binary" >&2
		exit 1
	fi
	command -v apt-get >/dev/null 2>&1 || {
		echo "browser.sh: no apt-get on this system: install Chromium and a CJK font yourself," >&2
		echo "  and set TRACECHAIN_CHROMIUM to the binary" >&2
		exit 1
	}
	echo "browser.sh: installing $* with apt-get" >&2
	# One update, then the install; quiet, but the log is shown on failure.
	local log
	log=$(mktemp)
	if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; } >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		echo "browser.sh: apt-get install $* failed" >&2
		exit 1
	fi
	rm -f "$log"
}

case ${1:-} in
ensure)
	missing=()
	path=$(find_chromium) || {
		rc=$?
		[[ $rc -eq 2 ]] && exit 1
		missing+=(chromium)
	}
	have_cjk_font || missing+=(fonts-noto-cjk)
	{ command -v certutil && command -v pk12util; } >/dev/null 2>&1 || missing+=(libnss3-tools)
	if [[ ${#missing[@]} -gt 0 ]]; then
		install_packages "${missing[@]}"
		path=$(find_chromium) || {
			echo "browser.sh: chromium installed, but no binary found (${CANDIDATES[*]})" >&2
			exit 1
		}
	fi
	echo "$path"
	;;
path)
	find_chromium || {
		echo "browser.sh: no Chromium found (${CANDIDATES[*]}); run: bash test-network/browser.sh ensure" >&2
		exit 1
	}
	;;
*)
	sed -n '2,18s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
