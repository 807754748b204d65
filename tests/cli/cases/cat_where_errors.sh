#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A bad --where is a usage error (exit 2: one message line quoting the
# offending part, then the usage), found once the file's schema is known:
# missing value, given twice, syntax, 'or', unknown or nested column, a
# value that does not fit the column's type.  A missing file stays exit 1.
cp "$DATA/people.csv" people.csv
"$PQ" convert people.csv people.parquet
"$PQ" cat people.parquet --where; echo "rc=$?"
"$PQ" cat people.parquet --where 'id = 1' --where 'id = 2'; echo "rc=$?"
"$PQ" cat people.parquet --where 'id => 1'; echo "rc=$?"
"$PQ" cat people.parquet --where 'id > 1 or id < 0'; echo "rc=$?"
"$PQ" cat people.parquet --where 'nope = 1'; echo "rc=$?"
"$PQ" cat people.parquet --where 'id = one'; echo "rc=$?"
"$PQ" cat people.parquet --where "joined = '2024-02-30'"; echo "rc=$?"
"$PQ" cat people.parquet --where 'score = nan'; echo "rc=$?"
"$PQ" cat people.parquet --where ''; echo "rc=$?"
"$PQ" cat missing.parquet --where 'id = 1'; echo "rc=$?"
