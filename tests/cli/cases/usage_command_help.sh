#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Each command's --help prints its own usage on stdout and exits 0, even
# with other arguments around it.
for cmd in inspect cat convert validate optimize; do
    echo "== $cmd --help"
    "$PQ" $cmd --help
    echo "rc=$?"
done
echo "== cat FILE -h"
"$PQ" cat nothing.parquet -h
echo "rc=$?"
