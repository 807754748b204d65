#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A one-column file with a null: cat --format csv prints the null as an empty
# line (an empty field, RFC 4180), and convert must read that line back as a
# record holding one null field: the row count and the null survive the
# round trip instead of the row being dropped as a blank line.
printf 'x\n1\n\n3\n' > one.csv
"$PQ" convert one.csv one.parquet
"$PQ" cat one.parquet
"$PQ" cat one.parquet --format csv >back.csv
"$PQ" convert back.csv back.parquet
"$PQ" cat back.parquet | cmp - <("$PQ" cat one.parquet) && echo "same rows after the round trip"
