#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# export's failures: no file under the stem (or the .parquet name) -> exit 1
# "no universe file found at ..."; a Parquet file that migrate did not
# write; a truncated JSON (byte offset); a universe whose candle file is
# missing; an --output folder that does not exist; usage errors (exit 2).
# Nothing goes to stdout on a failure.  --output F goes through a temporary
# file: F equals the original, no temporary is left, and a failed export
# leaves an existing F untouched.
S=$SHARED/data/necrozma
mkdir u
cp "$S"/EURUSD_2025_universe_5m_5lb.json u/universe_001_5min_5lb.json
chmod u+w u/*
cp u/universe_001_5min_5lb.json orig.json
"$PQ" migrate --input u --jobs 1 >/dev/null; echo "migrate: exit $?"

run() { "$PQ" export "$@" >out.txt; echo "export $*: exit $?, $(wc -c <out.txt) bytes on stdout"; }
echo "== missing"
run nothing
run u/nothing.parquet
run u/nothing.json
echo "== not written by migrate"
printf 'a,b\n1,2\n' >x.csv
"$PQ" convert x.csv x.parquet
run x.parquet
run x
echo "== truncated JSON"
head -c 3000 orig.json >trunc_universe.json
run trunc_universe.json
echo "== --output"
"$PQ" export u/universe_001_5min_5lb --output F.json; echo "exit $?"
cmp F.json orig.json && echo "F equal to the original"
"$PQ" export u/universe_001_5min_5lb.parquet --output F.json; echo "again over F: exit $?"
cmp F.json orig.json && echo "F equal to the original"
echo keep >K.json
"$PQ" export trunc_universe.json --output K.json; echo "failed export to K: exit $?"
"$PQ" export nothing --output K.json; echo "failed export to K: exit $?"
"$PQ" export u/universe_001_5min_5lb --output nodir/K.json; echo "export into a missing folder: exit $?"
echo "== a candle file missing"
mv u/candles u/candles.away
"$PQ" export u/universe_001_5min_5lb --output K.json; echo "failed export to K: exit $?"
run u/universe_001_5min_5lb
mv u/candles.away u/candles
cat K.json
ls -a . u
echo "== usage"
"$PQ" export 2>err.txt; echo "exit $?"; head -n 1 err.txt
"$PQ" export a b 2>err.txt; echo "exit $?"; head -n 1 err.txt
"$PQ" export a --type x 2>err.txt; echo "exit $?"; head -n 1 err.txt
"$PQ" export a --bogus 2>err.txt; echo "exit $?"; head -n 1 err.txt
"$PQ" export a --output 2>err.txt; echo "exit $?"; head -n 1 err.txt
