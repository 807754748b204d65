#!/usr/bin/env bash
# The main job on bundled sample data (`make demo`): convert a real SENSEX
# strategy P&L matrix (CSV) and a NECROZMA trade log (nested JSON Lines) to
# Parquet, look inside the files, print rows, and validate them.
set -euo pipefail
cd "$(dirname "$0")/.."
PQ=build/parquant
OUT=build/demo
mkdir -p "$OUT"

step() { printf '\n== %s\n' "$*"; }

step "CSV -> Parquet: 100 strategies x 82 trading days of SENSEX P&L (zstd)"
$PQ convert examples/data/sensex_100x82.csv "$OUT/sensex.parquet" --compression zstd
printf 'csv %s bytes -> parquet %s bytes\n' "$(stat -c %s examples/data/sensex_100x82.csv)" "$(stat -c %s "$OUT/sensex.parquet")"

step "inspect (first lines)"
$PQ inspect "$OUT/sensex.parquet" > "$OUT/sensex.inspect.txt"
head -n 16 "$OUT/sensex.inspect.txt"
echo "... ($(wc -l < "$OUT/sensex.inspect.txt") lines in $OUT/sensex.inspect.txt)"

step "cat: three columns, five rows, as CSV"
$PQ cat "$OUT/sensex.parquet" --columns "Date,Day,SENSEX 1336-1406 SL71%" --limit 5 --format csv

step "cat --where: the days one strategy lost more than 2000"
$PQ cat "$OUT/sensex.parquet" --columns "Date,Day,SENSEX 1336-1406 SL71%" \
    --where "'SENSEX 1336-1406 SL71%' < -2000" --format csv

step "JSON Lines -> Parquet: a trade log with nested market context"
$PQ convert examples/data/zscore_trades.jsonl "$OUT/trades.parquet"
$PQ inspect "$OUT/trades.parquet" > "$OUT/trades.inspect.txt"
sed -n '1,40p' "$OUT/trades.inspect.txt"

step "cat: first trade as a canonical JSON row"
$PQ cat "$OUT/trades.parquet" --limit 1 > "$OUT/trades.first.jsonl"
cut -c 1-400 "$OUT/trades.first.jsonl"

step "cross-check: DuckDB reads both files and sees exactly parquant's rows"
for f in sensex trades; do
    $PQ cat "$OUT/$f.parquet" > "$OUT/$f.parquant.jsonl"
    node tests/interop/engine_dump.mjs "$OUT/$f.parquet" --engine duckdb > "$OUT/$f.duckdb.jsonl"
    if cmp -s "$OUT/$f.parquant.jsonl" "$OUT/$f.duckdb.jsonl"; then
        echo "$f.parquet: $(wc -l < "$OUT/$f.duckdb.jsonl") rows, identical in parquant and DuckDB"
    else
        echo "$f.parquet: parquant and DuckDB disagree:"; diff "$OUT/$f.parquant.jsonl" "$OUT/$f.duckdb.jsonl" | head -5
        exit 1
    fi
done

step "validate: read everything back, checksums verified"
$PQ validate "$OUT/sensex.parquet" "$OUT/trades.parquet"
