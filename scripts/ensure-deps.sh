#!/usr/bin/env bash
# Installs node_modules from package-lock.json when missing or stale — from the npm registry only.
#
# sqlite3 is compiled from source: its default install would try to download a prebuilt binary
# from GitHub (impossible on an air-gapped network), and node-gyp would download Node's headers
# unless it is pointed at the ones installed with Node (`npm_config_nodedir`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[deps] %s\n' "$*" >&2; }

stamp=node_modules/.cross-bot-deps
wanted="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1) node-$(node -p process.versions.modules)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && node -e 'require("sqlite3")' 2>/dev/null; then
  exit 0
fi

major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  log "Node.js 20 or newer is required (found $(node --version))"; exit 1
fi

if ! command -v make >/dev/null 2>&1 || ! command -v g++ >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing a C++ toolchain (make, g++) to build sqlite3"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends make g++ python3 >/dev/null \
      || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends make g++ python3 >/dev/null; }
  else
    log "make and g++ are needed to build sqlite3 (Debian: sudo apt-get install build-essential)"; exit 1
  fi
fi

node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
if [ -f "$node_prefix/include/node/common.gypi" ]; then
  export npm_config_nodedir="$node_prefix"
else
  log "warning: Node headers not found under $node_prefix/include/node; node-gyp may try to download them"
fi
export npm_config_build_from_source=true

log "installing dependencies (npm ci; sqlite3 is compiled, about two minutes the first time)"
npm ci --no-audit --no-fund --loglevel=error
node -e 'require("sqlite3")' || { log "sqlite3 did not build"; exit 1; }
echo "$wanted" >"$stamp"
