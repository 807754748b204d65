#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every writable codec, with data pages v1 and v2, on flat (CSV) and nested
# (JSON) data: inspect names the codec of every column chunk, cat prints the
# same rows as the default file, validate (CRCs on) accepts the file.
cp "$DATA/types.csv" types.csv
cp "$DATA/nested.jsonl" nested.jsonl
for src in types.csv nested.jsonl; do
    "$PQ" convert $src ref.parquet
    "$PQ" cat ref.parquet >ref.jsonl
    for v in 1 2; do
        for c in none snappy gzip zstd lz4_raw brotli; do
            out=$c-v$v.parquet
            "$PQ" convert $src $out --compression $c --page-version $v || echo "$src $c v$v: convert failed"
            codecs=$("$PQ" inspect $out --json |
                node -e 'const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
                         console.log([...new Set(j.row_groups.flatMap(g => g.columns.map(c => c.codec)))].join(","))')
            "$PQ" cat $out | cmp -s - ref.jsonl && same="same rows" || same="ROWS DIFFER"
            "$PQ" validate $out >/dev/null && valid="valid" || valid="INVALID"
            echo "$src $c v$v: $codecs, $same, $valid"
        done
    done
done
