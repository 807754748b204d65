#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# inspect --json prints one JSON document on one line (docs/cli.md has the
# schema).  node parses it and prints the values that matter, then checks
# the sizes and offsets for consistency with each other and the file length.
cp "$DATA/people.csv" people.csv
"$PQ" convert people.csv people.parquet
"$PQ" inspect people.parquet --json >out.json; echo "rc=$?"
echo "lines: $(wc -l <out.json)"
SIZE=$(wc -c <people.parquet) node -e '
const j = JSON.parse(require("fs").readFileSync("out.json", "utf8"));
const size = Number(process.env.SIZE);
const check = (what, ok) => console.log((ok ? "ok   " : "FAIL ") + what);
console.log("keys:", Object.keys(j).join(","));
console.log("file:", j.file, "version:", j.version, "num_rows:", j.num_rows);
check("created_by starts with \"parquant version \"", /^parquant version \d+\.\d+\.\d+/.test(j.created_by));
console.log("key_value_metadata:", JSON.stringify(j.key_value_metadata));
for (const f of j.schema)
    console.log("field:", JSON.stringify(f));
console.log("row groups:", j.row_groups.length);
let total = 0, end = 4;
for (const [g, rg] of j.row_groups.entries()) {
    console.log(`row group ${g}: keys ${Object.keys(rg).join(",")} num_rows ${rg.num_rows}`);
    total += rg.num_rows;
    check(`row group ${g}: total_byte_size > 0`, Number.isInteger(rg.total_byte_size) && rg.total_byte_size > 0);
    for (const c of rg.columns) {
        console.log(`  ${c.path}: ${c.physical_type} ${c.codec} [${c.encodings}] values ${c.num_values}` +
                    ` column_index ${c.column_index} offset_index ${c.offset_index} statistics ${JSON.stringify(c.statistics)}`);
        check(`  ${c.path}: 4 <= data_page_offset < data_page_offset + compressed_size <= file size - 8`,
              c.data_page_offset >= 4 && c.compressed_size > 0 && c.data_page_offset + c.compressed_size <= size - 8);
        check(`  ${c.path}: uncompressed_size > 0`, Number.isInteger(c.uncompressed_size) && c.uncompressed_size > 0);
        const start = "dictionary_page_offset" in c ? c.dictionary_page_offset : c.data_page_offset;
        check(`  ${c.path}: starts after the previous chunk`, start >= end);
        end = start + c.compressed_size;
    }
}
check("sum of row group rows == num_rows", total === j.num_rows);
'
