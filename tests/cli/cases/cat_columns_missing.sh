#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --columns naming a column or nested field that does not exist fails with
# exit 1 and a message naming the path, before printing any row.
cp "$DATA/nested.jsonl" nested.jsonl
"$PQ" convert nested.jsonl nested.parquet
"$PQ" cat nested.parquet --columns nope; echo "rc=$?"
"$PQ" cat nested.parquet --columns id,user.nope; echo "rc=$?"
"$PQ" cat nested.parquet --columns id.x --format csv; echo "rc=$?"
