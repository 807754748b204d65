#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/optimize.sh [--big | --big-only] [--big-all] [--recompute-best] [--best-effort X] [--best-seeds N] [--rebuild]
# The `parquant optimize` benchmark (issue 6): best fitness, time and evaluations per algorithm at
# k = 35 (all 8 algorithms, seed 42) on the real SENSEX slice (../shared/data/strategies/
# sensex_500x82.csv) and on a generated 25,544 x 82 matrix, against a best-known fitness from a
# long multi-restart run (computed once and cached) and against `--preset legacy`; then 25,544 x 82
# with --holdout-days 20 (in-sample against held-out fitness).  Next to every fitness it prints the
# max drawdown and ROI: on ROI / drawdown, strong searches over 25k strategies push the drawdown
# to ~0 and the fitness to 1e6..1e9.  Goals (judged on 25,544 x 82, printed PASS/FAIL): all 8
# in <= 10 s; SA, HC, GA, DE within 1 % of the best-known; every algorithm better than its legacy
# preset.  bench/optimize.mjs does the measuring (see its header).
#   --big             also peak memory (goal: within 8 GB) on 100,000 x 82 (CSV, all 8 algorithms)
#                     and 1,000,000 x 250 (long Parquet, sa,hc at --effort 0.2); the first run
#                     builds the 1M file (3 GB CSV for a few minutes, then 1.6 GB of Parquet kept)
#   --big-only        only the memory part
#   --big-all         1,000,000 x 250 with all 8 algorithms at default budgets (about 100 s)
#   --recompute-best  redo the best-known runs instead of reading them from the cache
#   --best-effort X   effort of the best-known runs (default 5: about a minute per seed on 25,544 x 82)
#   --best-seeds N    seeds 1..N for the best-known runs (default 3)
#   --rebuild         rebuild parquant even if $BUILD/parquant exists
# Report: bench/out/optimize-<stamp>.md and .json.  Exit status 0 unless a command failed (the
# goals are reported, not asserted).  Cache (generated data, best-known.json):
# $PQ_OPT_CACHE, default bench/out/cache/optimize (git-ignored; delete it to start afresh).
# Environment: BUILD (Release build tree, default build/), PARQUANT (use this binary, no build),
# TMPDIR (report folders of the runs), SENSEX (the real slice's path).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
cd "$ROOT"

rebuild=0
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --big|--big-only|--big-all|--recompute-best) args+=("$1") ;;
        --best-effort|--best-seeds)
            [ $# -ge 2 ] || { echo "bench/optimize.sh: $1 needs a value" >&2; exit 2; }
            args+=("$1" "$2"); shift ;;
        --rebuild) rebuild=1 ;;
        -h|--help) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "usage: bench/optimize.sh [--big | --big-only] [--big-all] [--recompute-best] [--best-effort X] [--best-seeds N] [--rebuild]" >&2; exit 2 ;;
    esac
    shift
done

command -v node >/dev/null || { echo "bench/optimize.sh: node is needed (scripts/setup.sh installs it)" >&2; exit 1; }
if [ -n "${PARQUANT:-}" ]; then
    build_info="binary $PARQUANT (given by PARQUANT)"
else
    PARQUANT=$BUILD/parquant
    if [ ! -x "$PARQUANT" ] || [ "$rebuild" = 1 ]; then
        cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
        cmake --build "$BUILD" --target parquant -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
    fi
    if grep -q '^PQ_SANITIZE:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null; then
        echo "bench/optimize.sh: $BUILD is a sanitizer build; timings would be meaningless (set BUILD to a Release tree)" >&2
        exit 1
    fi
    build_info="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt" 2>/dev/null) build $PARQUANT, built $(date -r "$PARQUANT" '+%Y-%m-%d %H:%M')"
fi
[ -x "$PARQUANT" ] || { echo "bench/optimize.sh: $PARQUANT was not built" >&2; exit 1; }
if rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
    git -C "$ROOT" diff --quiet HEAD -- src include 2>/dev/null || rev="$rev + uncommitted changes in src/ or include/"
    build_info="$build_info; commit $rev"
fi

CACHE=${PQ_OPT_CACHE:-$ROOT/bench/out/cache/optimize}
SENSEX=${SENSEX:-$ROOT/../shared/data/strategies/sensex_500x82.csv}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/pq-bench-optimize.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# A private copy: a rebuild of $BUILD during the run cannot change what is measured.
cp "$PARQUANT" "$WORK/parquant"
build_info="$build_info; sha256 $(sha256sum "$WORK/parquant" | cut -c1-12)"
mkdir -p bench/out "$CACHE"
stamp=$(date +%Y%m%d-%H%M%S)
status=0
node bench/optimize.mjs --parquant "$WORK/parquant" --cache "$CACHE" --work "$WORK" --sensex "$SENSEX" \
    --build-info "$build_info" --md "bench/out/optimize-$stamp.md" --json "bench/out/optimize-$stamp.json" \
    ${args[@]+"${args[@]}"} || status=$?
echo "(saved in bench/out/optimize-$stamp.md and .json)" >&2
exit $status
