#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --row-group-size N cuts the rows into groups of N (the last one shorter):
# inspect shows 3 row groups of 2, 2 and 1 rows for 5 rows, each column chunk
# with its own statistics; N = 1 gives one group per row; N beyond the row
# count gives one group.  The rows read back are the same.
cp "$DATA/repeat.csv" repeat.csv
"$PQ" convert repeat.csv ref.parquet
"$PQ" convert repeat.csv rg2.parquet --row-group-size 2
"$PQ" inspect rg2.parquet | grep -E '^(rows|row groups|row group [0-9]+|  v):' |
    sed -E 's/(compressed|uncompressed) [0-9]+ B/\1 _ B/g; s/[0-9]+ bytes uncompressed/_ bytes uncompressed/'
"$PQ" cat rg2.parquet | cmp - <("$PQ" cat ref.parquet) && echo "same rows"
for n in 1 5 6 1000000; do
    "$PQ" convert repeat.csv rg.parquet --row-group-size $n
    "$PQ" inspect rg.parquet --json | N=$n node -e '
        const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
        console.log(`--row-group-size ${process.env.N}: ${j.row_groups.length} groups of [${j.row_groups.map(g => g.num_rows)}]`)'
    "$PQ" cat rg.parquet | cmp - <("$PQ" cat ref.parquet) || echo "ROWS DIFFER"
done
"$PQ" validate rg2.parquet
