#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/migrate.sh [--quick] [--seed S] [--reps N]: the `parquant migrate` benchmark (issue 4).
# Installs what is missing (scripts/setup.sh), builds parquant and bench_nz_load in the Release
# tree ($BUILD, default build/), generates a NECROZMA results tree once into a temporary folder
# (`parquant generate necrozma --scale production`, a few GB of disk for a short while), runs
# bench/migrate.mjs on it (throughput, parquant vs DuckDB read_json -> Parquet, sizes, stats
# load vs JSON parse, per-phase breakdown), prints its Markdown report, saves it with the JSON
# figures as bench/out/migrate-<stamp>.{md,json}, and removes the temporary folder.
#   --quick     the small tree (--scale small) instead of production: a smoke test, the figures
#               mean little (process start-up dominates)
#   --seed S    generator seed (default 1)
#   --reps N    repetitions of every timed run (default 3; the median is reported)
# Environment: BUILD (Release build tree), TMPDIR (where the tree is generated),
# PARQUANT / NZ_LOAD (use these binaries instead of building them).
# Profile one file's migration with perf (the tree is kept with KEEP_TREE=1):
#   perf record -g build/parquant migrate --type universe --input TREE/universes --jobs 1 --force
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
cd "$ROOT"

scale=production seed=1 reps=3
while [ $# -gt 0 ]; do
    case $1 in
        --quick) scale=small ;;
        --seed) seed=$2; shift ;;
        --reps) reps=$2; shift ;;
        *) echo "usage: bench/migrate.sh [--quick] [--seed S] [--reps N]" >&2; exit 2 ;;
    esac
    shift
done

bash scripts/setup.sh
build_info="binaries given by PARQUANT / NZ_LOAD"
if [ -z "${PARQUANT:-}" ] || [ -z "${NZ_LOAD:-}" ]; then
    cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    if grep -q '^PQ_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt"; then
        echo "bench/migrate.sh: $BUILD is a sanitizer build; timings would be meaningless (set BUILD to a Release tree)" >&2
        exit 1
    fi
    cmake --build "$BUILD" --target parquant bench_nz_load -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
    build_info="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt") build, $(${CC:-cc} --version | head -n 1)"
fi
PARQUANT=${PARQUANT:-$BUILD/parquant}
NZ_LOAD=${NZ_LOAD:-$BUILD/bench/bench_nz_load}
for b in "$PARQUANT" "$NZ_LOAD"; do
    [ -x "$b" ] || { echo "bench/migrate.sh: $b was not built" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pq-bench-migrate.XXXXXX")
cleanup() {
    if [ "${KEEP_TREE:-0}" = 1 ]; then echo "bench/migrate.sh: tree kept in $WORK/tree" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "bench/migrate.sh: generating the $scale tree (seed $seed) in $WORK/tree" >&2
"$PARQUANT" generate necrozma --root "$WORK/tree" --scale "$scale" --seed "$seed" >/dev/null

mkdir -p bench/out
stamp=$(date +%Y%m%d-%H%M%S)
status=0
node bench/migrate.mjs --parquant "$PARQUANT" --nz-load "$NZ_LOAD" --root "$WORK/tree" --work "$WORK/work" \
    --reps "$reps" --scale "$scale" --build-info "$build_info" \
    --md "bench/out/migrate-$stamp.md" --json "bench/out/migrate-$stamp.json" || status=$?
echo "(saved in bench/out/migrate-$stamp.md and .json)" >&2
exit $status
