#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --limit N prints the first N rows: 0 prints none (csv: the header only),
# a limit beyond the row count prints every row, and a limit that ends
# inside the second of several row groups stops there.
cp "$DATA/repeat.csv" repeat.csv
"$PQ" convert repeat.csv one.parquet
"$PQ" convert repeat.csv three.parquet --row-group-size 2
for n in 0 1 3 5 100; do
    echo "== --limit $n"
    "$PQ" cat one.parquet --limit $n
    echo "== --limit $n csv"
    "$PQ" cat one.parquet --limit $n --format csv
    "$PQ" cat three.parquet --limit $n | cmp - <("$PQ" cat one.parquet --limit $n) &&
        echo "(same in 3 row groups)"
done
