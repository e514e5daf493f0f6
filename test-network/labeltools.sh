#!/usr/bin/env bash
# labeltools.sh finds, or installs, what the label decoder tests
# (client/label, build tag "labeldecode") and Chinese label text need.
#
#   labeltools.sh ensure   install what is missing of: the decoders (Debian's
#                          zbar-tools zbarimg, dmtx-utils dmtxread, zxing-cpp-tools
#                          ZXingReader), the renderers (poppler-utils pdftoppm,
#                          librsvg2-bin rsvg-convert, ImageMagick convert with its
#                          own SVG renderer from libmagickcore-6.q16-6-extra and
#                          the gsfonts it draws text with) and the CJK font
#                          (fonts-droid-fallback). Installing needs root.
#   labeltools.sh font     install only the CJK font labels use for Chinese text
#
# Everything goes to standard error.
set -euo pipefail

FONT=/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf

# need PROGRAM PACKAGE: add PACKAGE to missing when PROGRAM is not found.
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }

# The real ImageMagick, not a stand-in of the same name, with its SVG
# renderer (MSVG) and the fonts its type-ghostscript.xml names for text.
have_imagemagick() {
	[[ -x /usr/bin/convert ]] && /usr/bin/convert -version 2>/dev/null | grep -q ImageMagick &&
		/usr/bin/convert -list format 2>/dev/null | grep -q '^ *MSVG' &&
		dpkg-query -W -f='${Status}' gsfonts 2>/dev/null | grep -q 'ok installed'
}

install_packages() {
	if [[ $(id -u) -ne 0 ]]; then
		echo "labeltools.sh: $* missing and not root: install them as root (apt-get install -y $*)" >&2
		exit 1
	fi
	command -v apt-get >/dev/null 2>&1 || {
		echo "labeltools.sh: no apt-get on this system: install $* yourself" >&2
		exit 1
	}
	echo "labeltools.sh: installing $* with apt-get" >&2
	local log
	log=$(mktemp)
	# Try without an update first (fast when the lists are fresh), then update.
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >"$log" 2>&1; then
		if ! { DEBIAN_FRONTEND=noninteractive apt-get update -q &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"; } >"$log" 2>&1; then
			cat "$log" >&2
			rm -f "$log"
			echo "labeltools.sh: apt-get install $* failed" >&2
			exit 1
		fi
	fi
	rm -f "$log"
}

case ${1:-} in
ensure)
	need zbarimg zbar-tools
	need dmtxread dmtx-utils
	need ZXingReader zxing-cpp-tools
	need pdftoppm poppler-utils
	need rsvg-convert librsvg2-bin
	have_imagemagick || missing+=(imagemagick libmagickcore-6.q16-6-extra gsfonts)
	[[ -f $FONT ]] || missing+=(fonts-droid-fallback)
	if [[ ${#missing[@]} -gt 0 ]]; then
		install_packages "${missing[@]}"
	fi
	;;
font)
	[[ -f $FONT ]] || install_packages fonts-droid-fallback
	;;
*)
	sed -n '2,15s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
