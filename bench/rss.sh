#!/usr/bin/env bash
# Memory as an operator sees it: `npm start` runs compiled JavaScript, not TypeScript through tsx
# (whose loader alone holds ≈ 35 MB of RSS). So the RSS bench is compiled first (tsc, into
# dist-bench/, with data/ linked where the compiled modules look for it), then run with the same
# flags and environment as `npm start` and the Dockerfile. Arguments go to bench/rss.ts.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
rm -rf dist-bench
npx tsc -p tsconfig.bench.json
ln -sfn ../data dist-bench/data
MALLOC_ARENA_MAX=2 node --max-old-space-size=128 --max-semi-space-size=4 dist-bench/bench/rss.js "$@"
