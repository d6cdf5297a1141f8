#!/usr/bin/env bash
# The message catalogues are extracted and compiled with GNU gettext; install Debian's package if it is missing.
set -euo pipefail
if command -v msgfmt >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1 && command -v msgattrib >/dev/null 2>&1; then exit 0; fi
echo "ensure-gettext: installing gettext from Debian's packages" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
