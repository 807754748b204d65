#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# run_gen_check.sh NODE GENERATOR OUTDIR [ROWS]: the CTest driver of "DuckDB reads parquant's
# files": runs pq_gen_interop (which writes X.parquet + X.expected.jsonl pairs into OUTDIR,
# emptied first), then check_duckdb_reads_parquant.mjs over OUTDIR.  Fails if either fails.
set -eu
node=$1
gen=$2
out=$3
rows=${4:-2000}
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
if ! "$gen" "$out" "$rows"; then
    echo "FAIL pq_gen_interop: could not write the files (see the messages above)"
    echo "0 passed, 1 failed"
    exit 1
fi
exec "$node" "$here/check_duckdb_reads_parquant.mjs" "$out"
