#!/usr/bin/env bash
# Installs the SPARQL clients the tests run against /sparql, none of them written here:
# roqet (Debian rasqal-utils), rapper (Debian raptor2-utils) and the Comunica command line
# (npm @comunica/query-sparql 4, pinned with package-lock.json; Comunica 5 needs Node.js 22);
# Chromium for the map, and Virtuoso as a remote store.
# Idempotent, and quick when everything is already there. `make install-test` runs it.
set -euo pipefail
cd "$(dirname "$0")"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v roqet >/dev/null || missing+=(rasqal-utils)
command -v rapper >/dev/null || missing+=(raptor2-utils)
command -v npm >/dev/null || missing+=(npm)
# /map is checked in a real headless Chromium driven by Selenium through Debian's chromedriver;
# fonts-nanum draws the map's Korean labels in its screenshots.
command -v chromium >/dev/null || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
[ -d /usr/share/fonts/truetype/nanum ] || missing+=(fonts-nanum)
# The remote-store tests also run against Virtuoso 7 (tests/servers.py starts its own instances
# on free ports of 127.0.0.1; the Debian service is not used).
command -v virtuoso-t >/dev/null || missing+=(virtuoso-opensource)
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci reinstalls from the lock file; skip it when node_modules already holds that lock.
stamp=node_modules/.edkg-lock
if [ ! -x node_modules/.bin/comunica-sparql ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
