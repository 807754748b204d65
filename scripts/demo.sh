#!/usr/bin/env bash
# The main job on sample data it generates (`make demo`): a NECROZMA results
# tree migrated to Parquet and verified, a strategy P&L CSV (25,544 x 82, the
# production shape) imported and proven equal, then `parquant optimize` at
# k = 35 with all 8 algorithms: a summary table on the terminal and a report
# folder with charts.  Also converts the bundled real SENSEX slice and a
# trade log and checks that DuckDB reads them as parquant does.
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

step "migrate: a generated NECROZMA results tree (universes, backtests, trade logs) -> Parquet"
rm -rf "$OUT/necrozma"
$PQ generate necrozma --root "$OUT/necrozma" --scale small --seed 7
mkdir -p "$OUT/necrozma.orig"
cp -r "$OUT/necrozma/." "$OUT/necrozma.orig/"
$PQ migrate --all --root "$OUT/necrozma" --delete-json --yes | tail -n 4

step "export: every migrated file gives back its original JSON, byte for byte"
n=0
while IFS= read -r -d '' orig; do
    rel=${orig#"$OUT/necrozma.orig/"}
    $PQ export "$OUT/necrozma/${rel%.json}.parquet" --output "$OUT/export.json" 2>/dev/null
    cmp -s "$orig" "$OUT/export.json" || { echo "export differs from $rel"; exit 1; }
    n=$((n + 1))
done < <(find "$OUT/necrozma.orig" -name '*.json' -print0)
echo "$n files exported, all identical to the originals (which migrate deleted after verifying)"

step "the stats table of one universe (8 cells), and DuckDB reading every migrated file"
u=$(ls "$OUT"/necrozma/universes/*universe_5m_10lb.parquet)
$PQ cat "$u" --columns level,direction,total_occurrences,unique_patterns --format csv
n=0
while IFS= read -r -d '' f; do
    $PQ cat "$f" > "$OUT/nz.parquant.jsonl"
    node tests/interop/engine_dump.mjs "$f" --engine duckdb > "$OUT/nz.duckdb.jsonl"
    cmp -s "$OUT/nz.parquant.jsonl" "$OUT/nz.duckdb.jsonl" || { echo "DuckDB reads $f differently"; exit 1; }
    n=$((n + 1))
done < <(find "$OUT/necrozma" -name '*.parquet' -print0)
echo "$n Parquet files: DuckDB sees exactly parquant's rows"

step "strategy P&L: generate 25,544 strategies x 82 weekly expiries, import to Parquet, prove equal"
$PQ generate strategies --strategies 25544 --days 82 --seed 7 "$OUT/strategies.csv"
$PQ convert "$OUT/strategies.csv" "$OUT/strategies.parquet"
printf 'csv %s bytes -> parquet %s bytes\n' "$(stat -c %s "$OUT/strategies.csv")" "$(stat -c %s "$OUT/strategies.parquet")"
$PQ validate --input "$OUT/strategies.csv" --parquet "$OUT/strategies.parquet"

step "optimize: the best portfolio of 35 strategies, 8 algorithms, on the Parquet file"
rm -rf "$OUT/optimize"
$PQ optimize --input "$OUT/strategies.parquet" --portfolio-size 35 --algorithms all --seed 42 --output "$OUT/optimize"
echo
echo "report files:"
ls -1 "$OUT/optimize" | sed 's/^/  /'
echo "charts: $OUT/optimize/equity_curve_best_portfolio_size35.png, drawdowns_best_portfolio_size35.png, algorithm_comparison.png"

step "overfitting check: search the first 62 expiries, score the chosen portfolios on the last 20"
$PQ optimize --input "$OUT/strategies.parquet" --portfolio-size 35 --algorithms sa,hc,ga,de --holdout-days 20 \
    --seed 42 --output "$OUT/optimize-holdout" | sed -n '1,9p'
