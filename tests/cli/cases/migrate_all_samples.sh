#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `migrate --all` on the sample tree (a universe with its sidecar, a backtest,
# a trade log): exit 0, the expected files, the universe sidecar rewritten
# byte-identical to NECROZMA's, and `export` of every stem / .json / .parquet
# equal to the original byte for byte.  A rerun skips everything; --force
# redoes everything; a JSON touched after its Parquet is preferred by export
# (with a warning) and redone by the next migrate.  Output sizes and timings
# are masked (they follow the writer); the candle file's hash too.  A
# deleted sidecar is put back by the next run.
S=$SHARED/data/necrozma
R=ultra_necrozma_results
mkdir -p $R/universes $R/backtest_results/detailed_trades orig
cp "$S"/EURUSD_2025_universe_5m_5lb.json "$S"/EURUSD_2025_universe_5m_5lb_metadata.json $R/universes/
cp "$S"/EURUSD_2025_universe_5m_5lb_backtest.json $R/backtest_results/
cp "$S"/detailed_trades/ZScoreStatArb_P14_T2.0.json $R/backtest_results/detailed_trades/
chmod -R u+w $R
cp -p $R/universes/*.json $R/backtest_results/*.json $R/backtest_results/detailed_trades/*.json orig/

mask() {
    sed -E -e 's/-> [0-9.]+ (B|KB|MB) \([0-9.-]+% smaller\)/-> SIZE (P% smaller)/' \
        -e 's/in [0-9.]+ s, [0-9.]+ MB\/s/in T s, R MB\/s/' \
        -e 's/_candles_[0-9a-f]{12}\.parquet/_candles_HASH.parquet/'
}
listing() { find $R -type f | sort | mask; }
check_exports() {
    local stem
    for stem in $R/universes/EURUSD_2025_universe_5m_5lb $R/backtest_results/EURUSD_2025_universe_5m_5lb_backtest \
        $R/backtest_results/detailed_trades/ZScoreStatArb_P14_T2.0; do
        for ext in "" .json .parquet; do
            "$PQ" export "$stem$ext" >exported.json; echo "export $stem$ext: exit $?"
            cmp exported.json "orig/${stem##*/}.json" && echo "  equal to the original"
        done
    done
}

echo "== first run (default --jobs; lines sorted)"
"$PQ" migrate --all >out.txt; echo "exit $?"
mask <out.txt | sort
listing
cmp $R/universes/EURUSD_2025_universe_5m_5lb_metadata.json orig/EURUSD_2025_universe_5m_5lb_metadata.json &&
    echo "universe sidecar byte-identical to the sample's"
node -e '
const fs = require("fs");
const side = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const src = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const want = {};
for (const k of ["universe_name", "universe_metadata", "backtest_timestamp", "statistics"]) want[k] = src[k];
console.log(JSON.stringify(side) === JSON.stringify(want) ? "backtest sidecar = the 4 members of the source"
                                                          : "backtest sidecar differs: " + JSON.stringify(side));
' $R/backtest_results/EURUSD_2025_universe_5m_5lb_backtest_metadata.json orig/EURUSD_2025_universe_5m_5lb_backtest.json
for f in orig/*.json; do
    cmp "$f" "$(find $R -name "${f##*/}")" || echo "CHANGED: $f"
done
echo "sources unchanged"
# shellcheck disable=SC2046  # the names hold no spaces
"$PQ" validate $(find $R -name '*.parquet' | sort) | mask
check_exports

echo "== rerun"
"$PQ" migrate --all --jobs 1; echo "exit $?"
echo "== --force"
"$PQ" migrate --all --jobs 1 --force | mask; echo "exit $?"
listing
check_exports

echo "== a JSON newer than its Parquet"
touch $R/universes/EURUSD_2025_universe_5m_5lb.json
"$PQ" export $R/universes/EURUSD_2025_universe_5m_5lb >exported.json; echo "export: exit $?"
cmp exported.json orig/EURUSD_2025_universe_5m_5lb.json && echo "  equal to the original"
"$PQ" migrate --all --jobs 1 | mask; echo "exit $?"
"$PQ" export $R/universes/EURUSD_2025_universe_5m_5lb.json >exported.json; echo "export: exit $?"
cmp exported.json orig/EURUSD_2025_universe_5m_5lb.json && echo "  equal to the original"

echo "== a sidecar deleted: the next run puts it back (docs: skipped only with its side files present)"
cp $R/backtest_results/EURUSD_2025_universe_5m_5lb_backtest_metadata.json saved_backtest_metadata.json
rm $R/universes/EURUSD_2025_universe_5m_5lb_metadata.json $R/backtest_results/EURUSD_2025_universe_5m_5lb_backtest_metadata.json
"$PQ" migrate --all --jobs 1 >/dev/null; echo "exit $?"
for pair in "universes/EURUSD_2025_universe_5m_5lb_metadata.json orig/EURUSD_2025_universe_5m_5lb_metadata.json" \
    "backtest_results/EURUSD_2025_universe_5m_5lb_backtest_metadata.json saved_backtest_metadata.json"; do
    set -- $pair
    if cmp -s "$R/$1" "$2"; then echo "$1: back"; else echo "$1: missing or different"; fi
done
