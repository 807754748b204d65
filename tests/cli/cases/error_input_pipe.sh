#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A pipe as input: convert reads its input twice (types, then values) and
# the reader reads by offset, so both refuse a pipe with a clear message
# instead of treating it as an empty file; nothing is written.
printf 'a\n1\n' | "$PQ" convert /dev/stdin out.parquet; echo "rc=$?"
printf 'PAR1' | "$PQ" inspect /dev/stdin; echo "rc=$?"
ls
