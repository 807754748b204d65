#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A Parquet file cut short (head -c of a good one) fails cleanly in inspect,
# cat and validate: exit 1, one line, no output on stdout; cut inside the
# data, just before the end, and below the 12-byte minimum.
cp "$DATA/people.csv" people.csv
"$PQ" convert people.csv good.parquet
size=$(wc -c <good.parquet)
head -c 100 good.parquet > cut100.parquet
head -c $((size - 1)) good.parquet > cutlast.parquet
head -c 8 good.parquet > cut8.parquet
for f in cut100 cutlast cut8; do
    for cmd in inspect cat validate; do
        "$PQ" $cmd $f.parquet; echo "$cmd $f rc=$?"
    done
done
