#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# convert infers one type per CSV column over all rows: int64, double, bool,
# date, naive and zoned timestamps, decimal(38,0) beyond int64, strings
# (leading zeros keep a column text), and an all-empty column is an all-null
# string column; every column is optional.
cp "$DATA/types.csv" types.csv
"$PQ" convert types.csv types.parquet; echo "rc=$?"
ls
"$PQ" inspect types.parquet | sed -n '/^rows:/p; /^  [a-z_]*: [a-z]/p'
