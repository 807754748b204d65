#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cat --format csv writes CSV that convert reads back to the same rows: the
# quoting of commas, quotes and newlines, and the null / empty-string
# distinction, survive the round trip.
cp "$DATA/types.csv" types.csv
"$PQ" convert types.csv a.parquet
"$PQ" cat a.parquet --format csv >b.csv
"$PQ" convert b.csv b.parquet
"$PQ" cat a.parquet >a.jsonl
"$PQ" cat b.parquet >b.jsonl
cmp a.jsonl b.jsonl && echo "same rows after the round trip"
