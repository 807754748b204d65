#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A column of few distinct values is dictionary-encoded by default
# (RLE_DICTIONARY in its encodings, a dictionary page offset); with
# --no-dictionary no column chunk uses a dictionary, and the rows are the
# same.
cp "$DATA/repeat.csv" repeat.csv
"$PQ" convert repeat.csv dict.parquet
"$PQ" convert repeat.csv plain.parquet --no-dictionary
for f in dict plain; do
    "$PQ" inspect $f.parquet --json | F=$f node -e '
        const j = JSON.parse(require("fs").readFileSync(0, "utf8"));
        for (const c of j.row_groups[0].columns)
            console.log(`${process.env.F}: ${c.path}: dictionary page: ${"dictionary_page_offset" in c}, ` +
                        `dictionary encoding: ${c.encodings.some(e => e.includes("DICTIONARY"))}`)'
done
"$PQ" inspect dict.parquet | grep '^  k:' | grep -o 'encodings [^ ]*'
"$PQ" inspect plain.parquet | grep '^  k:' | grep -o 'encodings [^ ]*'
"$PQ" cat plain.parquet | cmp - <("$PQ" cat dict.parquet) && echo "same rows"
