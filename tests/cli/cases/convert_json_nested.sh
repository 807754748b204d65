#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# JSON Lines with nested data: objects become structs (fields in order of
# first appearance, merged over all records), arrays lists, an int/float mix
# double, a string/number/object mix a string column holding each value's
# text; missing keys and null are nulls.
cp "$DATA/nested.jsonl" nested.jsonl
"$PQ" convert nested.jsonl nested.parquet; echo "rc=$?"
"$PQ" inspect nested.parquet | sed -n '/^schema:/,/^row group/p' | sed '$d'
"$PQ" cat nested.parquet
