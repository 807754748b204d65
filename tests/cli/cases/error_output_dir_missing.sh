#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Output into a folder that does not exist: exit 1 and one line naming OUT
# as given (not the name of an internal temporary file) with the system's
# reason; the folder is not created and nothing is left behind.
cp "$DATA/repeat.csv" in.csv
"$PQ" convert in.csv nodir/out.parquet; echo "rc=$?"
ls -a
