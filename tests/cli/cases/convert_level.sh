#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --level within each codec's range (zstd 1..22 and negative fast levels,
# gzip 1..12, brotli 1..11, lz4_raw negative = faster, 2..12 = LZ4HC)
# converts to the same rows, and the level reaches the codec: the lowest and
# highest level give different bytes.
# (Compressed sizes are not compared: a higher zstd level can come out
# bigger on small inputs.)
awk 'BEGIN { print "id,text"; s = 1
             for (i = 0; i < 3000; i++) { s = (s * 1103515245 + 12345) % 2147483648
                                          printf "%d,w%d x%d y%d\n", i, s % 97, int(s / 97) % 31, i % 17 } }' > in.csv
"$PQ" convert in.csv ref.parquet
"$PQ" cat ref.parquet >ref.jsonl
for cl in "zstd -5" "zstd 1" "zstd 22" "gzip 1" "gzip 12" "brotli 1" "brotli 11" \
          "lz4_raw -100" "lz4_raw 12"; do
    set -- $cl
    out=$1$2.parquet
    "$PQ" convert in.csv $out --compression $1 --level $2; rc=$?
    "$PQ" cat $out | cmp -s - ref.jsonl && same="same rows" || same="ROWS DIFFER"
    echo "$1 --level $2: rc=$rc, $same"
done
for pair in "zstd1 zstd22" "gzip1 gzip12" "brotli1 brotli11" "lz4_raw-100 lz4_raw12"; do
    set -- $pair
    cmp -s $1.parquet $2.parquet && echo "$1 and $2: SAME BYTES" || echo "$1 and $2: different bytes"
done
