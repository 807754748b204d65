#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A failed convert never leaves a partial or temporary file (ls -a shows only
# the inputs) and never touches an existing OUT: a CSV error, and a JSON
# error 2000 records into the file.  (The messages are checked elsewhere.)
cp "$DATA/repeat.csv" good.csv
printf 'a,b\n1,2\n3\n' > bad.csv
{ for i in $(seq 1 2000); do echo "{\"i\":$i,\"s\":\"row $i\"}"; done; echo '{"i":1,'; } > late.jsonl
"$PQ" convert bad.csv out.parquet 2>/dev/null; echo "csv rc=$?"
"$PQ" convert late.jsonl out.parquet 2>/dev/null; echo "json rc=$?"
ls -a
"$PQ" convert good.csv out.parquet
cp out.parquet before.parquet
"$PQ" convert bad.csv out.parquet 2>/dev/null; echo "csv over existing rc=$?"
"$PQ" convert late.jsonl out.parquet 2>/dev/null; echo "json over existing rc=$?"
cmp out.parquet before.parquet && echo "existing OUT unchanged"
ls -a
