#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A damaged page in the last row group: cat prints the rows of the row
# groups before it, then the error (naming row group and column), exit 1.
printf 'a,b\n1,x\n2,y\n3,z\n4,w\n5,v\n6,u\n' > in.csv
"$PQ" convert in.csv t.parquet --row-group-size 2 --compression none
off=$("$PQ" inspect t.parquet --json | node -e '
  let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
    const m = JSON.parse(s); const c = m.row_groups[2].columns[0];
    console.log(c.data_page_offset + c.compressed_size - 1); });')
printf '\xff' | dd of=t.parquet bs=1 seek="$off" conv=notrunc status=none
"$PQ" cat t.parquet --verify-checksums; echo "rc=$?"
