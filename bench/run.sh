#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/run.sh [--quick] [bench.mjs options...]: the parquant vs DuckDB Parquet benchmark.
# Installs what is missing (scripts/setup.sh), builds pq_bench in the Release tree ($BUILD,
# default build/), runs bench/bench.mjs and prints its Markdown report, also saved with the
# JSON figures under bench/out/.
#   --quick       1M numeric rows and 100k string rows instead of 10M and 1M
#   other options go to bench.mjs: --case numeric:ROWS, --codecs snappy,zstd, --threads N,
#   --reps N (see bench/bench.mjs)
# Profile one case with perf:
#   perf record -g build/bench/pq_bench --case numeric:10000000 --codecs zstd --reps 1 --only write
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
cd "$ROOT"

bash scripts/setup.sh
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
if grep -q '^PQ_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt"; then
    echo "bench/run.sh: $BUILD is a sanitizer build; timings would be meaningless (set BUILD to a Release tree)" >&2
    exit 1
fi
cmake --build "$BUILD" --target pq_bench -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
PQ_BENCH="$BUILD/bench/pq_bench"
[ -x "$PQ_BENCH" ] || { echo "bench/run.sh: $PQ_BENCH was not built (is add_subdirectory(bench) in CMakeLists.txt?)" >&2; exit 1; }

mkdir -p bench/out
stamp=$(date +%Y%m%d-%H%M%S)
status=0
node bench/bench.mjs --pq-bench "$PQ_BENCH" --dir "${TMPDIR:-/tmp}/pq-bench-$$" \
    --md "bench/out/bench-$stamp.md" --json "bench/out/bench-$stamp.json" "$@" || status=$?
rm -rf "${TMPDIR:-/tmp}/pq-bench-$$"
echo "(saved in bench/out/bench-$stamp.md and .json)" >&2
exit $status
