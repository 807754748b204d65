#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Strategy P&L CSVs through `convert` and `validate --input/--parquet`: the
# real SENSEX slice in the three layouts (validate exit 0); a changed cell is
# found with its row, line and column (exit 1); a ragged row, an ambiguous
# date column and a word in a strategy column are errors naming file, line
# and column (exit 1), and nothing is left under the output name.
S=$SHARED/data/strategies/sensex_500x82.csv
for layout in wide partitioned long; do
    "$PQ" convert "$S" out_$layout --layout $layout 2>&1 | sed "s|$SHARED|SHARED|"; echo "convert $layout: exit ${PIPESTATUS[0]}"
    "$PQ" validate --input "$S" --parquet out_$layout | sed "s|$SHARED|SHARED|"; echo "validate $layout: exit ${PIPESTATUS[0]}"
done
sed '5s/,-1077.6599999999978,/,-1077.66,/' "$S" >changed.csv
"$PQ" validate --input changed.csv --parquet out_wide; echo "validate changed: exit $?"
printf 'Date,Day,a,b\n2024-01-04,Thursday,1,2\n2024-01-11,Thursday,3\n' >ragged.csv
"$PQ" convert ragged.csv ragged.parquet; echo "ragged: exit $?"
printf 'Date,Day,a\n02-01-2023,Monday,1\n03-01-2023,Tuesday,2\n' >ambiguous.csv
"$PQ" convert ambiguous.csv ambiguous.parquet; echo "ambiguous: exit $?"
"$PQ" convert ambiguous.csv ambiguous.parquet --date-format dmy; echo "ambiguous, --date-format dmy: exit $?"
printf 'Date,Day,a,b\n2024-01-04,Thursday,1,n/a\n' >word.csv
"$PQ" convert word.csv word.parquet; echo "word: exit $?"
ls
