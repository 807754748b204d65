#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Statistics of a DECIMAL column (integers beyond int64 become decimal(38,0)
# in FIXED_LEN_BYTE_ARRAY(16)) are shown as decimal numbers, like cat shows
# the values, in the text and in the --json form; not as raw bytes.
printf 'big\n12345678901234567890\n-1\n-99999999999999999999\n' > big.csv
"$PQ" convert big.csv big.parquet
"$PQ" cat big.parquet
"$PQ" inspect big.parquet | grep -E '^  big' | sed -E 's/(compressed|uncompressed) [0-9]+ B/\1 _ B/g'
"$PQ" inspect big.parquet --json |
    node -e 'console.log(JSON.stringify(JSON.parse(require("fs").readFileSync(0, "utf8")).row_groups[0].columns[0].statistics))'
