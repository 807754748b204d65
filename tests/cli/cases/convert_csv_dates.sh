#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every valid calendar date is a DATE and every valid date-time a TIMESTAMP,
# whatever its digits: leap days (2000-02-29, 2024-02-29), the epoch, the
# ends of the year 0000..9999 range, 23:59:59.  Impossible dates
# (2023-02-29, 1900-02-29, 2024-04-31, 2024-13-01) make the column text.
printf '%s\n' 'd,t' \
    '1970-01-01,1970-01-01 00:00:00' \
    '1999-12-31,1999-12-31 23:59:59' \
    '2000-02-29,2000-02-29T12:34:56.789' \
    '2024-02-29,2024-02-29 18:19:58' \
    '2023-02-28,2038-01-19 03:14:08Z' \
    '0001-01-01,1969-12-31 23:59:59.999999' \
    '9999-12-31,2262-04-11 23:47:16' > dates.csv
"$PQ" convert dates.csv dates.parquet
"$PQ" inspect dates.parquet | sed -n '/^  [a-z]*: [a-z]/p'
"$PQ" cat dates.parquet
for bad in 2023-02-29 1900-02-29 2024-04-31 2024-13-01 2024-01-32 2024-1-02; do
    printf 'd\n2024-01-02\n%s\n' "$bad" > bad.csv
    "$PQ" convert bad.csv bad.parquet
    echo "$bad: $("$PQ" inspect bad.parquet | grep '^  d: [a-z]')"
done
