#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Malformed JSON Lines: exit 1, with the line, the record number (labelled
# "record": a JSON record is not a CSV field), the byte offset, and the
# line:column of the offending byte in the message; no output is left.
printf '{"a":1}\n{"a":2,}\n' > comma.jsonl
"$PQ" convert comma.jsonl out.parquet; echo "rc=$?"
printf '{"a":1}\n\n{"a": tru}\n' > word.jsonl
"$PQ" convert word.jsonl out.parquet; echo "rc=$?"
printf '{"a":1}\n[1,2]\n' > notobj.jsonl
"$PQ" convert notobj.jsonl out.parquet; echo "rc=$?"
printf '{"a":"x\001y"}\n' > ctl.jsonl
"$PQ" convert ctl.jsonl out.parquet; echo "rc=$?"
ls -a
