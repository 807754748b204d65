#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# validate goes on after a bad file: the good files are reported "ok" on
# stdout, each bad one with its own line on stderr, and the exit status is
# 1 when any failed.
cp "$DATA/people.csv" .
"$PQ" convert people.csv a.parquet
cp a.parquet c.parquet
head -c 50 a.parquet > b.parquet
"$PQ" validate a.parquet b.parquet missing.parquet c.parquet
