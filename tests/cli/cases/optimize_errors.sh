#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# `optimize` refuses bad options with a usage error (exit 2) and bad input
# with an error naming the file and the problem (exit 1); no report folder
# is left behind by a failed run.
S=$SHARED/data/strategies/sensex_500x82.csv
"$PQ" optimize --portfolio-size 5; echo "no input: exit $?"
"$PQ" optimize --input "$S" --algorithms ga,foo; echo "bad algorithm: exit $?"
"$PQ" optimize --input "$S" --metric sharpe; echo "bad metric: exit $?"
"$PQ" optimize --input "$S" --holdout-days 2.5; echo "bad holdout: exit $?"
"$PQ" optimize --input "$S" --min-size 40 --max-size 30; echo "bad range: exit $?"
"$PQ" optimize --input missing.csv --output out; echo "missing input: exit $?"
"$PQ" optimize --input "$S" --portfolio-size 501 --output out 2>&1 | sed "s|$SHARED|SHARED|"; echo "k > N: exit ${PIPESTATUS[0]}"
"$PQ" optimize --input "$S" --holdout-days 81 --output out 2>&1 | sed "s|$SHARED|SHARED|"; echo "holdout too long: exit ${PIPESTATUS[0]}"
printf 'Date,Day,a,b\n2024-01-04,Thursday,1,2\n2024-01-11,Thursday,3,x\n' >word.csv
"$PQ" optimize --input word.csv --output out; echo "word in a cell: exit $?"
printf '[general]\nmetric = sharpe\n' >bad.ini
"$PQ" optimize --input "$S" --config bad.ini --output out; echo "bad config: exit $?"
ls
