#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Missing operands: exit 2 with the command's usage on stderr.
"$PQ" inspect; echo "inspect rc=$?"
"$PQ" cat; echo "cat rc=$?"
"$PQ" convert; echo "convert rc=$?"
"$PQ" convert in.csv; echo "convert IN rc=$?"
"$PQ" validate; echo "validate rc=$?"
