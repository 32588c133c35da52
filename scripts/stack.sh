#!/usr/bin/env bash
# Local throw-away stack for cross-bot: a real Synapse and a real Redis, both on 127.0.0.1 only.
#
#   bash scripts/stack.sh up      # (re)create everything; details in .stack/stack.json
#   bash scripts/stack.sh up --clear  # the same with the rooms in the clear (default: end-to-end encrypted)
#   bash scripts/stack.sh down    # stop the processes recorded in .stack/*.pid
#   bash scripts/stack.sh status  # print .stack/stack.json if the stack is running
#
# Synapse is installed once in a venv outside the clone:
#   ${CROSS_BOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cross-bot}/synapse-$SYNAPSE_VERSION
# Environment: CROSS_CONFIG (CROSS config file, default config/vosges.example.yaml),
#              CROSS_BOT_CACHE, PYTHON (python used to build the venv, default python3),
#              CROSS_STACK_CLEAR=1 (same as --clear).
set -euo pipefail

SYNAPSE_VERSION=1.163.2

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${CROSS_BOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cross-bot}"
VENV="$CACHE_DIR/synapse-$SYNAPSE_VERSION"
STACK_DIR="$REPO_ROOT/.stack"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  # apt_install PKG...: install Debian packages, refreshing the lists only if the first try fails.
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "$@" >/tmp/cross-bot-apt.log 2>&1; then
    log "apt-get install $* failed; running apt-get update and retrying"
    apt-get update >>/tmp/cross-bot-apt.log 2>&1 || true
    apt-get install -y --no-install-recommends "$@" >>/tmp/cross-bot-apt.log 2>&1 \
      || { tail -n 30 /tmp/cross-bot-apt.log >&2; die "could not install $* (log: /tmp/cross-bot-apt.log)"; }
  fi
}

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1; then return; fi
  if ! is_root; then
    die "redis-server is not installed. Install it (Debian/Ubuntu: 'sudo apt-get install redis-server') and rerun."
  fi
  command -v apt-get >/dev/null 2>&1 || die "redis-server is missing and apt-get is not available: install Redis 6+ by hand."
  log "installing redis-server with apt-get"
  apt_install redis-server
  command -v redis-server >/dev/null 2>&1 || die "redis-server still not found after installing it"
  # The Debian package may start a system service on 6379; the stack never uses it.
}

venv_ok() { [ -x "$1/bin/python" ] && "$1/bin/python" -c 'import synapse' >/dev/null 2>&1; }

ensure_synapse() {
  if venv_ok "$VENV"; then return; fi
  local py="${PYTHON:-python3}"
  command -v "$py" >/dev/null 2>&1 || {
    is_root && command -v apt-get >/dev/null 2>&1 && apt_install python3 python3-venv
    command -v "$py" >/dev/null 2>&1 || die "python3 not found: install Python 3.10 or newer (Debian: apt-get install python3 python3-venv)"
  }
  "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || die "Synapse $SYNAPSE_VERSION needs Python 3.10 or newer; $py is $("$py" -c 'import platform; print(platform.python_version())'). Set PYTHON=/path/to/python3.1x"
  if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    if is_root && command -v apt-get >/dev/null 2>&1; then
      log "installing python3-venv with apt-get"
      apt_install python3-venv
    else
      die "$py cannot create virtual environments: install the venv module (Debian: 'sudo apt-get install python3-venv')"
    fi
  fi

  mkdir -p "$CACHE_DIR"
  local tmp
  tmp="$(mktemp -d "$CACHE_DIR/.synapse-$SYNAPSE_VERSION.tmp.XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  log "creating the Synapse $SYNAPSE_VERSION venv in $VENV (first run only; takes a minute or two)"
  "$py" -m venv "$tmp/venv"
  "$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --upgrade pip
  "$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "matrix-synapse==$SYNAPSE_VERSION"
  "$tmp/venv/bin/python" -c 'import synapse' || die "matrix-synapse installed but cannot be imported"
  # Publish atomically: a half-built venv is never at $VENV. (If a concurrent run won, keep its venv.)
  if ! venv_ok "$VENV"; then
    rm -rf "$VENV"
    mv -T "$tmp/venv" "$VENV"
  fi
  rm -rf "$tmp"
  trap - EXIT
  venv_ok "$VENV" || die "the venv at $VENV does not work after being moved into place"
}

ensure_node() {
  command -v node >/dev/null 2>&1 || die "node not found: install Node.js 20"
  [ -d "$REPO_ROOT/node_modules/tsx" ] || die "node_modules/tsx is missing: run 'npm ci' in $REPO_ROOT first"
}

absolutize_config() {
  # CROSS_CONFIG may be given relative to the caller's directory; node runs from the repo root.
  if [ -n "${CROSS_CONFIG:-}" ] && [ "${CROSS_CONFIG#/}" = "$CROSS_CONFIG" ]; then
    CROSS_CONFIG="$(cd "$(dirname "$CROSS_CONFIG")" && pwd)/$(basename "$CROSS_CONFIG")"
    export CROSS_CONFIG
  fi
}

cmd_up() {
  local arg
  for arg in "$@"; do
    [ "$arg" = "--clear" ] || die "unknown option for up: $arg (only --clear)"
  done
  ensure_node
  ensure_redis
  ensure_synapse
  absolutize_config
  cd "$REPO_ROOT"
  REDIS_SERVER="$(command -v redis-server)" SYNAPSE_PYTHON="$VENV/bin/python" \
    node --import tsx scripts/stack/up.ts "$@"
}

cmd_down() {
  ensure_node
  cd "$REPO_ROOT"
  node --import tsx scripts/stack/down.ts
}

cmd_status() {
  local name pid alive=0 dead=0
  for name in synapse redis; do
    pid="$(cat "$STACK_DIR/$name.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then alive=$((alive + 1)); else dead=$((dead + 1)); fi
  done
  if [ "$dead" -eq 0 ] && [ -f "$STACK_DIR/stack.json" ]; then
    cat "$STACK_DIR/stack.json"
  elif [ "$alive" -gt 0 ]; then
    log "the stack is partly running ($alive of 2 processes alive); run 'bash scripts/stack.sh up' again"
    exit 1
  else
    log "the stack is not running (bash scripts/stack.sh up)"
    exit 1
  fi
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  *) printf 'usage: bash scripts/stack.sh up [--clear]|down|status\n' >&2; exit 2 ;;
esac
