#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/backtest.sh [--rebuild] - the `parquant backtest` benchmark (issue 8).
# On a production-scale generated tree (25 universes of one pair, a year of
# 5-minute candles each, migrated to Parquet), 50 strategies x 3 lots, trade
# logs of the best 10 per universe: total time with 1 and 2 workers (no CPU
# limit), bar evaluations per second and the scaling 1 -> 2 workers, both
# measured in this run.  Goal (printed PASS/FAIL): one pair in under 60 s on
# 2 cores; the original reports about 25 h for 10 pairs on one worker
# (2.5 h per pair; that figure is quoted, not measured here).
# Report: bench/out/backtest-<stamp>.md.  Cache (the tree, ~1 GB while it is
# generated, ~60 MB once migrated): $PQ_BT_CACHE, default bench/out/cache/backtest.
# Environment: BUILD (Release build tree, default build/), PARQUANT (use this binary).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
cd "$ROOT"
rebuild=0
case ${1:-} in
    --rebuild) rebuild=1 ;;
    "") ;;
    -h|--help) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: bench/backtest.sh [--rebuild]" >&2; exit 2 ;;
esac
if [ -n "${PARQUANT:-}" ]; then
    PQ=$PARQUANT
else
    PQ=$BUILD/parquant
    if [ $rebuild = 1 ] || [ ! -x "$PQ" ]; then
        cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build "$BUILD" -j2 --target parquant >/dev/null
    fi
fi
CACHE=${PQ_BT_CACHE:-$ROOT/bench/out/cache/backtest}
T=$CACHE/tree
if [ ! -f "$CACHE/ready" ]; then
    rm -rf "$T"
    mkdir -p "$CACHE"
    echo "generating the production-scale tree (once)..." >&2
    "$PQ" generate necrozma --root "$T" --scale production --seed 1 >/dev/null
    rm -rf "$T/backtest_results" # the generator's own results
    "$PQ" migrate --input "$T/universes" --output "$T/universes" --type universe --delete-json --yes >/dev/null
    touch "$CACHE/ready"
fi
candles=$("$PQ" inspect "$(ls "$T"/universes/candles/*.parquet | head -1)" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).num_rows))' 2>/dev/null || echo "?")
calc() { awk "BEGIN { print $1 }"; }
run() { # WORKERS -> seconds and bar evaluations
    rm -rf "$T/backtest_results"
    local t0 t1
    t0=$(date +%s.%N)
    "$PQ" backtest --results-dir "$T" -w "$1" --cpu-limit 100 --quiet >/dev/null
    t1=$(date +%s.%N)
    local evals
    evals=$(grep -oE '[0-9]+ bar evaluations' "$T/backtest_results/backtest_run.log" | tail -1 | cut -d' ' -f1)
    echo "$(calc "$t1 - $t0") $evals"
}
read -r s1 e1 < <(run 1)
read -r s2 e2 < <(run 2)
stamp=$(date -u +%Y%m%d-%H%M%S)
out=bench/out/backtest-$stamp.md
mkdir -p bench/out
goal=$(calc "($s2 < 60) ? 1 : 0")
{
    echo "# parquant backtest benchmark ($stamp)"
    echo
    echo "- tree: 25 universes (EURUSD 2025, Parquet), $candles candles each (a year of 5-minute candles)"
    echo "- work: 50 strategies x 3 lots per universe, trade logs of the best 10; \`$PQ backtest -w N --cpu-limit 100\`"
    echo "- machine: $(nproc) cores, $(git rev-parse --short HEAD)"
    echo
    echo "| workers | seconds | bar evaluations | per second |"
    echo "|---|---|---|---|"
    printf '| 1 | %.2f | %s | %.3g |\n' "$s1" "$e1" "$(calc "$e1 / $s1")"
    printf '| 2 | %.2f | %s | %.3g |\n' "$s2" "$e2" "$(calc "$e2 / $s2")"
    echo
    printf -- '- scaling 1 -> 2 workers: %.2fx\n' "$(calc "$s1 / $s2")"
    printf -- '- goal one pair (25 universes) < 60 s with 2 workers: %s (%.1f s)\n' "$([ "$goal" = 1 ] && echo PASS || echo FAIL)" "$s2"
    printf -- '- against the original'"'"'s quoted 2.5 h per pair on one worker: %.0fx faster (1 worker)\n' "$(calc "9000 / $s1")"
} | tee "$out"
