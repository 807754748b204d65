#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# An unknown command names itself, then shows the command list; exit 2.
"$PQ" frobnicate file.parquet
