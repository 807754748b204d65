#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Malformed JSON in the array form: the record number counts array
# elements, so it differs from the line; an array cut short is located at
# the end of the input.
printf '[{"a":1},\n {"a":2},\n {"a":}]\n' > bad.json
"$PQ" convert bad.json out.parquet; echo "rc=$?"
printf '[{"a":1},{"a":2},{"a":3' > cut.json
"$PQ" convert cut.json out.parquet; echo "rc=$?"
ls -a
