#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Surplus operands are usage errors (exit 2).
"$PQ" inspect a.parquet b.parquet; echo "inspect rc=$?"
"$PQ" cat a.parquet b.parquet; echo "cat rc=$?"
"$PQ" convert a.csv b.parquet c.parquet; echo "convert rc=$?"
