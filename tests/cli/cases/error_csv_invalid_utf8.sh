#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Text that is not UTF-8 (a lone 0xFF, a truncated 2-byte sequence, an
# overlong encoding of '/'): exit 1 with line, field and byte offset; no
# output file is left.
printf 'a,b\n1,x\n2,\377\376\n' > ff.csv
"$PQ" convert ff.csv out.parquet; echo "rc=$?"
printf 'a,b\n1,ok\303\n' > cut.csv
"$PQ" convert cut.csv out.parquet; echo "rc=$?"
printf 'a\n\300\257\n' > overlong.csv
"$PQ" convert overlong.csv out.parquet; echo "rc=$?"
ls -a
