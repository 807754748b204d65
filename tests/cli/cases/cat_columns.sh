#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --columns projects top-level columns; the output keeps schema order
# whatever the order asked, and a column named twice appears once.
cp "$DATA/types.csv" types.csv
"$PQ" convert types.csv types.parquet
echo "== name,id"
"$PQ" cat types.parquet --columns name,id
echo "== csv: day"
"$PQ" cat types.parquet --columns day --format csv
echo "== id,id"
"$PQ" cat types.parquet --columns id,id --limit 2
