#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# CSV dialect: a UTF-8 BOM is dropped, CRLF line ends are accepted (and kept
# inside quoted fields), quoted header names; duplicate header names get a
# _2 suffix and an empty one a column_N name; --delimiter and .tsv.
printf '\357\273\277"id","na""me"\r\n1,"x\r\ny"\r\n2,z\r\n' > bom.csv
"$PQ" convert bom.csv bom.parquet && "$PQ" cat bom.parquet
printf 'a,a,\n1,2,3\n' > names.csv
"$PQ" convert names.csv names.parquet && "$PQ" cat names.parquet
printf 'a;b\n1;2,5\n' > semi.txt
"$PQ" convert semi.txt semi.parquet --delimiter ';' --format csv && "$PQ" cat semi.parquet
printf 'a\tb\n1\tx, y\n' > tabs.tsv
"$PQ" convert tabs.tsv tabs.parquet && "$PQ" cat tabs.parquet
printf 'a\tb\n1\tx, y\n' > tabs.txt
"$PQ" convert tabs.txt tabs2.parquet --delimiter tab && "$PQ" cat tabs2.parquet
"$PQ" convert tabs.txt tabs3.parquet --delimiter '\t' && "$PQ" cat tabs3.parquet
