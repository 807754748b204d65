#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# cat --format csv of nested data: a struct or list value is one field
# holding its canonical JSON text, quoted as CSV requires; header names
# that need quoting are quoted too.
cp "$DATA/nested.jsonl" nested.jsonl
"$PQ" convert nested.jsonl nested.parquet
"$PQ" cat nested.parquet --format csv
printf '{"a,b":1,"say \\"x\\"":"v"}\n' > names.jsonl
"$PQ" convert names.jsonl names.parquet
"$PQ" cat names.parquet --format csv
