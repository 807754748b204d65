#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Option values are checked before any work: exit 2, one message line naming
# the option and the value, then the usage.  Nothing is written.
cp "$DATA/repeat.csv" in.csv
"$PQ" convert in.csv out.parquet --level x; echo "rc=$?"
"$PQ" convert in.csv out.parquet --page-version 3; echo "rc=$?"
"$PQ" convert in.csv out.parquet --row-group-size 0; echo "rc=$?"
"$PQ" convert in.csv out.parquet --page-size 0; echo "rc=$?"
"$PQ" convert in.csv out.parquet --format yaml; echo "rc=$?"
"$PQ" convert in.csv out.parquet --delimiter '::'; echo "rc=$?"
"$PQ" convert in.csv out.parquet --compression; echo "rc=$?"
"$PQ" cat in.parquet --limit -1; echo "rc=$?"
"$PQ" cat in.parquet --limit 1x; echo "rc=$?"
"$PQ" cat in.parquet --limit; echo "rc=$?"
"$PQ" cat in.parquet --format xml; echo "rc=$?"
ls -a
