#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# One byte flipped inside a data page (the last byte of the first column
# chunk, found from inspect --json): the footer is intact so inspect works,
# but validate and cat --verify-checksums fail with a page CRC mismatch
# located by column, row group, page and the page's byte offset (plain cat,
# like other engines, does not check CRCs and prints the damaged value).  The
# CRC values vary with the writer, hence the glob.
cp "$DATA/people.csv" people.csv
"$PQ" convert people.csv good.parquet --compression none
"$PQ" inspect good.parquet --json | node -e '
    const fs = require("fs");
    const c = JSON.parse(fs.readFileSync(0, "utf8")).row_groups[0].columns[0];
    const b = fs.readFileSync("good.parquet");
    b[c.data_page_offset + c.compressed_size - 1] ^= 0xff;
    fs.writeFileSync("flipped.parquet", b);'
cmp -l good.parquet flipped.parquet | wc -l
"$PQ" inspect flipped.parquet >/dev/null; echo "inspect rc=$?"
"$PQ" validate flipped.parquet; echo "validate rc=$?"
"$PQ" cat flipped.parquet --verify-checksums; echo "cat --verify-checksums rc=$?"
"$PQ" cat flipped.parquet >/dev/null; echo "cat rc=$?"
