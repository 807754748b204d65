#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A --level outside the chosen codec's range is a usage error (exit 2)
# reported while parsing the arguments, naming the option, the value and the
# codec's range; not a failure of the write (exit 1) located in a column
# chunk.  "23" is an integer, so "expects an integer" would mislead.  Level
# 0 means the codec's default, so brotli's range is 1..11 (not 0..11).
cp "$DATA/repeat.csv" in.csv
"$PQ" convert in.csv out.parquet --level 13 --compression gzip; echo "rc=$?"
"$PQ" convert in.csv out.parquet --compression brotli --level 12; echo "rc=$?"
"$PQ" convert in.csv out.parquet --compression zstd --level 23; echo "rc=$?"
"$PQ" convert in.csv out.parquet --compression lz4_raw --level 13; echo "rc=$?"
ls -a
