#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cat (default jsonl = canon v1, docs/canon.md): one object per row, columns
# in schema order; nulls as null, empty strings as "", quotes, commas and
# newlines escaped inside JSON strings, NaN quoted, dates and timestamps as
# text (zoned ones in UTC), int64 and decimal(38,0) exact.
cp "$DATA/types.csv" types.csv
"$PQ" convert types.csv types.parquet
"$PQ" cat types.parquet
echo "rc=$?"
"$PQ" cat types.parquet --format jsonl | cmp - <("$PQ" cat types.parquet) && echo "--format jsonl: same"
