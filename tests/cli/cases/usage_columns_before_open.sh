#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# A malformed --columns value is a usage error (exit 2) found while parsing
# the arguments, like every other option value: before FILE is opened, so
# that a missing file does not hide it.
"$PQ" cat missing.parquet --columns ,
