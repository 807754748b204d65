#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --columns a.b selects a field inside a struct: the row keeps the struct
# around it with only the selected fields; a struct selected whole keeps all
# its fields; selecting inside a list of structs works too.
cp "$DATA/nested.jsonl" nested.jsonl
"$PQ" convert nested.jsonl nested.parquet
echo "== user.name"
"$PQ" cat nested.parquet --columns user.name
echo "== id,user.age,user.tags"
"$PQ" cat nested.parquet --columns id,user.age,user.tags
echo "== deep.a.b"
"$PQ" cat nested.parquet --columns deep.a.b
echo "== user (csv)"
"$PQ" cat nested.parquet --columns user --format csv
