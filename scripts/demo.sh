#!/usr/bin/env bash
# Zero-configuration demo: a local Synapse + Redis, the example CROSS des Vosges, the bot, and a
# short scripted scene of officers' commands with the bot's answers. The bot then keeps running so
# you can log in with any Matrix client (see README); Ctrl-C stops everything.
# The rooms are end-to-end encrypted, as on Tchap, and the officers of the scene are encrypting
# clients (matrix-js-sdk, what Element is built on).
#   npm run demo             # scene, then keep running
#   npm run demo -- --exit   # scene only
#   npm run demo -- --clear  # the rooms in the clear, for tools that cannot encrypt (combines with --exit)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

exit_after_scene=0
stack_args=()
for arg in "$@"; do
  case "$arg" in
    --exit) exit_after_scene=1 ;;
    --clear) stack_args+=(--clear) ;;
    *) printf '[demo] unknown option %s (use --exit and/or --clear)\n' "$arg" >&2; exit 2 ;;
  esac
done

bash scripts/ensure-deps.sh
bash scripts/stack.sh up "${stack_args[@]}"

set -a
# shellcheck disable=SC1091
. .stack/bot.env
set +a
node --import tsx src/main.ts --config config/vosges.example.yaml >.stack/bot.log 2>&1 &
bot_pid=$!
echo "$bot_pid" >.stack/bot.pid
# The public tips form: its own process and port, given only the config and Redis (no Matrix token).
tips_port="$(node --import tsx -e 'import("./scripts/stack/processes.ts").then(async (m) => console.log((await m.freeLoopbackPorts(1))[0]))')"
env -i PATH="$PATH" REDIS_URL="$REDIS_URL" CROSS_TIPS_HOST=127.0.0.1 CROSS_TIPS_PORT="$tips_port" CROSS_TIPS_SPOOL_DIR=.stack/tips-spool \
  node --import tsx src/tips/main.ts --config config/vosges.example.yaml >.stack/tips.log 2>&1 &
tips_pid=$!
echo "$tips_pid" >.stack/tips.pid
TIPS_URL="http://127.0.0.1:$tips_port/" node -e '
  const fs = require("fs"); const file = ".stack/stack.json";
  const stack = JSON.parse(fs.readFileSync(file, "utf8")); stack.tips = { url: process.env.TIPS_URL };
  fs.writeFileSync(file, JSON.stringify(stack, null, 2) + "\n", { mode: 0o600 });'
echo "[demo] formulaire citoyen (signalements) : http://127.0.0.1:$tips_port/ (logs: .stack/tips.log)"

cleanup() {
  trap - EXIT INT TERM
  kill -TERM "$bot_pid" 2>/dev/null && wait "$bot_pid" 2>/dev/null || true
  kill -TERM "$tips_pid" 2>/dev/null && wait "$tips_pid" 2>/dev/null || true
  bash scripts/stack.sh down >/dev/null 2>&1 || true
  echo "[demo] stopped."
}
trap cleanup EXIT INT TERM

node --import tsx tools/demo.ts
if [ "$exit_after_scene" = 1 ]; then exit 0; fi
echo "[demo] the bot keeps running (logs: .stack/bot.log). Ctrl-C to stop the bot, Synapse and Redis."
wait "$bot_pid"
