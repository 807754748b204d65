#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# No command: the command list goes to stderr, exit 2.
"$PQ"
