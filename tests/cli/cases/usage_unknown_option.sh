#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# An unknown option is a usage error (exit 2) of the command, before any file
# is opened, and nothing is written.
"$PQ" inspect x.parquet --bogus; echo "inspect rc=$?"
"$PQ" cat x.parquet --colums a; echo "cat rc=$?"
"$PQ" convert in.csv out.parquet --compresion zstd; echo "convert rc=$?"
"$PQ" validate x.parquet -v; echo "validate rc=$?"
ls -a
