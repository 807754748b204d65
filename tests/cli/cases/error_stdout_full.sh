#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# When stdout cannot be written (here /dev/full: ENOSPC), every command that
# prints exits 1 with "parquant: writing to standard output failed" on
# stderr: output must not be lost silently (exit 0) or fail without a word.
[ -w /dev/full ] || { echo "this test needs /dev/full"; exit 1; }
cp "$DATA/people.csv" people.csv
"$PQ" convert people.csv people.parquet
"$PQ" cat people.parquet >/dev/full; echo "cat rc=$?"
"$PQ" cat people.parquet --format csv >/dev/full; echo "cat csv rc=$?"
"$PQ" inspect people.parquet >/dev/full; echo "inspect rc=$?"
"$PQ" inspect people.parquet --json >/dev/full; echo "inspect --json rc=$?"
"$PQ" validate people.parquet >/dev/full; echo "validate rc=$?"
"$PQ" --version >/dev/full; echo "--version rc=$?"
