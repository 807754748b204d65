#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --delete-json: without a terminal and without --yes it is a usage error
# (exit 2) that writes and deletes nothing; on a terminal (script(1) gives
# one) answering "no" aborts with exit 1 and nothing written.  With --yes
# every JSON is verified and deleted, the Parquet files stay, `export`
# reproduces the originals byte for byte (by stem and by the .json name),
# and the *_metadata.json sidecars left behind are never taken for data:
# a rerun finds nothing to migrate in any of the three folders, names each
# folder and its patterns, and exits 1.
S=$SHARED/data/necrozma
R=ultra_necrozma_results
mkdir -p $R/universes $R/backtest_results/detailed_trades orig
cp "$S"/EURUSD_2025_universe_5m_5lb.json "$S"/EURUSD_2025_universe_5m_5lb_metadata.json $R/universes/
cp "$S"/EURUSD_2025_universe_5m_5lb_backtest.json $R/backtest_results/
cp "$S"/detailed_trades/ZScoreStatArb_P14_T2.0.json $R/backtest_results/detailed_trades/
chmod -R u+w $R
cp $R/universes/*.json $R/backtest_results/*.json $R/backtest_results/detailed_trades/*.json orig/
mask() {
    sed -E -e 's/-> [0-9.]+ (B|KB|MB) \([0-9.-]+% smaller\)/-> SIZE (P% smaller)/' \
        -e 's/in [0-9.]+ s, [0-9.]+ MB\/s/in T s, R MB\/s/' \
        -e 's/_candles_[0-9a-f]{12}\.parquet/_candles_HASH.parquet/'
}

echo "== --delete-json without a terminal, without --yes"
"$PQ" migrate --all --delete-json 2>err.txt; echo "exit $?"
head -n 1 err.txt
find $R -type f | sort

echo "== on a terminal, answering no"
echo no | script -qec "'$PQ' migrate --all --delete-json" /dev/null >tty.txt; echo "exit $?"
grep -c "Continue? (yes/no)" tty.txt
grep -o "aborted; nothing was written or deleted" tty.txt
find $R -type f | sort

echo "== --delete-json --yes"
"$PQ" migrate --all --delete-json --yes --jobs 1 | mask; echo "exit $?"
find $R -type f | sort | mask
cmp $R/universes/EURUSD_2025_universe_5m_5lb_metadata.json orig/EURUSD_2025_universe_5m_5lb_metadata.json &&
    echo "universe sidecar unchanged"
for stem in $R/universes/EURUSD_2025_universe_5m_5lb $R/backtest_results/EURUSD_2025_universe_5m_5lb_backtest \
    $R/backtest_results/detailed_trades/ZScoreStatArb_P14_T2.0; do
    for ext in "" .json; do
        "$PQ" export "$stem$ext" >exported.json; echo "export $stem$ext: exit $?"
        cmp exported.json "orig/${stem##*/}.json" && echo "  equal to the original"
    done
done

echo "== rerun: only sidecars and Parquet are left"
"$PQ" migrate --all --jobs 1; echo "exit $?"
"$PQ" migrate --all --jobs 1 --delete-json --yes; echo "exit $?"
find $R -type f | sort | mask
