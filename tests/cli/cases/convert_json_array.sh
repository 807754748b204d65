#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The other JSON form: one top-level array of objects spread over lines.
# Keys missing from some records, a struct that is sometimes null, escapes
# in strings, int64 max, an int/float mix (px) -> double.
cp "$DATA/records.json" records.json
"$PQ" convert records.json records.parquet; echo "rc=$?"
"$PQ" inspect records.parquet | sed -n '/^schema:/,/^row group/p' | sed '$d'
"$PQ" cat records.parquet
"$PQ" cat records.parquet --format csv
