#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/backtest/backtest_throttle.sh PARQUANT - the CPU limit with a real
# CPU hog.  Every core gets a worker (--workers = cores); a hog process
# keeps one core 40 % busy; the limit is set between what all workers plus
# the hog take (100 %) and what one worker fewer takes ((cores - 0.6) /
# cores, 70 % on 2 cores).  The runner must reduce its workers (logged with
# the measured CPU and the counts), hold the machine's average CPU near the
# limit while the hog runs, and finish every universe.
PQ=${1:?usage: $0 PARQUANT_BINARY}
PQ=$(cd "$(dirname "$PQ")" && pwd)/$(basename "$PQ")
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pq-throttle.XXXXXX") || exit 1
HOG=
trap '[ -n "$HOG" ] && kill $HOG 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

cores=$(nproc)
tasks=$((3 * cores))
mkdir -p r/universes
node "$HERE/make_universe.mjs" r/universes/universe_001_1min_5lb.json 200000 || { echo "node failed"; exit 1; }
for i in $(seq 2 $tasks); do ln r/universes/universe_001_1min_5lb.json "r/universes/$(printf 'universe_%03d_1min_5lb.json' $i)"; done
limit=$(awk -v c="$cores" 'BEGIN { printf "%.0f", 100 * (c - 0.5) / c }')

# the hog: 8 ms busy, 12 ms asleep, on one core, until killed
node -e 'function t(){const s=Date.now();while(Date.now()-s<8){}setTimeout(t,12)}t()' &
HOG=$!
sleep 1
start=$SECONDS
"$PQ" backtest --results-dir r -w "$cores" --cpu-limit "$limit" --cooldown 2 --max-strategies 432 --log-top 0 --nice \
    >out.txt 2>err.txt &
runner=$!
# --nice: the workers (children of the runner) run at nice 10, the runner itself is untouched
nice_seen=
for _ in $(seq 1 100); do
    nice_seen=$(ps -o ni= --ppid $runner 2>/dev/null | head -1 | tr -d ' ')
    [ -n "$nice_seen" ] && break
    sleep 0.1
done
wait $runner
rc=$?
kill $HOG
HOG=
[ $rc = 0 ] || fail "exit $rc: $(tail -3 err.txt)"
[ "$nice_seen" = 10 ] && ok "--nice: a worker ran at nice 10" || fail "--nice: a worker's nice value was '${nice_seen}', not 10"
echo "  $cores cores, $tasks universes, limit $limit %, $((SECONDS - start)) s"
sed 's/^/  log: /' r/backtest_results/backtest_run.log
n=$(ls r/backtest_results/*_backtest.parquet 2>/dev/null | wc -l)
[ "$n" = "$tasks" ] && ok "all $tasks universes backtested" || fail "$n of $tasks universes backtested"
if grep -qE "CPU [0-9.]+% > $limit% .*: $cores -> $((cores - 1)) workers" r/backtest_results/backtest_run.log; then
    ok "workers reduced: $(grep -m1 -oE "CPU [0-9.]+% > .*workers" r/backtest_results/backtest_run.log)"
else
    fail "no reduction from $cores to $((cores - 1)) workers in the log"
fi
avg=$(grep -oE 'average CPU [0-9]+%' r/backtest_results/backtest_run.log | grep -oE '[0-9]+' | tail -1)
if [ -n "$avg" ] && [ "$avg" -le $((limit + 10)) ]; then
    ok "average CPU over the run $avg % (limit $limit %)"
else
    fail "average CPU over the run '${avg:-none}' %, more than 10 points above the limit $limit %"
fi
if [ $failures = 0 ]; then echo PASS; exit 0; fi
echo "$failures failure(s)"
exit 1
