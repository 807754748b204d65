#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# --version and version print "parquant X.Y.Z" and exit 0.
"$PQ" --version
"$PQ" version
