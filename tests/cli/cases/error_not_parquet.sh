#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Files that are not Parquet: a CSV file, an empty file, and a file with the
# magic at both ends and a footer length larger than the file.  Exit 1 with
# one line each, no output on stdout.
cp "$DATA/people.csv" people.parquet
: > empty.parquet
printf 'PAR1\001\002\003\004\377\000\000\000PAR1' > footer.parquet
for f in people empty footer; do
    for cmd in inspect cat validate; do
        "$PQ" $cmd $f.parquet; echo "$cmd $f rc=$?"
    done
done
