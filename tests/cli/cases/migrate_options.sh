#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# migrate's options: --dry-run lists every file with an estimate and writes
# nothing (find -newer finds no change); --type backtest with --input and
# --output into a folder that does not exist yet (created with its
# parents), whose export equals the source; --compression: every column
# chunk of the stats and candle files uses the codec asked for (inspect) and
# export still equals the source; --jobs 1 and --jobs 2 give byte-identical
# trees (5 lookbacks of one interval share one candle file, written once);
# bad options are usage errors (exit 2) that write nothing, LZO (readable,
# not writable) included, as in convert_unwritable_codec.
S=$SHARED/data/necrozma
mkdir u bt
for lb in 5 10 15 20 25; do cp "$S"/EURUSD_2025_universe_5m_5lb.json u/universe_001_5min_${lb}lb.json; done
cp "$S"/EURUSD_2025_universe_5m_5lb.json u/
cp "$S"/EURUSD_2025_universe_5m_5lb_backtest.json bt/
chmod -R u+w u bt
mask() {
    sed -E -e 's/-> [0-9.]+ (B|KB|MB) \([0-9.-]+% smaller\)/-> SIZE (P% smaller)/' \
        -e 's/in [0-9.]+ s, [0-9.]+ MB\/s/in T s, R MB\/s/' \
        -e 's/_candles_[0-9a-f]{12}\.parquet/_candles_HASH.parquet/'
}

# Everything before the marker, by a margin: whatever changes afterwards is newer.
set_marker() {
    touch marker
    find . -exec touch -d '2 minutes ago' {} +
    touch -d '1 minute ago' marker
}
echo "== --dry-run"
set_marker
"$PQ" migrate --input u --dry-run; echo "exit $?"
"$PQ" migrate --input u --dry-run --delete-json | tail -n 2; echo "exit $?"
find . -newer marker
echo "(nothing newer than the marker)"

echo "== --type backtest --input bt --output out/deep/er"
"$PQ" migrate --type backtest --input bt --output out/deep/er | mask; echo "exit $?"
find bt out | sort
"$PQ" export out/deep/er/EURUSD_2025_universe_5m_5lb_backtest >exported.json; echo "export: exit $?"
cmp exported.json bt/EURUSD_2025_universe_5m_5lb_backtest.json && echo "  equal to the source"

echo "== --compression"
for c in zstd gzip brotli lz4 none snappy; do
    "$PQ" migrate --input u --output c_$c --compression $c --jobs 1 >/dev/null; echo "$c: exit $?"
    for f in c_$c/EURUSD_2025_universe_5m_5lb.parquet c_$c/candles/*.parquet; do
        echo "  ${f#c_$c/}: $("$PQ" inspect "$f" | grep -o -E '^  [^ ]+: [A-Z_0-9]+ [A-Z_0-9]+,' | awk '{print $3}' | tr -d , | sort -u | tr '\n' ' ')" | mask
    done
    "$PQ" export c_$c/EURUSD_2025_universe_5m_5lb >exported.json 2>/dev/null
    cmp exported.json u/EURUSD_2025_universe_5m_5lb.json && echo "  export equal to the source"
done

echo "== --jobs 1 and --jobs 2"
"$PQ" migrate --input u --output j1 --jobs 1 >/dev/null; echo "exit $?"
"$PQ" migrate --input u --output j2 --jobs 2 >/dev/null; echo "exit $?"
ls j2 j2/candles | mask
diff -r j1 j2 && echo "byte-identical"
for lb in 5 10 15 20 25; do
    "$PQ" export j2/universe_001_5min_${lb}lb >exported.json 2>/dev/null
    cmp exported.json u/universe_001_5min_${lb}lb.json && echo "  export of ${lb}lb equal to the source"
done

echo "== usage errors"
set_marker
for opts in "--bogus" "--jobs 0" "--jobs x" "--type candles" "--compression lzo" "--compression bogus" \
    "--delete-json --no-verify --yes" "u" "--input"; do
    "$PQ" migrate --input u $opts 2>err.txt >out.txt; echo "migrate $opts: exit $?"
    head -n 1 err.txt; cat out.txt
done
find . -newer marker ! -path . ! -name err.txt ! -name out.txt
echo "(nothing written)"
