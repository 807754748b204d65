#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/strategies.sh [--big] - the strategy P&L benchmark (issue 5): CSV -> Parquet against
# DuckDB on a generated 25,544 x 82 matrix, Parquet -> matrix load times (25,544 x 82 and
# 100,000 x 250), and with --big 1,000,000 x 250 through the long and partitioned layouts
# (several GB of disk, minutes).  Report in bench/out/strategies-<time>.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$ROOT" -B "$ROOT/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$ROOT/build" -j "$(nproc)" --target parquant bench_pnl_load >/dev/null
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pq-bench-strategies.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ROOT/bench/out"
node "$ROOT/bench/strategies.mjs" --parquant "$ROOT/build/parquant" --load "$ROOT/build/bench/bench_pnl_load" \
    --work "$WORK" --md "$ROOT/bench/out/strategies-$(date +%Y%m%d-%H%M%S).md" "$@"
