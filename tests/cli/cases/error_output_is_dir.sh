#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# OUT naming an existing folder: exit 1, the folder is left as it was and no
# temporary file is left beside it.
cp "$DATA/repeat.csv" in.csv
mkdir dir
"$PQ" convert in.csv dir; echo "rc=$?"
ls -a . dir
