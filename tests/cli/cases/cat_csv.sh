#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cat --format csv: RFC 4180 with a header row; a null is an empty field, an
# empty string is "", fields holding a comma, quote, CR or LF are quoted with
# "" for a quote; other values print as their canonical text, unquoted
# (NaN, dates, timestamps).
cp "$DATA/types.csv" types.csv
"$PQ" convert types.csv types.parquet
"$PQ" cat types.parquet --format csv
echo "rc=$?"
