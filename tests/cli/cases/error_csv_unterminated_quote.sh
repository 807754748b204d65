#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A quoted field that never closes: exit 1, located at the opening quote
# (line, field, byte offset); no output file is left.
printf 'a,b\n1,"x\n2,3\n' > quote.csv
"$PQ" convert quote.csv out.parquet; echo "rc=$?"
ls -a
