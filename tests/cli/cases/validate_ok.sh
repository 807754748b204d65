#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# validate reads every page of every file with CRCs verified and prints
# "FILE: ok, N rows" per file on stdout; exit 0 when all are good.  Files
# from CSV and JSON (both forms), several row groups, pages v2, no
# dictionary, tiny pages, and a parquet-testing file from another writer.
cp "$DATA/types.csv" "$DATA/nested.jsonl" "$DATA/records.json" "$DATA/repeat.csv" .
cp "$SHARED/parquet-testing/data/alltypes_plain.parquet" .
"$PQ" convert types.csv types.parquet
"$PQ" convert nested.jsonl nested.parquet --page-version 2
"$PQ" convert records.json records.parquet --no-dictionary --compression zstd
"$PQ" convert repeat.csv groups.parquet --row-group-size 2 --page-size 1
"$PQ" validate types.parquet nested.parquet records.parquet groups.parquet alltypes_plain.parquet
echo "rc=$?"
