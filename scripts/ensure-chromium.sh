#!/usr/bin/env bash
# The browser tests drive Debian's Chromium; install it if this machine lacks it, and a Devanagari
# font (Debian's fonts-lohit-deva, 80 KB) so the Hindi screenshots show Hindi, not empty boxes.
set -euo pipefail
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=hi 2>/dev/null)" ]; then packages+=(fonts-lohit-deva); fi
if [ "${#packages[@]}" -eq 0 ]; then exit 0; fi
echo "ensure-chromium: installing ${packages[*]} from Debian's packages" >&2
if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
