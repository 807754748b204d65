#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --page-version 2 writes DATA_PAGE_V2 pages (the default is DATA_PAGE v1).
# The type of each column chunk's first data page is read from its page
# header (Thrift compact: field 1, i32, zigzag varint) at data_page_offset.
cp "$DATA/types.csv" types.csv
cp "$DATA/nested.jsonl" nested.jsonl
page_types() {
    "$PQ" inspect "$1" --json | F="$1" node -e '
        const fs = require("fs");
        const j = JSON.parse(fs.readFileSync(0, "utf8")), b = fs.readFileSync(process.env.F);
        const names = {0: "DATA_PAGE", 1: "INDEX_PAGE", 2: "DICTIONARY_PAGE", 3: "DATA_PAGE_V2"};
        const seen = new Set();
        for (const g of j.row_groups)
            for (const c of g.columns) {
                const o = c.data_page_offset;
                seen.add(b[o] === 0x15 ? names[b[o + 1] >> 1] ?? "type " + (b[o + 1] >> 1) : "not a page header");
            }
        console.log(process.env.F + ": " + [...seen].join(","));'
}
for src in types.csv nested.jsonl; do
    "$PQ" convert $src v1.parquet
    "$PQ" convert $src v2.parquet --page-version 2
    "$PQ" convert $src v2z.parquet --page-version 2 --compression zstd --row-group-size 2
    page_types v1.parquet
    page_types v2.parquet
    page_types v2z.parquet
    "$PQ" cat v2.parquet | cmp - <("$PQ" cat v1.parquet) && echo "$src: v2 same rows"
    "$PQ" cat v2z.parquet | cmp - <("$PQ" cat v1.parquet) && echo "$src: v2 zstd in row groups of 2: same rows"
    "$PQ" validate v2.parquet v2z.parquet
done
