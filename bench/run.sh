#!/usr/bin/env bash
# Benchmarks: figures go to bench/results/*.json and are quoted in the README.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
node --import tsx bench/parse.ts
node --import tsx bench/territory.ts
CHROME_PATH="$(bash scripts/ensure-browser.sh)" && export CHROME_PATH
bash scripts/stack.sh up
trap 'bash scripts/stack.sh down >/dev/null 2>&1 || true' EXIT
node --import tsx bench/capture-latency.ts
node --import tsx bench/tips.ts
