#!/usr/bin/env bash
# The whole test suite, from a fresh clone: dependencies, type check, a throw-away Synapse + Redis
# on loopback, then unit and end-to-end tests. Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/ensure-deps.sh
echo "[test] type check and lint"
npx tsc --noEmit -p tsconfig.json
npm run --silent lint
CHROME_PATH="$(bash scripts/ensure-browser.sh)" && export CHROME_PATH
bash scripts/stack.sh up
trap 'bash scripts/stack.sh down >/dev/null 2>&1 || true' EXIT
npx vitest run "$@"
