#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Statistics are shown in the canonical text of their logical type, as cat
# shows the values, whatever the physical type: FLOAT16 (FIXED_LEN_BYTE_ARRAY(2))
# as numbers (-0 kept) and DECIMAL in FIXED_LEN_BYTE_ARRAY as decimals with
# their scale; not as raw hex.  Files from parquet-testing.
D=$SHARED/parquet-testing/data
cp "$D/float16_nonzeros_and_nans.parquet" "$D/float16_zeros_and_nans.parquet" "$D/fixed_length_decimal.parquet" .
for f in float16_nonzeros_and_nans float16_zeros_and_nans fixed_length_decimal; do
    "$PQ" inspect $f.parquet | sed -n '/^  [a-z]*: [A-Z]/p'
done
