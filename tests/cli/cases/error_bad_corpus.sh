#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# parquet-testing/bad_data: validate and cat end with exit 0 or 1 (never a
# crash, an abort or a hang) and a failure is exactly one "parquant: FILE: "
# line.  ARROW-GH-43605 is valid (dictionary indices of bit width 0), the
# others are refused.
for f in "$SHARED"/parquet-testing/bad_data/*.parquet; do
    cp "$f" .
done
for f in *.parquet; do
    for cmd in validate cat; do
        "$PQ" $cmd $f >/dev/null 2>err; rc=$?
        lines=$(wc -l <err)
        if [ "$rc" = 1 ] && [ "$lines" = 1 ] && grep -q "^parquant: $f: ." err; then what="refused, one line"
        elif [ "$rc" = 0 ] && [ "$lines" = 0 ]; then what="read"
        else what="rc=$rc, $lines stderr lines: $(head -c 300 err)"; fi
        echo "$cmd $f: $what"
    done
done
