#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A column chunk whose metadata lists no encodings (byte_array_decimal from
# parquet-testing) shows "encodings (none)" in the text form, not a dangling
# "encodings , "; --json has an empty array.
cp "$SHARED/parquet-testing/data/byte_array_decimal.parquet" .
"$PQ" inspect byte_array_decimal.parquet | sed -n '/^  value: [A-Z]/p'
"$PQ" inspect byte_array_decimal.parquet --json |
    node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(0, "utf8")).row_groups[0].columns[0].encodings))'
