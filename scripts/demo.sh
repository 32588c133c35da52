#!/usr/bin/env bash
# Zero-configuration demo: a local Synapse + Redis, the example CROSS des Vosges, the bot, and a
# short scripted scene of officers' commands with the bot's answers. The bot then keeps running so
# you can log in with any Matrix client (see README); Ctrl-C stops everything.
#   npm run demo             # scene, then keep running
#   npm run demo -- --exit   # scene only
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/ensure-deps.sh
bash scripts/stack.sh up

set -a
# shellcheck disable=SC1091
. .stack/bot.env
set +a
node --import tsx src/main.ts --config config/vosges.example.yaml >.stack/bot.log 2>&1 &
bot_pid=$!
echo "$bot_pid" >.stack/bot.pid

cleanup() {
  trap - EXIT INT TERM
  kill -TERM "$bot_pid" 2>/dev/null && wait "$bot_pid" 2>/dev/null || true
  bash scripts/stack.sh down >/dev/null 2>&1 || true
  echo "[demo] stopped."
}
trap cleanup EXIT INT TERM

node --import tsx tools/demo.ts
if [ "${1:-}" = "--exit" ]; then exit 0; fi
echo "[demo] the bot keeps running (logs: .stack/bot.log). Ctrl-C to stop the bot, Synapse and Redis."
wait "$bot_pid"
