#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A CSV with a header and no rows converts to a valid file of 0 rows and 0
# row groups: inspect shows the schema (all-null columns are strings), cat
# prints nothing (jsonl) or the header (csv), validate accepts it.
printf 'a,b\n' > empty.csv
"$PQ" convert empty.csv empty.parquet; echo "convert rc=$?"
"$PQ" inspect empty.parquet | sed -E 's/parquant version [0-9.]+/parquant version _/'
echo "== jsonl"
"$PQ" cat empty.parquet
echo "== csv"
"$PQ" cat empty.parquet --format csv
"$PQ" validate empty.parquet
