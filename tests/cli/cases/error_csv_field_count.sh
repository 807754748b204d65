#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A CSV record with too few or too many fields: exit 1, the line and byte
# offset of the record and both counts; no output file is left.
printf 'a,b\n1,2\n3\n4,5\n' > short.csv
"$PQ" convert short.csv out.parquet; echo "rc=$?"
printf 'a,b\n1,2\n3,4,5\n' > long.csv
"$PQ" convert long.csv out.parquet; echo "rc=$?"
printf 'a,b\n"x\ny",1\n2,3,4\n' > after_multiline.csv
"$PQ" convert after_multiline.csv out.parquet; echo "rc=$?"
ls -a
