#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# inspect of files from another writer (parquet-mr, in parquet-testing), shown
# exactly: created_by, key-value metadata (text, and as an object in
# --json), required columns, a DECIMAL in INT32 with decimal statistics,
# binary statistics in hex, dictionary encodings.
D=$SHARED/parquet-testing/data
cp "$D/int32_decimal.parquet" "$D/rle-dict-snappy-checksum.parquet" .
"$PQ" inspect int32_decimal.parquet
"$PQ" inspect rle-dict-snappy-checksum.parquet
"$PQ" inspect int32_decimal.parquet --json | node -e '
    const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const [k, v] of Object.entries(j.key_value_metadata)) console.log(`${k} => ${JSON.parse(v).fields[0].type}`);
    console.log(JSON.stringify(j.schema));
    console.log(JSON.stringify(j.row_groups[0].columns[0].statistics));'
