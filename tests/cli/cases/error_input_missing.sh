#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A missing input file: exit 1, one line naming the file and the system's
# reason; convert creates no output.
"$PQ" convert nope.csv out.parquet; echo "convert rc=$?"
"$PQ" inspect nope.parquet; echo "inspect rc=$?"
"$PQ" cat nope.parquet; echo "cat rc=$?"
ls -a
