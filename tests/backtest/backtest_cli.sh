#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tests/backtest/backtest_cli.sh PARQUANT - `parquant backtest` end to end on
# a small generated NECROZMA tree (25 universes, a few hundred candles each):
#   1. the files of every universe, the trade logs of the best results and
#      the consolidated files are written; `export` prints each result file;
#   2. determinism: with SOURCE_DATE_EPOCH set, 1 and 2 workers write
#      byte-identical result files and trade logs;
#   3. universes migrated to Parquet give the same results as their JSON;
#      --format json writes what `export` prints for the Parquet form;
#   4. --universes picks ids of the analyzer's names; a bad selection is a
#      usage error naming the part;
#   5. a universe that cannot be read fails alone: named on stderr and in the
#      log, exit 1, every other universe's results written;
#   6. the universes are left untouched.
PQ=${1:?usage: $0 PARQUANT_BINARY}
PQ=$(cd "$(dirname "$PQ")" && pwd)/$(basename "$PQ")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pq-backtest.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
export SOURCE_DATE_EPOCH=1767225600

"$PQ" generate necrozma --root t --scale small --seed 3 >/dev/null || { echo "cannot generate"; exit 1; }
rm -rf t/backtest_results # the generator's own results: not ours
(cd t/universes && sha256sum ./*) >universes.sha

# ------------------------------------------------------------ 1. a run
cp -r t t2
"$PQ" backtest --results-dir t -w 2 --quiet >out.txt 2>err.txt
rc=$?
[ $rc = 0 ] || fail "exit $rc: $(cat err.txt)"
R=t/backtest_results
n=$(ls $R/*_backtest.parquet | wc -l)
[ "$n" = 25 ] && ok "25 result files" || fail "$n result files, expected 25"
n=$(ls $R/*_backtest_metadata.json | wc -l)
[ "$n" = 25 ] || fail "$n sidecars, expected 25"
n=$(ls $R/detailed_trades/*.parquet | wc -l)
[ "$n" = 250 ] && ok "250 trade logs (10 per universe)" || fail "$n trade logs, expected 250"
for f in EURUSD_2025_top_strategies_ranked.json EURUSD_2025_consolidated_backtest_results.json EURUSD_2025_backtest_ranking.parquet backtest_run.log; do
    [ -s "$R/$f" ] || fail "$f missing"
done
grep -q '"total_universes": 25' $R/EURUSD_2025_consolidated_backtest_results.json || fail "consolidated: total_universes is not 25"
[ "$(grep -c '"rank":' $R/EURUSD_2025_top_strategies_ranked.json)" = 20 ] || fail "top_strategies_ranked: not 20 entries"
# every result file holds 50 strategies x 3 lots, in the original structure
"$PQ" export $R/EURUSD_2025_universe_5m_10lb_backtest.parquet >exported.json 2>/dev/null || fail "export failed"
[ "$(grep -c '"strategy_name"' exported.json)" = 150 ] && ok "150 results (50 strategies x 3 lots)" || fail "not 150 results"
grep -q '"interval": 5,' exported.json && grep -q '"lookback": 10,' exported.json || fail "universe_metadata lacks the universe's interval/lookback"
grep -q '"backtest_timestamp": "2026-01-01T00:00:00.000000"' exported.json || fail "SOURCE_DATE_EPOCH not used"
grep -qi 'nan' exported.json && fail "a NaN in the results"

# ------------------------------------------------------------ 2. determinism
"$PQ" backtest --results-dir t2 -w 1 --quiet >/dev/null 2>&1 || fail "-w 1 run failed"
same=0 differ=0
for f in $R/*_backtest.parquet $R/*_backtest_metadata.json $R/detailed_trades/*.parquet $R/EURUSD_2025_backtest_ranking.parquet; do
    g=t2/backtest_results/${f#$R/}
    if cmp -s "$f" "$g"; then same=$((same + 1)); else differ=$((differ + 1)); echo "  differs: ${f#$R/}"; fi
done
[ $differ = 0 ] && ok "1 and 2 workers: $same files byte-identical" || fail "$differ files differ between 1 and 2 workers"

# a rerun of one universe with other settings replaces that universe's trade logs only
"$PQ" backtest --results-dir t --universes 7 --log-top 2 --quiet >/dev/null 2>&1 || fail "rerun of universe 7 failed"
n=$(ls $R/detailed_trades/EURUSD_2025_universe_5m_10lb__* | wc -l)
m=$(ls $R/detailed_trades/*.parquet | wc -l)
[ "$n" = 2 ] && [ "$m" = 242 ] && ok "rerun: universe 7 has its 2 new trade logs, the others their 10" ||
    fail "rerun: universe 7 has $n trade logs (expected 2), $m in all (expected 242)"

# universes migrated to Parquet (candles in their shared candle files) give the same results
cp -r t2 t5 && rm -rf t5/backtest_results
"$PQ" migrate --input t5/universes --output t5/universes --type universe --delete-json --yes >/dev/null 2>&1 || fail "migrate failed"
[ "$(ls t5/universes/*.json | grep -vc _metadata.json)" = 0 ] || fail "JSON universes left after migrate"
"$PQ" backtest --results-dir t5 --log-top 0 --quiet >/dev/null 2>err.txt || fail "backtest of Parquet universes failed: $(cat err.txt)"
differ=0
for f in t2/backtest_results/*_backtest.parquet; do
    cmp -s "$f" "t5/backtest_results/$(basename "$f")" || differ=$((differ + 1))
done
[ $differ = 0 ] && ok "Parquet universes: the same 25 result files as from JSON" || fail "$differ result files differ between JSON and Parquet universes"

# ------------------------------------------------------------ 3. --format json
cp -r t t3 && rm -rf t3/backtest_results
"$PQ" backtest --results-dir t3 --format json --universes 7 --quiet >/dev/null 2>&1 || fail "--format json failed"
if cmp -s t3/backtest_results/EURUSD_2025_universe_5m_10lb_backtest.json exported.json; then
    ok "--format json = export of the Parquet form"
else
    fail "--format json differs from the export"
fi
n=$(ls t3/backtest_results/detailed_trades/*.json 2>/dev/null | wc -l)
[ "$n" = 10 ] || fail "--format json: $n JSON trade logs, expected 10"

# ------------------------------------------------------------ 4. selection
rm -rf t3/backtest_results
"$PQ" backtest --results-dir t3 --universes 1,7,24-25 --log-top 0 --quiet >/dev/null 2>&1 || fail "--universes 1,7,24-25 failed"
got=$(cd t3/backtest_results && ls *_backtest.parquet | tr '\n' ' ')
want="EURUSD_2025_universe_1m_5lb_backtest.parquet EURUSD_2025_universe_5m_10lb_backtest.parquet EURUSD_2025_universe_60m_20lb_backtest.parquet EURUSD_2025_universe_60m_30lb_backtest.parquet "
[ "$got" = "$want" ] && ok "--universes 1,7,24-25 ran exactly those" || fail "--universes 1,7,24-25 ran: $got"
[ -d t3/backtest_results/detailed_trades ] && fail "--log-top 0 still wrote detailed_trades/"
# the [backtest] section of a --config file sets the defaults; a flag overrides it
printf '[backtest]\nlots = 0.5\nlog_top = 0\nworkers = 3\n' >bt.ini
"$PQ" backtest --results-dir t3 --config bt.ini --universes 7 --workers 1 >/dev/null 2>err.txt || fail "--config run failed: $(cat err.txt)"
"$PQ" export t3/backtest_results/EURUSD_2025_universe_5m_10lb_backtest.parquet >cfg.json 2>/dev/null
[ "$(grep -c '"lot_size": 0.5,' cfg.json)" = 50 ] && [ "$(grep -c '"lot_size"' cfg.json)" = 50 ] &&
    ok "--config: [backtest] lots = 0.5 gives 50 results at lot 0.5" || fail "--config: lots not taken from the file"
grep -q "1 worker," err.txt || fail "--workers did not override [backtest] workers: $(head -1 err.txt)"
printf '[backtest]\ncpu_limit = 150\n' >bad.ini
"$PQ" backtest --results-dir t3 --config bad.ini >/dev/null 2>err.txt
rc=$?
[ $rc != 0 ] && grep -q "bad.ini:2" err.txt && ok "a bad [backtest] value: $(head -1 err.txt)" || fail "bad config: exit $rc, $(cat err.txt)"
"$PQ" backtest --results-dir t3 --universes 1,7-5 --quiet >/dev/null 2>err.txt
rc=$?
[ $rc = 2 ] && grep -q "part 2 '7-5': a range must go up" err.txt && ok "bad selection: $(head -1 err.txt)" ||
    fail "bad selection: exit $rc, $(cat err.txt)"
"$PQ" backtest --results-dir t3 --universes 40-41 --quiet >/dev/null 2>err.txt
rc=$?
[ $rc != 0 ] && grep -q "40-41" err.txt && ok "selection of absent ids: $(head -1 err.txt)" || fail "absent ids: exit $rc, $(cat err.txt)"
"$PQ" backtest --results-dir nowhere --quiet >/dev/null 2>err.txt && fail "a missing results dir succeeded"
grep -q "nowhere/universes" err.txt || fail "missing folder: message does not name it: $(cat err.txt)"

# ------------------------------------------------------------ 5. a bad universe
cp -r t t4 && rm -rf t4/backtest_results
f=t4/universes/EURUSD_2025_universe_15m_20lb.json
head -c 3000 "$f" >"$f.cut" && mv "$f.cut" "$f"
"$PQ" backtest --results-dir t4 -w 2 --log-top 0 --quiet >/dev/null 2>err.txt
rc=$?
[ $rc = 1 ] || fail "a bad universe: exit $rc, expected 1"
grep -q "EURUSD_2025_universe_15m_20lb" err.txt && ok "the bad universe is named: $(grep 15m_20lb err.txt | head -1)" ||
    fail "the bad universe is not named: $(cat err.txt)"
grep -q "universe EURUSD_2025_universe_15m_20lb failed" t4/backtest_results/backtest_run.log || fail "the log does not record the failure"
n=$(ls t4/backtest_results/*_backtest.parquet | wc -l)
[ "$n" = 24 ] && ok "the 24 other universes were backtested" || fail "$n result files, expected 24"
grep -q '"total_universes": 24' t4/backtest_results/EURUSD_2025_consolidated_backtest_results.json || fail "consolidated: not 24 universes"

# ------------------------------------------------------------ 6. inputs intact
(cd t/universes && sha256sum -c --quiet ../../universes.sha) && ok "universes untouched" || fail "a universe changed"
ls t/backtest_results | grep -q '\.tmp-' && fail "temporary files left"

if [ $failures = 0 ]; then echo PASS; exit 0; fi
echo "$failures failure(s)"
exit 1
