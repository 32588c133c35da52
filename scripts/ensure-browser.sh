#!/usr/bin/env bash
# Makes sure a headless Chromium from Debian is installed for the browser tests (puppeteer-core
# never downloads a browser). Prints its path. Like scripts/stack.sh does for redis-server.
#   CHROME_PATH=/path/to/chrome bash scripts/ensure-browser.sh   # use another one
set -euo pipefail

log() { printf '[browser] %s\n' "$*" >&2; }
die() { printf '[browser] error: %s\n' "$*" >&2; exit 1; }

find_browser() {
  local candidate
  for candidate in "${CHROME_PATH:-}" chromium-headless-shell chromium chromium-browser; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return 0; fi
  done
  for candidate in /usr/lib/chromium/headless_shell /usr/lib/chromium/chromium; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

if path="$(find_browser)"; then echo "$path"; exit 0; fi
[ "$(id -u)" = 0 ] || die "no headless Chromium found. Install it (Debian: 'sudo apt-get install chromium-headless-shell') or set CHROME_PATH."
command -v apt-get >/dev/null 2>&1 || die "no headless Chromium and no apt-get: install Chromium by hand and set CHROME_PATH."
export DEBIAN_FRONTEND=noninteractive
log "installing chromium-headless-shell with apt-get"
if ! apt-get install -y --no-install-recommends chromium-headless-shell >/tmp/cross-bot-apt-browser.log 2>&1; then
  apt-get update >>/tmp/cross-bot-apt-browser.log 2>&1 || true
  apt-get install -y --no-install-recommends chromium-headless-shell >>/tmp/cross-bot-apt-browser.log 2>&1 \
    || apt-get install -y --no-install-recommends chromium >>/tmp/cross-bot-apt-browser.log 2>&1 \
    || { tail -n 30 /tmp/cross-bot-apt-browser.log >&2; die "could not install a headless Chromium (log: /tmp/cross-bot-apt-browser.log)"; }
fi
path="$(find_browser)" || die "Chromium installed but not found"
echo "$path"
