#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# parquet-testing's files with deliberately wrong page CRCs fail validate
# and cat --verify-checksums with a checksum error naming column, row group
# and page; plain cat reads them as other engines do; their twins with correct
# CRCs validate.
D=$SHARED/parquet-testing/data
for f in datapage_v1-corrupt-checksum rle-dict-uncompressed-corrupt-checksum \
         datapage_v1-uncompressed-checksum rle-dict-snappy-checksum; do
    cp "$D/$f.parquet" .
done
"$PQ" validate datapage_v1-uncompressed-checksum.parquet rle-dict-snappy-checksum.parquet; echo "rc=$?"
for f in datapage_v1-corrupt-checksum rle-dict-uncompressed-corrupt-checksum; do
    "$PQ" validate $f.parquet; echo "validate rc=$?"
    "$PQ" cat $f.parquet --verify-checksums >/dev/null; echo "cat --verify-checksums rc=$?"
    "$PQ" cat $f.parquet | wc -l; echo "cat rc=$?"
done
