#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --help, -h and help print the command list on stdout and exit 0.
"$PQ" --help
echo "rc=$?"
"$PQ" -h | cmp -s - <("$PQ" --help) && echo "-h: same"
"$PQ" help | cmp -s - <("$PQ" --help) && echo "help: same"
