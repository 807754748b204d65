#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A small optimisation of the real SENSEX slice (k = 5, a fiftieth of the
# budgets): every report file is there, the JSON holds 8 algorithms with
# k-strategy portfolios and "best" is the fittest of them, the Parquet
# metrics table reads back, the same seed gives the same results (all but
# the timings), another seed and a holdout change what they should, and a
# run killed half way leaves no folder under the final name.
S=$SHARED/data/strategies/sensex_500x82.csv
"$PQ" optimize --input "$S" --portfolio-size 5 --effort 0.02 --threads 2 --output run1 --quiet; echo "run1: exit $?"
ls run1
"$PQ" optimize --input "$S" --portfolio-size 5 --effort 0.02 --threads 1 --output run2 --quiet; echo "run2: exit $?"
grep -vE '"(seconds|threads)"' run1/execution_summary.json >a.json
grep -vE '"(seconds|threads)"' run2/execution_summary.json >b.json
cmp -s a.json b.json && echo "same seed, 2 threads and 1 thread: same results"
node -e '
const j = JSON.parse(require("fs").readFileSync("run1/execution_summary.json"));
const names = j.algorithms.map(a => a.name).join(",");
const sizes = j.algorithms.every(a => a.portfolio.length === 5 && new Set(a.portfolio).size === 5);
const best = Math.max(...j.algorithms.map(a => a.fitness));
console.log(`algorithms ${names}; portfolios of 5 distinct: ${sizes}; best is the max: ${j.best.fitness === best}`);
console.log(`input ${j.input.periods} x ${j.input.strategies}, seed ${j.seed}, sha256 ${j.input.content_sha256.length} hex`);
console.log(`metrics: ${Object.keys(j.best.metrics).slice(0, 6).join(",")}`);
'
"$PQ" cat run1/strategy_metrics.parquet --limit 1 --columns Strategy,ROI
head -3 run1/best_portfolio_size5.txt
"$PQ" optimize --input "$S" --portfolio-size 5 --effort 0.02 --seed 7 --holdout-days 20 --output run3 --quiet; echo "run3: exit $?"
node -e '
const j = JSON.parse(require("fs").readFileSync("run3/execution_summary.json"));
console.log(`seed ${j.seed}, holdout ${j.parameters.holdout_periods}: every algorithm has holdout metrics: ${j.algorithms.every(a => a.holdout && a.holdout.metrics.periods === 20)}`);
'
"$PQ" optimize --input "$S" --portfolio-size 5 --effort 50 --output killed --quiet &
sleep 1; kill -9 $!; wait $! 2>/dev/null
[ -e killed ] && echo "killed run left killed/" || echo "killed run: no folder under the final name"
